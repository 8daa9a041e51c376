#include "cli/secret_input.h"

#include <termios.h>
#include <unistd.h>

#include "cli/interrupt.h"

namespace md::cli {
namespace {

// Turns the terminal's echo off while alive (the line discipline still edits
// the line), and restores the settings it found.
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

}  // namespace

Result<std::string> ReadSecretLine(std::istream& in, bool terminal, std::ostream& err, const std::string& key) {
  std::string line;
  bool got = false;
  if (terminal) {
    err << "value of secret " << key << " (not shown): " << std::flush;
    // Ctrl-C interrupts the read (no SA_RESTART) instead of killing the
    // process with echo still off.
    InterruptGuard interrupt;
    EchoOff quiet;
    got = static_cast<bool>(std::getline(in, line)) && !interrupt.interrupted();
    err << "\n";
  } else {
    got = static_cast<bool>(std::getline(in, line));
  }
  if (!got) return InvalidArgument("no value on stdin for secret " + key);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Status ExpectNoMoreInput(std::istream& in) {
  if (in.peek() == std::char_traits<char>::eof()) return Status::Ok();
  return InvalidArgument("stdin has more lines than there are bare KEYs; a secret's value is one line");
}

}  // namespace md::cli
