#pragma once
// The command table: each command's words, flags, usage and summary, and the
// function that runs it. Used by the dispatcher and by `help`.

#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/context.h"

namespace md::cli {

struct Command {
  std::string words;  // "create", "flags set"
  std::vector<FlagSpec> flags;
  std::string usage;    // after "meltanodata "
  std::string summary;  // one line
  VerbFn run = nullptr;  // null: run by main, not a client of the API (serve, halt)
  std::vector<std::string> examples;  // whole command lines, for --help and the man page
};

const std::vector<Command>& Commands();
// Flags every command takes: --server --token --output --help.
const std::vector<FlagSpec>& GlobalFlags();
// Groups whose commands are two words ("flags", "secrets", "clusters", "ops",
// "backups", "certs", "domains").
bool IsGroup(const std::string& word);
// The command for `words`, or nullptr.
const Command* FindCommand(const std::string& words);

// Usage text: the whole list, or one command or group.
void PrintHelp(std::ostream& out, const std::string& topic);

}  // namespace md::cli
