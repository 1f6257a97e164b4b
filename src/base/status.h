// Status and Result<T>: the error type for every operation whose failure is normal
// (network, decoders, parsers, config). Exceptions are reserved for the protocol
// dispatcher's "this request cannot continue" path.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace chview {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,  // the caller's input is wrong (user error)
  kParse,            // malformed bytes or text from outside
  kNotFound,
  kAlreadyExists,
  kUnsupported,  // valid but not implemented (e.g. an unknown ClickHouse type)
  kConnection,   // could not reach a peer (refused, DNS, reset)
  kTimeout,
  kAuthentication,
  kRemote,  // the peer answered with an error (e.g. a ClickHouse exception)
  kCancelled,
  kInternal,  // a broken invariant: a bug
};

const char* error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }

  bool is_ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<code name>: <message>", for logs and user-facing errors.
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status invalid_argument(std::string m) {
  return {ErrorCode::kInvalidArgument, std::move(m)};
}
inline Status parse_error(std::string m) { return {ErrorCode::kParse, std::move(m)}; }
inline Status not_found(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status unsupported(std::string m) { return {ErrorCode::kUnsupported, std::move(m)}; }
inline Status internal_error(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).is_ok());
  }

  bool is_ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return is_ok(); }

  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace chview

// Propagate a failed Status/Result from the current function.
// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` is a declaration and cannot be wrapped.
#define CHVIEW_RETURN_IF_ERROR(expr)                    \
  do {                                                  \
    auto chview_status_ = (expr);                       \
    if (!chview_status_.is_ok()) return chview_status_; \
  } while (0)

#define CHVIEW_CONCAT_INNER(a, b) a##b
#define CHVIEW_CONCAT(a, b) CHVIEW_CONCAT_INNER(a, b)
// CHVIEW_ASSIGN_OR_RETURN(auto x, make_x()); returns the Status if make_x() failed.
#define CHVIEW_ASSIGN_OR_RETURN(lhs, expr) \
  CHVIEW_ASSIGN_OR_RETURN_IMPL(CHVIEW_CONCAT(chview_result_, __LINE__), lhs, expr)
#define CHVIEW_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.is_ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
