#pragma once
// The default data dir of the controller, shared by `serve` and the client
// (which reads the admin token from it).

#include <string>

namespace md {

// /var/lib/meltanodata as root, else $XDG_DATA_HOME/meltanodata or
// ~/.local/share/meltanodata; "" when none can be told.
std::string DefaultDataDir();

// Eight hex digits (FNV-1a) of `data_dir`: names of host-wide things of one
// controller (its cgroups' parent, its PAM service), so that two controllers
// on one host never share them.
std::string DataDirTag(const std::string& data_dir);

}  // namespace md
