// Column: typed values plus validity. Strings are dictionary-encoded per column.
// Not thread-safe; readers and writers must be serialised by the owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "columnar/types.h"
#include "columnar/value.h"

namespace chview::columnar {

// Append-only string interning: code → string, string → code. Codes are dense from 0
// and stay valid for the dictionary's lifetime. id() names this dictionary (unique per
// process), so caches keyed by code can tell when a column got a new dictionary.
class StringDictionary {
 public:
  StringDictionary();
  StringDictionary(const StringDictionary& other);
  StringDictionary& operator=(const StringDictionary& other);
  StringDictionary(StringDictionary&&) noexcept = default;
  StringDictionary& operator=(StringDictionary&&) noexcept = default;

  uint32_t intern(std::string_view s);
  std::optional<uint32_t> find(std::string_view s) const;
  std::string_view at(uint32_t code) const { return strings_[code]; }
  size_t size() const { return strings_.size(); }
  uint64_t id() const { return id_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::deque<std::string> strings_;  // deque: element addresses are stable for the map
  std::unordered_map<std::string_view, uint32_t, Hash, std::equal_to<>> codes_;
  uint64_t id_;
};

class Column {
 public:
  explicit Column(ColumnType type = ColumnType::kString) : type_(type) {}

  ColumnType type() const { return type_; }
  size_t size() const { return valid_.size(); }
  bool is_valid(size_t row) const { return valid_[row] == kValid; }
  bool is_null(size_t row) const { return valid_[row] != kValid; }
  size_t null_count() const;
  // Perspective keeps two kinds of null and sorts them apart: a "cleared" null (an
  // explicit null loaded into an empty table) sorts above every value, any other null
  // below. Nulls written by set_null()/append_null()/set() are the low kind;
  // mark_null_high() turns a null cell into the high kind.
  bool is_null_high(size_t row) const { return valid_[row] == kNullHigh; }
  void mark_null_high(size_t row);  // precondition: is_null(row)

  // Typed reads. Preconditions: the accessor matches type(); on a null row the result
  // is an unspecified value of the right type.
  bool bool_at(size_t row) const { return bools_[row] != 0; }                     // BOOLEAN
  int64_t int_at(size_t row) const { return ints_[row]; }                         // INTEGER
  double float_at(size_t row) const { return floats_[row]; }                      // FLOAT
  int32_t date_at(size_t row) const { return dates_[row]; }                       // DATE
  int64_t datetime_at(size_t row) const { return ints_[row]; }                    // DATETIME
  uint32_t code_at(size_t row) const { return codes_[row]; }                      // STRING
  std::string_view string_at(size_t row) const { return dict_.at(codes_[row]); }  // STRING
  const StringDictionary& dictionary() const { return dict_; }
  // Any type, null-aware.
  Value value_at(size_t row) const;

  // Raw storage for encoders (one entry per row; only the span matching type() is
  // non-empty). validity: 1 = value present, 0 = null (low), 2 = null (high).
  std::span<const uint8_t> validity() const { return valid_; }
  std::span<const uint8_t> bool_values() const { return bools_; }
  std::span<const int64_t> int64_values() const { return ints_; }  // INTEGER, DATETIME
  std::span<const double> float_values() const { return floats_; }
  std::span<const int32_t> date_values() const { return dates_; }
  std::span<const uint32_t> string_codes() const { return codes_; }

  // Appends. The typed ones require the matching type().
  void append_null();
  void append_bool(bool v);
  void append_int(int64_t v);
  void append_float(double v);
  void append_date(int32_t days);
  void append_datetime(int64_t ms);
  void append_string(std::string_view v);
  // Any Value, coerced to type() (see coerce(); uncoercible → null).
  void append(const Value& v);
  // Appends other[row], coerced to type() when the types differ.
  void append_from(const Column& other, size_t row);

  // Overwrites of existing rows (row < size()).
  void set_null(size_t row);
  void set(size_t row, const Value& v);
  void set_from(size_t row, const Column& other, size_t other_row);

  // Grows (new rows null) or shrinks.
  void resize(size_t n);
  void reserve(size_t n);
  // Removes every row and the dictionary.
  void clear();
  // STRING columns: replaces the dictionary by one holding only the strings of rows with
  // keep[row] != 0 (new id(), new codes); other rows become null. Lets long-lived
  // tables drop strings of rows they no longer hold.
  void compact_dictionary(std::span<const uint8_t> keep);

 private:
  static constexpr uint8_t kNullLow = 0, kValid = 1, kNullHigh = 2;
  ColumnType type_;
  std::vector<uint8_t> valid_;
  std::vector<uint8_t> bools_;
  std::vector<int64_t> ints_;
  std::vector<double> floats_;
  std::vector<int32_t> dates_;
  std::vector<uint32_t> codes_;
  StringDictionary dict_;
};

}  // namespace chview::columnar
