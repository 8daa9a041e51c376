// Credential and audit verbs: credentials show|rotate, audit.
// `credentials show` is the one verb that prints secret values: for an
// operator who asked, never in logs (the controller audits each call).

#include <cctype>

#include "cli/output.h"
#include "cli/verbs.h"
#include "cli/wait.h"
#include "core/clock.h"
#include "core/strings.h"
#include "core/validate.h"

namespace md::cli {
namespace {

// --since: a duration back from now ("30m", "2h", "7d", "90s"), a date
// ("2026-03-01", UTC midnight) or an RFC 3339 UTC time; as milliseconds.
Result<int64_t> ParseSince(const std::string& text) {
  const Status bad = InvalidArgument("--since takes a duration back from now (30m, 2h, 7d), a date (2026-03-01) or "
                                     "an RFC 3339 UTC time (2026-03-01T12:00:00Z)");
  if (text.empty()) return bad;
  const char unit = text.back();
  const std::string number = text.substr(0, text.size() - 1);
  long long n = 0;
  if (std::string("smhd").find(unit) != std::string::npos && ParseInt(number, 0, 100000000, &n)) {
    int64_t per = unit == 's' ? 1000 : unit == 'm' ? 60000 : unit == 'h' ? 3600000 : 86400000;
    return NowMs() - n * per;
  }
  int64_t ms = 0;
  if (ParseTimestamp(text, &ms) || (text.size() == 10 && ParseTimestamp(text + "T00:00:00Z", &ms))) return ms;
  return bad;
}

}  // namespace

int CmdCredentialsShow(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OneSubdomain(ctx, &sub, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get(InstancePath(sub) + "/credentials"));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, auto credentials, ApiClient::Decode<std::vector<Credential>>(answer));
  Table table({"KIND", "USERNAME", "PASSWORD", "FOR"});
  for (const Credential& c : credentials) table.Add({c.kind, c.username, c.password, c.target});
  table.Print(ctx.out);
  return kExitOk;
}

int CmdCredentialsRotate(Context& ctx) {
  const auto& args = ctx.args.positional;
  if (args.empty() || args.size() > 2) return UsageError(ctx, "usage: meltanodata credentials rotate SUB [KIND]");
  const std::string& sub = args[0];
  if (Status s = ValidateSubdomain(sub); !s.ok()) return PrintError(ctx.err, s);
  std::string kind = args.size() == 2 ? args[1] : "";
  for (char c : kind) {
    if (!std::islower(static_cast<unsigned char>(c))) {
      return PrintError(ctx.err, InvalidArgument("a credential kind is a lower-case word (admin, db)"));
    }
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  std::string path = InstancePath(sub) + "/credentials/rotate" + (kind.empty() ? "" : "?kind=" + PercentEncode(kind));
  MD_CLI_TRY(ctx, Json answer, client->Post(path));
  MD_CLI_TRY(ctx, Operation op, ApiClient::Decode<Operation>(answer));
  return WaitAndReport(ctx, {op}, false, [kind](const Operation& o) {
    return (kind.empty() ? std::string("credentials") : kind + " credentials") + " of " + o.subdomain +
           " rotated; see `meltanodata credentials show " + o.subdomain + "`";
  });
}

int CmdAudit(Context& ctx) {
  if (!ctx.args.positional.empty()) {
    return UsageError(ctx, "usage: meltanodata audit [--instance SUB] [--since T] [--limit N]");
  }
  Query query;
  if (ctx.args.Has("--instance")) {
    std::string sub = ctx.args.Get("--instance");
    if (Status s = ValidateSubdomain(sub); !s.ok()) return PrintError(ctx.err, s);
    query.push_back({"subdomain", sub});
  }
  if (ctx.args.Has("--since")) {
    MD_CLI_TRY(ctx, int64_t since, ParseSince(ctx.args.Get("--since")));
    query.push_back({"since", FormatTimestamp(since)});
  }
  if (ctx.args.Has("--limit")) {
    long long limit = 0;
    if (!ParseInt(ctx.args.Get("--limit"), 1, 100000, &limit)) {
      return PrintError(ctx.err, InvalidArgument("--limit must be a number from 1 to 100000"));
    }
    query.push_back({"limit", std::to_string(limit)});
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/audit", query));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, auto events, ApiClient::Decode<std::vector<AuditEvent>>(answer));
  if (events.empty()) {
    ctx.out << "no audit events\n";
    return kExitOk;
  }
  Table table({"TIME", "ACTOR", "ACTION", "INSTANCE", "CLIENT", "RESULT"});
  for (const AuditEvent& e : events) {
    table.Add({FormatTime(e.at_ms), e.actor.empty() ? "-" : e.actor, e.action, e.subdomain.empty() ? "-" : e.subdomain,
               e.client, std::to_string(e.status) + " " + e.outcome});
  }
  table.Print(ctx.out);
  return kExitOk;
}

}  // namespace md::cli
