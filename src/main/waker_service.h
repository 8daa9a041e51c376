#pragma once
// The waker as a supervised service of its own (`meltanodata waker`, this
// very binary), installed by `serve` before any tenant: it goes on relaying,
// putting idle apps to sleep and waking them while the controller is down.

#include <string>

#include "core/status.h"
#include "drivers/supervisor/supervisor.h"

namespace md {

Status InstallWakerService(Supervisor& supervisor, const std::string& data_dir);

}  // namespace md
