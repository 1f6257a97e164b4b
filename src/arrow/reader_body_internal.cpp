#include "arrow/reader_body_internal.h"

#include <lz4frame.h>
#include <zstd.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

namespace chview::arrow::detail {
namespace {

static_assert(std::endian::native == std::endian::little,
              "Arrow IPC buffers are read as little-endian memory copies");

template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool bit_at(std::string_view bitmap, size_t i) {
  return (static_cast<uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1u;
}

Status too_short(const FieldInfo& f, const char* buffer, size_t have, size_t need) {
  return parse_error("Arrow column '" + f.name + "': " + buffer + " buffer holds " +
                     std::to_string(have) + " bytes, " + std::to_string(need) + " needed");
}

// Values of `raw` (num_rows entries of Raw) converted to Out and appended.
template <typename Raw, typename Out>
Status append_fixed(const FieldInfo& f, std::string_view raw, size_t n, std::vector<Out>& out) {
  if (raw.size() / sizeof(Raw) < n) return too_short(f, "values", raw.size(), n * sizeof(Raw));
  const size_t old = out.size();
  out.resize(old + n);
  for (size_t i = 0; i < n; ++i) {
    // Arrow Int8 is signed: widening it keeps the sign on purpose.
    // NOLINTNEXTLINE(bugprone-signed-char-misuse)
    out[old + i] = static_cast<Out>(load<Raw>(raw.data() + i * sizeof(Raw)));
  }
  return Status::ok();
}

Status append_bits(const FieldInfo& f, std::string_view bits, size_t n, std::vector<uint8_t>& out) {
  if (bits.size() < (n + 7) / 8) return too_short(f, "values", bits.size(), (n + 7) / 8);
  for (size_t i = 0; i < n; ++i) out.push_back(bit_at(bits, i) ? 1 : 0);
  return Status::ok();
}

template <typename Offset>
Status append_strings(const FieldInfo& f, std::string_view offsets, std::string_view data, size_t n,
                      StringValues& out) {
  if (n == 0) return Status::ok();  // the offsets buffer of an empty array may be empty
  if (offsets.size() / sizeof(Offset) < n + 1) {
    return too_short(f, "offsets", offsets.size(), (n + 1) * sizeof(Offset));
  }
  Offset prev = load<Offset>(offsets.data());
  if (prev < 0) return parse_error("Arrow column '" + f.name + "': negative string offset");
  for (size_t i = 0; i < n; ++i) {
    const Offset next = load<Offset>(offsets.data() + (i + 1) * sizeof(Offset));
    if (next < prev || static_cast<uint64_t>(next) > data.size()) {
      return parse_error("Arrow column '" + f.name + "': string offsets out of order or beyond " +
                         std::to_string(data.size()) + " data bytes at row " + std::to_string(i));
    }
    out.append(data.substr(static_cast<size_t>(prev), static_cast<size_t>(next - prev)));
    prev = next;
  }
  return Status::ok();
}

// Decimal128 (little-endian two's complement) to double, scale applied.
Status append_decimals(const FieldInfo& f, std::string_view raw, size_t n,
                       std::vector<double>& out) {
  if (raw.size() / 16 < n) return too_short(f, "values", raw.size(), n * 16);
  const double factor = std::pow(10.0, std::abs(f.decimal_scale));
  for (size_t i = 0; i < n; ++i) {
    const auto lo = load<uint64_t>(raw.data() + i * 16);
    const auto hi = load<uint64_t>(raw.data() + i * 16 + 8);
    const auto value = static_cast<__int128>((static_cast<unsigned __int128>(hi) << 64) | lo);
    const auto d = static_cast<double>(value);
    out.push_back(f.decimal_scale >= 0 ? d / factor : d * factor);
  }
  return Status::ok();
}

Status append_indices(const FieldInfo& f, std::string_view raw, size_t n,
                      std::vector<int64_t>& out) {
  switch (f.index_bit_width) {
    case 8:
      return f.index_signed ? append_fixed<int8_t>(f, raw, n, out)
                            : append_fixed<uint8_t>(f, raw, n, out);
    case 16:
      return f.index_signed ? append_fixed<int16_t>(f, raw, n, out)
                            : append_fixed<uint16_t>(f, raw, n, out);
    case 32:
      return f.index_signed ? append_fixed<int32_t>(f, raw, n, out)
                            : append_fixed<uint32_t>(f, raw, n, out);
    default: {
      if (f.index_signed) return append_fixed<int64_t>(f, raw, n, out);
      const size_t old = out.size();
      CHVIEW_RETURN_IF_ERROR(append_fixed<uint64_t>(f, raw, n, out));
      for (size_t i = old; i < out.size(); ++i) {
        if (out[i] < 0) out[i] = std::numeric_limits<int64_t>::max();  // out of range anyway
      }
      return Status::ok();
    }
  }
}

// Appends validity for `n` rows: all valid without nulls, else from the bitmap.
Status append_validity(const FieldInfo& f, const NodeInfo& node, std::string_view bitmap,
                       size_t rows_before, size_t n, DecodedColumn& out) {
  if (node.null_count == 0) {  // the bitmap is ignored then, as Arrow C++ does
    if (!out.validity.empty()) out.validity.resize(rows_before + n, 1);
    return Status::ok();
  }
  if (bitmap.size() < (n + 7) / 8) return too_short(f, "validity", bitmap.size(), (n + 7) / 8);
  if (out.validity.empty()) out.validity.assign(rows_before, 1);
  for (size_t i = 0; i < n; ++i) out.validity.push_back(bit_at(bitmap, i) ? 1 : 0);
  return Status::ok();
}

Status append_values(const FieldInfo& f, size_t n, BodyReader& body, DecodedColumn& out) {
  CHVIEW_ASSIGN_OR_RETURN(std::string_view values, body.next_buffer());
  switch (f.type) {
    case InputType::kBool:
      return append_bits(f, values, n, out.bools);
    case InputType::kInt8:
      return append_fixed<int8_t>(f, values, n, out.ints);
    case InputType::kInt16:
      return append_fixed<int16_t>(f, values, n, out.ints);
    case InputType::kInt32:
    case InputType::kDate32:
    case InputType::kTime32:
      return append_fixed<int32_t>(f, values, n, out.ints);
    case InputType::kInt64:
    case InputType::kDate64:
    case InputType::kTimestamp:
    case InputType::kTime64:
      return append_fixed<int64_t>(f, values, n, out.ints);
    case InputType::kUInt8:
      return append_fixed<uint8_t>(f, values, n, out.ints);
    case InputType::kUInt16:
      return append_fixed<uint16_t>(f, values, n, out.ints);
    case InputType::kUInt32:
      return append_fixed<uint32_t>(f, values, n, out.ints);
    case InputType::kUInt64:
      return append_fixed<uint64_t>(f, values, n, out.uint64s);
    case InputType::kFloat32:
      return append_fixed<float>(f, values, n, out.floats);
    case InputType::kFloat64:
      return append_fixed<double>(f, values, n, out.floats);
    case InputType::kDecimal128:
      return append_decimals(f, values, n, out.floats);
    case InputType::kUtf8:
    case InputType::kBinary: {
      CHVIEW_ASSIGN_OR_RETURN(std::string_view data, body.next_buffer());
      return append_strings<int32_t>(f, values, data, n, out.strings);
    }
    case InputType::kLargeUtf8:
    case InputType::kLargeBinary: {
      CHVIEW_ASSIGN_OR_RETURN(std::string_view data, body.next_buffer());
      return append_strings<int64_t>(f, values, data, n, out.strings);
    }
    case InputType::kNull:
      break;
  }
  return internal_error("append_values: unexpected type");
}

}  // namespace

Result<NodeInfo> BodyReader::next_node() {
  if (next_node_ >= batch_.nodes.size()) {
    return parse_error("Arrow IPC: batch has fewer field nodes than the schema has columns");
  }
  return batch_.nodes[next_node_++];
}

Result<std::string_view> BodyReader::next_buffer() {
  if (next_buffer_ >= batch_.buffers.size()) {
    return parse_error("Arrow IPC: batch has fewer buffers than its columns need");
  }
  const BufferInfo b = batch_.buffers[next_buffer_++];
  const auto offset = static_cast<uint64_t>(b.offset), length = static_cast<uint64_t>(b.length);
  if (offset > body_.size() || length > body_.size() - offset) {
    return parse_error("Arrow IPC: buffer [" + std::to_string(offset) + ", +" +
                       std::to_string(length) + ") exceeds the " + std::to_string(body_.size()) +
                       "-byte message body");
  }
  std::string_view bytes = body_.substr(offset, length);
  if (batch_.codec == Codec::kNone || bytes.empty()) return bytes;
  return decompress(bytes);
}

Result<std::string_view> BodyReader::decompress(std::string_view compressed) {
  if (compressed.size() < 8) return parse_error("Arrow IPC: compressed buffer lacks its length");
  const auto declared = load<int64_t>(compressed.data());
  compressed.remove_prefix(8);
  if (declared == -1) return compressed;  // stored uncompressed
  if (declared < 0) return parse_error("Arrow IPC: negative uncompressed buffer length");
  const auto size = static_cast<uint64_t>(declared);
  if (size > budget_) {
    return invalid_argument("Arrow IPC: decompressed data exceeds the " + std::to_string(budget_) +
                            "-byte limit left");
  }
  budget_ -= size;
  std::string& out = decompressed_.emplace_back(size, '\0');
  if (size == 0) return std::string_view(out);
  if (batch_.codec == Codec::kZstd) {
    const size_t n = ZSTD_decompress(out.data(), out.size(), compressed.data(), compressed.size());
    if (ZSTD_isError(n) || n != size) {
      return parse_error(std::string("Arrow IPC: ZSTD buffer does not decompress to its length") +
                         (ZSTD_isError(n) ? std::string(": ") + ZSTD_getErrorName(n) : ""));
    }
    return std::string_view(out);
  }
  LZ4F_dctx* raw_ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw_ctx, LZ4F_VERSION))) {
    return internal_error("LZ4F_createDecompressionContext failed");
  }
  std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> ctx(
      raw_ctx, &LZ4F_freeDecompressionContext);
  size_t in = 0, produced = 0;
  while (true) {
    size_t dst = out.size() - produced, src = compressed.size() - in;
    const size_t hint = LZ4F_decompress(ctx.get(), out.data() + produced, &dst,
                                        compressed.data() + in, &src, nullptr);
    if (LZ4F_isError(hint)) {
      return parse_error(std::string("Arrow IPC: LZ4 frame error: ") + LZ4F_getErrorName(hint));
    }
    in += src;
    produced += dst;
    if (hint == 0) break;             // frame complete
    if (src == 0 && dst == 0) break;  // no progress: input exhausted or output full
  }
  if (produced != size) {
    return parse_error("Arrow IPC: LZ4 buffer decompressed to " + std::to_string(produced) +
                       " bytes, " + std::to_string(size) + " declared");
  }
  return std::string_view(out);
}

Status append_column(const FieldInfo& field, size_t length, BodyReader& body, DecodedColumn& out) {
  CHVIEW_ASSIGN_OR_RETURN(NodeInfo node, body.next_node());
  if (static_cast<uint64_t>(node.length) != length) {
    return parse_error("Arrow column '" + field.name + "' has " + std::to_string(node.length) +
                       " rows in a batch of " + std::to_string(length));
  }
  const size_t rows_before = out.num_rows;
  if (field.type == InputType::kNull) {  // no buffers at all
    out.num_rows += length;
    return Status::ok();
  }
  CHVIEW_ASSIGN_OR_RETURN(std::string_view bitmap, body.next_buffer());
  CHVIEW_RETURN_IF_ERROR(append_validity(field, node, bitmap, rows_before, length, out));
  if (field.dictionary) {
    CHVIEW_ASSIGN_OR_RETURN(std::string_view indices, body.next_buffer());
    CHVIEW_RETURN_IF_ERROR(append_indices(field, indices, length, out.indices));
  } else {
    CHVIEW_RETURN_IF_ERROR(append_values(field, length, body, out));
  }
  out.num_rows += length;
  return Status::ok();
}

}  // namespace chview::arrow::detail
