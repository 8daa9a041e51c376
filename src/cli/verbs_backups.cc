// Backup verbs: backup, backups list, restore.

#include <cstdio>

#include "cli/output.h"
#include "cli/verbs.h"
#include "cli/wait.h"
#include "core/validate.h"

namespace md::cli {
namespace {

// "12.3 MiB" and the like, for people; -o json has the exact byte count.
std::string FormatSize(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

}  // namespace

int CmdBackup(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OneSubdomain(ctx, &sub, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Post(InstancePath(sub) + "/backups"));
  MD_CLI_TRY(ctx, Operation op, ApiClient::Decode<Operation>(answer));
  return WaitAndReport(ctx, {op}, false, [](const Operation& o) { return "backup of " + o.subdomain + " taken and checked"; });
}

int CmdBackupsList(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OptionalSubdomain(ctx, "backups list [SUB]", &sub, &code)) return code;
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  Query query;
  if (!sub.empty()) query.push_back({"subdomain", sub});
  MD_CLI_TRY(ctx, Json answer, client->Get("/v1/backups", query));
  if (ctx.json) {
    PrintJson(ctx.out, answer);
    return kExitOk;
  }
  MD_CLI_TRY(ctx, auto backups, ApiClient::Decode<std::vector<BackupInfo>>(answer));
  if (backups.empty()) {
    ctx.out << "no backups\n";
    return kExitOk;
  }
  Table table({"ID", "SUBDOMAIN", "CREATED", "REASON", "APP", "SIZE", "CONTENTS"});
  for (const BackupInfo& b : backups) {
    table.Add({b.id, b.subdomain, FormatTime(b.created_ms), b.reason, b.app + " " + b.app_version,
               FormatSize(b.size_bytes), b.has_files ? "database, files" : "database"});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int CmdRestore(Context& ctx) {
  int code = 0;
  std::string sub;
  if (!OneSubdomain(ctx, &sub, &code)) return code;
  std::string from = ctx.args.Get("--from");
  if (ctx.args.Has("--from")) {
    if (Status s = ValidateBackupId(from); !s.ok()) return PrintError(ctx.err, s);
  }
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Post(InstancePath(sub) + "/restore" + (from.empty() ? "" : "?from=" + from)));
  MD_CLI_TRY(ctx, Operation op, ApiClient::Decode<Operation>(answer));
  return WaitAndReport(ctx, {op}, false, [](const Operation& o) { return o.subdomain + " restored"; });
}

}  // namespace md::cli
