#pragma once
// Local network probes. Thread-safe; owns no resources past a call.

namespace md {

// True when a TCP socket can bind 127.0.0.1:`port` right now (the socket is
// close-on-exec and closed before returning, so the answer may go stale).
bool PortIsFree(int port);

}  // namespace md
