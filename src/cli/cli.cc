#include "cli/cli.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/verbs.h"
#include "core/validate.h"

namespace md {
namespace cli {

int UsageError(Context& ctx, const std::string& message) {
  std::string topic = ctx.command.empty() ? "" : " (see `meltanodata help " + ctx.command + "`)";
  ctx.err << "error: " << message << topic << "\n";
  return kExitUsage;
}

bool ExpectPositionals(Context& ctx, size_t n, const std::string& what, int* exit_code) {
  if (ctx.args.positional.size() == n) return true;
  if (ctx.args.positional.size() < n) {
    *exit_code = UsageError(ctx, ctx.command + " needs " + what);
  } else {
    *exit_code = UsageError(ctx, "unexpected argument '" + ctx.args.positional[n] + "'");
  }
  return false;
}

bool OneSubdomain(Context& ctx, std::string* sub, int* exit_code) {
  if (!ExpectPositionals(ctx, 1, "SUB", exit_code)) return false;
  *sub = ctx.args.positional[0];
  if (Status s = ValidateSubdomain(*sub); !s.ok()) {
    *exit_code = PrintError(ctx.err, s);
    return false;
  }
  return true;
}

bool OptionalSubdomain(Context& ctx, const std::string& usage, std::string* sub, int* exit_code) {
  if (ctx.args.positional.size() > 1) {
    *exit_code = UsageError(ctx, "usage: meltanodata " + usage);
    return false;
  }
  *sub = ctx.args.positional.empty() ? "" : ctx.args.positional[0];
  if (Status s = sub->empty() ? Status::Ok() : ValidateSubdomain(*sub); !s.ok()) {
    *exit_code = PrintError(ctx.err, s);
    return false;
  }
  return true;
}

std::string InstancePath(const std::string& sub) { return "/v1/instances/" + sub; }

namespace {

// The width of terminal `fd`; 0 if it is not one, or TERM says it cannot
// redraw a line.
int TerminalColumns(int fd) {
  const char* term = std::getenv("TERM");
  if (isatty(fd) != 1 || term == nullptr || std::string(term) == "dumb") return 0;
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

// Every flag that takes a value, in any command: to find the command words.
std::set<std::string> ValueFlags() {
  std::set<std::string> out;
  for (const FlagSpec& f : GlobalFlags()) {
    if (f.takes_value) out.insert(f.name);
  }
  for (const Command& c : Commands()) {
    for (const FlagSpec& f : c.flags) {
      if (f.takes_value) out.insert(f.name);
    }
  }
  return out;
}

int Run(const std::vector<std::string>& raw_args, std::ostream& out, std::ostream& err, std::istream& in) {
  Context ctx(out, err, in);
  const std::vector<std::string> args = CanonicalizeArgs(raw_args);
  const std::vector<std::string> words = Positionals(args, ValueFlags());
  const bool wants_help = std::find(args.begin(), args.end(), "--help") != args.end();

  if (words.empty()) {
    PrintHelp(wants_help ? out : err, "");
    return wants_help ? kExitOk : kExitUsage;
  }
  if (words[0] == "help") {
    std::string topic = words.size() > 1 ? words[1] : "";
    if (words.size() > 2) topic += " " + words[2];
    PrintHelp(out, topic);
    return kExitOk;
  }
  std::string command = words[0];
  size_t command_words = 1;
  if (IsGroup(words[0])) {
    if (words.size() < 2) {
      if (wants_help) {
        PrintHelp(out, words[0]);
        return kExitOk;
      }
      ctx.command = words[0];
      return UsageError(ctx, words[0] + " needs a subcommand");
    }
    command += " " + words[1];
    command_words = 2;
  }
  const Command* cmd = FindCommand(command);
  if (cmd == nullptr) {
    err << "error: unknown command '" << command << "': see `meltanodata help`\n";
    return kExitUsage;
  }
  ctx.command = command;
  if (wants_help) {
    PrintHelp(out, command);
    return kExitOk;
  }
  if (cmd->run == nullptr) return UsageError(ctx, "`" + command + "` is run by the meltanodata binary itself, not the client");

  std::vector<FlagSpec> spec = GlobalFlags();
  spec.insert(spec.end(), cmd->flags.begin(), cmd->flags.end());
  Result<ParsedArgs> parsed = ParseArgs(args, spec);
  if (!parsed.ok()) return UsageError(ctx, parsed.status().message());
  ctx.args = std::move(*parsed);
  ctx.args.positional.erase(ctx.args.positional.begin(), ctx.args.positional.begin() + command_words);

  std::string format = ctx.args.Get("--output", "table");
  if (format != "json" && format != "table") return UsageError(ctx, "-o must be json or table");
  ctx.json = format == "json";
  ctx.server_url = ResolveServerUrl(ctx.args.Get("--server"));
  ctx.token_flag = ctx.args.Get("--token");
  if (!ctx.token_flag.empty()) {
    err << "warning: --token is visible to other users of this machine (in /proc); set MELTANODATA_TOKEN, or "
           "run as the user whose data dir holds admin.token\n";
  }
  ctx.in_is_terminal = &in == &std::cin && isatty(STDIN_FILENO) == 1;
  ctx.out_columns = &out == &std::cout ? TerminalColumns(STDOUT_FILENO) : 0;
  return cmd->run(ctx);
}

}  // namespace
}  // namespace cli

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::istream& in) {
  try {
    return cli::Run(args, out, err, in);
  } catch (const std::exception& e) {
    err << "error: unexpected failure in the command line: " << e.what() << "\n";
    return cli::kExitFailed;
  }
}

int RunCli(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return RunCli(args, std::cout, std::cerr, std::cin);
}

}  // namespace md
