#include "api/json_codec.h"

#include <cstdio>
#include <ctime>
#include <limits>
#include <optional>
#include <set>
#include <vector>

#include "core/validate.h"

namespace md {
namespace {

// Reads the fields of one JSON object into a record, remembering the first
// error. Strict readers also refuse fields they were not asked for.
class ObjectReader {
 public:
  ObjectReader(const Json& j, std::string what, bool strict)
      : j_(j), what_(std::move(what)), strict_(strict) {
    if (!j_.is_object()) status_ = InvalidArgument(what_ + " must be a JSON object");
  }

  void String(const char* key, std::string* out, bool required = false) {
    const Json* v = Field(key, required);
    if (v == nullptr) return;
    if (!v->is_string()) return Fail(key, "a string");
    *out = v->get<std::string>();
  }

  void Int64(const char* key, int64_t* out, bool required = false) {
    const Json* v = Field(key, required);
    if (v == nullptr) return;
    if (!v->is_number_integer()) return Fail(key, "an integer");
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Fail(key, "an integer in range");
    }
    *out = v->get<int64_t>();
  }

  void Int(const char* key, int* out, bool required = false) {
    int64_t value = *out;
    Int64(key, &value, required);
    if (!status_.ok()) return;
    if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
      return Fail(key, "an integer in range");
    }
    *out = static_cast<int>(value);
  }

  void Bool(const char* key, bool* out, bool required = false) {
    const Json* v = Field(key, required);
    if (v == nullptr) return;
    if (!v->is_boolean()) return Fail(key, "true or false");
    *out = v->get<bool>();
  }

  // A timestamp written by FormatTimestamp; null or absent is 0.
  void Time(const char* key, int64_t* out) {
    const Json* v = Field(key, false);
    if (v == nullptr) return;
    if (!v->is_string() || !ParseTimestamp(v->get<std::string>(), out)) {
      return Fail(key, "an RFC 3339 UTC timestamp");
    }
  }

  void StringList(const char* key, std::vector<std::string>* out, bool required = false) {
    const Json* v = Field(key, required);
    if (v == nullptr) return;
    if (!v->is_array()) return Fail(key, "an array of strings");
    out->clear();
    for (const Json& item : *v) {
      if (!item.is_string()) return Fail(key, "an array of strings");
      out->push_back(item.get<std::string>());
    }
  }

  void StringMap(const char* key, EnvMap* out, bool required = false) {
    const Json* v = Field(key, required);
    if (v == nullptr) return;
    if (!v->is_object()) return Fail(key, "an object of strings");
    out->clear();
    for (const auto& [k, item] : v->items()) {
      if (!item.is_string()) return Fail(key, "an object of strings");
      (*out)[k] = item.get<std::string>();
    }
  }

  // A nested object (nullptr when absent or on error); its own fields are read
  // by another reader.
  const Json* Object(const char* key) {
    const Json* v = Field(key, false);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
      Fail(key, "an object");
      return nullptr;
    }
    return v;
  }

  // Takes the first error of a nested reader.
  void Merge(const Status& s) {
    if (status_.ok() && !s.ok()) status_ = s;
  }

  // Marks a field as known without reading it (derived fields such as "url").
  void Ignore(const char* key) { seen_.insert(key); }

  Status Finish() {
    if (!status_.ok() || !strict_) return status_;
    for (const auto& [key, value] : j_.items()) {
      if (!seen_.count(key)) return InvalidArgument("unknown field '" + ForMessage(key) + "' in " + what_);
    }
    return Status::Ok();
  }

 private:
  const Json* Field(const char* key, bool required) {
    if (!status_.ok()) return nullptr;
    seen_.insert(key);
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) {
      if (required) status_ = InvalidArgument("missing field '" + std::string(key) + "' in " + what_);
      return nullptr;
    }
    return &*it;
  }

  void Fail(const char* key, const char* expected) {
    status_ = InvalidArgument("field '" + std::string(key) + "' in " + what_ + " must be " + expected);
  }

  const Json& j_;
  std::string what_;
  bool strict_;
  std::set<std::string> seen_;
  Status status_;
};

Json TimeOrNull(int64_t ms) { return ms == 0 ? Json(nullptr) : Json(FormatTimestamp(ms)); }

Json DurationOrNull(int64_t started_ms, int64_t finished_ms) {
  if (started_ms == 0 || finished_ms == 0) return nullptr;
  return finished_ms - started_ms;
}

