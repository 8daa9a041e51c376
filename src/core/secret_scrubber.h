#pragma once
// SecretScrubber: replaces every secret it was given (and its percent-encoded
// form, as it appears in URLs) by "***" in text about to be shown or logged,
// such as a tool's error output. A value type; not thread-safe to mutate.

#include <string>
#include <vector>

#include "core/strings.h"

namespace md {

class SecretScrubber {
 public:
  void Add(const std::string& secret) {
    if (secret.empty()) return;
    secrets_.push_back(secret);
    std::string encoded = PercentEncode(secret);
    if (encoded != secret) secrets_.push_back(encoded);
  }
  std::string operator()(std::string text) const {
    for (const auto& secret : secrets_) {
      for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
        text.replace(pos, secret.size(), "***");
      }
    }
    return text;
  }

 private:
  std::vector<std::string> secrets_;
};

}  // namespace md
