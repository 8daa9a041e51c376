#pragma once
// Where the CLI finds the controller and its admin token: flags first, then
// the environment, then the default data dir. Reads the environment; no state.

#include <string>

#include "core/data_dir.h"
#include "core/status.h"

namespace md::cli {

inline constexpr const char* kDefaultServerUrl = "http://127.0.0.1:8600";

// --server, else MELTANODATA_URL, else kDefaultServerUrl.
std::string ResolveServerUrl(const std::string& flag_value);

// --token, else MELTANODATA_TOKEN, else DefaultDataDir()/admin.token.
// InvalidArgument naming the three ways when none gives a token.
Result<std::string> ResolveToken(const std::string& flag_value);

}  // namespace md::cli
