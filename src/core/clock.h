#pragma once
// Wall-clock milliseconds since the epoch, for timestamps in the store.

#include <chrono>
#include <cstdint>

namespace md {

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace md
