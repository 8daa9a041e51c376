// Environment verbs: flags list|set|unset and secrets list|set|unset.
// Flags are visible settings; secrets are write-only: their values are
// never printed, echoed in an error, or read back, and are best given on
// stdin (`secrets set SUB KEY`, one line per bare KEY) rather than in argv.

#include <algorithm>

#include "cli/output.h"
#include "cli/secret_input.h"
#include "cli/verbs.h"
#include "cli/wait.h"
#include "core/validate.h"

namespace md::cli {
namespace {

enum class Kind { kFlags, kSecrets };

const char* Noun(Kind kind) { return kind == Kind::kFlags ? "flags" : "secrets"; }

std::string Path(Kind kind, const std::string& sub) { return "/v1/instances/" + sub + "/" + Noun(kind); }

// The SUB positional, validated; the rest are KEY=VALUE or KEY arguments.
bool SubdomainAndRest(Context& ctx, bool need_rest, std::string* sub, std::vector<std::string>* rest, int* code) {
  const auto& pos = ctx.args.positional;
  if (pos.empty() || (need_rest && pos.size() < 2) || (!need_rest && pos.size() > 1)) {
    *code = UsageError(ctx, "usage: meltanodata " + ctx.command + (need_rest ? " SUB KEY..." : " SUB"));
    return false;
  }
  *sub = pos[0];
  if (Status s = ValidateSubdomain(*sub); !s.ok()) {
    *code = PrintError(ctx.err, s);
    return false;
  }
  rest->assign(pos.begin() + 1, pos.end());
  return true;
}

int List(Context& ctx, Kind kind) {
  std::string sub;
  std::vector<std::string> rest;
  int code = 0;
  if (!SubdomainAndRest(ctx, false, &sub, &rest, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get(Path(kind, sub)));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  if (kind == Kind::kFlags) {
    MD_CLI_TRY(ctx, EnvMap flags, ApiClient::Decode<EnvMap>(answer));
    if (flags.empty()) ctx.out << "no flags set on " << sub << "\n";
    for (const auto& [k, v] : flags) ctx.out << k << "=" << v << "\n";
  } else {
    MD_CLI_TRY(ctx, auto names, ApiClient::Decode<std::vector<std::string>>(answer));
    if (names.empty()) ctx.out << "no secrets set on " << sub << "\n";
    for (const std::string& name : names) ctx.out << name << "\n";
  }
  return kExitOk;
}

int Change(Context& ctx, Kind kind, bool set) {
  std::string sub;
  std::vector<std::string> rest;
  int code = 0;
  if (!SubdomainAndRest(ctx, true, &sub, &rest, &code)) return code;
  EnvChange change;
  bool value_in_argv = false;
  bool value_on_stdin = false;
  for (const std::string& arg : rest) {
    if (!set) {
      if (Status s = ValidateEnvKey(arg); !s.ok()) return PrintError(ctx.err, s);
      change.unset.push_back(arg);
      continue;
    }
    auto eq = arg.find('=');
    std::string key = arg.substr(0, eq);
    std::string value;
    if (eq == std::string::npos && kind == Kind::kFlags) return UsageError(ctx, "'" + arg + "' is not KEY=VALUE");
    if (Status s = ValidateEnvKey(key); !s.ok()) return PrintError(ctx.err, s);
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
      value_in_argv = true;
    } else {
      // `secrets set SUB KEY`: the value comes from stdin, never the command line.
      MD_CLI_TRY(ctx, value, ReadSecretLine(ctx.in, ctx.in_is_terminal, ctx.err, key));
      value_on_stdin = true;
    }
    // The message of ValidateEnvValue never quotes the value.
    if (Status s = ValidateEnvValue(value); !s.ok()) return PrintError(ctx.err, s.WithContext(key));
    change.set[key] = value;
  }
  if (value_on_stdin && !ctx.in_is_terminal) {
    if (Status s = ExpectNoMoreInput(ctx.in); !s.ok()) return PrintError(ctx.err, s);
  }
  if (kind == Kind::kSecrets && value_in_argv) {
    ctx.err << "warning: a secret given as KEY=VALUE is visible to other users in /proc and stays in shell "
               "history; give a bare KEY and its value on stdin\n";
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Patch(Path(kind, sub), ToJson(change)));
  MD_CLI_TRY(ctx, Operation op, ApiClient::Decode<Operation>(answer));
  std::string what = std::string(Noun(kind)) + " of " + sub + " updated";
  return WaitAndReport(ctx, {op}, false, [what](const Operation&) { return what; });
}

}  // namespace

int CmdFlagsList(Context& ctx) { return List(ctx, Kind::kFlags); }
int CmdFlagsSet(Context& ctx) { return Change(ctx, Kind::kFlags, true); }
int CmdFlagsUnset(Context& ctx) { return Change(ctx, Kind::kFlags, false); }
int CmdSecretsList(Context& ctx) { return List(ctx, Kind::kSecrets); }
int CmdSecretsSet(Context& ctx) { return Change(ctx, Kind::kSecrets, true); }
int CmdSecretsUnset(Context& ctx) { return Change(ctx, Kind::kSecrets, false); }

}  // namespace md::cli
