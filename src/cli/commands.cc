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
      {"create",
       {{"--subdomain", true}, {"--email", true}, {"--name", true}, {"--app", true}, {"--version", true}, kNoWait},
       "create --subdomain SUB --email EMAIL --name NAME [--app demo|meltano] [--version V] [--no-wait]",
       "create an instance and wait, showing each step",
       CmdCreate},
      {"list", {}, "list", "list instances", CmdList},
      {"show", {}, "show SUB", "show one instance", CmdShow},
      {"status", {}, "status SUB", "show whether an instance's process is up and healthy", CmdStatus},
      {"logs", {{"--lines", true}, {"--follow", false}}, "logs SUB [--lines N] [--follow]",
       "print an instance's latest log lines; --follow keeps printing until Ctrl-C", CmdLogs},
      {"upgrade", {{"--to", true}, {"--all", false}, kNoWait}, "upgrade (SUB...|--all) --to V [--no-wait]",
       "upgrade instances to version V and wait for every one", CmdUpgrade},
      {"flags list", {}, "flags list SUB", "list an instance's feature flags", CmdFlagsList},
      {"flags set", {kNoWait}, "flags set SUB KEY=VALUE...",
       "set feature flags (hot reload, no restart); the app's profile says which names it takes",
       CmdFlagsSet},
      {"flags unset", {kNoWait}, "flags unset SUB KEY...", "remove feature flags", CmdFlagsUnset},
      {"secrets list", {}, "secrets list SUB", "list the names of an instance's secrets (never values)",
       CmdSecretsList},
      {"secrets set", {kNoWait}, "secrets set SUB KEY...|KEY=VALUE...",
       "set secrets; each bare KEY reads its value from one line of stdin (not echoed on a terminal); "
       "KEY=VALUE works but shows the value in /proc and shell history",
       CmdSecretsSet},
      {"secrets unset", {kNoWait}, "secrets unset SUB KEY...", "remove secrets", CmdSecretsUnset},
      {"limits set", {kNoWait}, "limits set SUB memory_mb=N|pids=N|cpu_weight=N...",
       "set an instance's own resource limits (KEY=default: the profile's); applied live", CmdLimitsSet},
      {"start", {kNoWait}, "start SUB", "start an instance's service", CmdLifecycle},
      {"stop", {kNoWait}, "stop SUB", "stop an instance's service", CmdLifecycle},
      {"restart", {kNoWait}, "restart SUB", "restart an instance's service", CmdLifecycle},
      {"wipe-db", {{"--yes", false}, kNoWait}, "wipe-db SUB --yes",
       "back up, then drop every schema of an instance's database except public", CmdWipeDb},
      {"delete", {{"--yes", false}, {"--no-backup", false}, kNoWait}, "delete SUB... --yes [--no-backup]",
       "back up, then delete instances and every resource they had, one operation each", CmdDelete},
      {"backup", {kNoWait}, "backup SUB", "take a checked backup of an instance's database and files now",
       CmdBackup},
      {"backups list", {}, "backups list [SUB]", "list backups, newest first (of deleted instances too)",
       CmdBackupsList},
      {"restore", {{"--from", true}, kNoWait}, "restore SUB [--from ID]",
       "bring back a backup (default: the newest): into the instance after backing up its current state, or a "
       "deleted instance as it was",
       CmdRestore},
      {"clusters list", {}, "clusters list", "list the PostgreSQL clusters of the pool", CmdClustersList},
      {"clusters add", {{"--url", true}, {"--capacity", true}}, "clusters add NAME --url URL --capacity N",
       "register a PostgreSQL cluster that can hold N instances", CmdClustersAdd},
      {"clusters drain", {}, "clusters drain NAME", "place no new instance on a cluster", CmdClustersDrain},
      {"clusters remove", {}, "clusters remove NAME", "unregister an empty cluster", CmdClustersRemove},
      {"certs list", {}, "certs list",
       "list the front door's certificates: issuer, trusted or a local-CA stand-in, expiry, next order", CmdCertsList},
      {"ca", {}, "ca", "print the local CA's root certificate (PEM), for clients to trust its stand-ins", CmdCa},
      {"domains list", {}, "domains list [SUB]", "list customers' own host names and the instances they serve",
       CmdDomainsList},
      {"domains add", {}, "domains add SUB HOST",
       "serve an instance at a customer's own host name too (its own certificate, HTTP-01)", CmdDomainsAdd},
      {"domains remove", {}, "domains remove SUB HOST", "stop serving an instance at a custom host name",
       CmdDomainsRemove},
      {"credentials show", {}, "credentials show SUB",
       "print an instance's logins and passwords (admin, database) for an operator; audited", CmdCredentialsShow},
      {"credentials rotate", {kNoWait}, "credentials rotate SUB [KIND]",
       "set new passwords (KIND admin, db or files; default every kind) wherever they are used; data is kept",
       CmdCredentialsRotate},
      {"audit", {{"--instance", true}, {"--since", true}, {"--limit", true}},
       "audit [--instance SUB] [--since 2h|DATE|TIME] [--limit N]",
       "list recorded operator, signup and credential actions, newest first", CmdAudit},
      {"signups list", {}, "signups list",
       "list the signups the webhook received, their state and their instance", CmdSignupsList},
      {"resend-welcome", {kNoWait}, "resend-welcome SUB",
       "send an instance's welcome email again, with a fresh single-use link (the old link stops working)",
       CmdResendWelcome},
      {"known-hosts", {}, "known-hosts [SUB]",
       "print ~/.ssh/known_hosts lines for the SFTP server at every instance's host (or SUB's)", CmdKnownHosts},
      {"ops list", {{"--subdomain", true}, {"--limit", true}}, "ops list [--subdomain SUB] [--limit N]",
       "list recent operations, newest first", CmdOpsList},
      {"ops show", {}, "ops show ID", "show an operation and its steps", CmdOpsShow},
      {"doctor", {{"--fix", false}}, "doctor [--fix]",
       "find drift, orphaned and missing resources; --fix repairs them", CmdDoctor},
  };
  return commands;
}

bool IsGroup(const std::string& word) {
  return word == "flags" || word == "secrets" || word == "clusters" || word == "ops" || word == "backups" ||
         word == "certs" || word == "domains" || word == "limits" || word == "credentials" ||
         word == "signups";
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
    for (const Command* c : shown) out << "usage: meltanodata " << c->usage << "\n  " << c->summary << "\n";
    out << "\nglobal options: --server URL, --token TOKEN, -o json|table\n";
    return;
  }
  out << "meltanodata: one hosted app instance per customer.\n\n"
         "usage: meltanodata serve [--data-dir DIR] [--listen HOST:PORT] [--config FILE]\n"
         "       meltanodata COMMAND [options]\n\ncommands:\n";
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
