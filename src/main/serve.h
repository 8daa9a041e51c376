#pragma once
// `meltanodata serve`: wires the store, drivers, runner, use cases and HTTP
// API together and runs until SIGTERM or SIGINT.

namespace md {

int RunServe(int argc, char** argv);

}  // namespace md
