#include "service/layout.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace md {
namespace {

// FNV-1a, printed as 8 hex digits: a stable, short disambiguator.
std::string ShortHash(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", h);
  return buf;
}

std::string FitWithHash(const std::string& prefix, const std::string& sub, size_t max) {
  std::string name = prefix + sub;
  if (name.size() <= max) return name;
  std::string hash = ShortHash(sub);
  return name.substr(0, max - hash.size() - 1) + "-" + hash;
}

}  // namespace

std::string Layout::UnixUserName(const std::string& sub) { return FitWithHash(kUserPrefix, sub, 32); }

std::string Layout::DatabaseName(const std::string& sub) {
  std::string name = FitWithHash(kDatabasePrefix, sub, 63);
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace md
