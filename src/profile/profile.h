#pragma once
// AppProfile: an app described as data (profiles/*.toml): how to install a
// version, initialise a project, start, reload, upgrade, health-check, and
// where its log is. Templates use {{var}} placeholders; commands are argv
// lists run without a shell, so a variable's value can never become syntax.

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace md {

using Argv = std::vector<std::string>;

// How an upgrade takes effect once the new version is in place.
enum class UpgradeMode { kRestart, kReload };

struct AppProfile {
  std::string name;
  std::string description;
  std::string default_version;
  std::vector<Argv> install;   // run as root, in order; must create {{app_dir}}
  std::vector<Argv> init;      // run once as the tenant, in {{project_dir}}, at create
  // Run as the tenant, like init, after the admin password was rotated (the
  // new one in the environment); none: the app reads it at start only.
  std::vector<Argv> set_admin_password;
  Argv start;                  // the service's process, run as the tenant in {{project_dir}}
  EnvMap environment;          // non-secret environment of the service (templates)
  EnvMap secret_environment;   // environment written to the tenant's secrets dir (templates)
  // Flag names `flags set` accepts: names or "PREFIX*" globs (ValidateEnvPattern).
  // None when the profile has no `flags` key. A flag still may not be a name
  // of [environment], [secret_environment] or IsReservedEnvName.
  std::vector<std::string> flags;
  UpgradeMode upgrade = UpgradeMode::kRestart;
  std::string health_path = "/healthz";
  int health_timeout_s = 60;
  std::string app_log;         // template of the app's log file path
  // Template of the file holding the pid to send SIGHUP for a reload; empty:
  // the service's main process. (`meltano ui` is a launcher that dies on
  // SIGHUP; its gunicorn child, whose pid file this names, reloads.)
  std::string reload_pid_file;
  // [limits]: what the kernel holds the app to, unless an instance overrides it.
  ResourceLimits limits{.memory_mb = 512, .pids = 256, .cpu_weight = 100};
};

// Variables available to templates: subdomain, version, app_dir, project_dir,
// tenant_dir, port, database_url, admin_password, user, libexec, secret_key,
// password_salt. `app_dir` is the version's install dir (tenant_dir/app/VERSION);
// `database_url` is a libpq/SQLAlchemy URL (postgresql://role:pw@host:port/db);
// `secret_key` and `password_salt` are random per tenant, made once and kept
// (a new salt invalidates every stored password).
using TemplateVars = std::map<std::string, std::string>;

// The names above: ParseProfile refuses a template using any other.
const std::vector<std::string>& TemplateVariableNames();

// Replaces every {{name}} (spaces inside the braces allowed) by its value,
// once: a value containing "{{x}}" stays literal. An unknown name or an
// unterminated "{{" is InvalidArgument naming it.
Result<std::string> RenderTemplate(const std::string& text, const TemplateVars& vars);
Result<Argv> RenderArgv(const Argv& argv, const TemplateVars& vars);
Result<EnvMap> RenderEnv(const EnvMap& env, const TemplateVars& vars);

// Parses a profile from TOML text; errors (InvalidArgument) name the source
// and the field. Unknown keys are refused, so a typo cannot pass silently.
Result<AppProfile> ParseProfile(const std::string& toml_text, const std::string& source_name);

// Profiles by name: those built into the binary, overridden by files
// `NAME.toml` in `override_dir` when that is set and has one. Reads the
// override dir on every call (edits apply without a restart); thread-safe.
class ProfileCatalog {
 public:
  explicit ProfileCatalog(std::string override_dir = "");
  Result<AppProfile> Find(const std::string& name) const;  // NotFound lists the known names
  std::vector<std::string> Names() const;

 private:
  std::string override_dir_;
};

}  // namespace md
