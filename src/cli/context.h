#pragma once
// Context: what one CLI invocation runs with — its streams, parsed
// arguments, output format, and the API client (made on first use, so that
// usage errors never need a token or a server). One per invocation.

#include <iostream>
#include <memory>
#include <string>

#include "cli/api_client.h"
#include "cli/args.h"

namespace md::cli {

struct Context {
  Context(std::ostream& out_stream, std::ostream& err_stream, std::istream& in_stream)
      : out(out_stream), err(err_stream), in(in_stream) {}

  std::ostream& out;
  std::ostream& err;
  std::istream& in;
  bool in_is_terminal = false;  // `in` is the process's stdin and a tty
  int out_columns = 0;           // `out` is a terminal this wide (not TERM=dumb); 0 if not
  std::string command;  // "create", "flags set", ...
  ParsedArgs args;      // positionals without the command words
  bool json = false;    // -o json
  std::string server_url;
  std::string token_flag;

  // The client, made on first use: resolves the token then.
  Result<ApiClient*> Client();

 private:
  std::unique_ptr<ApiClient> client_;
};

// Every verb: returns the exit code.
using VerbFn = int (*)(Context&);

}  // namespace md::cli
