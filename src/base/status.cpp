#include "base/status.h"

namespace chview {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kParse:
      return "parse error";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kAlreadyExists:
      return "already exists";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kConnection:
      return "connection error";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kAuthentication:
      return "authentication failed";
    case ErrorCode::kRemote:
      return "remote error";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return std::string(error_code_name(code_)) + ": " + message_;
}

}  // namespace chview
