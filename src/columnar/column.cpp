#include "columnar/column.h"

#include <algorithm>
#include <atomic>
#include <cassert>

namespace chview::columnar {

namespace {
std::atomic<uint64_t> next_dictionary_id{1};
}  // namespace

StringDictionary::StringDictionary() : id_(next_dictionary_id++) {}

StringDictionary::StringDictionary(const StringDictionary& other)
    : strings_(other.strings_), id_(next_dictionary_id++) {
  codes_.reserve(strings_.size());
  for (uint32_t i = 0; i < strings_.size(); ++i) codes_.emplace(strings_[i], i);
}

StringDictionary& StringDictionary::operator=(const StringDictionary& other) {
  if (this != &other) {
    StringDictionary copy(other);
    *this = std::move(copy);
  }
  return *this;
}

uint32_t StringDictionary::intern(std::string_view s) {
  if (auto it = codes_.find(s); it != codes_.end()) return it->second;
  const auto code = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  codes_.emplace(strings_.back(), code);
  return code;
}

std::optional<uint32_t> StringDictionary::find(std::string_view s) const {
  if (auto it = codes_.find(s); it != codes_.end()) return it->second;
  return std::nullopt;
}

size_t Column::null_count() const {
  return valid_.size() - static_cast<size_t>(std::count(valid_.begin(), valid_.end(), kValid));
}

Value Column::value_at(size_t row) const {
  if (is_null(row)) return {};
  switch (type_) {
    case ColumnType::kString:
      return Value(string_at(row));
    case ColumnType::kDate:
      return Value(Date{dates_[row]});
    case ColumnType::kDatetime:
      return Value(DateTime{ints_[row]});
    case ColumnType::kInteger:
      return Value(ints_[row]);
    case ColumnType::kFloat:
      return Value(floats_[row]);
    case ColumnType::kBoolean:
      return Value(bools_[row] != 0);
  }
  return {};
}

void Column::append_null() {
  valid_.push_back(0);
  switch (type_) {
    case ColumnType::kString:
      codes_.push_back(0);
      break;
    case ColumnType::kDate:
      dates_.push_back(0);
      break;
    case ColumnType::kDatetime:
    case ColumnType::kInteger:
      ints_.push_back(0);
      break;
    case ColumnType::kFloat:
      floats_.push_back(0);
      break;
    case ColumnType::kBoolean:
      bools_.push_back(0);
      break;
  }
}

void Column::append_bool(bool v) {
  assert(type_ == ColumnType::kBoolean);
  valid_.push_back(1);
  bools_.push_back(v ? 1 : 0);
}

void Column::append_int(int64_t v) {
  assert(type_ == ColumnType::kInteger);
  valid_.push_back(1);
  ints_.push_back(v);
}

void Column::append_float(double v) {
  assert(type_ == ColumnType::kFloat);
  valid_.push_back(1);
  floats_.push_back(v);
}

void Column::append_date(int32_t days) {
  assert(type_ == ColumnType::kDate);
  valid_.push_back(1);
  dates_.push_back(days);
}

void Column::append_datetime(int64_t ms) {
  assert(type_ == ColumnType::kDatetime);
  valid_.push_back(1);
  ints_.push_back(ms);
}

void Column::append_string(std::string_view v) {
  assert(type_ == ColumnType::kString);
  valid_.push_back(1);
  codes_.push_back(dict_.intern(v));
}

void Column::append(const Value& v) {
  append_null();
  set(size() - 1, v);
}

void Column::append_from(const Column& other, size_t row) {
  append_null();
  set_from(size() - 1, other, row);
}

void Column::set_null(size_t row) { valid_[row] = kNullLow; }

void Column::mark_null_high(size_t row) {
  assert(is_null(row));
  valid_[row] = kNullHigh;
}

void Column::set(size_t row, const Value& v) {
  const Value c = coerce(v, type_);
  if (c.is_null()) {
    valid_[row] = 0;
    return;
  }
  valid_[row] = 1;
  switch (type_) {
    case ColumnType::kString:
      codes_[row] = dict_.intern(c.as_string());
      break;
    case ColumnType::kDate:
      dates_[row] = c.as_date().days;
      break;
    case ColumnType::kDatetime:
      ints_[row] = c.as_datetime().ms;
      break;
    case ColumnType::kInteger:
      ints_[row] = c.as_int();
      break;
    case ColumnType::kFloat:
      floats_[row] = c.as_float();
      break;
    case ColumnType::kBoolean:
      bools_[row] = c.as_bool() ? 1 : 0;
      break;
  }
}

void Column::set_from(size_t row, const Column& other, size_t other_row) {
  if (other.type_ != type_) {
    set(row, other.value_at(other_row));
    return;
  }
  if (other.is_null(other_row)) {
    valid_[row] = 0;
    return;
  }
  valid_[row] = 1;
  switch (type_) {
    case ColumnType::kString:
      codes_[row] = dict_.intern(other.string_at(other_row));
      break;
    case ColumnType::kDate:
      dates_[row] = other.dates_[other_row];
      break;
    case ColumnType::kDatetime:
    case ColumnType::kInteger:
      ints_[row] = other.ints_[other_row];
      break;
    case ColumnType::kFloat:
      floats_[row] = other.floats_[other_row];
      break;
    case ColumnType::kBoolean:
      bools_[row] = other.bools_[other_row];
      break;
  }
}

void Column::resize(size_t n) {
  valid_.resize(n, 0);
  switch (type_) {
    case ColumnType::kString:
      codes_.resize(n, 0);
      break;
    case ColumnType::kDate:
      dates_.resize(n, 0);
      break;
    case ColumnType::kDatetime:
    case ColumnType::kInteger:
      ints_.resize(n, 0);
      break;
    case ColumnType::kFloat:
      floats_.resize(n, 0);
      break;
    case ColumnType::kBoolean:
      bools_.resize(n, 0);
      break;
  }
}

void Column::reserve(size_t n) {
  valid_.reserve(n);
  switch (type_) {
    case ColumnType::kString:
      codes_.reserve(n);
      break;
    case ColumnType::kDate:
      dates_.reserve(n);
      break;
    case ColumnType::kDatetime:
    case ColumnType::kInteger:
      ints_.reserve(n);
      break;
    case ColumnType::kFloat:
      floats_.reserve(n);
      break;
    case ColumnType::kBoolean:
      bools_.reserve(n);
      break;
  }
}

void Column::compact_dictionary(std::span<const uint8_t> keep) {
  assert(type_ == ColumnType::kString);
  StringDictionary fresh;
  for (size_t row = 0; row < codes_.size(); ++row) {
    if (row < keep.size() && keep[row] != 0 && valid_[row] == kValid) {
      codes_[row] = fresh.intern(dict_.at(codes_[row]));
    } else {
      valid_[row] = 0;
      codes_[row] = 0;
    }
  }
  dict_ = std::move(fresh);
}

void Column::clear() { *this = Column(type_); }

}  // namespace chview::columnar
