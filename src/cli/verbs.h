#pragma once
// The verbs of the command line, one function each, grouped by file:
// verbs_instances.cc, verbs_env.cc, verbs_limits.cc, verbs_backups.cc, verbs_clusters.cc, verbs_ops.cc,
// verbs_front_door.cc, verbs_credentials.cc, verbs_signups.cc, verbs_operators.cc.
// Each validates its arguments before any request and returns an exit code.

#include "cli/context.h"

namespace md::cli {

int CmdCreate(Context& ctx);
int CmdList(Context& ctx);
int CmdShow(Context& ctx);
int CmdStatus(Context& ctx);
int CmdLogs(Context& ctx);
int CmdUpgrade(Context& ctx);
int CmdLifecycle(Context& ctx);  // start, stop, restart (ctx.command)
int CmdWipeDb(Context& ctx);
int CmdDelete(Context& ctx);
int CmdCredentialsShow(Context& ctx);
int CmdCredentialsRotate(Context& ctx);
int CmdAudit(Context& ctx);

int CmdBackup(Context& ctx);
int CmdBackupsList(Context& ctx);
int CmdRestore(Context& ctx);

int CmdFlagsList(Context& ctx);
int CmdFlagsSet(Context& ctx);
int CmdFlagsUnset(Context& ctx);
int CmdSecretsList(Context& ctx);
int CmdSecretsSet(Context& ctx);
int CmdSecretsUnset(Context& ctx);
int CmdLimitsSet(Context& ctx);

int CmdClustersList(Context& ctx);
int CmdClustersAdd(Context& ctx);
int CmdClustersDrain(Context& ctx);
int CmdClustersRemove(Context& ctx);

int CmdCertsList(Context& ctx);
int CmdCa(Context& ctx);
int CmdKnownHosts(Context& ctx);
int CmdDomainsList(Context& ctx);
int CmdDomainsAdd(Context& ctx);
int CmdDomainsRemove(Context& ctx);

int CmdSignupsList(Context& ctx);
int CmdResendWelcome(Context& ctx);

int CmdOperatorsAdd(Context& ctx);
int CmdOperatorsList(Context& ctx);
int CmdOperatorsRemove(Context& ctx);

int CmdOpsList(Context& ctx);
int CmdOpsShow(Context& ctx);
int CmdDoctor(Context& ctx);
int CmdCompletion(Context& ctx);
int CmdManpage(Context& ctx);

// Helpers shared by the verb files.
// A usage error: one line naming the fix, exit 2.
int UsageError(Context& ctx, const std::string& message);
// Exactly `n` positionals, else a usage error naming `what` (e.g. "SUB").
bool ExpectPositionals(Context& ctx, size_t n, const std::string& what, int* exit_code);
// The subdomain positional of a one-instance verb, validated.
bool OneSubdomain(Context& ctx, std::string* sub, int* exit_code);
// The optional subdomain positional of a list verb ("" when absent), validated.
bool OptionalSubdomain(Context& ctx, const std::string& usage, std::string* sub, int* exit_code);
// "/v1/instances/SUB".
std::string InstancePath(const std::string& sub);
// Runs the request with the client, printing the error on failure.
#define MD_CLI_TRY(ctx, lhs, expr)                                     \
  MD_CLI_TRY_IMPL(ctx, MD_CONCAT(md_cli_result_, __LINE__), lhs, expr)
#define MD_CLI_TRY_IMPL(ctx, tmp, lhs, expr)                      \
  auto tmp = (expr);                                              \
  if (!tmp.ok()) return ::md::cli::PrintError((ctx).err, tmp.status()); \
  lhs = std::move(tmp).value()

}  // namespace md::cli
