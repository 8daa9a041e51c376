// meltanodata: `serve` runs the controller, `halt` stops all it runs and
// `waker` is the service `serve` runs to wake idle apps; every other verb is
// a client of its HTTP API.

#include <cstring>

#include "cli/cli.h"
#include "main/halt.h"
#include "main/serve.h"
#include "main/waker_main.h"

int main(int argc, char** argv) {
  bool help = false;
  for (int i = 1; i < argc; ++i) help = help || std::strcmp(argv[i], "--help") == 0;
  // `serve --help` and `halt --help` are the command line's, like every verb's.
  if (argc >= 2 && !help && std::strcmp(argv[1], "serve") == 0) return md::RunServe(argc - 1, argv + 1);
  if (argc >= 2 && !help && std::strcmp(argv[1], "halt") == 0) return md::RunHalt(argc - 1, argv + 1);
  if (argc >= 2 && std::strcmp(argv[1], "waker") == 0) return md::RunWaker(argc - 1, argv + 1);
  return md::RunCli(argc, argv);
}
