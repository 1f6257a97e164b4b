#include "arrow/body_internal.h"

#include <lz4frame.h>
#include <zstd.h>

#include <bit>
#include <cstring>
#include <limits>

namespace chview::arrow::detail {
namespace {

static_assert(std::endian::native == std::endian::little,
              "Arrow IPC buffers are written as little-endian memory copies");

// Arrow C++ uses level 1 by default: speed matters more than ratio for live pushes.
constexpr int kZstdLevel = 1;

size_t padded8(size_t n) { return (n + 7) & ~size_t{7}; }

bool is_valid(const ArrowColumn& column, size_t row) {
  return column.validity.empty() || column.validity[row] != 0;
}

size_t count_nulls(const ArrowColumn& column) {
  size_t nulls = 0;
  for (uint8_t v : column.validity) nulls += v == 0;
  return nulls;
}

std::string bitmap(size_t num_rows, auto&& bit_set) {
  std::string bits((num_rows + 7) / 8, '\0');
  for (size_t i = 0; i < num_rows; ++i) {
    if (bit_set(i)) bits[i / 8] = static_cast<char>(bits[i / 8] | (1u << (i % 8)));
  }
  return bits;
}

// Raw bytes of a fixed-width value vector; null rows are written as zero so the output
// never depends on what the caller left in them.
template <typename T>
std::string fixed_width(const ArrowColumn& column, const std::vector<T>& values, size_t num_rows) {
  std::string bytes(num_rows * sizeof(T), '\0');
  if (num_rows > 0) std::memcpy(bytes.data(), values.data(), bytes.size());
  if (!column.validity.empty()) {
    for (size_t i = 0; i < num_rows; ++i) {
      if (column.validity[i] == 0) std::memset(bytes.data() + i * sizeof(T), 0, sizeof(T));
    }
  }
  return bytes;
}

// Utf8 offsets + data; `include(i)` false writes an empty string for row i.
Status append_utf8(const std::vector<std::string>& values, size_t count, auto&& include,
                   BodyBuilder& body) {
  std::vector<int32_t> offsets(count + 1, 0);
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) {
    if (include(i)) total += values[i].size();
    if (total > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
      return unsupported("Arrow Utf8 column data exceeds 2 GiB");
    }
    offsets[i + 1] = static_cast<int32_t>(total);
  }
  std::string data;
  data.reserve(total);
  for (size_t i = 0; i < count; ++i) {
    if (include(i)) data += values[i];
  }
  CHVIEW_RETURN_IF_ERROR(body.add_buffer(std::string_view(
      reinterpret_cast<const char*>(offsets.data()), offsets.size() * sizeof(int32_t))));
  return body.add_buffer(data);
}

}  // namespace

Status BodyBuilder::add_buffer(std::string_view bytes) {
  std::string compressed;
  if (compression_ != Compression::kNone && !bytes.empty()) {
    CHVIEW_ASSIGN_OR_RETURN(compressed, compress_buffer(compression_, bytes));
    bytes = compressed;
  }
  buffers_.push_back({static_cast<int64_t>(body_.size()), static_cast<int64_t>(bytes.size())});
  body_.append(bytes);
  body_.resize(padded8(body_.size()), '\0');
  return Status::ok();
}

Status append_column(const ArrowColumn& column, size_t num_rows, BodyBuilder& body) {
  const size_t nulls = count_nulls(column);
  body.add_node(static_cast<int64_t>(num_rows), static_cast<int64_t>(nulls));
  // Without nulls the validity buffer may be omitted (length 0), as Arrow C++ does.
  CHVIEW_RETURN_IF_ERROR(body.add_buffer(
      nulls == 0 ? std::string()
                 : bitmap(num_rows, [&](size_t i) { return column.validity[i] != 0; })));
  switch (column.type) {
    case ArrowType::kInt32:
    case ArrowType::kDate32:
    case ArrowType::kDictionary:
      return body.add_buffer(fixed_width(column, column.int32s, num_rows));
    case ArrowType::kInt64:
    case ArrowType::kTimestampMs:
      return body.add_buffer(fixed_width(column, column.int64s, num_rows));
    case ArrowType::kUInt32:
      return body.add_buffer(fixed_width(column, column.uint32s, num_rows));
    case ArrowType::kFloat64:
      return body.add_buffer(fixed_width(column, column.float64s, num_rows));
    case ArrowType::kBool:
      return body.add_buffer(
          bitmap(num_rows, [&](size_t i) { return is_valid(column, i) && column.bools[i] != 0; }));
    case ArrowType::kUtf8:
      return append_utf8(
          column.strings, num_rows, [&](size_t i) { return is_valid(column, i); }, body);
  }
  return internal_error("unknown ArrowType");
}

Status append_utf8_values(const std::vector<std::string>& values, BodyBuilder& body) {
  body.add_node(static_cast<int64_t>(values.size()), 0);
  CHVIEW_RETURN_IF_ERROR(body.add_buffer({}));
  return append_utf8(
      values, values.size(), [](size_t) { return true; }, body);
}

Result<std::string> compress_buffer(Compression compression, std::string_view bytes) {
  std::string out(sizeof(int64_t), '\0');
  const auto uncompressed = static_cast<int64_t>(bytes.size());
  std::memcpy(out.data(), &uncompressed, sizeof(int64_t));
  switch (compression) {
    case Compression::kNone:
      return internal_error("compress_buffer called without a codec");
    case Compression::kLz4Frame: {
      const size_t bound = LZ4F_compressFrameBound(bytes.size(), nullptr);
      out.resize(sizeof(int64_t) + bound);
      const size_t n = LZ4F_compressFrame(out.data() + sizeof(int64_t), bound, bytes.data(),
                                          bytes.size(), nullptr);
      if (LZ4F_isError(n)) {
        return internal_error(std::string("LZ4 frame compression failed: ") + LZ4F_getErrorName(n));
      }
      out.resize(sizeof(int64_t) + n);
      return out;
    }
    case Compression::kZstd: {
      const size_t bound = ZSTD_compressBound(bytes.size());
      out.resize(sizeof(int64_t) + bound);
      const size_t n = ZSTD_compress(out.data() + sizeof(int64_t), bound, bytes.data(),
                                     bytes.size(), kZstdLevel);
      if (ZSTD_isError(n)) {
        return internal_error(std::string("ZSTD compression failed: ") + ZSTD_getErrorName(n));
      }
      out.resize(sizeof(int64_t) + n);
      return out;
    }
  }
  return internal_error("unknown Compression");
}

}  // namespace chview::arrow::detail
