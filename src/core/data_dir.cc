#include "core/data_dir.h"

#include <cstdint>
#include <cstdio>

#include <unistd.h>

#include <cstdlib>

namespace md {

std::string DefaultDataDir() {
  if (geteuid() == 0) return "/var/lib/meltanodata";
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/meltanodata";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/meltanodata";
  return "";
}

std::string DataDirTag(const std::string& data_dir) {
  uint32_t h = 2166136261u;
  for (unsigned char c : data_dir) h = (h ^ c) * 16777619u;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", h);
  return hex;
}

}  // namespace md
