#include "main/server_config.h"

#include <cstdio>

#include "core/data_dir.h"
#include "core/validate.h"

#include <unistd.h>

#include <algorithm>
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

// Refuses keys of `table` not in `known`, naming the file and the table.
Status CheckKeys(const toml::table& table, const std::string& where, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : table) {
    if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
      return InvalidArgument(where + ": unknown setting '" + std::string(key.str()) + "'");
    }
  }
  return Status::Ok();
}

Status LoadDnsTable(const toml::table& t, const std::string& where, ServerConfig* config) {
  MD_RETURN_IF_ERROR(CheckKeys(t, where, {"mode", "server", "port", "zone", "key_name", "algorithm", "secret"}));
  std::string mode = t["mode"].value_or(std::string("none"));
  if (mode != "none" && mode != "rfc2136") return InvalidArgument(where + ": mode must be \"none\" or \"rfc2136\"");
  config->dns_rfc2136 = mode == "rfc2136";
  Rfc2136Settings& d = config->dns;
  d.server = t["server"].value_or(d.server);
  d.port = t["port"].value_or(d.port);
  d.zone = t["zone"].value_or(d.zone);
  d.tsig_key_name = t["key_name"].value_or(d.tsig_key_name);
  d.tsig_algorithm = t["algorithm"].value_or(d.tsig_algorithm);
  d.tsig_secret = t["secret"].value_or(d.tsig_secret);
  return Status::Ok();
}

Status LoadLimitsTable(const toml::table& t, const std::string& where, RateLimits* limits) {
  MD_RETURN_IF_ERROR(CheckKeys(t, where, {"certs_per_registered_domain", "duplicate_certs", "orders_per_account",
                                          "failed_validations_per_host"}));
  limits->certs_per_registered_domain = t["certs_per_registered_domain"].value_or(limits->certs_per_registered_domain);
  limits->duplicate_certs = t["duplicate_certs"].value_or(limits->duplicate_certs);
  limits->orders_per_account = t["orders_per_account"].value_or(limits->orders_per_account);
  limits->failed_validations_per_host = t["failed_validations_per_host"].value_or(limits->failed_validations_per_host);
  return Status::Ok();
}

Status LoadSignupTable(const toml::table& t, const std::string& where, ServerConfig* c) {
  MD_RETURN_IF_ERROR(CheckKeys(t, where, {"secret_file", "name_ref", "email_ref", "subdomain_ref", "app",
                                          "per_email_per_hour", "per_client_per_hour", "total_per_hour"}));
  c->signup_secret_file = t["secret_file"].value_or(c->signup_secret_file);
  c->signup_name_ref = t["name_ref"].value_or(c->signup_name_ref);
  c->signup_email_ref = t["email_ref"].value_or(c->signup_email_ref);
  c->signup_subdomain_ref = t["subdomain_ref"].value_or(c->signup_subdomain_ref);
  c->signup_app = t["app"].value_or(c->signup_app);
  // per_client_per_hour is per_email_per_hour's old name (it always meant one customer's signups).
  if (t.contains("per_email_per_hour") && t.contains("per_client_per_hour")) {
    return InvalidArgument(where + ": set per_email_per_hour only (per_client_per_hour is its old name)");
  }
  c->signup_per_email_per_hour = t["per_client_per_hour"].value_or(c->signup_per_email_per_hour);
  c->signup_per_email_per_hour = t["per_email_per_hour"].value_or(c->signup_per_email_per_hour);
  c->signup_total_per_hour = t["total_per_hour"].value_or(c->signup_total_per_hour);
  for (const std::string* ref : {&c->signup_name_ref, &c->signup_email_ref, &c->signup_subdomain_ref}) {
    if (ref->empty() || ref->size() > 128) return InvalidArgument(where + ": the refs must be 1-128 characters");
  }
  if (Status s = ValidateAppName(c->signup_app); !s.ok()) return InvalidArgument(where + ": app: " + s.message());
  if (c->signup_per_email_per_hour < 1 || c->signup_total_per_hour < 1) {
    return InvalidArgument(where + ": per_email_per_hour and total_per_hour must be at least 1");
  }
  return Status::Ok();
}

