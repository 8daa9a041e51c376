// Instance verbs: create, list, show, status, logs, upgrade, start/stop/restart, wipe-db, delete.

#include <chrono>

#include "cli/event_feed.h"
#include "cli/interrupt.h"
#include "cli/output.h"
#include "cli/verbs.h"
#include "cli/wait.h"
#include "core/validate.h"

namespace md::cli {
namespace {

constexpr auto kInterruptCheck = std::chrono::milliseconds(100);  // how soon Ctrl-C is noticed
constexpr auto kLostControllerGrace = std::chrono::seconds(60);

std::string Or(const std::string& s, const std::string& fallback) { return s.empty() ? fallback : s; }

std::vector<std::pair<std::string, std::string>> InstanceFields(const Instance& in) {
  return {{"subdomain", in.subdomain},
          {"name", in.name},
          {"email", in.email},
          {"app", in.app + " " + in.app_version},
          {"status", InstanceStatusName(in.status)},
          {"url", Or(in.url, "-")},
          {"database", in.cluster.empty() ? "-" : in.cluster + "/" + in.db_name},
          {"unix user", Or(in.unix_user, "-")},
          {"created", FormatTime(in.created_ms)}};
}

// `logs --follow`: the instance's logs/stream, printed as it comes (with -o
// json one LogChunk object a line) until Ctrl-C (exit 0), the instance is
// gone (its error), or the controller stays unreachable past the grace
// period. After a lost controller the feed resumes at the last piece
// printed (Last-Event-ID), so no line is printed twice.
int FollowLogs(Context& ctx, ApiClient& client, const std::string& sub, const Query& query) {
  InterruptGuard interrupt;
  MD_CLI_TRY(ctx, std::unique_ptr<EventFeed> feed,
             EventFeed::Open(client.url(), client.token(), query, InstancePath(sub) + "/logs/stream"));
  auto lost_since = std::chrono::steady_clock::time_point();
  while (!interrupt.interrupted()) {
    std::optional<FeedEvent> e = feed->Next(kInterruptCheck);
    if (lost_since != std::chrono::steady_clock::time_point() &&
        std::chrono::steady_clock::now() - lost_since >= kLostControllerGrace) {
      return PrintError(ctx.err, Unavailable("lost the controller while following the logs of " + sub));
    }
    if (!e) continue;
    if (e->type == "log") {
      Result<LogChunk> chunk = ApiClient::Decode<LogChunk>(e->data);
      if (!chunk.ok()) continue;
      if (ctx.json) {
        ctx.out << DumpJson(e->data) << "\n";
      } else {
        ctx.out << chunk->text;
      }
      ctx.out.flush();
    } else if (e->type == "end") {
      return PrintError(ctx.err, StatusFromHttpError(500, DumpJson(e->data)));
    } else if (e->type == "lost") {
      if (lost_since == std::chrono::steady_clock::time_point()) lost_since = std::chrono::steady_clock::now();
    } else if (e->type == "connected") {
      lost_since = {};
    }
  }
  return kExitOk;
}

}  // namespace

int CmdCreate(Context& ctx) {
  int code = 0;
  if (!ExpectPositionals(ctx, 0, "", &code)) return code;
  CreateRequest request;
  request.subdomain = ctx.args.Get("--subdomain");
  request.email = ctx.args.Get("--email");
  request.name = ctx.args.Get("--name");
  request.app = ctx.args.Get("--app", "demo");
  request.version = ctx.args.Get("--version");
  if (!ctx.args.Has("--subdomain") || !ctx.args.Has("--email") || !ctx.args.Has("--name")) {
    return UsageError(ctx, "create needs --subdomain SUB --email EMAIL --name NAME");
  }
  for (Status s : {ValidateSubdomain(request.subdomain), ValidateEmail(request.email), ValidateName(request.name),
                   ValidateAppName(request.app),
                   request.version.empty() ? Status::Ok() : ValidateVersion(request.version)}) {
    if (!s.ok()) return PrintError(ctx.err, s);
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Post("/v1/instances", ToJson(request)));
  MD_CLI_TRY(ctx, Operation op, ApiClient::Decode<Operation>(answer));
  return WaitAndReport(ctx, {op}, false, [client](const Operation& done) {
    Result<Instance> in = client->GetAs<Instance>(InstancePath(done.subdomain));
    if (!in.ok()) return "created " + done.subdomain;
    return done.subdomain + " is " + InstanceStatusName(in->status) + " at " + Or(in->url, "-");
  });
}

int CmdList(Context& ctx) {
  int code = 0;
  if (!ExpectPositionals(ctx, 0, "", &code)) return code;
  Query query;
  if (ctx.args.Has("--limit")) {
    long long limit = 0;
    if (!ParseInt(ctx.args.Get("--limit"), 1, 1000, &limit)) return UsageError(ctx, "--limit must be a number from 1 to 1000");
    query.push_back({"limit", std::to_string(limit)});
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/instances", query));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, auto instances, ApiClient::Decode<std::vector<Instance>>(answer));
  if (instances.empty()) {
    ctx.out << "no instances yet: create one with `meltanodata create`\n";
    return kExitOk;
  }
  Table table({"SUBDOMAIN", "STATUS", "APP", "VERSION", "URL", "EMAIL", "NAME"});
  for (const Instance& in : instances) {
    table.Add({in.subdomain, InstanceStatusName(in.status), in.app, in.app_version, Or(in.url, "-"),
               in.email, in.name});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int CmdShow(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OneSubdomain(ctx, &sub, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get(InstancePath(sub)));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, Instance in, ApiClient::Decode<Instance>(answer));
  auto fields = InstanceFields(in);
  const FileAccessInfo& f = in.file_access;
  if (f.sftp_port != 0) {
    fields.push_back({"sftp", "sftp://" + f.username + "@" + f.host + ":" + std::to_string(f.sftp_port) + "/"});
    fields.push_back({"ftp (TLS)", "ftp://" + f.username + "@" + f.host + ":" + std::to_string(f.ftp_port) + "/"});
    for (const HostKeyInfo& key : f.host_keys) fields.push_back({"host key", key.sha256 + " (" + key.type + ")"});
  }
  PrintFields(ctx.out, fields);
  return kExitOk;
}

int CmdStatus(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OneSubdomain(ctx, &sub, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Get(InstancePath(sub) + "/status"));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, InstanceStatusReport report, ApiClient::Decode<InstanceStatusReport>(answer));
  auto fields = InstanceFields(report.instance);
  fields.push_back({"process", report.up ? "up, pid " + std::to_string(report.pid) + ", for " +
                                               FormatUptime(report.uptime_s)
                                         : "down"});
  fields.push_back({"health", report.health_code != 0
                                  ? "HTTP " + std::to_string(report.health_code)
                                  : "no answer" + (report.health_error.empty() ? "" : " (" + report.health_error + ")")});
  // Through the front door, as a customer reaches it: the "url" above.
  fields.push_back({"https", report.url.empty()       ? "-"
                             : report.https_code != 0 ? "HTTP " + std::to_string(report.https_code)
                                                      : "no answer" + (report.https_error.empty()
                                                                           ? ""
                                                                           : " (" + report.https_error + ")")});
  fields.push_back({"certificate", report.cert_issuer.empty()
                                       ? "-"
                                       : report.cert_issuer + ", expires " + FormatTime(report.cert_not_after_ms) +
                                             ", " + (report.cert_trusted ? "trusted" : "local CA stand-in")});
  // Usage against the kernel-enforced limits.
  constexpr int64_t kMiB = 1024 * 1024;
  fields.push_back({"memory", report.memory_limit_bytes == 0
                                  ? "-"
                                  : std::to_string(report.memory_bytes / kMiB) + " MiB of " +
                                        std::to_string(report.memory_limit_bytes / kMiB) + " MiB"});
  fields.push_back({"processes", report.pids_limit == 0
                                     ? "-"
                                     : std::to_string(report.pids) + " of " + std::to_string(report.pids_limit)});
  fields.push_back({"cpu weight", report.cpu_weight == 0 ? "-" : std::to_string(report.cpu_weight)});
  fields.push_back({"welcome", report.welcome_state.empty() ? "-"
                               : report.welcome_state +
                                     (report.welcome_error.empty() ? "" : ": " + report.welcome_error)});
  PrintFields(ctx.out, fields);
  return kExitOk;
}

int CmdLogs(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OneSubdomain(ctx, &sub, &code)) return code;
  long long lines = 100;
  if (ctx.args.Has("--lines") && !ParseInt(ctx.args.Get("--lines"), 1, 100000, &lines)) {
    return UsageError(ctx, "--lines must be a number from 1 to 100000");
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  Query query = {{"lines", std::to_string(lines)}};
  if (!ctx.args.Has("--follow")) {
    MD_CLI_TRY(ctx, Json answer, client->Get(InstancePath(sub) + "/logs", query));
    MD_CLI_TRY(ctx, LogChunk chunk, ApiClient::Decode<LogChunk>(answer));
    if (ctx.json) {
      PrintJson(ctx.out, answer);
    } else {
      ctx.out << chunk.text;
    }
    return kExitOk;
  }
  return FollowLogs(ctx, *client, sub, query);
}

int CmdUpgrade(Context& ctx) {
  UpgradeRequest request;
  request.all = ctx.args.Has("--all");
  request.subdomains = ctx.args.positional;
  request.version = ctx.args.Get("--to");
  if (!ctx.args.Has("--to")) return UsageError(ctx, "upgrade needs --to VERSION");
  if (request.all == !request.subdomains.empty()) return UsageError(ctx, "upgrade needs SUB... or --all, not both");
  if (Status s = ValidateVersion(request.version); !s.ok()) return PrintError(ctx.err, s);
  for (const std::string& sub : request.subdomains) {
    if (Status s = ValidateSubdomain(sub); !s.ok()) return PrintError(ctx.err, s);
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Post("/v1/upgrades", ToJson(request)));
  MD_CLI_TRY(ctx, auto ops, ApiClient::Decode<std::vector<Operation>>(answer));
  if (ops.empty() && !ctx.json) {
    ctx.out << "nothing to upgrade\n";
    return kExitOk;
  }
  std::string version = request.version;
  return WaitAndReport(ctx, ops, true, [version](const Operation& op) {
    return op.subdomain + " upgraded to " + version;
  });
}

int CmdLifecycle(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OneSubdomain(ctx, &sub, &code)) return code;
  const std::string verb = ctx.command;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Post(InstancePath(sub) + "/" + verb));
  MD_CLI_TRY(ctx, Operation op, ApiClient::Decode<Operation>(answer));
  const char* done = verb == "start" ? "started" : verb == "stop" ? "stopped" : "restarted";
  return WaitAndReport(ctx, {op}, false, [done](const Operation& o) { return o.subdomain + " " + done; });
}

