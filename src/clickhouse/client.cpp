#include "clickhouse/client.h"

#include <charconv>
#include <cstdio>
#include <random>

namespace chview::clickhouse {
namespace {

constexpr std::chrono::milliseconds kCancelTimeout{5000};

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == ';')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string quote_string(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The message of a ClickHouse exception text, without the code and version decorations.
std::string exception_message(std::string_view body) {
  std::string_view text = trim(body);
  if (auto p = text.find("DB::Exception: "); p != std::string_view::npos) {
    text.remove_prefix(p + 15);
  } else if (auto c = text.find("Code: "); c != std::string_view::npos) {
    text.remove_prefix(c);
  }
  if (auto p = text.find(", e.what() = "); p != std::string_view::npos) text = text.substr(0, p);
  if (auto p = text.rfind(" (version "); p != std::string_view::npos) text = text.substr(0, p);
  // Newer servers append " (ERROR_NAME)".
  if (text.ends_with(")")) {
    if (auto p = text.rfind(" ("); p != std::string_view::npos) {
      std::string_view name = text.substr(p + 2, text.size() - p - 3);
      bool upper = !name.empty();
      for (char c : name)
        upper = upper && (std::isupper(static_cast<unsigned char>(c)) || c == '_');
      if (upper) text = text.substr(0, p);
    }
  }
  text = trim(text);
  while (text.ends_with('.')) text.remove_suffix(1);
  std::string out(text.substr(0, 2000));
  return out;
}

std::optional<int> exception_code(const HttpResponse& response) {
  int code = 0;
  std::string header = response.header("X-ClickHouse-Exception-Code");
  if (!header.empty()) {
    auto [p, ec] = std::from_chars(header.data(), header.data() + header.size(), code);
    if (ec == std::errc()) return code;
  }
  std::string_view body = response.body;
  auto pos = body.find("Code: ");
  if (pos == std::string_view::npos) return std::nullopt;
  const char* begin = body.data() + pos + 6;
  auto [p, ec] = std::from_chars(begin, body.data() + body.size(), code);
  if (ec != std::errc()) return std::nullopt;
  return code;
}

// A 200 response can still end in an exception when the server failed mid-stream.
std::optional<Status> trailing_exception(std::string_view body) {
  std::string_view tail = body.substr(body.size() > 4096 ? body.size() - 4096 : 0);
  auto pos = tail.rfind("Code: ");
  if (pos == std::string_view::npos || tail.find("DB::Exception", pos) == std::string_view::npos) {
    return std::nullopt;
  }
  HttpResponse fake;
  fake.status = 500;
  fake.body = std::string(tail.substr(pos));
  return status_from_error_response(fake);
}

}  // namespace

Status status_from_error_response(const HttpResponse& response) {
  std::optional<int> code = exception_code(response);
  if (!code) {
    std::string body(trim(response.body).substr(0, 500));
    ErrorCode kind = response.status == 401 || response.status == 403 ? ErrorCode::kAuthentication
                                                                      : ErrorCode::kRemote;
    return {kind, "ClickHouse HTTP " + std::to_string(response.status) +
                      (body.empty() ? "" : ": " + body)};
  }
  std::string message = exception_message(response.body);
  ErrorCode kind = ErrorCode::kRemote;
  switch (*code) {
    case 192:  // UNKNOWN_USER
    case 193:  // WRONG_PASSWORD
    case 194:  // REQUIRED_PASSWORD
    case 516:  // AUTHENTICATION_FAILED
      kind = ErrorCode::kAuthentication;
      break;
    case 159:  // TIMEOUT_EXCEEDED
      kind = ErrorCode::kTimeout;
      break;
    case 394:  // QUERY_WAS_CANCELLED
      kind = ErrorCode::kCancelled;
      break;
    default:
      break;
  }
  return {kind, "ClickHouse error " + std::to_string(*code) + ": " + message};
}

std::string generate_query_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;        // version 4
  lo = (lo & ~(3ULL << 62)) | (2ULL << 62);  // RFC 4122 variant
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", unsigned(hi >> 32),
                unsigned((hi >> 16) & 0xffff), unsigned(hi & 0xffff), unsigned(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

bool ServerVersion::at_least(int maj, int min) const {
  return major > maj || (major == maj && minor >= min);
}
bool ServerVersion::supports_datetime64() const { return at_least(20, 1); }
bool ServerVersion::supports_date32() const { return at_least(21, 9); }
bool ServerVersion::supports_low_cardinality() const { return at_least(18, 12); }
bool ServerVersion::low_cardinality_needs_setting() const {
  return supports_low_cardinality() && !at_least(20, 1);
}

Result<ServerVersion> parse_server_version(std::string_view text) {
  ServerVersion v;
  v.text = std::string(trim(text));
  int* parts[] = {&v.major, &v.minor, &v.patch};
  const char* p = v.text.data();
  const char* end = v.text.data() + v.text.size();
  for (int i = 0; i < 3; ++i) {
    auto [next, ec] = std::from_chars(p, end, *parts[i]);
    if (ec != std::errc()) {
      if (i < 2) return parse_error("cannot parse ClickHouse version '" + v.text + "'");
      break;
    }
    p = next;
    if (p == end || *p != '.') break;
    ++p;
  }
  return v;
}

struct Client::Impl {
  ConnectionConfig config;
  TransportFactory factory;
  std::unique_ptr<HttpTransport> transport;
  std::optional<ServerVersion> version;

  // POSTs `body`; `sql_param` (if any) goes in the URL as query=. Returns the response of
  // a successful (200) exchange, else the mapped Status.
  Result<HttpResponse> send(std::string_view sql_param, std::string body,
                            const QueryOptions& options) {
    const std::string query_id = options.query_id.empty() ? generate_query_id() : options.query_id;
    HttpRequest request;
    request.target =
        "/?database=" + percent_encode(config.database) + "&query_id=" + percent_encode(query_id);
    for (const auto& [name, value] : options.settings) {
      request.target += '&';
      request.target += percent_encode(name);
      request.target += '=';
      request.target += percent_encode(value);
    }
    if (!sql_param.empty()) request.target += "&query=" + percent_encode(sql_param);
    request.headers.emplace_back("Authorization",
                                 "Basic " + base64(config.user + ":" + config.password));
    request.headers.emplace_back("Content-Type", "application/octet-stream");
    request.body = std::move(body);
    request.timeout = options.timeout.value_or(config.query_timeout);
    if (!transport) transport = factory();
    Result<HttpResponse> response = transport->post(request);
    if (!response.is_ok()) {
      if (response.status().code() == ErrorCode::kTimeout) {
        Status killed = kill(query_id, /*wait=*/false);  // best effort: do not leave it running
        (void)killed;
        return Status(ErrorCode::kTimeout, "query " + query_id + " timed out after " +
                                               std::to_string(request.timeout.count()) + " ms (" +
                                               response.status().message() + ")");
      }
      return response.status();
    }
    if (response->status != 200) return status_from_error_response(*response);
    return response;
  }

  Status kill(std::string_view query_id, bool wait) {
    QueryOptions options;
    options.timeout = kCancelTimeout;
    std::string sql = "KILL QUERY WHERE query_id = " + quote_string(query_id) +
                      (wait ? " SYNC" : " ASYNC") + " FORMAT TabSeparated";
    // A separate connection: the main one may be busy with the query being cancelled.
    Impl side{config, factory, nullptr, std::nullopt};
    auto response = side.send("", std::move(sql), options);
    return response.is_ok() ? Status::ok() : response.status();
  }
};

Client::Client(ConnectionConfig config)  // NOLINT(performance-unnecessary-value-param)
    : Client(config, [config] { return make_http_transport(config); }) {}

Client::Client(ConnectionConfig config, TransportFactory factory)
    : impl_(std::make_unique<Impl>(
          Impl{std::move(config), std::move(factory), nullptr, std::nullopt})) {}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const ConnectionConfig& Client::config() const { return impl_->config; }

Result<std::vector<Block>> Client::query(std::string_view sql, const QueryOptions& options) {
  CHVIEW_ASSIGN_OR_RETURN(HttpResponse response,
                          impl_->send("", std::string(trim(sql)) + "\nFORMAT Native", options));
  auto blocks = decode_native(response.body);
  if (!blocks.is_ok()) {
    if (auto remote = trailing_exception(response.body)) return *remote;
  }
  return blocks;
}

Result<Block> Client::query_block(std::string_view sql, const QueryOptions& options) {
  CHVIEW_ASSIGN_OR_RETURN(std::vector<Block> blocks, query(sql, options));
  if (blocks.empty()) return Block{};
  Block result = std::move(blocks[0]);
  for (size_t i = 1; i < blocks.size(); ++i) CHVIEW_RETURN_IF_ERROR(result.append(blocks[i]));
  return result;
}

Status Client::execute(std::string_view sql, const QueryOptions& options) {
  auto response = impl_->send("", std::string(trim(sql)), options);
  return response.is_ok() ? Status::ok() : response.status();
}

Result<std::string> Client::query_text(std::string_view sql, const QueryOptions& options) {
  CHVIEW_ASSIGN_OR_RETURN(HttpResponse response, impl_->send("", std::string(trim(sql)), options));
  return std::move(response.body);
}

Status Client::insert(std::string_view table, const Block& block, const QueryOptions& options) {
  std::string body;
  CHVIEW_RETURN_IF_ERROR(encode_native(block, body));
  auto response =
      impl_->send("INSERT INTO " + std::string(table) + " FORMAT Native", std::move(body), options);
  return response.is_ok() ? Status::ok() : response.status();
}

Status Client::cancel(std::string_view query_id) { return impl_->kill(query_id, /*wait=*/true); }

Result<ServerVersion> Client::server_version() {
  if (impl_->version) return *impl_->version;
  CHVIEW_ASSIGN_OR_RETURN(std::string text, query_text("SELECT version() FORMAT TabSeparated"));
  CHVIEW_ASSIGN_OR_RETURN(ServerVersion version, parse_server_version(text));
  impl_->version = version;
  return version;
}

}  // namespace chview::clickhouse