Status LoadSmtpTable(const toml::table& t, const std::string& where, ServerConfig* c) {
  MD_RETURN_IF_ERROR(CheckKeys(t, where, {"host", "port", "username", "password_file", "from", "starttls", "ca_file"}));
  c->smtp_host = t["host"].value_or(c->smtp_host);
  c->smtp_port = t["port"].value_or(c->smtp_port);
  c->smtp_username = t["username"].value_or(c->smtp_username);
  c->smtp_password_file = t["password_file"].value_or(c->smtp_password_file);
  c->smtp_from = t["from"].value_or(c->smtp_from);
  c->smtp_starttls = t["starttls"].value_or(c->smtp_starttls);
  c->smtp_ca_file = t["ca_file"].value_or(c->smtp_ca_file);
  if (c->smtp_host.empty() || c->smtp_host.find_first_of(" /@:[]") != std::string::npos) {
    return InvalidArgument(where + ": host must be a host name or IPv4 address");
  }
  if (c->smtp_port < 1 || c->smtp_port > 65535) return InvalidArgument(where + ": port must be 1-65535");
  if (!c->smtp_username.empty() && c->smtp_password_file.empty()) {
    return InvalidArgument(where + ": username needs password_file (a file holding the password)");
  }
  if (!c->smtp_username.empty() && !c->smtp_starttls) {
    return InvalidArgument(where + ": username needs starttls = true (a password is never sent in clear)");
  }
  return Status::Ok();
}

// [files]: enabled, sftp_port, ftp_port, passive_ports = "MIN-MAX".
Status LoadFilesTable(const toml::table& t, const std::string& where, FileAccessConfig* files) {
  MD_RETURN_IF_ERROR(CheckKeys(t, where, {"enabled", "sftp_port", "ftp_port", "passive_ports"}));
  files->enabled = t["enabled"].value_or(files->enabled);
  files->sftp_port = t["sftp_port"].value_or(files->sftp_port);
  files->ftp_port = t["ftp_port"].value_or(files->ftp_port);
  if (auto range = t["passive_ports"].value<std::string>()) {
    int min = 0, max = 0;
    char tail = 0;
    if (std::sscanf(range->c_str(), "%d-%d%c", &min, &max, &tail) != 2) {
      return InvalidArgument(where + ": passive_ports must be \"MIN-MAX\", e.g. \"21000-21099\"");
    }
    files->passive_min = min;
    files->passive_max = max;
  }
  for (int port : {files->sftp_port, files->ftp_port, files->passive_min, files->passive_max}) {
    if (port < 1 || port > 65535) return InvalidArgument(where + ": ports must be 1-65535");
  }
  if (files->sftp_port == files->ftp_port) return InvalidArgument(where + ": sftp_port and ftp_port must differ");
  if (files->passive_min > files->passive_max) return InvalidArgument(where + ": passive_ports: MIN is above MAX");
  for (int port : {files->sftp_port, files->ftp_port}) {
    if (port >= files->passive_min && port <= files->passive_max) {
      return InvalidArgument(where + ": passive_ports must not hold sftp_port or ftp_port");
    }
  }
  return Status::Ok();
}

