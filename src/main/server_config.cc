#include "main/server_config.h"

#include "core/data_dir.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include <toml++/toml.h>

namespace md {
namespace {

Status ParseListen(const std::string& text, ServerConfig* config) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return InvalidArgument("--listen must be HOST:PORT");
  int port = 0;
  try {
    port = std::stoi(text.substr(colon + 1));
  } catch (...) {
    return InvalidArgument("--listen port is not a number");
  }
  if (port < 0 || port > 65535) return InvalidArgument("--listen port must be 0-65535");
  config->listen_host = text.substr(0, colon);
  config->listen_port = port;
  return Status::Ok();
}

Status LoadConfigFile(const std::string& path, ServerConfig* config) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument("--config " + path + ": " + std::string(e.description()));
  }
  for (const auto& [key, value] : t) {
    std::string_view k = key.str();
    if (k != "data_dir" && k != "listen" && k != "profiles_dir" && k != "port_base" && k != "port_count" &&
        k != "embedded_cluster_capacity" && k != "health_timeout_s" && k != "step_max_attempts" &&
        k != "backup_retention_days") {
      return InvalidArgument("--config " + path + ": unknown setting '" + std::string(k) + "'");
    }
  }
  if (auto v = t["data_dir"].value<std::string>()) config->data_dir = *v;
  if (auto v = t["listen"].value<std::string>()) MD_RETURN_IF_ERROR(ParseListen(*v, config));
  if (auto v = t["profiles_dir"].value<std::string>()) config->profiles_dir = *v;
  if (auto v = t["port_base"].value<int>()) config->port_base = *v;
  if (auto v = t["port_count"].value<int>()) config->port_count = *v;
  if (auto v = t["embedded_cluster_capacity"].value<int>()) config->embedded_cluster_capacity = *v;
  if (auto v = t["health_timeout_s"].value<int>()) config->health_timeout_s = *v;
  if (auto v = t["step_max_attempts"].value<int>()) config->step_max_attempts = *v;
  if (auto v = t["backup_retention_days"].value<int>()) config->backup_retention_days = *v;
  if (config->backup_retention_days < 1 || config->backup_retention_days > 3650) {
    return InvalidArgument("--config " + path + ": backup_retention_days must be 1-3650");
  }
  if (config->step_max_attempts < 1 || config->step_max_attempts > 100) {
    return InvalidArgument("--config " + path + ": step_max_attempts must be 1-100");
  }
  if (config->port_base < 1024 || config->port_base + config->port_count > 65536 || config->port_count < 1) {
    return InvalidArgument("--config " + path + ": port_base/port_count must stay within 1024-65535");
  }
  return Status::Ok();
}

}  // namespace

Result<ServerConfig> ParseServeArgs(int argc, char** argv) {
  ServerConfig config;
  std::string data_dir, listen, config_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string* out) -> Status {
      if (i + 1 >= argc) return InvalidArgument(arg + " needs a value");
      *out = argv[++i];
      return Status::Ok();
    };
    if (arg == "--data-dir") MD_RETURN_IF_ERROR(value(&data_dir));
    else if (arg == "--listen") MD_RETURN_IF_ERROR(value(&listen));
    else if (arg == "--config") MD_RETURN_IF_ERROR(value(&config_file));
    else return InvalidArgument("serve: unknown argument '" + arg + "'; usage: meltanodata serve [--data-dir DIR] [--listen HOST:PORT] [--config FILE]");
  }
  if (!config_file.empty()) MD_RETURN_IF_ERROR(LoadConfigFile(config_file, &config));
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (!listen.empty()) MD_RETURN_IF_ERROR(ParseListen(listen, &config));
  if (config.data_dir.empty()) config.data_dir = DefaultDataDir();
  if (config.data_dir.front() != '/') {
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd))) config.data_dir = std::string(cwd) + "/" + config.data_dir;
  }
  return config;
}

}  // namespace md
