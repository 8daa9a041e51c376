#include "drivers/database/pg_bin_dir.h"

#include <unistd.h>

#include <algorithm>

#include "core/process.h"
#include "core/strings.h"

namespace md {

Result<std::string> FindPostgresBinDir(const std::string& configured, const std::vector<std::string>& needed) {
  std::vector<std::string> candidates;
  if (!configured.empty()) {
    candidates.push_back(configured);
  } else {
    ProcessOptions quick;
    quick.timeout_ms = 10000;
    auto r = RunProcess({"pg_config", "--bindir"}, quick);
    if (r.ok() && r->exit_code == 0) candidates.push_back(Trim(r->output));
    candidates.push_back(kDefaultPostgresBinDir);
  }
  for (const auto& dir : candidates) {
    bool has_all = !dir.empty() && std::all_of(needed.begin(), needed.end(), [&](const std::string& tool) {
      return access((dir + "/" + tool).c_str(), X_OK) == 0;
    });
    if (has_all) return dir;
  }
  std::string tools;
  for (const auto& t : needed) tools += (tools.empty() ? "" : "/") + t;
  return FailedPrecondition(tools + " not found (tried " +
                            (configured.empty() ? "pg_config --bindir and " + std::string(kDefaultPostgresBinDir)
                                                : configured) +
                            ")");
}

}  // namespace md
