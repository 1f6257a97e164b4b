#include "clickhouse/native.h"

#include <cstring>

namespace chview::clickhouse {
namespace {

// LowCardinality serialization constants (ClickHouse's IndexesSerializationType).
constexpr uint64_t kSharedDictionariesWithAdditionalKeys = 1;
constexpr uint64_t kIndexTypeMask = 0xff;
constexpr uint64_t kNeedGlobalDictionaryBit = 1ULL << 8;
constexpr uint64_t kHasAdditionalKeysBit = 1ULL << 9;
constexpr uint64_t kNeedUpdateDictionaryBit = 1ULL << 10;

// Bounds-checked little-endian reader over untrusted bytes.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  size_t position() const { return pos_; }

  Status truncated(std::string_view what) const {
    return parse_error("Native data truncated reading " + std::string(what) + " at byte " +
                       std::to_string(pos_));
  }

  Result<uint64_t> varuint() {
    uint64_t value = 0;
    for (int i = 0; i < 10; ++i) {
      if (at_end()) return truncated("a varint");
      auto byte = static_cast<uint8_t>(data_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if (!(byte & 0x80)) return value;
    }
    return parse_error("Native data has an overlong varint at byte " + std::to_string(pos_));
  }

  Result<std::string_view> bytes(uint64_t n, std::string_view what) {
    if (n > remaining()) return truncated(what);
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  Result<std::string_view> string(std::string_view what) {
    CHVIEW_ASSIGN_OR_RETURN(uint64_t n, varuint());
    return bytes(n, what);
  }

  // Unsigned little-endian value of `width` bytes (1..8).
  Result<uint64_t> fixed(size_t width, std::string_view what) {
    CHVIEW_ASSIGN_OR_RETURN(std::string_view b, bytes(width, what));
    uint64_t v = 0;
    std::memcpy(&v, b.data(), width);
    return v;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

int64_t sign_extend(uint64_t v, size_t width) {
  if (width >= 8) return static_cast<int64_t>(v);
  const unsigned shift = 64 - 8 * static_cast<unsigned>(width);
  return static_cast<int64_t>(v << shift) >> shift;
}

bool is_signed(TypeKind kind) { return kind != TypeKind::kDate && kind != TypeKind::kDateTime; }

Status read_prefix(Reader& r, Column& c) {
  switch (c.type.kind) {
    case TypeKind::kNullable:
    case TypeKind::kArray:
      return read_prefix(r, c.children[0]);
    case TypeKind::kLowCardinality: {
      CHVIEW_ASSIGN_OR_RETURN(uint64_t version, r.fixed(8, "a LowCardinality version"));
      if (version != kSharedDictionariesWithAdditionalKeys) {
        return parse_error("unknown LowCardinality serialization version " +
                           std::to_string(version));
      }
      return Status::ok();
    }
    default:
      return Status::ok();
  }
}

Status read_data(Reader& r, Column& c, uint64_t rows);

// One LowCardinality group: flags, optional new dictionary keys, then indices.
Status read_low_cardinality_group(Reader& r, Column& c, uint64_t max_rows, uint64_t& group_keys,
                                  uint64_t& dict_base, uint64_t& rows_read) {
  Column& dict = c.children[0];
  CHVIEW_ASSIGN_OR_RETURN(uint64_t flags, r.fixed(8, "LowCardinality flags"));
  const uint64_t index_type = flags & kIndexTypeMask;
  if (index_type > 3 || (flags & kNeedGlobalDictionaryBit) ||
      (flags & ~(kIndexTypeMask | kNeedGlobalDictionaryBit | kHasAdditionalKeysBit |
                 kNeedUpdateDictionaryBit))) {
    return parse_error("unsupported LowCardinality flags " + std::to_string(flags));
  }
  if (flags & kHasAdditionalKeysBit) {
    CHVIEW_ASSIGN_OR_RETURN(uint64_t keys, r.fixed(8, "a LowCardinality key count"));
    if (keys > r.remaining()) return r.truncated("LowCardinality keys");
    dict_base = dict.size();
    size_t before = dict.size();
    CHVIEW_RETURN_IF_ERROR(read_data(r, dict, keys));
    group_keys = dict.size() - before;
  } else if (group_keys == 0) {
    return parse_error("LowCardinality indices without a dictionary");
  }
  CHVIEW_ASSIGN_OR_RETURN(uint64_t count, r.fixed(8, "a LowCardinality index count"));
  if (count > max_rows) return parse_error("LowCardinality has more indices than rows");
  const size_t width = size_t{1} << index_type;
  if (count > r.remaining() / width) return r.truncated("LowCardinality indices");
  const bool nullable = c.type.nested().kind == TypeKind::kNullable;
  for (uint64_t i = 0; i < count; ++i) {
    CHVIEW_ASSIGN_OR_RETURN(uint64_t index, r.fixed(width, "a LowCardinality index"));
    if (index >= group_keys) return parse_error("LowCardinality index beyond its dictionary");
    c.indices.push_back(nullable && index == 0 ? 0 : dict_base + index);
  }
  rows_read = count;
  return Status::ok();
}

Status read_low_cardinality(Reader& r, Column& c, uint64_t rows) {
  uint64_t group_keys = 0, dict_base = 0, rows_read = 0;
  if (rows == 0) {
    // Servers still write an empty group for zero rows inside an Array; consume it
    // only if it really is one.
    Reader probe = r;
    Column scratch(c.name, c.type);
    if (read_low_cardinality_group(probe, scratch, 0, group_keys, dict_base, rows_read).is_ok()) {
      r = probe;
    }
    return Status::ok();
  }
  uint64_t done = 0;
  c.indices.reserve(rows);
  while (done < rows) {
    CHVIEW_RETURN_IF_ERROR(
        read_low_cardinality_group(r, c, rows - done, group_keys, dict_base, rows_read));
    if (rows_read == 0) return parse_error("LowCardinality group without rows");
    done += rows_read;
  }
  return Status::ok();
}

Status read_data(Reader& r, Column& c, uint64_t rows) {
  const DataType& t = c.type;
  // Every row costs at least one byte: reject absurd counts before allocating.
  if (rows > r.remaining()) return r.truncated("column '" + c.name + "'");
  if (t.kind == TypeKind::kLowCardinality) return read_low_cardinality(r, c, rows);
  const size_t width = t.value_width();
  if (width > 0 && rows > r.remaining() / width) return r.truncated("column '" + c.name + "'");
  switch (t.storage()) {
    case Storage::kInt: {
      // One bounds check for the whole run of fixed-width values.
      CHVIEW_ASSIGN_OR_RETURN(std::string_view raw, r.bytes(rows * width, "values"));
      c.ints.resize(rows);
      const bool sign = is_signed(t.kind);
      for (uint64_t i = 0; i < rows; ++i) {
        uint64_t v = 0;
        std::memcpy(&v, raw.data() + i * width, width);
        c.ints[i] = sign ? sign_extend(v, width) : static_cast<int64_t>(v);
      }
      return Status::ok();
    }
    case Storage::kUInt: {
      CHVIEW_ASSIGN_OR_RETURN(std::string_view raw, r.bytes(rows * width, "values"));
      c.uints.resize(rows);
      for (uint64_t i = 0; i < rows; ++i) {
        uint64_t v = 0;
        std::memcpy(&v, raw.data() + i * width, width);
        c.uints[i] = v;
      }
      return Status::ok();
    }
    case Storage::kFloat: {
      CHVIEW_ASSIGN_OR_RETURN(std::string_view raw, r.bytes(rows * width, "values"));
      c.floats.resize(rows);
      for (uint64_t i = 0; i < rows; ++i) {
        if (width == 4) {
          float f;
          std::memcpy(&f, raw.data() + i * 4, 4);
          c.floats[i] = f;
        } else {
          std::memcpy(&c.floats[i], raw.data() + i * 8, 8);
        }
      }
      return Status::ok();
    }
    case Storage::kString:
      c.strings.reserve(rows);
      for (uint64_t i = 0; i < rows; ++i) {
        std::string_view s;
        if (width > 0) {  // FixedString, IPv6
          CHVIEW_ASSIGN_OR_RETURN(s, r.bytes(width, "a FixedString"));
        } else {
          CHVIEW_ASSIGN_OR_RETURN(s, r.string("a String"));
        }
        c.strings.emplace_back(s);
      }
      return Status::ok();
    case Storage::kInt128:
      c.wide.reserve(rows);
      for (uint64_t i = 0; i < rows; ++i) {
        CHVIEW_ASSIGN_OR_RETURN(uint64_t first, r.fixed(8, "a 128-bit value"));
        CHVIEW_ASSIGN_OR_RETURN(uint64_t second, r.fixed(8, "a 128-bit value"));
        // Decimal128 is little-endian (low half first); UUID writes its high half first.
        const bool uuid = t.kind == TypeKind::kUUID;
        unsigned __int128 hi = uuid ? first : second, lo = uuid ? second : first;
        c.wide.push_back(static_cast<Int128>((hi << 64) | lo));
      }
      return Status::ok();
    case Storage::kNullable: {
      CHVIEW_ASSIGN_OR_RETURN(std::string_view map, r.bytes(rows, "a null map"));
      c.null_map.assign(map.begin(), map.end());
      for (auto& flag : c.null_map) flag = flag != 0;
      return read_data(r, c.children[0], rows);
    }
    case Storage::kArray: {
      c.offsets.reserve(rows);
      uint64_t previous = 0;
      for (uint64_t i = 0; i < rows; ++i) {
        CHVIEW_ASSIGN_OR_RETURN(uint64_t end, r.fixed(8, "an array offset"));
        if (end < previous) return parse_error("Native array offsets decrease");
        c.offsets.push_back(end);
        previous = end;
      }
      return read_data(r, c.children[0], previous);
    }
    case Storage::kLowCardinality:
      break;
  }
  return internal_error("unreachable storage");
}

Result<Block> read_block(Reader& r) {
  Block block;
  CHVIEW_ASSIGN_OR_RETURN(uint64_t columns, r.varuint());
  CHVIEW_ASSIGN_OR_RETURN(uint64_t rows, r.varuint());
  if (columns > r.remaining()) return r.truncated("the column list");
  block.rows = rows;
  block.columns.reserve(columns);
  for (uint64_t i = 0; i < columns; ++i) {
    CHVIEW_ASSIGN_OR_RETURN(std::string_view name, r.string("a column name"));
    CHVIEW_ASSIGN_OR_RETURN(std::string_view type_text, r.string("a column type"));
    Result<DataType> type = parse_type(type_text);
    if (!type.is_ok()) {
      return Status(type.status().code(),
                    "column '" + std::string(name) + "': " + type.status().message());
    }
    Column column(std::string(name), std::move(type).value());
    if (rows > 0) {
      CHVIEW_RETURN_IF_ERROR(read_prefix(r, column));
      CHVIEW_RETURN_IF_ERROR(read_data(r, column, rows));
    }
    block.columns.push_back(std::move(column));
  }
  return block;
}

// --- Encoding ---

void put_varuint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void put_fixed(std::string& out, uint64_t v, size_t width) {
  char buf[8];
  std::memcpy(buf, &v, 8);
  out.append(buf, width);
}

void put_string(std::string& out, std::string_view s) {
  put_varuint(out, s.size());
  out.append(s);
}

void write_prefix(std::string& out, const Column& c) {
  if (c.type.kind == TypeKind::kNullable || c.type.kind == TypeKind::kArray) {
    write_prefix(out, c.children[0]);
  } else if (c.type.kind == TypeKind::kLowCardinality) {
    put_fixed(out, kSharedDictionariesWithAdditionalKeys, 8);
  }
}

void write_data(std::string& out, const Column& c);

void write_low_cardinality(std::string& out, const Column& c) {
  // Zero rows (empty arrays) write nothing: 18.16 reads nothing there, and newer servers
  // write nothing either (18.16 itself writes an empty group, which the decoder skips).
  if (c.indices.empty()) return;
  const Column* dict = &c.children[0];
  const uint64_t keys = dict->size();
  const uint64_t index_type = keys <= 0x100 ? 0 : keys <= 0x10000 ? 1 : keys <= 0x100000000 ? 2 : 3;
  put_fixed(out, index_type | kHasAdditionalKeysBit | kNeedUpdateDictionaryBit, 8);
  put_fixed(out, keys, 8);
  write_data(out, *dict);
  put_fixed(out, c.indices.size(), 8);
  for (uint64_t index : c.indices) put_fixed(out, index, size_t{1} << index_type);
}

void write_data(std::string& out, const Column& c) {
  const DataType& t = c.type;
  const size_t width = t.value_width();
  switch (t.storage()) {
    case Storage::kInt:
      for (int64_t v : c.ints) put_fixed(out, static_cast<uint64_t>(v), width);
      return;
    case Storage::kUInt:
      for (uint64_t v : c.uints) put_fixed(out, v, width);
      return;
    case Storage::kFloat:
      for (double v : c.floats) {
        if (width == 4) {
          float f = static_cast<float>(v);
          uint32_t bits;
          std::memcpy(&bits, &f, 4);
          put_fixed(out, bits, 4);
        } else {
          uint64_t bits;
          std::memcpy(&bits, &v, 8);
          put_fixed(out, bits, 8);
        }
      }
      return;
    case Storage::kString:
      for (const auto& s : c.strings) {
        if (width > 0) {  // FixedString, IPv6
          out.append(s);
          out.append(width - s.size(), '\0');
        } else {
          put_string(out, s);
        }
      }
      return;
    case Storage::kInt128:
      for (Int128 v : c.wide) {
        auto u = static_cast<unsigned __int128>(v);
        auto hi = static_cast<uint64_t>(u >> 64), lo = static_cast<uint64_t>(u);
        const bool uuid = t.kind == TypeKind::kUUID;
        put_fixed(out, uuid ? hi : lo, 8);
        put_fixed(out, uuid ? lo : hi, 8);
      }
      return;
    case Storage::kNullable:
      for (uint8_t flag : c.null_map) out += static_cast<char>(flag ? 1 : 0);
      write_data(out, c.children[0]);
      return;
    case Storage::kArray:
      for (uint64_t end : c.offsets) put_fixed(out, end, 8);
      write_data(out, c.children[0]);
      return;
    case Storage::kLowCardinality:
      write_low_cardinality(out, c);
      return;
  }
}

}  // namespace

Result<std::vector<Block>> decode_native(std::string_view bytes) {
  Reader r(bytes);
  std::vector<Block> blocks;
  while (!r.at_end()) {
    CHVIEW_ASSIGN_OR_RETURN(Block block, read_block(r));
    blocks.push_back(std::move(block));
  }
  return blocks;
}

Status encode_native(const Block& block, std::string& out) {
  CHVIEW_RETURN_IF_ERROR(block.validate());
  put_varuint(out, block.columns.size());
  put_varuint(out, block.rows);
  for (const auto& c : block.columns) {
    put_string(out, c.name);
    put_string(out, c.type.to_string());
    if (block.rows == 0) continue;  // zero rows carry no data at all
    write_prefix(out, c);
    write_data(out, c);
  }
  return Status::ok();
}

}  // namespace chview::clickhouse