int CmdWipeDb(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OneSubdomain(ctx, &sub, &code)) return code;
  if (!ctx.args.Has("--yes")) {
    return UsageError(ctx, "wipe-db drops every schema of " + sub + "'s database except public: add --yes to confirm");
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Post(InstancePath(sub) + "/wipe-db"));
  MD_CLI_TRY(ctx, Operation op, ApiClient::Decode<Operation>(answer));
  return WaitAndReport(ctx, {op}, false, [](const Operation& o) { return "database of " + o.subdomain + " wiped"; });
}

int CmdDelete(Context& ctx) {
  const auto& subs = ctx.args.positional;
  if (subs.empty()) return UsageError(ctx, "delete needs at least one SUB");
  for (const std::string& sub : subs) {
    if (Status s = ValidateSubdomain(sub); !s.ok()) return PrintError(ctx.err, s);
  }
  if (!ctx.args.Has("--yes")) {
    std::string list;
    for (const std::string& sub : subs) list += (list.empty() ? "" : ", ") + sub;
    return UsageError(ctx, "delete removes " + list + " and every resource of it for good: add --yes to confirm");
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  // One operation per instance; a refusal for one does not stop the others.
  std::vector<Operation> ops;
  int request_failure = kExitOk;
  for (const std::string& sub : subs) {
    Result<Json> answer = client->Delete(InstancePath(sub) + (ctx.args.Has("--no-backup") ? "?backup=false" : ""));
    Result<Operation> op = answer.ok() ? ApiClient::Decode<Operation>(*answer) : Result<Operation>(answer.status());
    if (!op.ok()) {
      int c = PrintError(ctx.err, op.status().WithContext("delete " + sub));
      if (op.status().code() == Code::kUnavailable) return c;  // no controller: the others would fail alike
      if (request_failure == kExitOk) request_failure = c;
      continue;
    }
    ops.push_back(*op);
  }
  int waited = WaitAndReport(ctx, ops, true, [](const Operation& o) { return o.subdomain + " deleted"; });
  return request_failure != kExitOk ? request_failure : waited;
}

}  // namespace md::cli
