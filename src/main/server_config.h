#pragma once
// Settings of `meltanodata serve`: flags, then an optional TOML --config
// file, then the embedded defaults.

#include <string>

#include "core/status.h"
#include "drivers/dns/rfc2136_updater.h"
#include "service/cert_budget.h"

namespace md {

// [files]: FTP (explicit FTPS, vsftpd) and SFTP (sshd) to tenants' files, on
// ports that leave the host's own sshd alone.
struct FileAccessConfig {
  bool enabled = true;
  int sftp_port = 2022;
  int ftp_port = 2021;
  int passive_min = 21000;  // passive_ports = "21000-21099": FTP's data connections
  int passive_max = 21099;
};

struct ServerConfig {
  std::string data_dir;              // default: /var/lib/meltanodata as root, else XDG data home
  std::string listen_host = "127.0.0.1";
  int listen_port = 8600;
  std::string profiles_dir;          // override dir for app profiles; empty: embedded only
  // Tenants' Unix UIDs (and GIDs) count up from here, never reused: above
  // the ranges of system and human users (login.defs), below 2^31.
  int64_t uid_base = 2000000;
  int embedded_cluster_capacity = 100;
  int health_timeout_s = 600;        // upper bound on a profile's own health timeout
  int idle_after_s = 900;            // an app with no request this long is stopped until the next (0: never)
  int step_max_attempts = 12;        // tries of a step that fails transiently (backoff 0.2 s doubling to 5 s)
  int backup_retention_days = 7;     // backups older than this are removed (checked at start, then hourly)
  int audit_retention_days = 365;    // audit events and finished signups older than this too
  int db_connection_limit = 20;      // each tenant role's PostgreSQL CONNECTION LIMIT
  // The vault's master key (created once, 0600); default DATA/vault.key. Keep
  // it apart from copies of the store: together they open every secret.
  std::string vault_key_file;

  // The front door: https://SUB.DOMAIN[:https_port]/ through Caddy.
  std::string domain = "localhost";  // *.localhost resolves to loopback with no DNS
  int https_port = 8443;
  int http_port = 8080;              // HTTP-01 answers; everything else redirected to https
  std::string public_ipv4 = "127.0.0.1";  // the instances' A records (with [dns])
  std::string public_ipv6;                // their AAAA records; empty: none
  // [dns] mode = "none" | "rfc2136", with server, port, zone, key_name, algorithm, secret.
  bool dns_rfc2136 = false;
  Rfc2136Settings dns;
  // [acme] directory_url (empty: certificates from the local CA only), ca_file
  // (roots for the CA's own TLS), roots_file (roots of the certificates it
  // issues, for `status`' HTTPS check), email.
  std::string acme_directory_url;
  std::string acme_ca_file;
  std::string acme_roots_file;
  std::string acme_email;
  // [limits]: Let's Encrypt's published limits unless set.
  RateLimits limits;

  // [signup]: the webhook at https://DOMAIN[:https_port]/v1/signup.
  // secret_file holds the shared secret (empty: signups are refused); the
  // refs say which Typeform answer is which; app is what a signup gets;
  // per_email_per_hour (old name per_client_per_hour: signups of one customer
  // email address) and total_per_hour are its rate limits.
  std::string signup_secret_file;
  std::string signup_name_ref = "full_name";
  std::string signup_email_ref = "email";
  std::string signup_subdomain_ref = "subdomain";
  std::string signup_app = "demo";
  int signup_per_email_per_hour = 5;
  int signup_total_per_hour = 100;
  // [smtp]: host (empty: mail goes to DATA/outbox/*.eml), port, username,
  // password_file, from, starttls (default true), ca_file.
  std::string smtp_host;
  int smtp_port = 587;
  std::string smtp_username;
  std::string smtp_password_file;
  std::string smtp_from;  // "Name <address>" or an address; default noreply at DOMAIN
  bool smtp_starttls = true;
  std::string smtp_ca_file;
  int welcome_link_hours = 24;  // how long a welcome email's credential link works
  FileAccessConfig files;
};

// Where the controller's public endpoints listen, for the front door only.
inline std::string PublicSocketPath(const std::string& data_dir) { return data_dir + "/public/controller.sock"; }

// Parses `serve` arguments (argv[0] is "serve"). InvalidArgument on bad usage.
Result<ServerConfig> ParseServeArgs(int argc, char** argv);

}  // namespace md
