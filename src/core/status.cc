#include "core/status.h"

#include <cerrno>
#include <cstring>

namespace md {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kNotFound: return "not_found";
    case Code::kAlreadyExists: return "already_exists";
    case Code::kFailedPrecondition: return "failed_precondition";
    case Code::kUnavailable: return "unavailable";
    case Code::kUnauthenticated: return "unauthenticated";
    case Code::kInternal: return "internal";
  }
  return "internal";
}

Status ErrnoStatus(const std::string& what) {
  int err = errno;
  return Internal(what + ": " + strerror(err));
}

}  // namespace md
