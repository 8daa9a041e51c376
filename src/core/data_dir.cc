#include "core/data_dir.h"

#include <unistd.h>

#include <cstdlib>

namespace md {

std::string DefaultDataDir() {
  if (geteuid() == 0) return "/var/lib/meltanodata";
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/meltanodata";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/meltanodata";
  return "";
}

}  // namespace md
