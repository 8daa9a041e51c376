#include "cli/progress.h"

#include <algorithm>

#include "cli/output.h"
#include "cli/wait.h"

namespace md::cli {
namespace {

constexpr const char* kFrames[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
constexpr int kFrameMs = 100;

std::string Pad(const std::string& s, size_t width) {
  size_t w = DisplayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

// `s` cut to `columns` display columns (UTF-8 aware), so that the spinner
// line never wraps and \r can redraw it.
std::string Fit(const std::string& s, size_t columns) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == columns) return s.substr(0, i);
  }
  return s;
}

// A line a tenant's app may have written: control bytes (terminal escapes)
// shown as '?', tabs kept.
std::string Printable(std::string line) {
  for (char& c : line) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) c = '?';
  }
  return line;
}

}  // namespace

void Progress::Started(const Operation& op) { Emit(Describe(op) + " (operation #" + std::to_string(op.id) + ")\n"); }

void Progress::Note(const std::string& label, const std::string& text) { Emit("  " + label + text + "\n"); }

void Progress::Update(const std::string& label, const Operation& op) {
  const auto& steps = op.steps;
  std::vector<bool>& printed = printed_[op.id];
  printed.resize(steps.size(), false);
  size_t name_width = 0;
  for (const auto& s : steps) name_width = std::max(name_width, DisplayWidth(s.name));
  std::string lines;
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepRecord& s = steps[i];
    if (printed[i] || (s.state != StepState::kDone && s.state != StepState::kFailed)) continue;
    printed[i] = true;
    // A failed step's error is the operation's: Failed prints it, once.
    std::string line = "  " + label + (s.state == StepState::kDone ? "✓ " : "✗ ") + Pad(s.name, name_width) + "  " +
                       FormatDurationMs(s.finished_ms - s.started_ms);
    if (s.attempts > 1) line += " (" + std::to_string(s.attempts) + " attempts)";
    while (!line.empty() && line.back() == ' ') line.pop_back();
    lines += line + "\n";
  }
  auto running = std::find_if(steps.begin(), steps.end(), [](const StepRecord& s) { return s.state == StepState::kRunning; });
  if (running == steps.end()) {
    running_.erase(op.id);
  } else if (auto it = running_.find(op.id); it == running_.end() || it->second.step != running->name) {
    running_[op.id] = {label, running->name, std::chrono::steady_clock::now()};
  }
  if (lines.empty()) return Tick();
  Emit(lines);
}

void Progress::Tick() {
  if (columns_ <= 0) return;
  if (running_.empty()) return Clear();
  auto now = std::chrono::steady_clock::now();
  auto ms = [&](auto since) { return std::chrono::duration_cast<std::chrono::milliseconds>(now - since).count(); };
  std::string line = std::string(kFrames[(ms(started_) / kFrameMs) % std::size(kFrames)]);
  for (const auto& [id, r] : running_) line += "  " + r.label + r.step + " " + FormatDurationMs(ms(r.since));
  out_ << "\r\033[K" << Fit(line, static_cast<size_t>(columns_ - 1));
  out_.flush();
  spinner_shown_ = true;
}

void Progress::Succeeded(const Operation& op, const std::string& line) {
  running_.erase(op.id);
  Emit("✓ " + (line.empty() ? Describe(op) + " done" : line) + " (" + FormatDurationMs(op.finished_ms - op.started_ms) +
       ")\n");
}

int Progress::Failed(const Operation& op) {
  running_.erase(op.id);
  Clear();
  out_.flush();
  err_ << FailureReport(op);
  err_.flush();
  Tick();
  return kExitFailed;
}

void Progress::Clear() {
  if (!spinner_shown_) return;
  out_ << "\r\033[K";
  out_.flush();
  spinner_shown_ = false;
}

void Progress::Emit(const std::string& text) {
  Clear();
  out_ << text;
  out_.flush();
  Tick();
}

std::string Progress::FailureReport(const Operation& op) {
  std::string head = Describe(op) + " failed";
  for (const StepRecord& s : op.steps) {
    if (s.state == StepState::kFailed && op.error.find(s.name) == std::string::npos) {
      head += " at step " + s.name;
      break;
    }
  }
  std::string error = op.error.empty() ? "no error recorded" : op.error;
  std::string first = error.substr(0, error.find('\n'));
  std::string report = "error: " + head + ": " + Printable(first) + " (details: `meltanodata ops show " + std::to_string(op.id) + "`)\n";
  // The rest (an app's log lines) once, indented, as it was written.
  for (size_t at = error.find('\n'); at != std::string::npos;) {
    size_t next = error.find('\n', at + 1);
    std::string line = error.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
    if (!line.empty()) report += "    " + Printable(line) + "\n";
    at = next;
  }
  return report;
}

}  // namespace md::cli
