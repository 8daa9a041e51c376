#pragma once
// The `meltanodata` command line for every verb but `serve`: parses the
// arguments, talks to the controller's HTTP API, prints tables or JSON, and
// returns the exit code of the command-line contract (0 done, 1 operation
// failed, 2 bad input, 3 not found, 4 conflict).

#include <iostream>
#include <string>
#include <vector>

namespace md {

// argv[0] is the program name.
int RunCli(int argc, char** argv);

// The same with the arguments after the program name and explicit streams
// (for tests and embedding).
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::istream& in = std::cin);

}  // namespace md
