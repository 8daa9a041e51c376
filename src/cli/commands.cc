#include "cli/commands.h"

#include <algorithm>
#include <sstream>

#include "cli/output.h"
#include "cli/verbs.h"

namespace md::cli {
namespace {

const FlagSpec kNoWait{"--no-wait", false};

}  // namespace

const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec> flags = {
      {"--server", true}, {"--token", true}, {"--output", true}, {"--help", false}};
  return flags;
}

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"serve", {{"--data-dir", true}, {"--listen", true}, {"--config", true}},
       "serve [--data-dir DIR] [--listen HOST:PORT] [--config FILE]",
       "run the controller in the foreground (as root); SIGTERM stops it, tenants keep running", nullptr,
       {"sudo meltanodata serve", "sudo meltanodata serve --data-dir /srv/meltanodata --listen 127.0.0.1:8600"}},
      {"halt", {{"--data-dir", true}, {"--config", true}}, "halt [--data-dir DIR] [--config FILE]",
       "stop the controller and everything it supervises (tenants, PostgreSQL, Caddy, SFTP/FTP, s6); `serve` "
       "starts it all again",
       nullptr, {"sudo meltanodata halt", "sudo meltanodata halt --data-dir /srv/meltanodata"}},
      {"create",
       {{"--subdomain", true}, {"--email", true}, {"--name", true}, {"--app", true}, {"--version", true}, kNoWait},
       "create --subdomain SUB --email EMAIL --name NAME [--app demo|meltano] [--version V] [--no-wait]",
       "create an instance and wait, showing each step",
       CmdCreate,
       {"meltanodata create --subdomain acme --email ann@acme.example --name \"Ann Lee\"", "meltanodata create --subdomain beta --email bo@beta.example --name Bo --app meltano --no-wait"}},
      {"list", {{"--limit", true}}, "list [--limit N]", "list instances (by subdomain; --limit: the first N only)",
       CmdList, {"meltanodata list", "meltanodata list --limit 20", "meltanodata list -o json | jq -r '.[].subdomain'"}},
      {"show", {}, "show SUB", "show one instance", CmdShow,
       {"meltanodata show acme", "meltanodata show acme -o json"}},
      {"status", {}, "status SUB", "show whether an instance's process is up and healthy", CmdStatus,
       {"meltanodata status acme", "meltanodata status acme -o json | jq .health_code"}},
      {"logs", {{"--lines", true}, {"--follow", false}}, "logs SUB [--lines N] [--follow]",
       "print an instance's latest log lines; --follow keeps printing until Ctrl-C", CmdLogs,
       {"meltanodata logs acme --lines 50", "meltanodata logs acme --follow"}},
      {"upgrade", {{"--to", true}, {"--all", false}, kNoWait}, "upgrade (SUB...|--all) --to V [--no-wait]",
       "upgrade instances to version V and wait for every one", CmdUpgrade,
       {"meltanodata upgrade acme --to 1.1.0", "meltanodata upgrade --all --to 1.1.0"}},
      {"flags list", {}, "flags list SUB", "list an instance's feature flags", CmdFlagsList,
       {"meltanodata flags list acme"}},
      {"flags set", {kNoWait}, "flags set SUB KEY=VALUE...",
       "set feature flags (hot reload, no restart); the app's profile says which names it takes",
       CmdFlagsSet,
       {"meltanodata flags set acme MELTANO_UI_READONLY=true"}},
      {"flags unset", {kNoWait}, "flags unset SUB KEY...", "remove feature flags", CmdFlagsUnset,
       {"meltanodata flags unset acme MELTANO_UI_READONLY"}},
      {"secrets list", {}, "secrets list SUB", "list the names of an instance's secrets (never values)",
       CmdSecretsList,
       {"meltanodata secrets list acme"}},
      {"secrets set", {kNoWait}, "secrets set SUB KEY...|KEY=VALUE...",
       "set secrets; each bare KEY reads its value from one line of stdin (not echoed on a terminal); "
       "KEY=VALUE works but shows the value in /proc and shell history",
       CmdSecretsSet,
       {"printf '%s\\n' \"$KEY\" | meltanodata secrets set acme API_KEY"}},
      {"secrets unset", {kNoWait}, "secrets unset SUB KEY...", "remove secrets", CmdSecretsUnset,
       {"meltanodata secrets unset acme API_KEY"}},
      {"limits set", {kNoWait}, "limits set SUB memory_mb=N|pids=N|cpu_weight=N...",
       "set an instance's own resource limits (KEY=default: the profile's); applied live", CmdLimitsSet,
       {"meltanodata limits set acme memory_mb=1024 cpu_weight=200", "meltanodata limits set acme memory_mb=default"}},
      {"start", {kNoWait}, "start SUB", "start an instance's service", CmdLifecycle,
       {"meltanodata start acme"}},
      {"stop", {kNoWait}, "stop SUB", "stop an instance's service", CmdLifecycle,
       {"meltanodata stop acme"}},
      {"restart", {kNoWait}, "restart SUB", "restart an instance's service", CmdLifecycle,
       {"meltanodata restart acme"}},
      {"wipe-db", {{"--yes", false}, kNoWait}, "wipe-db SUB --yes",
       "back up, then drop every schema of an instance's database except public", CmdWipeDb,
       {"meltanodata wipe-db acme --yes"}},
      {"delete", {{"--yes", false}, {"--no-backup", false}, kNoWait}, "delete SUB... --yes [--no-backup]",
       "back up, then delete instances and every resource they had, one operation each", CmdDelete,
       {"meltanodata delete acme --yes", "meltanodata delete acme beta --yes --no-backup"}},
      {"backup", {kNoWait}, "backup SUB", "take a checked backup of an instance's database and files now",
       CmdBackup,
       {"meltanodata backup acme"}},
      {"backups list", {}, "backups list [SUB]", "list backups, newest first (of deleted instances too)",
       CmdBackupsList,
       {"meltanodata backups list", "meltanodata backups list acme -o json"}},
      {"restore", {{"--from", true}, kNoWait}, "restore SUB [--from ID]",
       "bring back a backup (default: the newest): into the instance after backing up its current state, or a "
       "deleted instance as it was",
       CmdRestore,
       {"meltanodata restore acme", "meltanodata restore acme --from ID"}},
      {"clusters list", {}, "clusters list", "list the PostgreSQL clusters of the pool", CmdClustersList,
       {"meltanodata clusters list"}},
      {"clusters add", {{"--url", true}, {"--capacity", true}}, "clusters add NAME --url URL --capacity N",
       "register a PostgreSQL cluster that can hold N instances", CmdClustersAdd,
       {"meltanodata clusters add pg2 --url postgresql://admin@db2.internal/postgres --capacity 200"}},
      {"clusters drain", {}, "clusters drain NAME", "place no new instance on a cluster", CmdClustersDrain,
       {"meltanodata clusters drain pg2"}},
      {"clusters remove", {}, "clusters remove NAME", "unregister an empty cluster", CmdClustersRemove,
       {"meltanodata clusters remove pg2"}},
      {"certs list", {}, "certs list",
       "list the front door's certificates: issuer, trusted or a local-CA stand-in, expiry, next order", CmdCertsList,
       {"meltanodata certs list"}},
      {"ca", {}, "ca", "print the local CA's root certificate (PEM), for clients to trust its stand-ins", CmdCa,
       {"meltanodata ca > meltanodata-ca.pem"}},
      {"domains list", {}, "domains list [SUB]", "list customers' own host names and the instances they serve",
       CmdDomainsList,
       {"meltanodata domains list", "meltanodata domains list acme"}},
      {"domains add", {}, "domains add SUB HOST",
       "serve an instance at a customer's own host name too (its own certificate, HTTP-01)", CmdDomainsAdd,
       {"meltanodata domains add acme data.acme.example"}},
      {"domains remove", {}, "domains remove SUB HOST", "stop serving an instance at a custom host name",
       CmdDomainsRemove,
       {"meltanodata domains remove acme data.acme.example"}},
      {"credentials show", {}, "credentials show SUB",
       "print an instance's logins and passwords (admin, database) for an operator; audited", CmdCredentialsShow,
       {"meltanodata credentials show acme"}},
      {"credentials rotate", {kNoWait}, "credentials rotate SUB [KIND]",
       "set new passwords (KIND admin, db or files; default every kind) wherever they are used; data is kept",
       CmdCredentialsRotate,
       {"meltanodata credentials rotate acme", "meltanodata credentials rotate acme db"}},
      {"audit", {{"--instance", true}, {"--since", true}, {"--limit", true}},
       "audit [--instance SUB] [--since 2h|DATE|TIME] [--limit N]",
       "list recorded operator, signup and credential actions, newest first", CmdAudit,
       {"meltanodata audit --since 2h", "meltanodata audit --instance acme --limit 20"}},
      {"signups list", {}, "signups list",
       "list the signups the webhook received, their state and their instance", CmdSignupsList,
       {"meltanodata signups list"}},
      {"resend-welcome", {kNoWait}, "resend-welcome SUB",
       "send an instance's welcome email again, with a fresh single-use link (the old link stops working)",
       CmdResendWelcome,
       {"meltanodata resend-welcome acme"}},
      {"known-hosts", {}, "known-hosts [SUB]",
       "print ~/.ssh/known_hosts lines for the SFTP server at every instance's host (or SUB's)", CmdKnownHosts,
       {"meltanodata known-hosts >> ~/.ssh/known_hosts", "meltanodata known-hosts acme"}},
      {"operators add", {}, "operators add NAME",
       "add an operator account for the dashboard; its password is read from stdin (not echoed on a terminal)",
       CmdOperatorsAdd,
       {"meltanodata operators add ann", "printf '%s\\n' \"$PASSWORD\" | meltanodata operators add ann"}},
      {"operators list", {}, "operators list", "list the dashboard's operator accounts (never passwords)",
       CmdOperatorsList, {"meltanodata operators list"}},
      {"operators remove", {}, "operators remove NAME", "remove an operator account", CmdOperatorsRemove,
       {"meltanodata operators remove ann"}},
      {"ops list", {{"--subdomain", true}, {"--limit", true}}, "ops list [--subdomain SUB] [--limit N]",
       "list recent operations, newest first", CmdOpsList,
       {"meltanodata ops list", "meltanodata ops list --subdomain acme --limit 5"}},
      {"ops show", {}, "ops show ID", "show an operation and its steps", CmdOpsShow,
       {"meltanodata ops show 42"}},
      {"doctor", {{"--fix", false}}, "doctor [--fix]",
       "find drift, orphaned and missing resources; --fix repairs them", CmdDoctor,
       {"meltanodata doctor", "meltanodata doctor --fix"}},
      {"completion", {}, "completion bash", "print the bash completion script", CmdCompletion,
       {"source <(meltanodata completion bash)",
        "meltanodata completion bash > /etc/bash_completion.d/meltanodata"}},
      {"manpage", {}, "manpage", "print the manual page (roff)", CmdManpage, {"meltanodata manpage | man -l -"}},
  };
  return commands;
}