// The instance fields shared by show and status.
void PutInstanceFields(const Instance& in, Json* j) {
  (*j)["subdomain"] = in.subdomain;
  (*j)["name"] = in.name;
  (*j)["email"] = in.email;
  (*j)["app"] = in.app;
  (*j)["app_version"] = in.app_version;
  (*j)["status"] = InstanceStatusName(in.status);
  (*j)["url"] = in.url;
  (*j)["unix_user"] = in.unix_user;
  (*j)["database"] = {{"cluster", in.cluster}, {"name", in.db_name}, {"role", in.db_role}};
  (*j)["created_at"] = TimeOrNull(in.created_ms);
  (*j)["updated_at"] = TimeOrNull(in.updated_ms);
  const FileAccessInfo& f = in.file_access;
  if (f.sftp_port == 0) {
    (*j)["file_access"] = nullptr;
    return;
  }
  Json keys = Json::array();
  for (const HostKeyInfo& k : f.host_keys) keys.push_back({{"type", k.type}, {"key", k.key}, {"sha256", k.sha256}});
  (*j)["file_access"] = {{"host", f.host},         {"sftp_port", f.sftp_port}, {"ftp_port", f.ftp_port},
                         {"username", f.username}, {"host_keys", keys}};
}

void ReadFileAccess(const Json& j, FileAccessInfo* out, ObjectReader& parent) {
  ObjectReader r(j, "file_access", false);
  r.String("host", &out->host);
  r.Int("sftp_port", &out->sftp_port);
  r.Int("ftp_port", &out->ftp_port);
  r.String("username", &out->username);
  r.Ignore("host_keys");
  auto keys = j.find("host_keys");
  if (keys != j.end() && keys->is_array()) {
    for (const Json& k : *keys) {
      if (!k.is_object()) continue;
      ObjectReader kr(k, "host key", false);
      HostKeyInfo key;
      kr.String("type", &key.type);
      kr.String("key", &key.key);
      kr.String("sha256", &key.sha256);
      parent.Merge(kr.Finish());
      out->host_keys.push_back(std::move(key));
    }
  }
  parent.Merge(r.Finish());
}

void ReadInstanceFields(ObjectReader& r, Instance* out) {
  r.String("subdomain", &out->subdomain, true);
  r.String("name", &out->name);
  r.String("email", &out->email);
  r.String("app", &out->app);
  r.String("app_version", &out->app_version);
  std::string status;
  r.String("status", &status);
  if (!status.empty() && !ParseInstanceStatus(status, &out->status)) out->status = InstanceStatus::kFailed;
  r.String("url", &out->url);
  r.String("unix_user", &out->unix_user);
  if (const Json* db = r.Object("database")) {
    ObjectReader d(*db, "database", false);
    d.String("cluster", &out->cluster);
    d.String("name", &out->db_name);
    d.String("role", &out->db_role);
    r.Merge(d.Finish());
  }
  r.Time("created_at", &out->created_ms);
  r.Time("updated_at", &out->updated_ms);
  if (const Json* files = r.Object("file_access")) ReadFileAccess(*files, &out->file_access, r);
}

}  // namespace

// --- helpers ------------------------------------------------------------------------------

std::string RedactedClusterAddress(const std::string& admin_url) {
  std::string_view s = admin_url;
  auto scheme = s.find("://");
  if (scheme != std::string_view::npos) {
    std::string_view rest = s.substr(scheme + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    auto at = authority.rfind('@');
    if (at != std::string_view::npos) authority = authority.substr(at + 1);
    if (!authority.empty()) return std::string(authority);
    // postgresql:///db?host=/run/postgresql&port=5433
    auto query = rest.find('?');
    if (query == std::string_view::npos) return "";
    std::string host, port;
    std::string_view q = rest.substr(query + 1);
    while (!q.empty()) {
      std::string_view pair = q.substr(0, q.find('&'));
      q = pair.size() < q.size() ? q.substr(pair.size() + 1) : std::string_view();
      if (pair.rfind("host=", 0) == 0) host = pair.substr(5);
      if (pair.rfind("port=", 0) == 0) port = pair.substr(5);
    }
    if (host.empty()) return "";
    return port.empty() ? host : host + ":" + port;
  }
  // key=value form: host=... port=... (values are unquoted here; quoted ones
  // are rare for host and port).
  std::string host, port;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t end = s.find(' ', i);
    std::string_view pair = s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (pair.rfind("host=", 0) == 0) host = pair.substr(5);
    if (pair.rfind("port=", 0) == 0) port = pair.substr(5);
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  if (host.empty()) return "";
  return port.empty() ? host : host + ":" + port;
}

std::string FormatTimestamp(int64_t ms) {
  if (ms == 0) return "";
  time_t secs = static_cast<time_t>(ms / 1000);
  int millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[80];
  snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
           tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

bool ParseTimestamp(std::string_view text, int64_t* ms) {
  if (text.empty()) {
    *ms = 0;
    return true;
  }
  std::string s(text);
  struct tm tm {};
  int consumed = 0;
  if (sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
             &tm.tm_sec, &consumed) != 6 || consumed != 19) {
    return false;
  }
  int millis = 0;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return false;
    for (int d = digits; d < 3; ++d) millis *= 10;
  }
  if (i + 1 != s.size() || s[i] != 'Z') return false;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  time_t secs = timegm(&tm);
  *ms = static_cast<int64_t>(secs) * 1000 + millis;
  return true;
}

