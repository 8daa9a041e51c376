#pragma once
// FakeMailer: records every message it is given; fault switches make the
// next sends fail. Thread-safe.

#include <mutex>
#include <string>
#include <vector>

#include "drivers/mail/mailer.h"

namespace md {

class FakeMailer final : public Mailer {
 public:
  struct Sent {
    std::string from;
    std::string to;
    std::string message;
  };
  Status Send(const std::string& from, const std::string& to, const std::string& message) override;
  std::string Describe() const override { return "fake"; }

  std::vector<Sent> sent();
  // The next `n` sends fail with `status` (Unavailable: the server is down).
  void FailNext(int n, Status status);

 private:
  std::mutex mu_;
  std::vector<Sent> sent_;  // guarded by mu_
  int failures_ = 0;        // guarded by mu_
  Status failure_;          // guarded by mu_
};

}  // namespace md
