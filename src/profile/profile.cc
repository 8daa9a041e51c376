// ParseProfile: TOML text -> AppProfile, with every field checked. toml++
// exceptions stop here.
#include <toml++/toml.h>

#include <climits>

#include <algorithm>
#include <set>

#include "core/env_names.h"
#include "core/validate.h"
#include "profile/profile.h"
#include "profile/template_scan.h"

namespace md {
namespace {

const std::set<std::string, std::less<>> kKnownKeys = {
    "name",         "description", "default_version", "install",        "init",
    "start",        "environment", "secret_environment", "upgrade",     "health_path",
    "health_timeout_s", "app_log", "reload_pid_file", "flags", "limits", "set_admin_password"};

// Reads one profile; every error is "SOURCE: FIELD: problem".
class ProfileReader {
 public:
  ProfileReader(const toml::table& table, std::string source) : table_(table), source_(std::move(source)) {}

  Status Error(const std::string& field, const std::string& problem) const {
    return InvalidArgument(source_ + ": " + field + ": " + problem);
  }

  // Checks that `text` is a well-formed template of known variables.
  Status CheckTemplate(const std::string& field, const std::string& text) const {
    auto pieces = profile_internal::ScanTemplate(text);
    if (!pieces.ok()) return Error(field, pieces.status().message());
    const auto& known = TemplateVariableNames();
    for (const auto& piece : *pieces) {
      if (piece.is_variable && std::find(known.begin(), known.end(), piece.text) == known.end()) {
        return Error(field, "unknown template variable '" + piece.text + "'");
      }
    }
    return Status::Ok();
  }

  // A string field; `required` refuses a missing or empty one.
  Status ReadString(const std::string& key, bool required, std::string* out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return required ? Error(key, "is missing") : Status::Ok();
    auto value = node->value<std::string>();
    if (!node->is_string() || !value) return Error(key, "must be a string");
    if (required && value->empty()) return Error(key, "must not be empty");
    *out = *value;
    return Status::Ok();
  }

  Status ReadTemplate(const std::string& key, bool required, std::string* out) const {
    MD_RETURN_IF_ERROR(ReadString(key, required, out));
    return CheckTemplate(key, *out);
  }

  Result<Argv> ToArgv(const toml::node& node, const std::string& field) const {
    const toml::array* array = node.as_array();
    if (array == nullptr) return Error(field, "must be an array of strings (an argv)");
    if (array->empty()) return Error(field, "must not be empty");
    Argv argv;
    for (size_t i = 0; i < array->size(); ++i) {
      std::string element_field = field + "[" + std::to_string(i) + "]";
      const toml::node& element = *array->get(i);
      if (!element.is_string()) return Error(element_field, "must be a string");
      argv.push_back(*element.value<std::string>());
      MD_RETURN_IF_ERROR(CheckTemplate(element_field, argv.back()));
    }
    if (argv[0].empty()) return Error(field + "[0]", "the program must not be empty");
    return argv;
  }

  Status ReadArgv(const std::string& key, Argv* out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return Error(key, "is missing");
    MD_ASSIGN_OR_RETURN(*out, ToArgv(*node, key));
    return Status::Ok();
  }

  Status ReadCommands(const std::string& key, bool required, std::vector<Argv>* out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return required ? Error(key, "is missing") : Status::Ok();
    const toml::array* array = node->as_array();
    if (array == nullptr) return Error(key, "must be an array of commands (arrays of strings)");
    if (required && array->empty()) return Error(key, "must have at least one command");
    for (size_t i = 0; i < array->size(); ++i) {
      MD_ASSIGN_OR_RETURN(Argv argv, ToArgv(*array->get(i), key + "[" + std::to_string(i) + "]"));
      out->push_back(std::move(argv));
    }
    return Status::Ok();
  }

  Status ReadEnv(const std::string& key, EnvMap* out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return Status::Ok();
    const toml::table* env = node->as_table();
    if (env == nullptr) return Error(key, "must be a table of NAME = \"value\"");
    for (const auto& [name_key, value] : *env) {
      std::string name(name_key.str());
      std::string field = key + "." + name;
      Status valid = ValidateEnvKey(name);
      if (!valid.ok()) return Error(field, valid.message());
      if (!value.is_string()) return Error(field, "must be a string");
      std::string text = *value.value<std::string>();
      MD_RETURN_IF_ERROR(CheckTemplate(field, text));
      (*out)[name] = std::move(text);
    }
    return Status::Ok();
  }

  // An array of flag-name patterns; absent: none.
  Status ReadPatterns(const std::string& key, std::vector<std::string>* out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return Status::Ok();
    const toml::array* array = node->as_array();
    if (array == nullptr) return Error(key, "must be an array of names or \"PREFIX*\" patterns");
    for (size_t i = 0; i < array->size(); ++i) {
      std::string field = key + "[" + std::to_string(i) + "]";
      const toml::node& element = *array->get(i);
      if (!element.is_string()) return Error(field, "must be a string");
      std::string pattern = *element.value<std::string>();
      Status valid = ValidateEnvPattern(pattern);
      if (!valid.ok()) return Error(field, valid.message());
      // "LD_*" (its prefix "LD_" is reserved) could never accept a name.
      if (IsReservedEnvName(pattern.substr(0, pattern.find('*')))) {
        return Error(field, "'" + pattern + "' names variables the platform reserves (" + ReservedEnvNamesText() + ")");
      }
      out->push_back(std::move(pattern));
    }
    return Status::Ok();
  }