std::string DumpJson(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

Result<Json> ParseJson(std::string_view body) {
  // The keys seen in each object being parsed, innermost last (an array is an
  // empty entry), and the first key seen twice in one object.
  std::vector<std::set<std::string>> open;
  std::optional<std::string> duplicate;
  auto check_keys = [&](int, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start: open.emplace_back(); break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end: open.pop_back(); break;
      case Json::parse_event_t::key:
        if (!open.back().insert(parsed.get<std::string>()).second && !duplicate) {
          duplicate = parsed.get<std::string>();
        }
        break;
      case Json::parse_event_t::value: break;
    }
    return true;
  };
  try {
    Json j = Json::parse(body.begin(), body.end(), check_keys);
    if (duplicate) return InvalidArgument("duplicate key '" + ForMessage(*duplicate) + "'");
    return j;
  } catch (const Json::parse_error& e) {
    return InvalidArgument("malformed JSON at byte " + std::to_string(e.byte));
  } catch (const std::exception&) {
    return InvalidArgument("malformed JSON");
  }
}

Json ErrorToJson(const Status& status) {
  return {{"error", {{"code", CodeName(status.code())}, {"message", status.message()}}}};
}

int HttpStatusForCode(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition: return 409;
    case Code::kUnauthenticated: return 401;
    case Code::kUnavailable: return 503;
    case Code::kInternal: return 500;
  }
  return 500;
}

bool ParseCodeName(std::string_view name, Code* out) {
  for (Code c : {Code::kOk, Code::kInvalidArgument, Code::kNotFound, Code::kAlreadyExists, Code::kFailedPrecondition,
                 Code::kUnavailable, Code::kUnauthenticated, Code::kInternal}) {
    if (name == CodeName(c)) {
      *out = c;
      return true;
    }
  }
  return false;
}

Status StatusFromHttpError(int http_status, std::string_view body) {
  Code code = Code::kInternal;
  switch (http_status) {
    case 400:
    case 413: code = Code::kInvalidArgument; break;
    case 401:
    case 403: code = Code::kUnauthenticated; break;
    case 404: code = Code::kNotFound; break;
    case 409: code = Code::kFailedPrecondition; break;
    case 502:
    case 503:
    case 504: code = Code::kUnavailable; break;
    default: break;
  }
  std::string message = "the controller answered HTTP " + std::to_string(http_status);
  Result<Json> parsed = ParseJson(body);
  if (parsed.ok() && parsed->is_object()) {
    auto err = parsed->find("error");
    if (err != parsed->end() && err->is_object()) {
      auto c = err->find("code");
      auto m = err->find("message");
      Code named;
      if (c != err->end() && c->is_string() && ParseCodeName(c->get<std::string>(), &named) && named != Code::kOk) {
        code = named;
      }
      if (m != err->end() && m->is_string() && !m->get<std::string>().empty()) message = m->get<std::string>();
    }
  }
  return Status(code, message);
}

// --- encoders -----------------------------------------------------------------------------

Json ToJson(const Instance& instance) {
  Json j = Json::object();
  PutInstanceFields(instance, &j);
  return j;
}

