#include "api/routes.h"

#include <algorithm>
#include <regex>

#include "api/event_stream.h"
#include "api/log_stream.h"
#include "api/openapi.h"
#include "api/requests.h"
#include "core/validate.h"

namespace md {

Reply Ok(Json body) { return {200, std::move(body), "", nullptr, std::nullopt}; }
Reply Accepted(const Operation& op) { return {202, ToJson(op), "/v1/operations/" + std::to_string(op.id), nullptr, std::nullopt}; }

std::optional<std::string_view> RouteCall::Query(const char* name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return std::string_view(it->second);
}

const std::vector<PathParamSpec>& PathParamSpecs() {
  static const std::vector<PathParamSpec> specs = {
      {"subdomain", ParamType::kString, "the instance: an RFC 1123 label, not a reserved name", ValidateSubdomain},
      {"host", ParamType::kString, "a customer's own host name", ValidateHostName},
      {"cluster", ParamType::kString, "a database cluster's name", ValidateClusterName},
      {"operator", ParamType::kString, "an operator account's name", ValidateOperatorName},
      {"id", ParamType::kInteger, "an operation's id",
       [](const std::string& text) { return ParseOperationId(text).status(); }},
  };
  return specs;
}

const PathParamSpec* FindPathParam(const std::string& name) {
  for (const PathParamSpec& spec : PathParamSpecs()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string RouteName(const Route& route) { return route.method + " " + route.path; }

std::vector<std::string> PathParamNames(const std::string& pattern) {
  static const std::regex kParam(R"(\{([a-z_]+)\})");
  std::vector<std::string> names;
  for (auto it = std::sregex_iterator(pattern.begin(), pattern.end(), kParam); it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[1].str());
  }
  return names;
}

std::string PathRegex(const std::string& pattern) {
  static const std::regex kParam(R"(\{[a-z_]+\})");
  return std::regex_replace(pattern, kParam, "([^/]+)");
}

namespace {

const QueryParamSpec kSubdomainFilter{"subdomain", ParamType::kString, "only this instance's"};

// "" when absent; else a valid subdomain.
Result<std::string> OptionalSubdomain(const RouteCall& call) {
  std::string sub(call.Query("subdomain").value_or(""));
  if (!sub.empty()) MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
  return sub;
}

// The controller knows the kinds; the API refuses what cannot be one before asking it.
Status ValidateCredentialKindShape(std::string_view kind) {
  bool ok = kind.size() <= 32 && std::all_of(kind.begin(), kind.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (!ok) return InvalidArgument("kind must be a credential kind such as admin or db; see `meltanodata credentials show`");
  return Status::Ok();
}

Route LifecycleRoute(const char* verb, Lifecycle action, const char* summary) {
  return {"POST", std::string("/v1/instances/{subdomain}/") + verb, {}, "", "Operation", {202, 404, 409}, summary,
          [action](Controller& c, const RouteCall& call) -> Result<Reply> {
            MD_ASSIGN_OR_RETURN(Operation op, c.ChangeLifecycle(call.Path("subdomain"), action));
            return Accepted(op);
          }};
}

std::vector<Route> MakeRoutes() {
  using C = Controller;
  using Call = RouteCall;
  return {
      {"GET", "/healthz", {}, "", "Health", {200}, "Liveness probe: needs no token and reads no input",
       [](C&, const Call&) -> Result<Reply> { return Ok({{"ok", true}}); }, /*open=*/true},
      {"GET", "/metrics", {}, "", "", {200, 404}, "The controller's metrics in the Prometheus text format",
       [](C& c, const Call&) -> Result<Reply> {
         MetricsSource* metrics = c.Metrics();
         if (metrics == nullptr) return NotFound("this controller keeps no metrics");
         Reply reply;
         MD_ASSIGN_OR_RETURN(reply.text, metrics->Exposition());
         return reply;
       },
       /*open=*/false, "text/plain; version=0.0.4; charset=utf-8"},
      {"GET", "/v1/openapi.json", {}, "", "OpenApiDocument", {200}, "This API as an OpenAPI 3.0 document",
       [](C&, const Call&) -> Result<Reply> { return Ok(OpenApiDocument(ApiRoutes())); }},
      {"GET", "/v1/events",
       {{"subdomain", ParamType::kString, "only events of this instance"},
        {"operation", ParamType::kString, "only events of these operations: IDs separated by commas"}},
       "", "Event", {200, 503},
       "Server-sent events: operations' progress and instances' status, as they happen",
       [](C& c, const Call& call) -> Result<Reply> { return StreamEvents(c.Events(), call); },
       false, "text/event-stream"},

      // --- instances ---
      {"GET", "/v1/instances",
       {{"limit", ParamType::kInteger, "at most this many (1-1000; default: all)"},
        {"offset", ParamType::kInteger, "skip this many first (default 0)"},
        {"sort", ParamType::kString, "subdomain (default), name, status, app, version, cluster or created; -KEY: descending"},
        {"status", ParamType::kString, "only instances with this status"},
        {"q", ParamType::kString, "only instances whose subdomain, name or email holds this text (any case)"}},
       "", "Instance[]", {200},
       "List the instances (a page of them: X-Total-Count says how many match in all)",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(InstanceQuery query, ParseInstanceQuery(call.Query("limit"), call.Query("offset"),
                                                                     call.Query("sort"), call.Query("status"),
                                                                     call.Query("q")));
         MD_ASSIGN_OR_RETURN(InstancePage page, c.ListInstancesPage(query));
         Reply reply = Ok(ToJson(page.instances));
         reply.headers.push_back({"X-Total-Count", std::to_string(page.total)});
         return reply;
       }},
      {"POST", "/v1/instances", {}, "CreateRequest", "Operation", {202, 409}, "Create an instance",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(CreateRequest request, DecodeCreateRequest(call.body));
         MD_ASSIGN_OR_RETURN(Operation op, c.CreateInstance(request));
         return Accepted(op);
       }},
      {"GET", "/v1/instances/{subdomain}", {}, "", "Instance", {200, 404}, "Show an instance",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(Instance instance, c.GetInstance(call.Path("subdomain")));
         return Ok(ToJson(instance));
       }},
      {"DELETE", "/v1/instances/{subdomain}",
       {{"backup", ParamType::kBoolean, "take a checked backup first (default true)"}}, "", "Operation",
       {202, 404, 409}, "Delete an instance and every resource it owns",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(bool backup, ParseBoolParam("backup", call.Query("backup"), true));
         MD_ASSIGN_OR_RETURN(Operation op, c.DeleteInstance(call.Path("subdomain"), backup));
         return Accepted(op);
       }},
      {"GET", "/v1/instances/{subdomain}/status", {}, "", "StatusReport", {200, 404},
       "Process, health, front door and resource usage of an instance",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(InstanceStatusReport report, c.GetStatus(call.Path("subdomain")));
         return Ok(ToJson(report));
       }},
      {"GET", "/v1/instances/{subdomain}/logs",
       {{"lines", ParamType::kInteger, "how many last lines (1-100000, default 100)"},
        {"cursor", ParamType::kString, "from a previous answer: only what was written since"}},
       "", "LogChunk", {200, 404}, "The app log and the service output",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(int64_t lines,
                             ParseIntParam("lines", call.Query("lines"), kDefaultLogLines, 1, kMaxLogLines));
         std::string cursor(call.Query("cursor").value_or(""));
         MD_RETURN_IF_ERROR(ValidateLogCursor(cursor));
         MD_ASSIGN_OR_RETURN(LogChunk chunk, c.ReadLogs(call.Path("subdomain"), static_cast<int>(lines), cursor));
         return Ok(ToJson(chunk));
       }},
      {"GET", "/v1/instances/{subdomain}/logs/stream",
       {{"lines", ParamType::kInteger, "how many last lines to start with (1-100000, default 100)"},
        {"cursor", ParamType::kString, "start with what was written since this cursor instead (so does Last-Event-ID)"}},
       "", "LogChunk", {200, 404, 503},
       "Server-sent events: the app log and the service output as they are written",
       [](C& c, const Call& call) -> Result<Reply> { return StreamLogs(c, call); }, false, "text/event-stream"},
      {"GET", "/v1/instances/{subdomain}/flags", {}, "", "EnvMap", {200, 404}, "The feature flags",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(EnvMap flags, c.ListFlags(call.Path("subdomain")));
         return Ok(Json(flags));
       }},
      {"PATCH", "/v1/instances/{subdomain}/flags", {}, "EnvChange", "Operation", {202, 404, 409},
       "Set and unset feature flags (hot reload, no restart)",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(EnvChange change, DecodeEnvChange(call.body));
         MD_ASSIGN_OR_RETURN(Operation op, c.ChangeFlags(call.Path("subdomain"), change.set, change.unset));
         return Accepted(op);
       }},
      {"PATCH", "/v1/instances/{subdomain}/limits", {}, "LimitsChange", "Operation", {202, 404},
       "Change the resource limits (applied live)",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(ResourceLimits change, DecodeLimitsChange(call.body));
         MD_ASSIGN_OR_RETURN(Operation op, c.SetLimits(call.Path("subdomain"), change));
         return Accepted(op);
       }},
      {"GET", "/v1/instances/{subdomain}/secrets", {}, "", "Names", {200, 404}, "The secrets' names, never values",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(std::vector<std::string> names, c.ListSecretNames(call.Path("subdomain")));
         return Ok(Json(names));
       }},
      {"PATCH", "/v1/instances/{subdomain}/secrets", {}, "EnvChange", "Operation", {202, 404, 409},
       "Set and unset secrets",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(EnvChange change, DecodeEnvChange(call.body));
         MD_ASSIGN_OR_RETURN(Operation op, c.ChangeSecrets(call.Path("subdomain"), change.set, change.unset));
         return Accepted(op);
       }},
      {"GET", "/v1/instances/{subdomain}/credentials", {}, "", "Credential[]", {200, 404},
       "The instance's logins in clear (audited)",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(auto credentials, c.ShowCredentials(call.Path("subdomain")));
         return Ok(ToJson(credentials));
       }},
      {"POST", "/v1/instances/{subdomain}/credentials/rotate",
       {{"kind", ParamType::kString, "only this credential (admin, db, files); default every one"}}, "", "Operation",
       {202, 404}, "New values of the instance's credentials, set everywhere they are used",
       [](C& c, const Call& call) -> Result<Reply> {
         std::string kind(call.Query("kind").value_or(""));
         MD_RETURN_IF_ERROR(ValidateCredentialKindShape(kind));
         MD_ASSIGN_OR_RETURN(Operation op, c.RotateCredentials(call.Path("subdomain"), kind));
         return Accepted(op);
       }},
      LifecycleRoute("start", Lifecycle::kStart, "Start a stopped instance"),
      LifecycleRoute("stop", Lifecycle::kStop, "Stop an instance (never woken until started)"),
      LifecycleRoute("restart", Lifecycle::kRestart, "Restart an instance"),
      {"POST", "/v1/instances/{subdomain}/wipe-db", {}, "", "Operation", {202, 404, 409},
       "Drop every schema of the instance's database but public, after a backup",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(Operation op, c.WipeDatabase(call.Path("subdomain")));
         return Accepted(op);
       }},
      {"POST", "/v1/instances/{subdomain}/backups", {}, "", "Operation", {202, 404}, "Take a checked backup",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(Operation op, c.BackupInstance(call.Path("subdomain")));
         return Accepted(op);
       }},
      {"POST", "/v1/instances/{subdomain}/restore",
       {{"from", ParamType::kString, "the backup's id; default the newest"}}, "", "Operation", {202, 404, 409},
       "Restore a backup into the instance, or as the instance again",
       [](C& c, const Call& call) -> Result<Reply> {
         std::string from(call.Query("from").value_or(""));
         if (!from.empty()) MD_RETURN_IF_ERROR(ValidateBackupId(from));
         MD_ASSIGN_OR_RETURN(Operation op, c.Restore(call.Path("subdomain"), from));
         return Accepted(op);
       }},
      {"GET", "/v1/backups", {kSubdomainFilter}, "", "Backup[]", {200}, "List the backups, newest first",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(std::string sub, OptionalSubdomain(call));
         MD_ASSIGN_OR_RETURN(auto backups, c.ListBackups(sub));
         return Ok(ToJson(backups));
       }},
      {"POST", "/v1/upgrades", {}, "UpgradeRequest", "Operation[]", {202, 404, 409},
       "Upgrade instances (or all) to a version, each with a health gate",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(UpgradeRequest request, DecodeUpgradeRequest(call.body));
         MD_ASSIGN_OR_RETURN(auto ops, c.Upgrade(request.subdomains, request.all, request.version));
         return Reply{202, ToJson(ops), "", nullptr, std::nullopt};
       }},

      // --- the front door: certificates, the local CA, file access, custom domains ---
      {"GET", "/v1/certificates", {}, "", "Certificate[]", {200}, "The certificates the front door serves",
       [](C& c, const Call&) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(auto certs, c.ListCertificates());
         return Ok(ToJson(certs));
       }},
      {"GET", "/v1/ca", {}, "", "CaRoot", {200}, "The local CA's root certificate, for clients to trust",
       [](C& c, const Call&) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(std::string pem, c.LocalCaRootPem());
         return Ok(Json{{"root_pem", pem}});
       }},
      {"GET", "/v1/known-hosts", {kSubdomainFilter}, "", "KnownHost[]", {200, 404, 409},
       "The SFTP server's host keys as known_hosts lines",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(std::string sub, OptionalSubdomain(call));
         MD_ASSIGN_OR_RETURN(auto lines, c.KnownHosts(sub));
         return Ok(ToJson(lines));
       }},
      {"GET", "/v1/domains", {kSubdomainFilter}, "", "Domain[]", {200}, "Customers' own host names",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(std::string sub, OptionalSubdomain(call));
         MD_ASSIGN_OR_RETURN(auto domains, c.ListDomains(sub));
         return Ok(ToJson(domains));
       }},
      {"POST", "/v1/instances/{subdomain}/domains", {}, "DomainRequest", "Domain", {201, 404, 409},
       "Route a customer's own host name to the instance",
       [](C& c, const Call& call) -> Result<Reply> {
         const std::string& sub = call.Path("subdomain");
         MD_ASSIGN_OR_RETURN(DomainRequest request, DecodeDomainRequest(call.body));
         MD_ASSIGN_OR_RETURN(CustomDomain domain, c.AddDomain(sub, request.host));
         return Reply{201, ToJson(domain), "/v1/instances/" + sub + "/domains/" + request.host, nullptr, std::nullopt};
       }},
      {"DELETE", "/v1/instances/{subdomain}/domains/{host}", {}, "", "", {204, 404}, "Remove a custom host name",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_RETURN_IF_ERROR(c.RemoveDomain(call.Path("subdomain"), call.Path("host")));
         return Reply{204, std::nullopt, "", nullptr, std::nullopt};
       }},

      // --- signups and welcome emails ---
      {"GET", "/v1/signups", {}, "", "Signup[]", {200}, "The signups the webhook stored, and what became of them",
       [](C& c, const Call&) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(auto signups, c.ListSignups());
         return Ok(ToJson(signups));
       }},
      {"POST", "/v1/instances/{subdomain}/welcome", {}, "", "Operation", {202, 404},
       "Send the welcome email again with a fresh credential link",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(Operation op, c.ResendWelcome(call.Path("subdomain")));
         return Accepted(op);
       }},

      // --- clusters ---
      {"GET", "/v1/clusters", {}, "", "Cluster[]", {200}, "The database clusters and their capacity",
       [](C& c, const Call&) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(auto list, c.ListClusters());
         return Ok(ToJson(list));
       }},
      {"POST", "/v1/clusters", {}, "ClusterSpec", "Cluster", {201, 409}, "Register a database cluster",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(ClusterSpec spec, DecodeClusterSpec(call.body));
         MD_ASSIGN_OR_RETURN(Cluster cluster, c.AddCluster(spec.name, spec.url, spec.capacity));
         return Reply{201, ToJson(cluster), "/v1/clusters/" + cluster.name, nullptr, std::nullopt};
       }},
      {"POST", "/v1/clusters/{cluster}/drain", {}, "", "Cluster", {200, 404}, "Place no new instance on a cluster",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(Cluster cluster, c.DrainCluster(call.Path("cluster")));
         return Ok(ToJson(cluster));
       }},
      {"DELETE", "/v1/clusters/{cluster}", {}, "", "", {204, 404, 409}, "Remove an empty cluster",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_RETURN_IF_ERROR(c.RemoveCluster(call.Path("cluster")));
         return Reply{204, std::nullopt, "", nullptr, std::nullopt};
       }},

      // --- operator accounts (the dashboard's sign-in) ---
      {"GET", "/v1/operators", {}, "", "Operator[]", {200}, "The operator accounts, never their passwords",
       [](C& c, const Call&) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(auto list, c.ListOperators());
         return Ok(ToJson(list));
       }},
      {"POST", "/v1/operators", {}, "OperatorRequest", "Operator", {201, 409},
       "Add an operator account that can sign in to the dashboard",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(OperatorRequest request, DecodeOperatorRequest(call.body));
         MD_ASSIGN_OR_RETURN(OperatorInfo info, c.AddOperator(request.name, request.password));
         return Reply{201, ToJson(info), "/v1/operators/" + info.name, nullptr, std::nullopt};
       }},
      {"DELETE", "/v1/operators/{operator}", {}, "", "", {204, 404}, "Remove an operator account",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_RETURN_IF_ERROR(c.RemoveOperator(call.Path("operator")));
         return Reply{204, std::nullopt, "", nullptr, std::nullopt};
       }},

      // --- operations ---
      {"GET", "/v1/operations",
       {kSubdomainFilter, {"limit", ParamType::kInteger, "at most this many, newest first (1-1000, default 50)"}},
       "", "Operation[]", {200}, "Recent operations",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(std::string sub, OptionalSubdomain(call));
         MD_ASSIGN_OR_RETURN(int64_t limit,
                             ParseIntParam("limit", call.Query("limit"), kDefaultOpsLimit, 1, kMaxOpsLimit));
         MD_ASSIGN_OR_RETURN(auto ops, c.ListOperations(sub, static_cast<int>(limit)));
         return Ok(ToJson(ops));
       }},
      {"GET", "/v1/operations/{id}", {}, "", "Operation", {200, 404}, "One operation with its steps",
       [](C& c, const Call& call) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(int64_t id, ParseOperationId(call.Path("id")));
         MD_ASSIGN_OR_RETURN(Operation op, c.GetOperation(id));
         return Ok(ToJson(op));
       }},

      // --- audit log ---
      {"GET", "/v1/audit",
       {kSubdomainFilter,
        {"since", ParamType::kString, "only events at or after this RFC 3339 UTC time"},
        {"limit", ParamType::kInteger, "at most this many, newest first (1-100000, default 100)"}},
       "", "AuditEvent[]", {200}, "The audit log, newest first",
       [](C& c, const Call& call) -> Result<Reply> {
         AuditQuery query;
         MD_ASSIGN_OR_RETURN(query.subdomain, OptionalSubdomain(call));
         if (auto since = call.Query("since"); since && !ParseTimestamp(*since, &query.since_ms)) {
           return InvalidArgument("since must be an RFC 3339 UTC time, e.g. 2026-03-01T12:00:00Z");
         }
         MD_ASSIGN_OR_RETURN(int64_t limit,
                             ParseIntParam("limit", call.Query("limit"), kDefaultAuditLimit, 1, kMaxAuditLimit));
         query.limit = static_cast<int>(limit);
         MD_ASSIGN_OR_RETURN(auto events, c.ListAudit(query));
         return Ok(ToJson(events));
       }},

      // --- doctor ---
      {"GET", "/v1/doctor", {}, "", "DoctorFinding[]", {200}, "Find drift and orphans",
       [](C& c, const Call&) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(auto findings, c.Doctor(false));
         return Ok(ToJson(findings));
       }},
      {"POST", "/v1/doctor/fix", {}, "", "DoctorFinding[]", {200}, "Find drift and orphans, and repair them",
       [](C& c, const Call&) -> Result<Reply> {
         MD_ASSIGN_OR_RETURN(auto findings, c.Doctor(true));
         return Ok(ToJson(findings));
       }},
  };
}

}  // namespace

const std::vector<Route>& ApiRoutes() {
  static const std::vector<Route> routes = MakeRoutes();
  return routes;
}

}  // namespace md
