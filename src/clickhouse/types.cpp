#include "clickhouse/types.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace chview::clickhouse {
namespace {

constexpr int kMaxTypeDepth = 32;

struct SimpleType {
  std::string_view name;
  TypeKind kind;
};
constexpr SimpleType kSimpleTypes[] = {
    {"Int8", TypeKind::kInt8},       {"Int16", TypeKind::kInt16},   {"Int32", TypeKind::kInt32},
    {"Int64", TypeKind::kInt64},     {"UInt8", TypeKind::kUInt8},   {"UInt16", TypeKind::kUInt16},
    {"UInt32", TypeKind::kUInt32},   {"UInt64", TypeKind::kUInt64}, {"Float32", TypeKind::kFloat32},
    {"Float64", TypeKind::kFloat64}, {"Bool", TypeKind::kBool},     {"String", TypeKind::kString},
    {"Date", TypeKind::kDate},       {"Date32", TypeKind::kDate32}, {"UUID", TypeKind::kUUID},
    {"Nothing", TypeKind::kNothing}, {"Int128", TypeKind::kInt128}, {"UInt128", TypeKind::kUInt128},
    {"IPv4", TypeKind::kIPv4},       {"IPv6", TypeKind::kIPv6},
};

// Recursive-descent parser over the type text.
class TypeParser {
 public:
  explicit TypeParser(std::string_view text) : text_(text) {}

  Result<DataType> parse_all() {
    CHVIEW_ASSIGN_OR_RETURN(DataType type, parse_type(0));
    skip_spaces();
    if (pos_ != text_.size()) return error("unexpected text after the type");
    return type;
  }

 private:
  Status error(std::string_view what) const {
    return parse_error("bad ClickHouse type '" + std::string(text_) + "': " + std::string(what) +
                       " at offset " + std::to_string(pos_));
  }

