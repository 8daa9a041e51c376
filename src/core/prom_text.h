#pragma once
// PromText: builds a page in the Prometheus text exposition format (0.0.4):
// each family's HELP and TYPE lines, then its samples; label values and help
// text escaped. The caller keeps label sets bounded. Not thread-safe: one per
// page.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace md {

using PromLabels = std::vector<std::pair<std::string, std::string>>;

// A label value as the format wants it: \ " and newline escaped. Bytes that
// are not printable ASCII become '?', so the page is always valid UTF-8.
std::string PromEscapeLabelValue(std::string_view value);
// A sample value: shortest round-trip form, NaN, +Inf or -Inf.
std::string PromFormatValue(double value);

class PromText {
 public:
  // Starts family `name` of `type` ("gauge", "counter", "histogram"). Each
  // family once per page, its samples right after it.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  // One sample of the current family (`name` may carry a suffix: _bucket, _sum, _count).
  void Sample(std::string_view name, const PromLabels& labels, double value);
  // The samples of one histogram series: a cumulative _bucket per bound
  // (`le_counts[i]` observations <= `bounds[i]`), +Inf, _sum and _count.
  void Histogram(std::string_view name, const PromLabels& labels, const std::vector<double>& bounds,
                 const std::vector<int64_t>& le_counts, int64_t count, double sum);

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace md
