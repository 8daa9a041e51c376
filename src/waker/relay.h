#pragma once
// Relay: one client connection joined to its app's socket, bytes moved both
// ways through a bounded buffer each, a half-close passed on. Both sockets
// are non-blocking and watched edge-triggered by the waker's loop, which
// calls Pump on any event of either: Pump moves all it can until neither
// side can take or give more. Owns (closes) both descriptors. Not
// thread-safe: the loop's thread alone uses it.

#include <array>
#include <cstddef>
#include <string>

namespace md {

class Relay {
 public:
  Relay(int client_fd, int app_fd);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Moves what can move now; adds the bytes moved to *moved. False once the
  // relay is over: both directions ended, or a socket failed.
  bool Pump(size_t* moved);
  // Closes both sockets now (the destructor does too, if not yet).
  void Close();

  int client_fd() const { return to_app_.from; }
  int app_fd() const { return to_client_.from; }

 private:
  static constexpr size_t kBuffer = 32 * 1024;
  // One direction: read from `from` into the buffer, written to `to`.
  struct Direction {
    int from = -1;
    int to = -1;
    std::array<char, kBuffer> buffer{};
    size_t begin = 0;  // next byte to write
    size_t end = 0;    // one past the last byte read
    bool eof = false;  // `from` ended: `to` is shut for writing once the buffer is out
    bool shut = false;
    bool failed = false;
  };
  // Moves what it can in one direction; true if anything changed.
  static bool Step(Direction& d, size_t* moved);

  Direction to_app_;
  Direction to_client_;
};

// A complete HTTP/1.1 response with an HTML page: `status` "503 Service Unavailable".
std::string HtmlAnswer(const std::string& status, const std::string& title, const std::string& text);

}  // namespace md
