#pragma once
// The domain records the controller keeps in its store. Plain values; the
// store persists them, the service layer decides what they mean.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace md {

enum class InstanceStatus { kProvisioning, kRunning, kStopped, kDegraded, kFailed, kDeleting };
const char* InstanceStatusName(InstanceStatus s);
bool ParseInstanceStatus(const std::string& name, InstanceStatus* out);

// One hosted tenant. Every derived name (user, database, role, port) is
// chosen once, at create, and recorded so that delete can find it again.
struct Instance {
  std::string subdomain;
  std::string name;   // the customer's name
  std::string email;
  std::string app;    // profile name
  std::string app_version;
  InstanceStatus status = InstanceStatus::kProvisioning;
  std::string cluster;     // empty until placed
  std::string db_name;
  std::string db_role;
  std::string unix_user;
  int port = 0;            // 0 until allocated
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

// A PostgreSQL cluster of the pool. `admin_url` holds a password: never print it.
struct Cluster {
  std::string name;
  std::string admin_url;
  int capacity = 0;
  bool draining = false;
  bool embedded = false;   // the controller's own cluster under the data dir
  int used = 0;            // derived: instances placed on it
};

enum class OperationState { kQueued, kRunning, kSucceeded, kFailed };
const char* OperationStateName(OperationState s);
bool ParseOperationState(const std::string& name, OperationState* out);

enum class StepState { kPending, kRunning, kDone, kFailed };
const char* StepStateName(StepState s);
bool ParseStepState(const std::string& name, StepState* out);

struct StepRecord {
  std::string name;
  StepState state = StepState::kPending;
  int attempts = 0;
  std::string error;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

// A durable operation: a kind (create, upgrade, ...), the instance it acts
// on, its parameters (JSON text, never secret values) and its step journal.
struct Operation {
  int64_t id = 0;
  std::string kind;
  std::string subdomain;
  std::string params;  // JSON object text
  OperationState state = OperationState::kQueued;
  std::string error;
  int64_t created_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  std::vector<StepRecord> steps;
};

// One external resource the controller created or is about to create,
// written before creation with enough to find and remove it.
struct LedgerEntry {
  int64_t id = 0;
  std::string subdomain;
  std::string kind;     // "pg_database", "pg_role", "unix_user", "directory", "service", "port"
  std::string ref;      // what identifies it: a name, a path, "cluster/db"
  int64_t created_ms = 0;
};

using EnvMap = std::map<std::string, std::string>;

}  // namespace md