Json ToJson(const Cluster& c) {
  return {{"name", c.name},         {"used", c.used},         {"capacity", c.capacity},
          {"full", c.used >= c.capacity}, {"draining", c.draining}, {"embedded", c.embedded},
          {"address", RedactedClusterAddress(c.admin_url)}};
}

Json ToJson(const StepRecord& s) {
  return {{"name", s.name},
          {"state", StepStateName(s.state)},
          {"attempts", s.attempts},
          {"error", s.error},
          {"started_at", TimeOrNull(s.started_ms)},
          {"finished_at", TimeOrNull(s.finished_ms)},
          {"duration_ms", DurationOrNull(s.started_ms, s.finished_ms)}};
}

Json ToJson(const Operation& op) {
  Json params = Json::object();
  if (!op.params.empty()) {
    Result<Json> parsed = ParseJson(op.params);
    params = parsed.ok() ? *parsed : Json(op.params);
  }
  return {{"id", op.id},
          {"kind", op.kind},
          {"subdomain", op.subdomain},
          {"params", params},
          {"state", OperationStateName(op.state)},
          {"error", op.error},
          {"created_at", TimeOrNull(op.created_ms)},
          {"started_at", TimeOrNull(op.started_ms)},
          {"finished_at", TimeOrNull(op.finished_ms)},
          {"duration_ms", DurationOrNull(op.started_ms, op.finished_ms)},
          {"steps", ToJson(op.steps)}};
}

Json ToJson(const InstanceStatusReport& r) {
  Json j = Json::object();
  PutInstanceFields(r.instance, &j);
  j["up"] = r.up;
  j["pid"] = r.pid;
  j["uptime_s"] = r.uptime_s;
  j["health"] = r.health_code;
  j["health_error"] = r.health_error;
  // The front door's answer at the instance's public URL ("url" above).
  j["https"] = {{"url", r.url}, {"code", r.https_code}, {"error", r.https_error}};
  j["certificate"] = {
      {"issuer", r.cert_issuer}, {"not_after", TimeOrNull(r.cert_not_after_ms)}, {"trusted", r.cert_trusted}};
  j["resources"] = {{"memory_bytes", r.memory_bytes}, {"memory_limit_bytes", r.memory_limit_bytes},
                    {"pids", r.pids},                 {"pids_limit", r.pids_limit},
                    {"cpu_weight", r.cpu_weight}};
  j["welcome"] = {{"state", r.welcome_state}, {"error", r.welcome_error}};
  return j;
}

Json ToJson(const LogChunk& chunk) { return {{"text", chunk.text}, {"cursor", chunk.cursor}}; }

Json ToJson(const DoctorFinding& f) {
  return {{"kind", f.kind},
          {"subdomain", f.subdomain},
          {"resource", f.resource},
          {"detail", f.detail},
          {"fixed", f.fixed}};
}

Json ToJson(const BackupInfo& b) {
  return {{"id", b.id},
          {"subdomain", b.subdomain},
          {"created_at", FormatTimestamp(b.created_ms)},
          {"reason", b.reason},
          {"app", b.app},
          {"version", b.app_version},
          {"size_bytes", b.size_bytes},
          {"has_files", b.has_files}};
}

Json ToJson(const CertificateInfo& c) {
  return {{"names", c.names},
          {"purpose", c.purpose},
          {"subdomain", c.subdomain},
          {"issuer", c.issuer},
          {"trusted", c.trusted},
          {"not_before", TimeOrNull(c.not_before_ms)},
          {"not_after", TimeOrNull(c.not_after_ms)},
          {"next_order_at", TimeOrNull(c.next_order_ms)},
          {"last_error", c.last_error}};
}

Json ToJson(const CustomDomain& d) {
  return {{"subdomain", d.subdomain}, {"host", d.host}, {"created_at", TimeOrNull(d.created_ms)}};
}

Json ToJson(const Credential& c) {
  return {{"kind", c.kind}, {"username", c.username}, {"password", c.password}, {"target", c.target}};
}

Json ToJson(const AuditEvent& e) {
  return {{"id", e.id},         {"at", TimeOrNull(e.at_ms)}, {"actor", e.actor},   {"action", e.action},
          {"subdomain", e.subdomain}, {"client", e.client}, {"status", e.status}, {"outcome", e.outcome}};
}

