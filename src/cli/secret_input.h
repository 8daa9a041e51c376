#pragma once
// Reading a secret's value from stdin, so it is never on a command line: one
// line per value; on a terminal with a prompt and echo off. One reader per
// invocation; not thread-safe (it changes the terminal's settings).

#include <istream>
#include <ostream>
#include <string>

#include "core/status.h"

namespace md::cli {

// One line of `in` without its "\n" or "\r\n". When `terminal` (`in` is the
// process's stdin and a tty), prompts on `err` and turns echo off until the
// line is read; Ctrl-C then ends the read. InvalidArgument naming `key` when
// there is no line.
Result<std::string> ReadSecretLine(std::istream& in, bool terminal, std::ostream& err, const std::string& key);

// InvalidArgument when `in` (a pipe or file, not a terminal) has anything
// left: a value cannot span lines, and a cut-off value must not be stored.
// Waits for the end of input (a pipe must be closed by its writer).
Status ExpectNoMoreInput(std::istream& in);

}  // namespace md::cli
