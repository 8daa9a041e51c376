#pragma once
// Status and Result<T>: the error values passed across module boundaries.
// No exception crosses a module; library exceptions are caught at the edge
// and turned into a Status. api/ maps a code to HTTP, cli/ to an exit code.

#include <optional>
#include <string>
#include <utility>

namespace md {

enum class Code {
  kOk,
  kInvalidArgument,     // bad input: exit 2, HTTP 400
  kNotFound,            // exit 3, HTTP 404
  kAlreadyExists,       // conflict: exit 4, HTTP 409
  kFailedPrecondition,  // conflict (busy, full, not empty): exit 4, HTTP 409
  kUnavailable,         // transient; a step that returns it is retried
  kUnauthenticated,     // HTTP 401
  kInternal,            // operation failed: exit 1, HTTP 500
};

const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "message" for errors, "ok" otherwise.
  std::string ToString() const { return ok() ? "ok" : message_; }
  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
inline Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

// Internal("`what`: strerror(errno)"); call right after the failing system call.
Status ErrnoStatus(const std::string& what);

// A value or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  // An OK status carries no value, which is a bug of the caller: it becomes Internal.
  Result(Status status)  // NOLINT: implicit by design
      : status_(status.ok() ? Status(Code::kInternal, "Result built from an OK status") : std::move(status)) {}

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }

 private:
  std::optional<T> value_;
  Status status_;  // OK exactly when value_ is set
};

}  // namespace md

// Returns the Status of `expr` from the enclosing function if it is an error.
#define MD_RETURN_IF_ERROR(expr)            \
  do {                                      \
    ::md::Status md_status_ = (expr);       \
    if (!md_status_.ok()) return md_status_; \
  } while (0)

#define MD_CONCAT_INNER(a, b) a##b
#define MD_CONCAT(a, b) MD_CONCAT_INNER(a, b)
// Declares `lhs` from a Result, or returns its Status from the enclosing function.
#define MD_ASSIGN_OR_RETURN(lhs, expr) \
  MD_ASSIGN_OR_RETURN_IMPL(MD_CONCAT(md_result_, __LINE__), lhs, expr)
#define MD_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
