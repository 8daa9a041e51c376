#pragma once
// Text of the files the controller writes for a tenant: the project's .env
// (feature flags), and the supervised service's run and log scripts.

#include <string>
#include <vector>
#include <sys/types.h>

#include "core/types.h"
#include "profile/profile.h"

namespace md {

// KEY=VALUE lines, sorted, quoted the way dotenv readers expect.
std::string RenderEnvFile(const EnvMap& flags);

struct RunScriptSpec {
  std::string project_dir;
  std::string secrets_dir;   // every file NAME in it becomes the variable NAME
  std::string user;
  uid_t uid = 0;
  gid_t gid = 0;
  EnvMap environment;        // non-secret, already rendered
  Argv start;                // already rendered
  std::vector<std::string> cgroup_procs;  // the app's cgroup, joined before anything else
  // Scratch dirs the app gets its own of (a tmpfs of `tmpfs_mb` each).
  std::vector<std::string> private_dirs;
  int tmpfs_mb = 64;
};

// A supervisor-neutral run script: as root, joins the app's cgroup and gives
// it private scratch dirs (a mount namespace of its own,
// tmpfs charged to its cgroup); then drops to the tenant with setpriv
// (no_new_privs: no setuid program gives privileges back), reads the secrets
// as the tenant, and execs the app in its project dir.
std::string RenderRunScript(const RunScriptSpec& spec);
// The logger: s6-log as the tenant, rotating in `logs_dir`.
std::string RenderLogScript(const std::string& logs_dir, uid_t uid, gid_t gid);

}  // namespace md
