#pragma once
// The command line's reference, generated from the command table: a bash
// completion script and a manual page (roff), so that neither can drift
// from the commands there are. Pure functions.

#include <string>

namespace md::cli {

// A bash completion script for `meltanodata`: commands, subcommands, each
// command's flags, and instance names (from `meltanodata list`, when the
// controller answers) where a command takes SUB.
std::string BashCompletion();
// meltanodata(1) in roff (man -l renders it).
std::string ManPage();

}  // namespace md::cli
