// Internal: helpers shared by the Column accessors (block.cpp) and builders
// (column_append.cpp).
#pragma once

#include <cstdint>

#include "clickhouse/block.h"

namespace chview::clickhouse::detail {

inline DataType without_nullable(const DataType& type) {
  return type.kind == TypeKind::kNullable ? type.nested() : type;
}

inline bool dictionary_is_nullable(const Column& c) {
  return c.type.nested().kind == TypeKind::kNullable;
}

// Range of values an integer-backed type accepts.
bool int_fits(const DataType& t, int64_t v);
bool uint_fits(const DataType& t, uint64_t v);

// Appends the type's default value (used as the placeholder under a NULL).
void append_default(Column& c);

double pow10d(uint32_t n);

}  // namespace chview::clickhouse::detail
