#include "drivers/database/embedded_cluster.h"

#include "drivers/database/pg_bin_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "core/files.h"
#include "core/net.h"
#include "core/process.h"
#include "core/random.h"
#include "core/strings.h"
#include "core/system_user.h"
#include "drivers/database/postgres_database.h"

namespace md {
namespace {

constexpr int kPortFirst = 15432;  // below tenant ports (20000+) and the ephemeral range
constexpr int kPortEnd = 20000;
constexpr const char* kIncludeLine = "include 'meltanodata.conf'";

// A value for postgresql.conf: single-quoted, quotes doubled.
std::string ConfQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else out += c;
  }
  return out + "'";
}

// Every directory from `path` up to / must let `uid`/`gid` search it.
Status CheckTraversable(const std::string& path, uid_t uid, gid_t gid) {
  std::filesystem::path p = std::filesystem::absolute(path).lexically_normal();
  while (true) {
    struct stat st;
    if (stat(p.c_str(), &st) != 0) return Internal("cannot stat " + p.string() + ": " + strerror(errno));
    mode_t bit = st.st_uid == uid ? S_IXUSR : st.st_gid == gid ? S_IXGRP : S_IXOTH;
    if ((st.st_mode & bit) == 0) {
      return FailedPrecondition("the PostgreSQL user cannot traverse " + p.string() + " (needs o+x)");
    }
    if (p == p.root_path() || !p.has_parent_path() || p.parent_path() == p) break;
    p = p.parent_path();
  }
  return Status::Ok();
}

// Writes `content` unless the file already holds it; true if it wrote.
Result<bool> WriteIfChanged(const std::string& path, const std::string& content, mode_t mode, Owner owner) {
  auto old = ReadFile(path);
  if (old.ok() && *old == content) {
    if (chown(path.c_str(), owner.uid, owner.gid) != 0 || chmod(path.c_str(), mode) != 0) {
      return Internal("cannot set owner/mode of " + path + ": " + strerror(errno));
    }
    return false;
  }
  MD_RETURN_IF_ERROR(WriteFileAtomic(path, content, mode, owner));
  return true;
}

}  // namespace

EmbeddedCluster::EmbeddedCluster(Supervisor& supervisor, std::string data_dir, EmbeddedClusterOptions options)
    : supervisor_(supervisor), data_dir_(std::move(data_dir)), options_(std::move(options)) {}

Result<EmbeddedCluster::OsUser> EmbeddedCluster::EnsureOsUser() {
  if (geteuid() != 0) return OsUser{geteuid(), getegid()};  // initdb refuses root; anyone else runs it
  MD_ASSIGN_OR_RETURN(Owner user, EnsureSystemUser(options_.os_user));
  return OsUser{user.uid, user.gid};
}

Result<std::string> EmbeddedCluster::FindBinDir() {
  return FindPostgresBinDir(options_.bin_dir, {"postgres", "initdb"});
}

Result<int> EmbeddedCluster::EnsurePort(uid_t uid, gid_t gid) {
  std::string path = dir() + "/port";
  auto text = ReadFile(path);
  if (text.ok()) {
    int port = 0;
    std::string t = Trim(*text);
    if (std::sscanf(t.c_str(), "%d", &port) != 1 || port <= 0 || port > 65535) {
      return Internal("bad port in " + path);
    }
    return port;
  }
  if (text.status().code() != Code::kNotFound) return text.status();
  int port = options_.port;
  if (port == 0) {
    // At random, not the first free one: two controllers starting at once
    // both see a port free until one cluster binds it (seconds later).
    for (int i = 0; i < 200 && port == 0; ++i) {
      int candidate = kPortFirst + static_cast<int>(std::stoul(RandomHex(2), nullptr, 16) % (kPortEnd - kPortFirst));
      if (PortIsFree(candidate)) port = candidate;
    }
    if (port == 0) return Unavailable("no free port in [" + std::to_string(kPortFirst) + ", " + std::to_string(kPortEnd) + ")");
  }
  MD_RETURN_IF_ERROR(WriteFileAtomic(path, std::to_string(port) + "\n", 0644, Owner{uid, gid}));
  return port;
}