Status LoadConfigFile(const std::string& path, ServerConfig* config) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument("--config " + path + ": " + std::string(e.description()));
  }
  const std::string where = "--config " + path;
  MD_RETURN_IF_ERROR(CheckKeys(t, where,
                               {"data_dir", "listen", "profiles_dir", "port_base", "port_count", "uid_base",
                                "embedded_cluster_capacity", "health_timeout_s", "idle_after_s", "step_max_attempts",
                                "backup_retention_days", "audit_retention_days", "db_connection_limit", "domain",
                                "https_port", "http_port", "public_ipv4", "public_ipv6", "dns", "acme", "limits", "signup", "smtp",
                                "welcome_link_hours", "vault_key_file", "files"}));
  if (auto v = t["data_dir"].value<std::string>()) config->data_dir = *v;
  if (auto v = t["listen"].value<std::string>()) MD_RETURN_IF_ERROR(ParseListen(*v, config));
  if (auto v = t["profiles_dir"].value<std::string>()) config->profiles_dir = *v;
  for (const char* gone : {"port_base", "port_count"}) {
    // Older configs still load: apps listen on unix sockets now.
    if (t.contains(gone)) {
      std::fprintf(stderr, "meltanodata: %s: %s is ignored (apps listen on unix sockets)\n", where.c_str(), gone);
    }
  }
  if (auto v = t["uid_base"].value<int64_t>()) config->uid_base = *v;
  if (auto v = t["embedded_cluster_capacity"].value<int>()) config->embedded_cluster_capacity = *v;
  if (auto v = t["health_timeout_s"].value<int>()) config->health_timeout_s = *v;
  if (auto v = t["idle_after_s"].value<int>()) {
    if (*v < 0 || *v > 365 * 86400) return InvalidArgument(where + ": idle_after_s must be 0 (never) to 31536000 seconds");
    config->idle_after_s = *v;
  }
  if (auto v = t["step_max_attempts"].value<int>()) config->step_max_attempts = *v;
  if (auto v = t["backup_retention_days"].value<int>()) config->backup_retention_days = *v;
  if (auto v = t["audit_retention_days"].value<int>()) config->audit_retention_days = *v;
  if (auto v = t["db_connection_limit"].value<int>()) config->db_connection_limit = *v;
  if (auto v = t["vault_key_file"].value<std::string>()) {
    if (v->empty() || v->front() != '/') return InvalidArgument(where + ": vault_key_file must be an absolute path");
    config->vault_key_file = *v;
  }
  config->domain = t["domain"].value_or(config->domain);
  config->https_port = t["https_port"].value_or(config->https_port);
  config->http_port = t["http_port"].value_or(config->http_port);
  config->public_ipv4 = t["public_ipv4"].value_or(config->public_ipv4);
  config->public_ipv6 = t["public_ipv6"].value_or(config->public_ipv6);
  if (const toml::table* dns = t["dns"].as_table()) MD_RETURN_IF_ERROR(LoadDnsTable(*dns, where + " [dns]", config));
  if (const toml::table* acme = t["acme"].as_table()) {
    MD_RETURN_IF_ERROR(CheckKeys(*acme, where + " [acme]", {"directory_url", "ca_file", "roots_file", "email"}));
    config->acme_directory_url = (*acme)["directory_url"].value_or(std::string());
    config->acme_ca_file = (*acme)["ca_file"].value_or(std::string());
    config->acme_roots_file = (*acme)["roots_file"].value_or(std::string());
    config->acme_email = (*acme)["email"].value_or(std::string());
  }
  if (const toml::table* files = t["files"].as_table()) {
    MD_RETURN_IF_ERROR(LoadFilesTable(*files, where + " [files]", &config->files));
  }
  if (const toml::table* limits = t["limits"].as_table()) {
    MD_RETURN_IF_ERROR(LoadLimitsTable(*limits, where + " [limits]", &config->limits));
  }
  if (const toml::table* signup = t["signup"].as_table()) {
    MD_RETURN_IF_ERROR(LoadSignupTable(*signup, where + " [signup]", config));
  }
  if (const toml::table* smtp = t["smtp"].as_table()) MD_RETURN_IF_ERROR(LoadSmtpTable(*smtp, where + " [smtp]", config));
  if (auto v = t["welcome_link_hours"].value<int>()) config->welcome_link_hours = *v;
  if (config->welcome_link_hours < 1 || config->welcome_link_hours > 24 * 30) {
    return InvalidArgument(where + ": welcome_link_hours must be 1-720");
  }
  if (config->backup_retention_days < 1 || config->backup_retention_days > 3650) {
    return InvalidArgument(where + ": backup_retention_days must be 1-3650");
  }
  if (config->audit_retention_days < 1 || config->audit_retention_days > 3650) {
    return InvalidArgument(where + ": audit_retention_days must be 1-3650");
  }
  if (config->db_connection_limit < 1 || config->db_connection_limit > 10000) {
    return InvalidArgument(where + ": db_connection_limit must be 1-10000");
  }
  if (config->step_max_attempts < 1 || config->step_max_attempts > 100) {
    return InvalidArgument(where + ": step_max_attempts must be 1-100");
  }
  if (config->uid_base < 65536 || config->uid_base > 2000000000) {
    return InvalidArgument(where + ": uid_base must be 65536-2000000000 (tenants' UIDs count up from it)");
  }
  for (int port : {config->https_port, config->http_port}) {
    if (port < 1 || port > 65535) return InvalidArgument(where + ": https_port and http_port must be 1-65535");
  }
  if (Status s = ValidateHostName(config->domain); !s.ok() && config->domain != "localhost") {
    return InvalidArgument(where + ": domain: " + s.message());
  }
  if (config->dns_rfc2136 && config->dns.zone.empty()) config->dns.zone = config->domain;
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
  if (config.vault_key_file.empty()) config.vault_key_file = config.data_dir + "/vault.key";
  return config;
}

}  // namespace md
