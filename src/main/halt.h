#pragma once
// `meltanodata halt`: stops everything of one data dir, cleanly and in
// order: the controller (`serve`, SIGTERM), then the supervision tree (s6
// brings every service down: tenants, PostgreSQL, Caddy, sshd, vsftpd and
// their loggers, then s6-svscan exits), then whatever is left in the
// tenants' cgroups. `serve` brings it all back.

namespace md {

int RunHalt(int argc, char** argv);

}  // namespace md
