#include "cli/config.h"

#include <unistd.h>

#include <cstdlib>

#include "core/files.h"
#include "core/strings.h"

namespace md::cli {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

std::string ResolveServerUrl(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (std::string env = Env("MELTANODATA_URL"); !env.empty()) return env;
  return kDefaultServerUrl;
}

Result<std::string> ResolveToken(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (std::string env = Trim(Env("MELTANODATA_TOKEN")); !env.empty()) return env;
  std::string dir = DefaultDataDir();
  std::string why = "no data dir";
  if (!dir.empty()) {
    std::string path = dir + "/admin.token";
    Result<std::string> content = ReadFile(path);
    if (content.ok() && !Trim(*content).empty()) return Trim(*content);
    why = content.ok() ? path + " is empty" : "cannot read " + path;
  }
  return InvalidArgument("no admin token (" + why +
                         "): pass --token, set MELTANODATA_TOKEN, or run as the user that runs `meltanodata serve`");
}

}  // namespace md::cli
