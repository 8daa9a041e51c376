#pragma once
// The default data dir of the controller, shared by `serve` and the client
// (which reads the admin token from it).

#include <string>

namespace md {

// /var/lib/meltanodata as root, else $XDG_DATA_HOME/meltanodata or
// ~/.local/share/meltanodata; "" when none can be told.
std::string DefaultDataDir();

}  // namespace md
