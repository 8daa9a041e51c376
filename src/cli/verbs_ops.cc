// Operation and health verbs: ops list|show, doctor [--fix].

#include <algorithm>
#include <cstdint>

#include "cli/output.h"
#include "cli/verbs.h"
#include "cli/wait.h"
#include "core/validate.h"

namespace md::cli {
namespace {

std::string Duration(int64_t started_ms, int64_t finished_ms) {
  if (started_ms == 0 || finished_ms == 0) return "-";
  return FormatDurationMs(finished_ms - started_ms);
}

}  // namespace

int CmdOpsList(Context& ctx) {
  std::string sub = ctx.args.Get("--subdomain");
  if (ctx.args.positional.size() == 1 && sub.empty()) sub = ctx.args.positional[0];
  if (ctx.args.positional.size() > 1 || (ctx.args.positional.size() == 1 && ctx.args.Has("--subdomain"))) {
    return UsageError(ctx, "usage: meltanodata ops list [--subdomain SUB] [--limit N]");
  }
  if (!sub.empty()) {
    if (Status s = ValidateSubdomain(sub); !s.ok()) return PrintError(ctx.err, s);
  }
  long long limit = 50;
  if (ctx.args.Has("--limit") && !ParseInt(ctx.args.Get("--limit"), 1, 1000, &limit)) {
    return UsageError(ctx, "--limit must be a number from 1 to 1000");
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  Query query = {{"limit", std::to_string(limit)}};
  if (!sub.empty()) query.push_back({"subdomain", sub});
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/operations", query));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, auto ops, ApiClient::Decode<std::vector<Operation>>(answer));
  if (ops.empty()) {
    ctx.out << "no operations\n";
    return kExitOk;
  }
  Table table({"ID", "KIND", "SUBDOMAIN", "STATE", "CREATED", "DURATION", "ERROR"});
  for (const Operation& op : ops) {
    table.Add({std::to_string(op.id), op.kind, op.subdomain.empty() ? "-" : op.subdomain,
               OperationStateName(op.state), FormatTime(op.created_ms), Duration(op.started_ms, op.finished_ms),
               op.error});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int CmdOpsShow(Context& ctx) {
  int code = 0;
  if (!ExpectPositionals(ctx, 1, "ID", &code)) return code;
  long long id = 0;
  if (!ParseInt(ctx.args.positional[0], 1, INT64_MAX, &id)) {
    return UsageError(ctx, "operation ID must be a positive number (see `meltanodata ops list`)");
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/operations/" + std::to_string(id)));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, Operation op, ApiClient::Decode<Operation>(answer));
  std::vector<std::pair<std::string, std::string>> fields = {
      {"operation", "#" + std::to_string(op.id) + " " + Describe(op)},
      {"state", OperationStateName(op.state)},
      {"created", FormatTime(op.created_ms)},
      {"started", FormatTime(op.started_ms)},
      {"finished", FormatTime(op.finished_ms)},
      {"duration", Duration(op.started_ms, op.finished_ms)},
  };
  if (!op.params.empty() && op.params != "{}") fields.push_back({"parameters", op.params});
  if (!op.error.empty()) fields.push_back({"error", op.error});
  PrintFields(ctx.out, fields);
  if (!op.steps.empty()) {
    ctx.out << "\n";
    Table table({"STEP", "STATE", "ATTEMPTS", "DURATION", "ERROR"});
    for (const StepRecord& s : op.steps) {
      table.Add({s.name, StepStateName(s.state), std::to_string(s.attempts), Duration(s.started_ms, s.finished_ms),
                 s.error});
    }
    table.Print(ctx.out);
  }
  return kExitOk;
}

int CmdDoctor(Context& ctx) {
  int code = 0;
  if (!ExpectPositionals(ctx, 0, "", &code)) return code;
  const bool fix = ctx.args.Has("--fix");
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, fix ? client->Post("/v1/doctor/fix") : client->Get("/v1/doctor"));
  MD_CLI_TRY(ctx, auto findings, ApiClient::Decode<std::vector<DoctorFinding>>(answer));
  // --fix that could not repair everything has failed.
  bool repairs_failed = fix && std::any_of(findings.begin(), findings.end(), [](const DoctorFinding& f) { return !f.fixed; });
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return repairs_failed ? kExitFailed : kExitOk;
  }
  if (findings.empty()) {
    ctx.out << "✓ no drift, orphans or missing resources\n";
    return kExitOk;
  }
  Table table({"KIND", "SUBDOMAIN", "RESOURCE", "DETAIL", "FIXED"});
  size_t unfixed = 0;
  for (const DoctorFinding& f : findings) {
    if (!f.fixed) ++unfixed;
    table.Add({f.kind, f.subdomain.empty() ? "-" : f.subdomain, f.resource, f.detail, f.fixed ? "yes" : "no"});
  }
  table.Print(ctx.out);
  if (!fix && unfixed > 0) ctx.out << "repair with `meltanodata doctor --fix`\n";
  return repairs_failed ? kExitFailed : kExitOk;
}

}  // namespace md::cli
