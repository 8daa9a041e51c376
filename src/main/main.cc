// meltanodata: `serve` runs the controller; every other verb is a client of
// its HTTP API.

#include <cstring>

#include "cli/cli.h"
#include "main/serve.h"

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "serve") == 0) return md::RunServe(argc - 1, argv + 1);
  return md::RunCli(argc, argv);
}
