#pragma once
// The demo app's HTTP endpoints (see DESIGN "The demo app"). The pieces are
// owned by main() and outlive the server; handlers run on httplib's threads.

#include <httplib.h>

#include <string>

#include "config.h"
#include "database.h"
#include "demo_log.h"
#include "flags.h"

namespace md::demo {

struct DemoApp {
  DemoConfig config;
  FlagStore* flags = nullptr;
  DemoLog* log = nullptr;
  DemoDatabase* database = nullptr;
};

// GET /healthz /version /flags /schemas /, POST /load?schema=NAME, POST /login;
// and one log line per request (method, path, status: never a body or query).
void InstallRoutes(httplib::Server& server, const DemoApp& app);

// Compares in time that depends on the lengths only, not on the contents.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

}  // namespace md::demo
