#pragma once
// Eventually: polls a condition every 10 ms until it holds or a timeout
// passes, for tests that wait on another process or thread.

#include <chrono>
#include <functional>
#include <thread>

namespace md::test {

inline bool Eventually(const std::function<bool()>& cond,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace md::test
