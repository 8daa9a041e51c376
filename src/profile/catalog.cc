#include <algorithm>
#include <filesystem>
#include <set>

#include "core/files.h"
#include "core/validate.h"
#include "profile/embedded_profiles.h"
#include "profile/profile.h"

namespace md {
namespace {

namespace fs = std::filesystem;

const EmbeddedProfile* FindEmbedded(const std::string& name) {
  for (const auto& embedded : EmbeddedProfiles()) {
    if (embedded.name == name) return &embedded;
  }
  return nullptr;
}

// A profile's `name` must be the name it is found by.
Result<AppProfile> CheckName(Result<AppProfile> profile, const std::string& name, const std::string& source) {
  if (profile.ok() && profile->name != name) {
    return InvalidArgument(source + ": name: \"" + profile->name + "\" does not match the file name \"" + name +
                           ".toml\"");
  }
  return profile;
}

}  // namespace

ProfileCatalog::ProfileCatalog(std::string override_dir) : override_dir_(std::move(override_dir)) {}

Result<AppProfile> ProfileCatalog::Find(const std::string& name) const {
  // Validated first: the name becomes part of a path.
  if (ValidateAppName(name).ok() && !override_dir_.empty()) {
    std::string path = (fs::path(override_dir_) / (name + ".toml")).string();
    if (PathExists(path)) {
      auto text = ReadFile(path);
      if (!text.ok()) return text.status();
      return CheckName(ParseProfile(*text, path), name, path);
    }
  }
  if (const EmbeddedProfile* embedded = FindEmbedded(name); embedded != nullptr) {
    std::string source = "built-in profile " + name + ".toml";
    return CheckName(ParseProfile(std::string(embedded->text), source), name, source);
  }
  std::string known;
  for (const auto& n : Names()) known += (known.empty() ? "" : ", ") + n;
  return NotFound("no app profile \"" + name + "\"; known: " + known);
}

std::vector<std::string> ProfileCatalog::Names() const {
  std::set<std::string> names;
  for (const auto& embedded : EmbeddedProfiles()) names.emplace(embedded.name);
  if (!override_dir_.empty()) {
    std::error_code ec;
    for (fs::directory_iterator it(override_dir_, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path& path = it->path();
      if (path.extension() != ".toml") continue;
      std::string stem = path.stem().string();
      if (ValidateAppName(stem).ok()) names.insert(stem);
    }
  }
  return {names.begin(), names.end()};
}

}  // namespace md
