#include "service/secrets.h"

#include <nlohmann/json.hpp>

namespace md {

Result<EnvMap> Secrets::Get(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(EnvMap sealed, store_.GetSecrets(sub));
  EnvMap out;
  for (const auto& [key, value] : sealed) {
    auto opened = vault_.Open(ContextOf(sub, key), value);
    if (!opened.ok()) return opened.status().WithContext("secret " + key + " of " + sub);
    out[key] = std::move(*opened);
  }
  return out;
}

Result<std::string> Secrets::Get(const std::string& sub, const std::string& key) {
  MD_ASSIGN_OR_RETURN(EnvMap sealed, store_.GetSecrets(sub));
  auto it = sealed.find(key);
  if (it == sealed.end()) return NotFound("no secret " + key + " on " + sub);
  auto opened = vault_.Open(ContextOf(sub, key), it->second);
  if (!opened.ok()) return opened.status().WithContext("secret " + key + " of " + sub);
  return opened;
}

Result<EnvMap> Secrets::Seal(const std::string& sub, const EnvMap& plain) {
  EnvMap sealed;
  for (const auto& [key, value] : plain) {
    MD_ASSIGN_OR_RETURN(sealed[key], vault_.Seal(ContextOf(sub, key), value));
  }
  return sealed;
}

Status Secrets::Set(const std::string& sub, const EnvMap& set, const std::vector<std::string>& unset) {
  MD_ASSIGN_OR_RETURN(EnvMap sealed, Seal(sub, set));
  return store_.SetSecrets(sub, sealed, unset);
}

Status Secrets::Replace(const std::string& sub, const EnvMap& values) {
  MD_ASSIGN_OR_RETURN(std::vector<std::string> names, Names(sub));
  std::vector<std::string> unset;
  for (const auto& name : names) {
    if (!values.count(name)) unset.push_back(name);
  }
  return Set(sub, values, unset);
}

Result<std::vector<std::string>> Secrets::Names(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(EnvMap sealed, store_.GetSecrets(sub));
  std::vector<std::string> names;
  for (const auto& [key, value] : sealed) names.push_back(key);
  return names;
}

Result<std::string> Secrets::SealBundle(const std::string& sub, const EnvMap& plain) {
  return vault_.Seal("backup/" + sub, nlohmann::json(plain).dump());
}

Result<EnvMap> Secrets::OpenBundle(const std::string& sub, const std::string& sealed) {
  MD_ASSIGN_OR_RETURN(std::string text, vault_.Open("backup/" + sub, sealed));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Internal("the sealed secrets of a backup of " + sub + " are not a JSON object");
  EnvMap out;
  for (const auto& [key, value] : j.items()) {
    if (!value.is_string()) return Internal("a sealed secret of a backup of " + sub + " is not a string");
    out[key] = value.get<std::string>();
  }
  return out;
}

Result<int> Secrets::SealPlainSecrets() {
  return store_.SealPlainSecrets([this](const std::string& sub, const std::string& key, const std::string& value) {
    return vault_.Seal(ContextOf(sub, key), value);
  });
}

}  // namespace md
