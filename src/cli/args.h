#pragma once
// Command-line argument parsing: `--flag VALUE`, `--flag=VALUE`, switches,
// positionals, and `--` to end options. Knows nothing about verbs.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace md::cli {

struct FlagSpec {
  std::string name;  // "--to"
  bool takes_value = false;
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // flags with a value; the last one wins
  std::set<std::string> switches;             // flags without a value

  bool Has(const std::string& flag) const { return switches.count(flag) > 0 || values.count(flag) > 0; }
  std::string Get(const std::string& flag, const std::string& fallback = "") const {
    auto it = values.find(flag);
    return it == values.end() ? fallback : it->second;
  }
};

// Short aliases become their long names: -o -> --output, -h -> --help.
std::vector<std::string> CanonicalizeArgs(const std::vector<std::string>& args);

// Parses `args` against `spec`. An unknown flag or a missing value is
// InvalidArgument naming the flag.
Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args, const std::vector<FlagSpec>& spec);

// The positionals of `args`, skipping the values of the flags in
// `value_flags` (used to find the verb before its own flags are known).
std::vector<std::string> Positionals(const std::vector<std::string>& args, const std::set<std::string>& value_flags);

// Parses a positive integer in [min, max]; false if `text` is not one.
bool ParseInt(const std::string& text, long long min, long long max, long long* out);

}  // namespace md::cli
