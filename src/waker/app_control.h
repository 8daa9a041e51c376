#pragma once
// AppControl: how the waker reaches an instance's app — a connection to its
// socket, and starting (until healthy) or stopping its service. S6AppControl
// is the real one (s6-svc on the service dir; the health path over the
// app's socket); tests use a fake. Thread-safe: wakes run on threads of
// their own.

#include "core/status.h"
#include "waker/wake_entry.h"

namespace md {

class AppControl {
 public:
  virtual ~AppControl() = default;
  // A non-blocking socket connected to the app, or Unavailable when nothing
  // listens there; FailedPrecondition when what listens is not the app's
  // user (a socket path the tenant swapped for another's).
  virtual Result<int> Connect(const WakeEntry& entry) = 0;
  // Starts the app and returns once its health path answers 200;
  // Unavailable when it does not within start_timeout_s.
  virtual Status Wake(const WakeEntry& entry) = 0;
  // Stops the app (its supervisor keeps it down).
  virtual Status Sleep(const WakeEntry& entry) = 0;
};

class S6AppControl final : public AppControl {
 public:
  Result<int> Connect(const WakeEntry& entry) override;
  Status Wake(const WakeEntry& entry) override;
  Status Sleep(const WakeEntry& entry) override;
};

}  // namespace md