bool IsGroup(const std::string& word) {
  return word == "flags" || word == "secrets" || word == "clusters" || word == "ops" || word == "backups" ||
         word == "certs" || word == "domains" || word == "limits" || word == "credentials" ||
         word == "signups" || word == "operators";
}

const Command* FindCommand(const std::string& words) {
  for (const Command& c : Commands()) {
    if (c.words == words) return &c;
  }
  return nullptr;
}

void PrintHelp(std::ostream& out, const std::string& topic) {
  std::vector<const Command*> shown;
  for (const Command& c : Commands()) {
    if (topic.empty() || c.words == topic || c.words.rfind(topic + " ", 0) == 0) shown.push_back(&c);
  }
  if (!topic.empty() && !shown.empty()) {
    for (const Command* c : shown) {
      out << "usage: meltanodata " << c->usage << "\n  " << c->summary << "\n";
      if (!c->examples.empty()) out << "examples:\n";
      for (const std::string& e : c->examples) out << "  " << e << "\n";
    }
    if (shown.front()->run != nullptr) out << "\nglobal options: --server URL, --token TOKEN, -o json|table\n";
    return;
  }
  out << "meltanodata: one hosted app instance per customer.\n\n"
         "usage: meltanodata COMMAND [options]\n\ncommands:\n";
  Table table({"", ""});
  for (const Command& c : Commands()) table.Add({"  " + c.usage, c.summary});
  std::ostringstream rows;
  table.Print(rows);
  // Drop the (empty) header line.
  std::string text = rows.str();
  out << text.substr(text.find('\n') + 1);
  out << "\nglobal options:\n"
         "  --server URL     the controller (else $MELTANODATA_URL, else http://127.0.0.1:8600)\n"
         "  --token TOKEN    its admin token; visible to other users in /proc, so prefer $MELTANODATA_TOKEN\n"
         "                   or admin.token in the data dir (read when neither is given)\n"
         "  -o json|table    output format of every command (default table)\n"
         "\nexit codes: 0 done, 1 an operation failed, 2 bad input, 3 not found, 4 conflict\n"
         "`meltanodata help COMMAND` shows one command.\n";
}

}  // namespace md::cli