Json ToJson(const SignupInfo& info) {
  const Signup& s = info.signup;
  return {{"id", s.id},
          {"event_id", s.event_id},
          {"name", s.name},
          {"email", s.email},
          {"subdomain", s.subdomain},
          {"state", s.state},
          {"instance", s.instance},
          {"instance_status", info.instance_status},
          {"operation", s.operation_id ? Json(s.operation_id) : Json(nullptr)},
          {"error", s.error},
          {"reason", s.reason},
          {"client_address", s.client_address},
          {"created_at", TimeOrNull(s.created_ms)},
          {"updated_at", TimeOrNull(s.updated_ms)}};
}

Json ToJson(const CreateRequest& r) {
  Json j = {{"subdomain", r.subdomain}, {"email", r.email}, {"name", r.name}, {"app", r.app}};
  if (!r.version.empty()) j["version"] = r.version;
  return j;
}

Json ToJson(const EnvChange& c) {
  Json j = Json::object();
  if (!c.set.empty()) j["set"] = c.set;
  if (!c.unset.empty()) j["unset"] = c.unset;
  return j;
}

Json ToJson(const ResourceLimits& c) {
  Json j = Json::object();
  if (c.memory_mb >= 0) j["memory_mb"] = c.memory_mb;
  if (c.pids >= 0) j["pids"] = c.pids;
  if (c.cpu_weight >= 0) j["cpu_weight"] = c.cpu_weight;
  return j;
}

Json ToJson(const ClusterSpec& s) { return {{"name", s.name}, {"url", s.url}, {"capacity", s.capacity}}; }

Json ToJson(const UpgradeRequest& r) {
  Json j = {{"version", r.version}};
  if (r.all) j["all"] = true;
  if (!r.subdomains.empty()) j["subdomains"] = r.subdomains;
  return j;
}

Json ToJson(const DomainRequest& r) { return {{"host", r.host}}; }
Json ToJson(const OperatorInfo& o) { return {{"name", o.name}, {"created_at", TimeOrNull(o.created_ms)}}; }
Json ToJson(const OperatorRequest& r) { return {{"name", r.name}, {"password", r.password}}; }

Json ToJson(const KnownHostLine& l) { return {{"hosts", l.hosts}, {"type", l.type}, {"key", l.key}}; }

Json ToJson(const Event& e) {
  Json j = {{"id", e.id}, {"type", EventTypeName(e.type)}, {"at", FormatTimestamp(e.at_ms)}, {"subdomain", e.subdomain}};
  if (e.type == EventType::kInstanceStatus) {
    j["status"] = e.status;
    return j;
  }
  j["operation"] = ToJson(e.operation);
  if (e.step >= 0 && static_cast<size_t>(e.step) < e.operation.steps.size()) j["step"] = e.operation.steps[e.step].name;
  return j;
}

// --- decoders -----------------------------------------------------------------------------

Status FromJson(const Json& j, Instance* out) {
  ObjectReader r(j, "instance", false);
  ReadInstanceFields(r, out);
  return r.Finish();
}

Status FromJson(const Json& j, Cluster* out) {
  ObjectReader r(j, "cluster", false);
  r.String("name", &out->name, true);
  r.Int("used", &out->used);
  r.Int("capacity", &out->capacity);
  r.Bool("draining", &out->draining);
  r.Bool("embedded", &out->embedded);
  out->admin_url.clear();
  return r.Finish();
}

Status FromJson(const Json& j, StepRecord* out) {
  ObjectReader r(j, "step", false);
  r.String("name", &out->name, true);
  std::string state;
  r.String("state", &state);
  if (!state.empty() && !ParseStepState(state, &out->state)) return InvalidArgument("unknown step state '" + ForMessage(state) + "'");
  r.Int("attempts", &out->attempts);
  r.String("error", &out->error);
  r.Time("started_at", &out->started_ms);
  r.Time("finished_at", &out->finished_ms);
  return r.Finish();
}

Status FromJson(const Json& j, Operation* out) {
  ObjectReader r(j, "operation", false);
  r.Int64("id", &out->id, true);
  r.String("kind", &out->kind);
  r.String("subdomain", &out->subdomain);
  std::string state;
  r.String("state", &state);
  r.String("error", &out->error);
  r.Time("created_at", &out->created_ms);
  r.Time("started_at", &out->started_ms);
  r.Time("finished_at", &out->finished_ms);
  MD_RETURN_IF_ERROR(r.Finish());
  if (!state.empty() && !ParseOperationState(state, &out->state)) {
    return InvalidArgument("unknown operation state '" + ForMessage(state) + "'");
  }
  auto params = j.find("params");
  out->params = params == j.end() || params->is_null() ? "" : params->is_string() ? params->get<std::string>()
                                                                                    : DumpJson(*params);
  out->steps.clear();
  auto steps = j.find("steps");
  if (steps != j.end() && !steps->is_null()) MD_RETURN_IF_ERROR(FromJson(*steps, &out->steps));
  return Status::Ok();
}

