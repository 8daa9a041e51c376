#include "api/schemas.h"

namespace md {
namespace {

// Written as JSON so that it reads like the document it ends up in.
constexpr const char* kSchemas = R"json({
  "Error": {
    "type": "object", "additionalProperties": false, "required": ["error"],
    "properties": {"error": {
      "type": "object", "additionalProperties": false, "required": ["code", "message"],
      "properties": {
        "code": {"type": "string", "enum": ["ok", "invalid_argument", "not_found", "already_exists",
                 "failed_precondition", "unavailable", "unauthenticated", "internal"]},
        "message": {"type": "string", "description": "one line naming what to do"}}}}
  },
  "Health": {"type": "object", "additionalProperties": false, "required": ["ok"],
             "properties": {"ok": {"type": "boolean"}}},
  "OpenApiDocument": {"type": "object", "description": "this document", "required": ["openapi", "paths"],
                      "properties": {"openapi": {"type": "string"}, "paths": {"type": "object"}}},
  "Time": {"type": "string", "format": "date-time", "nullable": true,
           "description": "RFC 3339 UTC with milliseconds; null when not (yet) known"},
  "Names": {"type": "array", "items": {"type": "string"}},
  "EnvMap": {"type": "object", "additionalProperties": {"type": "string"}, "description": "name -> value"},
  "Instance": {
    "type": "object", "additionalProperties": false,
    "required": ["subdomain", "name", "email", "app", "app_version", "status", "url", "unix_user", "database",
                 "created_at", "updated_at", "file_access"],
    "properties": {
      "subdomain": {"type": "string"}, "name": {"type": "string"}, "email": {"type": "string"},
      "app": {"type": "string"}, "app_version": {"type": "string"},
      "status": {"$ref": "#/components/schemas/InstanceStatus"},
      "url": {"type": "string", "description": "the public URL, https://SUB.DOMAIN[:PORT]/"},
      "unix_user": {"type": "string"},
      "database": {"type": "object", "additionalProperties": false, "required": ["cluster", "name", "role"],
                   "properties": {"cluster": {"type": "string"}, "name": {"type": "string"},
                                  "role": {"type": "string"}}},
      "created_at": {"$ref": "#/components/schemas/Time"}, "updated_at": {"$ref": "#/components/schemas/Time"},
      "file_access": {"$ref": "#/components/schemas/FileAccess"}}
  },
  "InstanceStatus": {"type": "string",
                     "enum": ["provisioning", "running", "idle", "stopped", "degraded", "failed", "deleting"]},
  "FileAccess": {
    "type": "object", "nullable": true, "additionalProperties": false, "description": "null: file access is off",
    "required": ["host", "sftp_port", "ftp_port", "username", "host_keys"],
    "properties": {
      "host": {"type": "string"}, "sftp_port": {"type": "integer"}, "ftp_port": {"type": "integer"},
      "username": {"type": "string"},
      "host_keys": {"type": "array", "items": {
        "type": "object", "additionalProperties": false, "required": ["type", "key", "sha256"],
        "properties": {"type": {"type": "string"}, "key": {"type": "string"}, "sha256": {"type": "string"}}}}}
  },
  "StatusReport": {
    "description": "the instance's fields (Instance) and how it runs", "type": "object",
    "additionalProperties": false,
    "required": ["up", "pid", "uptime_s", "health", "health_error", "https", "certificate", "resources", "welcome"],
    "properties": {
      "up": {"type": "boolean"}, "pid": {"type": "integer"}, "uptime_s": {"type": "integer"},
      "health": {"type": "integer", "description": "HTTP status of the health check; 0: no answer"},
      "health_error": {"type": "string"},
      "https": {"type": "object", "additionalProperties": false, "required": ["url", "code", "error"],
                "properties": {"url": {"type": "string"}, "code": {"type": "integer"}, "error": {"type": "string"}}},
      "certificate": {"type": "object", "additionalProperties": false, "required": ["issuer", "not_after", "trusted"],
                      "properties": {"issuer": {"type": "string"}, "not_after": {"$ref": "#/components/schemas/Time"},
                                     "trusted": {"type": "boolean"}}},
      "resources": {"type": "object", "additionalProperties": false,
                    "required": ["memory_bytes", "memory_limit_bytes", "pids", "pids_limit", "cpu_weight"],
                    "properties": {"memory_bytes": {"type": "integer"}, "memory_limit_bytes": {"type": "integer"},
                                   "pids": {"type": "integer"}, "pids_limit": {"type": "integer"},
                                   "cpu_weight": {"type": "integer"}}},
      "welcome": {"type": "object", "additionalProperties": false, "required": ["state", "error"],
                  "properties": {"state": {"type": "string", "enum": ["", "pending", "sent", "failed"]},
                                 "error": {"type": "string"}}}}
  },
  "Step": {
    "type": "object", "additionalProperties": false,
    "required": ["name", "state", "attempts", "error", "started_at", "finished_at", "duration_ms"],
    "properties": {
      "name": {"type": "string"}, "state": {"type": "string", "enum": ["pending", "running", "done", "failed"]},
      "attempts": {"type": "integer"}, "error": {"type": "string"},
      "started_at": {"$ref": "#/components/schemas/Time"}, "finished_at": {"$ref": "#/components/schemas/Time"},
      "duration_ms": {"type": "integer", "nullable": true}}
  },
  "Operation": {
    "type": "object", "additionalProperties": false,
    "required": ["id", "kind", "subdomain", "params", "state", "error", "created_at", "started_at", "finished_at",
                 "duration_ms", "steps"],
    "properties": {
      "id": {"type": "integer"}, "kind": {"type": "string"}, "subdomain": {"type": "string"},
      "params": {"type": "object"},
      "state": {"type": "string", "enum": ["queued", "running", "succeeded", "failed"]},
      "error": {"type": "string"},
      "created_at": {"$ref": "#/components/schemas/Time"}, "started_at": {"$ref": "#/components/schemas/Time"},
      "finished_at": {"$ref": "#/components/schemas/Time"},
      "duration_ms": {"type": "integer", "nullable": true},
      "steps": {"type": "array", "items": {"$ref": "#/components/schemas/Step"}}}
  },
  "Event": {
    "type": "object", "additionalProperties": false, "required": ["id", "type", "at", "subdomain"],
    "description": "the data of one server-sent event; its `event:` field is `type`",
    "properties": {
      "id": {"type": "integer"},
      "type": {"type": "string", "enum": ["operation.queued", "operation.started", "step.started", "step.retrying",
                                          "step.done", "step.failed", "operation.finished", "instance.status"]},
      "at": {"$ref": "#/components/schemas/Time"}, "subdomain": {"type": "string"},
      "operation": {"$ref": "#/components/schemas/Operation"},
      "step": {"type": "string", "description": "step events: the step's name"},
      "status": {"type": "string", "description": "instance.status: the new status, or deleted"}}
  },
  "LogChunk": {"type": "object", "additionalProperties": false, "required": ["text", "cursor"],
               "properties": {"text": {"type": "string"}, "cursor": {"type": "string"}}},
  "Cluster": {
    "type": "object", "additionalProperties": false,
    "required": ["name", "used", "capacity", "full", "draining", "embedded", "address"],
    "properties": {"name": {"type": "string"}, "used": {"type": "integer"}, "capacity": {"type": "integer"},
                   "full": {"type": "boolean"}, "draining": {"type": "boolean"}, "embedded": {"type": "boolean"},
                   "address": {"type": "string", "description": "host:port only; never the password"}}
  },
  "DoctorFinding": {
    "type": "object", "additionalProperties": false, "required": ["kind", "subdomain", "resource", "detail", "fixed"],
    "properties": {"kind": {"type": "string", "enum": ["drift", "orphan", "missing"]},
                   "subdomain": {"type": "string"}, "resource": {"type": "string"}, "detail": {"type": "string"},
                   "fixed": {"type": "boolean"}}
  },
  "Backup": {
    "type": "object", "additionalProperties": false,
    "required": ["id", "subdomain", "created_at", "reason", "app", "version", "size_bytes", "has_files"],
    "properties": {"id": {"type": "string"}, "subdomain": {"type": "string"},
                   "created_at": {"type": "string", "format": "date-time"}, "reason": {"type": "string"},
                   "app": {"type": "string"}, "version": {"type": "string"}, "size_bytes": {"type": "integer"},
                   "has_files": {"type": "boolean"}}
  },
  "Certificate": {
    "type": "object", "additionalProperties": false,
    "required": ["names", "purpose", "subdomain", "issuer", "trusted", "not_before", "not_after", "next_order_at",
                 "last_error"],
    "properties": {"names": {"type": "array", "items": {"type": "string"}}, "purpose": {"type": "string"},
                   "subdomain": {"type": "string"}, "issuer": {"type": "string"}, "trusted": {"type": "boolean"},
                   "not_before": {"$ref": "#/components/schemas/Time"},
                   "not_after": {"$ref": "#/components/schemas/Time"},
                   "next_order_at": {"$ref": "#/components/schemas/Time"}, "last_error": {"type": "string"}}
  },
  "CaRoot": {"type": "object", "additionalProperties": false, "required": ["root_pem"],
             "properties": {"root_pem": {"type": "string"}}},
  "Domain": {"type": "object", "additionalProperties": false, "required": ["subdomain", "host", "created_at"],
             "properties": {"subdomain": {"type": "string"}, "host": {"type": "string"},
                            "created_at": {"$ref": "#/components/schemas/Time"}}},
  "Credential": {"type": "object", "additionalProperties": false, "required": ["kind", "username", "password", "target"],
                 "properties": {"kind": {"type": "string"}, "username": {"type": "string"},
                                "password": {"type": "string"}, "target": {"type": "string"}}},
  "AuditEvent": {
    "type": "object", "additionalProperties": false,
    "required": ["id", "at", "actor", "action", "subdomain", "client", "status", "outcome"],
    "properties": {"id": {"type": "integer"}, "at": {"$ref": "#/components/schemas/Time"},
                   "actor": {"type": "string"}, "action": {"type": "string"}, "subdomain": {"type": "string"},
                   "client": {"type": "string"}, "status": {"type": "integer"}, "outcome": {"type": "string"}}
  },
  "Signup": {
    "type": "object", "additionalProperties": false,
    "required": ["id", "event_id", "name", "email", "subdomain", "state", "instance", "instance_status", "operation",
                 "error", "reason", "client_address", "created_at", "updated_at"],
    "properties": {"id": {"type": "integer"}, "event_id": {"type": "string"}, "name": {"type": "string"},
                   "email": {"type": "string"}, "subdomain": {"type": "string"}, "state": {"type": "string"},
                   "instance": {"type": "string"}, "instance_status": {"type": "string"},
                   "operation": {"type": "integer", "nullable": true}, "error": {"type": "string"},
                   "reason": {"type": "string"}, "client_address": {"type": "string"},
                   "created_at": {"$ref": "#/components/schemas/Time"},
                   "updated_at": {"$ref": "#/components/schemas/Time"}}
  },
  "KnownHost": {"type": "object", "additionalProperties": false, "required": ["hosts", "type", "key"],
                "properties": {"hosts": {"type": "string"}, "type": {"type": "string"}, "key": {"type": "string"}}},