  void skip_spaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool consume(char c) {
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string_view identifier() {
    skip_spaces();
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }
  Result<int64_t> integer() {
    skip_spaces();
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), value);
    if (ec != std::errc()) return error("expected a number");
    pos_ = static_cast<size_t>(ptr - text_.data());
    return value;
  }
  Result<uint32_t> small_uint(int64_t max) {
    CHVIEW_ASSIGN_OR_RETURN(int64_t v, integer());
    if (v < 0 || v > max) return error("number out of range");
    return static_cast<uint32_t>(v);
  }
  // A single-quoted string with backslash escapes (ClickHouse's quoting).
  Result<std::string> quoted() {
    skip_spaces();
    if (pos_ >= text_.size() || text_[pos_] != '\'') return error("expected a quoted string");
    ++pos_;
    std::string out;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '\'') {
        if (pos_ < text_.size() && text_[pos_] == '\'') {  // '' is a quote too
          out += '\'';
          ++pos_;
          continue;
        }
        return out;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char e = text_[pos_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case '0':
          out += '\0';
          break;
        case 'x': {
          if (pos_ + 2 > text_.size()) return error("bad \\x escape");
          unsigned value = 0;
          auto [p, ec] = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 2, value, 16);
          if (ec != std::errc() || p != text_.data() + pos_ + 2) return error("bad \\x escape");
          out += static_cast<char>(value);
          pos_ += 2;
          break;
        }
        default:
          out += e;
      }
    }
    return error("unterminated string");
  }

  Result<DataType> parse_type(int depth) {
    if (depth > kMaxTypeDepth) return error("nested too deeply");
    std::string_view name = identifier();
    if (name.empty()) return error("expected a type name");
    DataType type;
    for (const auto& simple : kSimpleTypes) {
      if (simple.name == name) {
        type.kind = simple.kind;
        return type;
      }
    }
    if (name == "Nullable" || name == "Array" || name == "LowCardinality") {
      type.kind = name == "Nullable" ? TypeKind::kNullable
                  : name == "Array"  ? TypeKind::kArray
                                     : TypeKind::kLowCardinality;
      if (!consume('(')) return error("expected '('");
      CHVIEW_ASSIGN_OR_RETURN(DataType inner, parse_type(depth + 1));
      if (!consume(')')) return error("expected ')'");
      type.children.push_back(std::move(inner));
      return validate_container(std::move(type));
    }
    if (name == "FixedString") {
      type.kind = TypeKind::kFixedString;
      if (!consume('(')) return error("expected '('");
      CHVIEW_ASSIGN_OR_RETURN(type.fixed_size, small_uint(1 << 30));
      if (type.fixed_size == 0) return error("FixedString(0)");
      if (!consume(')')) return error("expected ')'");
      return type;
    }
    if (name == "DateTime") {
      type.kind = TypeKind::kDateTime;
      if (consume('(')) {
        CHVIEW_ASSIGN_OR_RETURN(type.timezone, quoted());
        if (!consume(')')) return error("expected ')'");
      }
      return type;
    }
    if (name == "DateTime64") {
      type.kind = TypeKind::kDateTime64;
      if (!consume('(')) return error("expected '('");
      CHVIEW_ASSIGN_OR_RETURN(type.scale, small_uint(9));
      if (consume(',')) {
        CHVIEW_ASSIGN_OR_RETURN(type.timezone, quoted());
      }
      if (!consume(')')) return error("expected ')'");
      return type;
    }
    if (name == "Decimal") {
      type.kind = TypeKind::kDecimal;
      if (!consume('(')) return error("expected '('");
      CHVIEW_ASSIGN_OR_RETURN(type.precision, small_uint(76));
      if (!consume(',')) return error("expected ','");
      CHVIEW_ASSIGN_OR_RETURN(type.scale, small_uint(76));
      if (!consume(')')) return error("expected ')'");
      return validate_decimal(std::move(type));
    }
    if (name == "Decimal32" || name == "Decimal64" || name == "Decimal128") {
      type.kind = TypeKind::kDecimal;
      type.precision = name == "Decimal32" ? 9 : name == "Decimal64" ? 18 : 38;
      if (!consume('(')) return error("expected '('");
      CHVIEW_ASSIGN_OR_RETURN(type.scale, small_uint(76));
      if (!consume(')')) return error("expected ')'");
      return validate_decimal(std::move(type));
    }
    if (name == "Enum8" || name == "Enum16") {
      type.kind = name == "Enum8" ? TypeKind::kEnum8 : TypeKind::kEnum16;
      return parse_enum(std::move(type));
    }
    return unsupported("unsupported ClickHouse type '" + std::string(text_) + "'");
  }

  Result<DataType> validate_decimal(DataType type) {
    if (type.precision == 0 || type.scale > type.precision) return error("bad Decimal scale");
    if (type.precision > 38) {
      return unsupported("unsupported ClickHouse type '" + std::string(text_) +
                         "' (Decimal256 is not supported)");
    }
    return type;
  }

  Result<DataType> validate_container(DataType type) {
    const DataType& inner = type.children[0];
    if (type.kind == TypeKind::kNullable &&
        (inner.kind == TypeKind::kNullable || inner.kind == TypeKind::kArray ||
         inner.kind == TypeKind::kLowCardinality)) {
      return error("Nullable cannot wrap a container");
    }
    if (type.kind == TypeKind::kLowCardinality) {
      const DataType& dict = inner.kind == TypeKind::kNullable ? inner.children[0] : inner;
      if (dict.kind == TypeKind::kArray || dict.kind == TypeKind::kLowCardinality ||
          dict.kind == TypeKind::kNothing) {
        return error("LowCardinality of an unsupported type");
      }
    }
    return type;
  }

  Result<DataType> parse_enum(DataType type) {
    if (!consume('(')) return error("expected '('");
    int64_t next_value = 1;
    const int64_t lo = type.kind == TypeKind::kEnum8 ? -128 : -32768;
    const int64_t hi = type.kind == TypeKind::kEnum8 ? 127 : 32767;
    do {
      CHVIEW_ASSIGN_OR_RETURN(std::string label, quoted());
      int64_t value = next_value;
      if (consume('=')) {
        CHVIEW_ASSIGN_OR_RETURN(value, integer());
      }
      if (value < lo || value > hi) return error("enum value out of range");
      type.enum_values.emplace_back(std::move(label), static_cast<int16_t>(value));
      next_value = value + 1;
    } while (consume(','));
    if (!consume(')')) return error("expected ')'");
    return type;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

void append_quoted(std::string& out, std::string_view s) {
  out += '\'';
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
}

}  // namespace