Status FromJson(const Json& j, InstanceStatusReport* out) {
  ObjectReader r(j, "status report", false);
  ReadInstanceFields(r, &out->instance);
  r.Bool("up", &out->up);
  r.Int("pid", &out->pid);
  r.Int64("uptime_s", &out->uptime_s);
  r.Int("health", &out->health_code);
  r.String("health_error", &out->health_error);
  if (const Json* https = r.Object("https")) {
    ObjectReader h(*https, "https", false);
    h.String("url", &out->url);
    h.Int("code", &out->https_code);
    h.String("error", &out->https_error);
    r.Merge(h.Finish());
  }
  if (const Json* cert = r.Object("certificate")) {
    ObjectReader c(*cert, "certificate", false);
    c.String("issuer", &out->cert_issuer);
    c.Time("not_after", &out->cert_not_after_ms);
    c.Bool("trusted", &out->cert_trusted);
    r.Merge(c.Finish());
  }
  if (const Json* res = r.Object("resources")) {
    ObjectReader u(*res, "resources", false);
    u.Int64("memory_bytes", &out->memory_bytes);
    u.Int64("memory_limit_bytes", &out->memory_limit_bytes);
    u.Int64("pids", &out->pids);
    u.Int64("pids_limit", &out->pids_limit);
    u.Int("cpu_weight", &out->cpu_weight);
    r.Merge(u.Finish());
  }
  if (const Json* welcome = r.Object("welcome")) {
    ObjectReader w(*welcome, "welcome", false);
    w.String("state", &out->welcome_state);
    w.String("error", &out->welcome_error);
    r.Merge(w.Finish());
  }
  return r.Finish();
}

Status FromJson(const Json& j, LogChunk* out) {
  ObjectReader r(j, "log chunk", false);
  r.String("text", &out->text);
  r.String("cursor", &out->cursor);
  return r.Finish();
}

Status FromJson(const Json& j, DoctorFinding* out) {
  ObjectReader r(j, "finding", false);
  r.String("kind", &out->kind, true);
  r.String("subdomain", &out->subdomain);
  r.String("resource", &out->resource);
  r.String("detail", &out->detail);
  r.Bool("fixed", &out->fixed);
  return r.Finish();
}

Status FromJson(const Json& j, BackupInfo* out) {
  ObjectReader r(j, "backup", false);
  r.String("id", &out->id, true);
  r.String("subdomain", &out->subdomain);
  r.Time("created_at", &out->created_ms);
  r.String("reason", &out->reason);
  r.String("app", &out->app);
  r.String("version", &out->app_version);
  r.Int64("size_bytes", &out->size_bytes);
  r.Bool("has_files", &out->has_files);
  return r.Finish();
}

Status FromJson(const Json& j, CertificateInfo* out) {
  ObjectReader r(j, "certificate", false);
  r.StringList("names", &out->names, true);
  r.String("purpose", &out->purpose);
  r.String("subdomain", &out->subdomain);
  r.String("issuer", &out->issuer);
  r.Bool("trusted", &out->trusted);
  r.Time("not_before", &out->not_before_ms);
  r.Time("not_after", &out->not_after_ms);
  r.Time("next_order_at", &out->next_order_ms);
  r.String("last_error", &out->last_error);
  return r.Finish();
}

Status FromJson(const Json& j, KnownHostLine* out) {
  ObjectReader r(j, "known host", false);
  r.String("hosts", &out->hosts, true);
  r.String("type", &out->type, true);
  r.String("key", &out->key, true);
  return r.Finish();
}

Status FromJson(const Json& j, CustomDomain* out) {
  ObjectReader r(j, "domain", false);
  r.String("subdomain", &out->subdomain, true);
  r.String("host", &out->host, true);
  r.Time("created_at", &out->created_ms);
  return r.Finish();
}

Status FromJson(const Json& j, Credential* out) {
  ObjectReader r(j, "credential", false);
  r.String("kind", &out->kind, true);
  r.String("username", &out->username);
  r.String("password", &out->password, true);
  r.String("target", &out->target);
  return r.Finish();
}

