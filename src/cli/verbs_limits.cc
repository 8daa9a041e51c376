// `limits set SUB KEY=N...`: an instance's own resource limits (memory_mb,
// pids, cpu_weight), over its profile's; KEY=default goes back to the
// profile's. Applied live; `status` shows usage against them.

#include <charconv>

#include "cli/output.h"
#include "cli/verbs.h"
#include "cli/wait.h"
#include "core/validate.h"

namespace md::cli {

int CmdLimitsSet(Context& ctx) {
  const auto& pos = ctx.args.positional;
  if (pos.size() < 2) return UsageError(ctx, "usage: meltanodata limits set SUB memory_mb=N|pids=N|cpu_weight=N...");
  const std::string& sub = pos[0];
  if (Status s = ValidateSubdomain(sub); !s.ok()) return PrintError(ctx.err, s);
  ResourceLimits change{-1, -1, -1};
  ResourceLimits check;  // the values given, for their bounds
  for (size_t i = 1; i < pos.size(); ++i) {
    const std::string& arg = pos[i];
    auto eq = arg.find('=');
    std::string key = arg.substr(0, eq);
    std::string text = eq == std::string::npos ? "" : arg.substr(eq + 1);
    int* field = key == "memory_mb" ? &change.memory_mb : key == "pids" ? &change.pids
               : key == "cpu_weight" ? &change.cpu_weight : nullptr;
    if (field == nullptr || eq == std::string::npos) {
      return UsageError(ctx, "'" + arg + "' is not memory_mb=N, pids=N or cpu_weight=N (or KEY=default)");
    }
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text != "default" && (ec != std::errc() || end != text.data() + text.size() || value <= 0)) {
      return UsageError(ctx, key + " must be a positive integer or 'default', not '" + text + "'");
    }
    *field = value;
    (key == "memory_mb" ? check.memory_mb : key == "pids" ? check.pids : check.cpu_weight) = value;
  }
  if (Status s = ValidateResourceLimits(check); !s.ok()) return PrintError(ctx.err, s);
  MD_CLI_TRY(ctx, ApiClient * client, ctx.Client());
  MD_CLI_TRY(ctx, Json answer, client->Patch(InstancePath(sub) + "/limits", ToJson(change)));
  MD_CLI_TRY(ctx, Operation op, ApiClient::Decode<Operation>(answer));
  std::string what = "limits of " + sub + " applied";
  return WaitAndReport(ctx, {op}, false, [what](const Operation&) { return what; });
}

}  // namespace md::cli