Result<std::string> EmbeddedCluster::Ensure() {
  MD_ASSIGN_OR_RETURN(OsUser pg, EnsureOsUser());
  MD_ASSIGN_OR_RETURN(std::string bin, FindBinDir());
  const bool as_root = geteuid() == 0;
  const Owner controller{geteuid(), getegid()};
  const Owner pg_owner{pg.uid, pg.gid};
  const std::string base = dir();
  const std::string data = base + "/data";
  const std::string run = base + "/run";

  // (1) directories: DATA is left as it is if it exists; it only has to be traversable.
  if (!PathExists(data_dir_)) MD_RETURN_IF_ERROR(EnsureDirectory(data_dir_, 0755, controller));
  MD_RETURN_IF_ERROR(EnsureDirectory(base, 0755, controller));
  if (as_root) MD_RETURN_IF_ERROR(CheckTraversable(base, pg.uid, pg.gid));
  MD_RETURN_IF_ERROR(EnsureDirectory(run, 0755, pg_owner));

  // (2) the superuser password, then initdb.
  const std::string pw_path = base + "/superuser.password";
  const bool initialized = PathExists(data + "/PG_VERSION");
  std::string password;
  auto pw = ReadFile(pw_path);
  if (pw.ok()) {
    password = Trim(*pw);
    if (chown(pw_path.c_str(), controller.uid, controller.gid) != 0 || chmod(pw_path.c_str(), 0600) != 0) {
      return Internal("cannot set owner/mode of " + pw_path + ": " + strerror(errno));
    }
  } else if (pw.status().code() != Code::kNotFound) {
    return pw.status();
  }
  if (password.empty()) {
    if (initialized) return FailedPrecondition("cluster in " + data + " exists but " + pw_path + " is missing or empty");
    password = RandomHex(24);
    MD_RETURN_IF_ERROR(WriteFileAtomic(pw_path, password + "\n", 0600, controller));
  }
  if (!initialized) {
    // initdb into a staging folder renamed at the end: a half-done initdb is never taken for a cluster.
    const std::string staging = base + "/data.initdb";
    const std::string pwfile = base + "/initdb.pwfile";
    MD_RETURN_IF_ERROR(RemoveTree(staging));
    MD_RETURN_IF_ERROR(EnsureDirectory(staging, 0700, pg_owner));  // DATA/postgres is not the PG user's
    MD_RETURN_IF_ERROR(WriteFileAtomic(pwfile, password + "\n", 0600, pg_owner));
    std::vector<std::string> argv;
    if (as_root) {
      argv = {"setpriv", "--reuid=" + std::to_string(pg.uid), "--regid=" + std::to_string(pg.gid), "--init-groups",
              "--"};
    }
    for (std::string arg : {bin + "/initdb", "-D" + staging, std::string("--auth=scram-sha-256"),
                            std::string("--username=postgres"), "--pwfile=" + pwfile, std::string("--encoding=UTF8"),
                            std::string("--locale=C.UTF-8")}) {
      argv.push_back(arg);
    }
    ProcessOptions in_base;
    in_base.cwd = base;  // initdb must be able to stat its working directory
    in_base.timeout_ms = 300000;
    auto out = RunChecked(argv, in_base);
    Status removed = RemoveTree(pwfile);
    if (!out.ok()) return out.status().WithContext("initdb");
    MD_RETURN_IF_ERROR(removed);
    if (PathExists(data)) MD_RETURN_IF_ERROR(RemoveTree(data));  // an empty or broken leftover without PG_VERSION
    if (rename(staging.c_str(), data.c_str()) != 0) {
      return Internal("cannot rename " + staging + " to " + data + ": " + strerror(errno));
    }
  }

  // (3) configuration, in its own file included from postgresql.conf.
  MD_ASSIGN_OR_RETURN(int port, EnsurePort(controller.uid, controller.gid));
  std::string conf =
      "# Written by meltanodata; edits are overwritten.\n"
      "listen_addresses = '127.0.0.1'\n"
      "port = " + std::to_string(port) + "\n"
      "unix_socket_directories = " + ConfQuote(run) + "\n"
      "max_connections = 200\n"
      "shared_buffers = 64MB\n"
      "fsync = on\n"
      "password_encryption = 'scram-sha-256'\n"
      "logging_collector = off\n";
  const bool had_conf = PathExists(data + "/meltanodata.conf");
  MD_ASSIGN_OR_RETURN(bool conf_changed, WriteIfChanged(data + "/meltanodata.conf", conf, 0600, pg_owner));
  MD_ASSIGN_OR_RETURN(std::string main_conf, ReadFile(data + "/postgresql.conf"));
  if (main_conf.find("\n" + std::string(kIncludeLine) + "\n") == std::string::npos) {
    if (!main_conf.empty() && main_conf.back() != '\n') main_conf += '\n';
    main_conf += "\n" + std::string(kIncludeLine) + "\n";
    MD_RETURN_IF_ERROR(WriteFileAtomic(data + "/postgresql.conf", main_conf, 0600, pg_owner));
    conf_changed = true;
  }

  // (4) the service.
  std::string run_script = "#!/bin/sh\nexec 2>&1\nexec ";
  if (as_root) {
    run_script += "setpriv --reuid=" + std::to_string(pg.uid) + " --regid=" + std::to_string(pg.gid) +
                  " --init-groups -- ";
  }
  run_script += ShellQuote(bin + "/postgres") + " -D " + ShellQuote(data) + "\n";
  MD_RETURN_IF_ERROR(supervisor_.EnsureRunning());
  MD_RETURN_IF_ERROR(supervisor_.Install(ServiceSpec{kServiceName, run_script, ""}));
  if (had_conf && conf_changed) MD_RETURN_IF_ERROR(supervisor_.Restart(kServiceName));

  // (5) wait until it answers.
  const std::string url = "postgresql://postgres:" + PercentEncode(password) + "@127.0.0.1:" + std::to_string(port) +
                          "/postgres";
  PostgresDatabaseOptions ping_options;
  ping_options.connect_timeout_s = 2;
  PostgresDatabase db(ping_options);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.ready_timeout_ms);
  Status last;
  while (true) {
    last = db.Ping(url);
    if (last.ok()) return url;
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Unavailable("embedded PostgreSQL did not answer within " + std::to_string(options_.ready_timeout_ms / 1000) +
                     " s: " + last.message());
}

}  // namespace md
