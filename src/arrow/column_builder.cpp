#include <cassert>
#include <utility>

#include "arrow/ipc_writer.h"

namespace chview::arrow {

ArrowColumnBuilder::ArrowColumnBuilder(std::string name, ArrowType type) {
  column_.name = std::move(name);
  column_.type = type;
}

void ArrowColumnBuilder::append_validity(bool valid) {
  column_.validity.push_back(valid ? 1 : 0);
  if (!valid) ++null_count_;
  ++size_;
}

void ArrowColumnBuilder::append_null() {
  switch (column_.type) {
    case ArrowType::kInt32:
    case ArrowType::kDate32:
    case ArrowType::kDictionary:
      column_.int32s.push_back(0);
      break;
    case ArrowType::kInt64:
    case ArrowType::kTimestampMs:
      column_.int64s.push_back(0);
      break;
    case ArrowType::kUInt32:
      column_.uint32s.push_back(0);
      break;
    case ArrowType::kFloat64:
      column_.float64s.push_back(0);
      break;
    case ArrowType::kBool:
      column_.bools.push_back(0);
      break;
    case ArrowType::kUtf8:
      column_.strings.emplace_back();
      break;
  }
  append_validity(false);
}

void ArrowColumnBuilder::append_int32(int32_t value) {
  assert(column_.type == ArrowType::kInt32 || column_.type == ArrowType::kDate32);
  column_.int32s.push_back(value);
  append_validity(true);
}

void ArrowColumnBuilder::append_int64(int64_t value) {
  assert(column_.type == ArrowType::kInt64 || column_.type == ArrowType::kTimestampMs);
  column_.int64s.push_back(value);
  append_validity(true);
}

void ArrowColumnBuilder::append_uint32(uint32_t value) {
  assert(column_.type == ArrowType::kUInt32);
  column_.uint32s.push_back(value);
  append_validity(true);
}

void ArrowColumnBuilder::append_float64(double value) {
  assert(column_.type == ArrowType::kFloat64);
  column_.float64s.push_back(value);
  append_validity(true);
}

void ArrowColumnBuilder::append_bool(bool value) {
  assert(column_.type == ArrowType::kBool);
  column_.bools.push_back(value ? 1 : 0);
  append_validity(true);
}

void ArrowColumnBuilder::append_string(std::string_view value) {
  assert(column_.type == ArrowType::kUtf8 || column_.type == ArrowType::kDictionary);
  if (column_.type == ArrowType::kUtf8) {
    column_.strings.emplace_back(value);
  } else {
    auto [it, inserted] = dictionary_index_.try_emplace(
        std::string(value), static_cast<int32_t>(column_.strings.size()));
    if (inserted) column_.strings.emplace_back(value);
    column_.int32s.push_back(it->second);
  }
  append_validity(true);
}

ArrowColumn ArrowColumnBuilder::finish() && {
  if (null_count_ == 0) column_.validity.clear();
  return std::move(column_);
}

}  // namespace chview::arrow
