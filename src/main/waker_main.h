#pragma once
// `meltanodata waker --data-dir DIR`: the waker (waker/waker.h) of one data
// dir until SIGTERM. `serve` installs it as a supervised service of its own,
// so it goes on waking apps while the controller is down; not a verb for people.

namespace md {

int RunWaker(int argc, char** argv);

}  // namespace md
