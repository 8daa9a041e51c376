#pragma once
// Waiting for operations: follows each on the controller's event stream
// (polls an older controller) until it has finished, showing every
// step as it completes with its duration, saying when one is queued behind
// another, then one line per operation (success on stdout, failure as
// `error:` on stderr); how it looks is cli/progress.h's. Ctrl-C stops
// waiting, not the operation.

#include <functional>
#include <string>
#include <vector>

#include "cli/context.h"
#include "core/types.h"

namespace md::cli {

// The last line printed for an operation that succeeded (given the final
// operation); empty uses a generic one.
using SuccessLine = std::function<std::string(const Operation&)>;

// Waits for `ops` (those enqueued by one command) and reports them. Returns
// 0 if every one succeeded, 1 if any failed, 130 if interrupted, or the exit
// code of a request that failed. With -o json prints the final operations
// instead of progress (an array when `as_array`). With --no-wait only says
// how to follow them.
int WaitAndReport(Context& ctx, const std::vector<Operation>& ops, bool as_array, const SuccessLine& success = nullptr);

// "create acme" — how an operation is named in messages.
std::string Describe(const Operation& op);

}  // namespace md::cli