Status FromJson(const Json& j, AuditEvent* out) {
  ObjectReader r(j, "audit event", false);
  r.Int64("id", &out->id);
  r.Time("at", &out->at_ms);
  r.String("actor", &out->actor);
  r.String("action", &out->action, true);
  r.String("subdomain", &out->subdomain);
  r.String("client", &out->client);
  r.Int("status", &out->status);
  r.String("outcome", &out->outcome);
  return r.Finish();
}

Status FromJson(const Json& j, SignupInfo* out) {
  ObjectReader r(j, "signup", false);
  Signup& s = out->signup;
  r.Int64("id", &s.id, true);
  r.String("event_id", &s.event_id);
  r.String("name", &s.name);
  r.String("email", &s.email);
  r.String("subdomain", &s.subdomain);
  r.String("state", &s.state, true);
  r.String("instance", &s.instance);
  r.String("instance_status", &out->instance_status);
  auto op = j.is_object() ? j.find("operation") : j.end();
  if (op != j.end() && op->is_number_integer()) s.operation_id = op->get<int64_t>();
  r.String("error", &s.error);
  r.String("reason", &s.reason);
  r.String("client_address", &s.client_address);
  r.Time("created_at", &s.created_ms);
  r.Time("updated_at", &s.updated_ms);
  return r.Finish();
}

Status FromJson(const Json& j, EnvMap* out) {
  if (!j.is_object()) return InvalidArgument("expected a JSON object of strings");
  out->clear();
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return InvalidArgument("value of '" + ForMessage(k) + "' must be a string");
    (*out)[k] = v.get<std::string>();
  }
  return Status::Ok();
}

Status FromJson(const Json& j, std::string* out) {
  if (!j.is_string()) return InvalidArgument("expected a JSON string");
  *out = j.get<std::string>();
  return Status::Ok();
}

Status FromJson(const Json& j, CreateRequest* out) {
  ObjectReader r(j, "create request", true);
  r.String("subdomain", &out->subdomain, true);
  r.String("email", &out->email, true);
  r.String("name", &out->name, true);
  r.String("app", &out->app);
  r.String("version", &out->version);
  return r.Finish();
}

Status FromJson(const Json& j, EnvChange* out) {
  ObjectReader r(j, "change request", true);
  r.StringMap("set", &out->set);
  r.StringList("unset", &out->unset);
  MD_RETURN_IF_ERROR(r.Finish());
  if (out->set.empty() && out->unset.empty()) return InvalidArgument("change request has nothing to 'set' or 'unset'");
  return Status::Ok();
}

Status FromJson(const Json& j, ResourceLimits* out) {
  ObjectReader r(j, "limits request", true);
  *out = {-1, -1, -1};
  r.Int("memory_mb", &out->memory_mb);
  r.Int("pids", &out->pids);
  r.Int("cpu_weight", &out->cpu_weight);
  return r.Finish();
}

Status FromJson(const Json& j, ClusterSpec* out) {
  ObjectReader r(j, "cluster request", true);
  r.String("name", &out->name, true);
  r.String("url", &out->url, true);
  r.Int("capacity", &out->capacity, true);
  return r.Finish();
}

Status FromJson(const Json& j, UpgradeRequest* out) {
  ObjectReader r(j, "upgrade request", true);
  r.StringList("subdomains", &out->subdomains);
  r.Bool("all", &out->all);
  r.String("version", &out->version, true);
  MD_RETURN_IF_ERROR(r.Finish());
  if (out->all == !out->subdomains.empty()) {
    return InvalidArgument("upgrade request needs either 'subdomains' or \"all\": true, not both");
  }
  return Status::Ok();
}

Status FromJson(const Json& j, DomainRequest* out) {
  ObjectReader r(j, "domain request", true);
  r.String("host", &out->host, true);
  return r.Finish();
}

Status FromJson(const Json& j, OperatorInfo* out) {
  ObjectReader r(j, "operator", false);
  r.String("name", &out->name, true);
  r.Time("created_at", &out->created_ms);
  return r.Finish();
}

Status FromJson(const Json& j, OperatorRequest* out) {
  ObjectReader r(j, "operator request", true);
  r.String("name", &out->name, true);
  r.String("password", &out->password, true);
  return r.Finish();
}

}  // namespace md
