#include "core/prom_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace md {

namespace {

// HELP text escapes only \ and newline.
std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string PromEscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u >= 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

std::string PromFormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // Whole numbers (counts, bytes, Unix times) in full, not as 1.7e+09.
  if (std::fabs(value) < 9007199254740992.0 && value == std::trunc(value)) {
    std::snprintf(buf, sizeof(buf), "%.0f", value);
    return value == 0 ? "0" : buf;
  }
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  return std::string(buf, end);
}

void PromText::Family(std::string_view name, std::string_view type, std::string_view help) {
  text_.append("# HELP ").append(name).append(" ").append(EscapeHelp(help)).append("\n");
  text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void PromText::Sample(std::string_view name, const PromLabels& labels, double value) {
  text_.append(name);
  if (!labels.empty()) {
    text_ += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) text_ += ',';
      text_.append(labels[i].first).append("=\"").append(PromEscapeLabelValue(labels[i].second)).append("\"");
    }
    text_ += '}';
  }
  text_.append(" ").append(PromFormatValue(value)).append("\n");
}

void PromText::Histogram(std::string_view name, const PromLabels& labels, const std::vector<double>& bounds,
                         const std::vector<int64_t>& le_counts, int64_t count, double sum) {
  const std::string base(name);
  for (size_t i = 0; i < bounds.size() && i < le_counts.size(); ++i) {
    PromLabels with_le = labels;
    with_le.emplace_back("le", PromFormatValue(bounds[i]));
    Sample(base + "_bucket", with_le, static_cast<double>(le_counts[i]));
  }
  PromLabels inf = labels;
  inf.emplace_back("le", "+Inf");
  Sample(base + "_bucket", inf, static_cast<double>(count));
  Sample(base + "_sum", labels, sum);
  Sample(base + "_count", labels, static_cast<double>(count));
}

}  // namespace md