  "CreateRequest": {
    "type": "object", "additionalProperties": false, "required": ["subdomain", "email", "name"],
    "properties": {"subdomain": {"type": "string", "pattern": "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"},
                   "email": {"type": "string"}, "name": {"type": "string"},
                   "app": {"type": "string", "description": "an app profile; default demo"},
                   "version": {"type": "string", "description": "default: the profile's"}}
  },
  "EnvChange": {
    "type": "object", "additionalProperties": false,
    "properties": {"set": {"type": "object", "additionalProperties": {"type": "string"}},
                   "unset": {"type": "array", "items": {"type": "string"}}}
  },
  "LimitsChange": {
    "type": "object", "additionalProperties": false, "description": "only the fields to change; 0: the profile's",
    "properties": {"memory_mb": {"type": "integer"}, "pids": {"type": "integer"}, "cpu_weight": {"type": "integer"}}
  },
  "UpgradeRequest": {
    "type": "object", "additionalProperties": false, "required": ["version"],
    "properties": {"subdomains": {"type": "array", "items": {"type": "string"}}, "all": {"type": "boolean"},
                   "version": {"type": "string"}}
  },
  "ClusterSpec": {
    "type": "object", "additionalProperties": false, "required": ["name", "url", "capacity"],
    "properties": {"name": {"type": "string"}, "url": {"type": "string", "description": "holds a password"},
                   "capacity": {"type": "integer", "minimum": 1, "maximum": 100000}}
  },
  "DomainRequest": {"type": "object", "additionalProperties": false, "required": ["host"],
                    "properties": {"host": {"type": "string"}}},
  "Operator": {"type": "object", "additionalProperties": false, "required": ["name", "created_at"],
               "description": "an operator account of the dashboard; never its password",
               "properties": {"name": {"type": "string"}, "created_at": {"$ref": "#/components/schemas/Time"}}},
  "OperatorRequest": {
    "type": "object", "additionalProperties": false, "required": ["name", "password"],
    "properties": {"name": {"type": "string", "description": "1-32 of a-z 0-9 _ -, starting with a letter"},
                   "password": {"type": "string", "minLength": 12, "maxLength": 1024, "description": "a secret"}}
  }
})json";

// A status report is an instance with more fields: its schema gets the
// instance's properties here rather than through allOf, so that both keep
// additionalProperties false.
Json Build() {
  Json schemas = Json::parse(kSchemas);
  Json& report = schemas["StatusReport"];
  const Json& instance = schemas["Instance"];
  for (const auto& [name, schema] : instance["properties"].items()) report["properties"][name] = schema;
  for (const Json& name : instance["required"]) report["required"].push_back(name);
  return schemas;
}

}  // namespace

const Json& ApiSchemas() {
  static const Json schemas = Build();
  return schemas;
}

}  // namespace md
