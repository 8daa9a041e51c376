#include "demo_log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

namespace md::demo {
namespace {

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

DemoLog::DemoLog(std::string path) : path_(std::move(path)) {
  std::lock_guard<std::mutex> lock(mu_);
  OpenLocked();
}

DemoLog::~DemoLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void DemoLog::OpenLocked() {
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  file_ = std::fopen(path_.c_str(), "ae");  // append, close-on-exec
  if (file_ == nullptr) std::cout << Timestamp() << " cannot open log file " << path_ << "; logging to stdout only\n";
}

void DemoLog::Reopen() {
  std::lock_guard<std::mutex> lock(mu_);
  OpenLocked();
}

void DemoLog::Line(const std::string& text) {
  std::string line = Timestamp() + " meltanodata-demo[" + std::to_string(getpid()) + "] " + text + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  std::cout << line << std::flush;
  if (file_ != nullptr) {
    std::fputs(line.c_str(), file_);
    std::fflush(file_);
  }
}

}  // namespace md::demo