  Status ReadInt(const std::string& key, int min, int max, int* out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return Status::Ok();
    auto value = node->value<int64_t>();
    if (!node->is_integer() || !value) return Error(key, "must be an integer");
    if (*value < min || *value > max) {
      return Error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    *out = static_cast<int>(*value);
    return Status::Ok();
  }

 private:
  const toml::table& table_;
  std::string source_;
};

// True when any element of `commands` references {{app_dir}}.
bool MentionsAppDir(const std::vector<Argv>& commands) {
  for (const auto& argv : commands) {
    for (const auto& arg : argv) {
      auto pieces = profile_internal::ScanTemplate(arg);
      if (!pieces.ok()) continue;
      for (const auto& piece : *pieces) {
        if (piece.is_variable && piece.text == "app_dir") return true;
      }
    }
  }
  return false;
}

// The optional [limits] table; what it leaves out keeps its default.
Status ReadLimits(const toml::table& table, const std::string& source, ResourceLimits* limits) {
  const toml::node* node = table.get("limits");
  if (node == nullptr) return Status::Ok();
  const toml::table* sub = node->as_table();
  ProfileReader r(sub ? *sub : table, source);
  if (sub == nullptr) return r.Error("limits", "must be a table");
  for (const auto& [key, value] : *sub) {
    if (key.str() != "memory_mb" && key.str() != "pids" && key.str() != "cpu_weight") {
      return r.Error("limits." + std::string(key.str()), "unknown key (a typo?)");
    }
  }
  MD_RETURN_IF_ERROR(r.ReadInt("memory_mb", 1, INT_MAX, &limits->memory_mb));
  MD_RETURN_IF_ERROR(r.ReadInt("pids", 1, INT_MAX, &limits->pids));
  MD_RETURN_IF_ERROR(r.ReadInt("cpu_weight", 1, INT_MAX, &limits->cpu_weight));
  Status valid = ValidateResourceLimits(*limits);
  return valid.ok() ? valid : r.Error("limits", valid.message());
}

Result<AppProfile> ReadProfile(const toml::table& table, const std::string& source) {
  ProfileReader r(table, source);
  for (const auto& [key, value] : table) {
    if (kKnownKeys.find(key.str()) == kKnownKeys.end()) {
      return r.Error(std::string(key.str()), "unknown key (a typo?)");
    }
  }
  AppProfile p;
  MD_RETURN_IF_ERROR(r.ReadString("name", true, &p.name));
  Status valid = ValidateAppName(p.name);
  if (!valid.ok()) return r.Error("name", valid.message());
  MD_RETURN_IF_ERROR(r.ReadString("description", false, &p.description));
  MD_RETURN_IF_ERROR(r.ReadString("default_version", true, &p.default_version));
  valid = ValidateVersion(p.default_version);
  if (!valid.ok()) return r.Error("default_version", valid.message());

  MD_RETURN_IF_ERROR(r.ReadCommands("install", true, &p.install));
  if (!MentionsAppDir(p.install)) return r.Error("install", "no command creates {{app_dir}}");
  MD_RETURN_IF_ERROR(r.ReadCommands("init", false, &p.init));
  MD_RETURN_IF_ERROR(r.ReadCommands("set_admin_password", false, &p.set_admin_password));
  MD_RETURN_IF_ERROR(r.ReadArgv("start", &p.start));
  MD_RETURN_IF_ERROR(r.ReadEnv("environment", &p.environment));
  MD_RETURN_IF_ERROR(r.ReadEnv("secret_environment", &p.secret_environment));
  for (const auto& [name, value] : p.secret_environment) {
    if (p.environment.count(name) != 0) {
      return r.Error("secret_environment." + name, "is also in [environment]");
    }
  }

  MD_RETURN_IF_ERROR(r.ReadPatterns("flags", &p.flags));

  std::string upgrade = "restart";
  MD_RETURN_IF_ERROR(r.ReadString("upgrade", false, &upgrade));
  if (upgrade == "restart") {
    p.upgrade = UpgradeMode::kRestart;
  } else if (upgrade == "reload") {
    p.upgrade = UpgradeMode::kReload;
  } else {
    return r.Error("upgrade", "must be \"restart\" or \"reload\", not \"" + upgrade + "\"");
  }
  MD_RETURN_IF_ERROR(r.ReadTemplate("health_path", false, &p.health_path));
  if (p.health_path.empty() || p.health_path[0] != '/') return r.Error("health_path", "must start with '/'");
  MD_RETURN_IF_ERROR(r.ReadInt("health_timeout_s", 1, 3600, &p.health_timeout_s));
  MD_RETURN_IF_ERROR(r.ReadTemplate("app_log", false, &p.app_log));
  MD_RETURN_IF_ERROR(r.ReadTemplate("reload_pid_file", false, &p.reload_pid_file));
  MD_RETURN_IF_ERROR(ReadLimits(table, source, &p.limits));
  return p;
}

}  // namespace

Result<AppProfile> ParseProfile(const std::string& toml_text, const std::string& source_name) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(source_name + ":" + std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
  } catch (const std::exception& e) {
    return InvalidArgument(source_name + ": " + e.what());
  }
  return ReadProfile(table, source_name);
}

}  // namespace md
