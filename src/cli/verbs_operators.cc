// Operator account verbs: operators add|list|remove. An operator signs in to
// the dashboard with a name and a password; the password is read from stdin
// (no echo on a terminal), never from the command line, and never printed.

#include "cli/output.h"
#include "cli/secret_input.h"
#include "cli/verbs.h"
#include "core/validate.h"

namespace md::cli {
namespace {

// The NAME positional, validated.
bool OperatorName(Context& ctx, std::string* name, int* code) {
  if (!ExpectPositionals(ctx, 1, "NAME", code)) return false;
  *name = ctx.args.positional[0];
  if (Status s = ValidateOperatorName(*name); !s.ok()) {
    *code = PrintError(ctx.err, s);
    return false;
  }
  return true;
}

}  // namespace

int CmdOperatorsAdd(Context& ctx) {
  int code = 0;
  OperatorRequest request;
  if (!OperatorName(ctx, &request.name, &code)) return code;
  MD_CLI_TRY(ctx, request.password, ReadSecretLine(ctx.in, ctx.in_is_terminal, ctx.err, "password"));
  if (!ctx.in_is_terminal) {
    if (Status s = ExpectNoMoreInput(ctx.in); !s.ok()) return PrintError(ctx.err, s);
  }
  if (Status s = ValidateOperatorPassword(request.password); !s.ok()) return PrintError(ctx.err, s);
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Post("/v1/operators", ToJson(request)));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  ctx.out << "✓ added operator " << request.name << ": sign in to the dashboard with this name and password\n";
  return kExitOk;
}

int CmdOperatorsList(Context& ctx) {
  int code = 0;
  if (!ExpectPositionals(ctx, 0, "", &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/operators"));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, auto operators, ApiClient::Decode<std::vector<OperatorInfo>>(answer));
  if (operators.empty()) {
    ctx.out << "no operators: add one with `meltanodata operators add NAME` (the admin token signs in too)\n";
    return kExitOk;
  }
  Table table({"NAME", "CREATED"});
  for (const OperatorInfo& o : operators) table.Add({o.name, FormatTime(o.created_ms)});
  table.Print(ctx.out);
  return kExitOk;
}

int CmdOperatorsRemove(Context& ctx) {
  int code = 0;
  std::string name;
  if (!OperatorName(ctx, &name, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Delete("/v1/operators/" + name));
  (void)answer;
  if (ctx.json) {
    PrintJson(ctx.out, Json{{"removed", name}});
    return kExitOk;
  }
  ctx.out << "✓ removed operator " << name << " (sessions already signed in end when they expire)\n";
  return kExitOk;
}

}  // namespace md::cli