Storage DataType::storage() const {
  switch (kind) {
    case TypeKind::kInt8:
    case TypeKind::kInt16:
    case TypeKind::kInt32:
    case TypeKind::kInt64:
    case TypeKind::kDate:
    case TypeKind::kDate32:
    case TypeKind::kDateTime:
    case TypeKind::kDateTime64:
    case TypeKind::kEnum8:
    case TypeKind::kEnum16:
      return Storage::kInt;
    case TypeKind::kDecimal:
      return precision > 18 ? Storage::kInt128 : Storage::kInt;
    case TypeKind::kUInt8:
    case TypeKind::kUInt16:
    case TypeKind::kUInt32:
    case TypeKind::kUInt64:
    case TypeKind::kBool:
    case TypeKind::kNothing:
      return Storage::kUInt;
    case TypeKind::kFloat32:
    case TypeKind::kFloat64:
      return Storage::kFloat;
    case TypeKind::kString:
    case TypeKind::kFixedString:
      return Storage::kString;
    case TypeKind::kUUID:
    case TypeKind::kInt128:
    case TypeKind::kUInt128:
      return Storage::kInt128;
    case TypeKind::kIPv4:
      return Storage::kUInt;
    case TypeKind::kIPv6:
      return Storage::kString;
    case TypeKind::kNullable:
      return Storage::kNullable;
    case TypeKind::kArray:
      return Storage::kArray;
    case TypeKind::kLowCardinality:
      return Storage::kLowCardinality;
  }
  return Storage::kString;
}

size_t DataType::value_width() const {
  switch (kind) {
    case TypeKind::kInt8:
    case TypeKind::kUInt8:
    case TypeKind::kBool:
    case TypeKind::kEnum8:
    case TypeKind::kNothing:
      return 1;
    case TypeKind::kInt16:
    case TypeKind::kUInt16:
    case TypeKind::kDate:
    case TypeKind::kEnum16:
      return 2;
    case TypeKind::kInt32:
    case TypeKind::kUInt32:
    case TypeKind::kFloat32:
    case TypeKind::kDate32:
    case TypeKind::kDateTime:
      return 4;
    case TypeKind::kInt64:
    case TypeKind::kUInt64:
    case TypeKind::kFloat64:
    case TypeKind::kDateTime64:
      return 8;
    case TypeKind::kDecimal:
      return precision <= 9 ? 4 : precision <= 18 ? 8 : 16;
    case TypeKind::kUUID:
    case TypeKind::kInt128:
    case TypeKind::kUInt128:
    case TypeKind::kIPv6:
      return 16;
    case TypeKind::kIPv4:
      return 4;
    case TypeKind::kFixedString:
      return fixed_size;
    default:
      return 0;
  }
}

std::string DataType::to_string() const {
  for (const auto& simple : kSimpleTypes) {
    if (simple.kind == kind) return std::string(simple.name);
  }
  std::string out;
  switch (kind) {
    case TypeKind::kFixedString:
      return "FixedString(" + std::to_string(fixed_size) + ")";
    case TypeKind::kDateTime:
      if (timezone.empty()) return "DateTime";
      out = "DateTime(";
      append_quoted(out, timezone);
      return out + ")";
    case TypeKind::kDateTime64:
      out = "DateTime64(" + std::to_string(scale);
      if (!timezone.empty()) {
        out += ", ";
        append_quoted(out, timezone);
      }
      return out + ")";
    case TypeKind::kDecimal:
      return "Decimal(" + std::to_string(precision) + ", " + std::to_string(scale) + ")";
    case TypeKind::kEnum8:
    case TypeKind::kEnum16:
      out = kind == TypeKind::kEnum8 ? "Enum8(" : "Enum16(";
      for (size_t i = 0; i < enum_values.size(); ++i) {
        if (i) out += ", ";
        append_quoted(out, enum_values[i].first);
        out += " = " + std::to_string(enum_values[i].second);
      }
      return out + ")";
    case TypeKind::kNullable:
      return "Nullable(" + nested().to_string() + ")";
    case TypeKind::kArray:
      return "Array(" + nested().to_string() + ")";
    case TypeKind::kLowCardinality:
      return "LowCardinality(" + nested().to_string() + ")";
    default:
      return "?";
  }
}

const std::string* DataType::enum_name(int64_t value) const {
  for (const auto& [name, v] : enum_values) {
    if (v == value) return &name;
  }
  return nullptr;
}

Result<DataType> parse_type(std::string_view text) { return TypeParser(text).parse_all(); }

}  // namespace chview::clickhouse
