#include "ingest/live_feed.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "base/int_math.h"
#include "columnar/datetime.h"

namespace chview::ingest {
namespace {

using clickhouse::DataType;
using clickhouse::TypeKind;

std::string quote_identifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`' || c == '\\') out += '\\';
    out += c;
  }
  return out + "`";
}

// A cursor must grow with new rows: the types that map to Perspective integers, dates
// and datetimes (not Bool, floats, Decimals or strings).
bool is_cursor_type(const DataType& type) {
  if (type.kind == TypeKind::kNullable || type.kind == TypeKind::kLowCardinality) return false;
  auto mapped = perspective_type(type);
  return mapped.is_ok() &&
         (*mapped == columnar::ColumnType::kInteger || *mapped == columnar::ColumnType::kDate ||
          *mapped == columnar::ColumnType::kDatetime);
}

uint64_t mix(uint64_t h, uint64_t v) {
  // splitmix64 finaliser over the running hash.
  uint64_t z = h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t hash_bytes(std::string_view s) { return std::hash<std::string_view>{}(s); }

// Copies the selected rows of every column.
Result<columnar::Batch> take_rows(const columnar::Batch& batch, const std::vector<size_t>& rows) {
  std::vector<columnar::Column> columns;
  columns.reserve(batch.num_columns());
  for (const auto& source : batch.columns()) {
    columnar::Column out(source.type());
    out.reserve(rows.size());
    for (size_t row : rows) out.append_from(source, row);
    columns.push_back(std::move(out));
  }
  return columnar::Batch::make(batch.schema(), std::move(columns));
}

}  // namespace

uint64_t row_fingerprint(const clickhouse::Block& block, size_t row) {
  uint64_t h = 0x2545f4914f6cdd1dULL;
  for (const auto& column : block.columns) {
    if (column.is_null(row)) {
      h = mix(h, 0xa11ull);
      continue;
    }
    auto [c, r] = column.resolve(row);
    switch (c->type.storage()) {
      case clickhouse::Storage::kInt:
        h = mix(h, static_cast<uint64_t>(c->ints[r]));
        break;
      case clickhouse::Storage::kUInt:
        h = mix(h, c->uints[r]);
        break;
      case clickhouse::Storage::kFloat:
        h = mix(h, std::bit_cast<uint64_t>(c->floats[r]));
        break;
      case clickhouse::Storage::kString:
        h = mix(h, hash_bytes(c->strings[r]));
        break;
      case clickhouse::Storage::kInt128: {
        auto v = static_cast<unsigned __int128>(c->wide[r]);
        h = mix(mix(h, static_cast<uint64_t>(v)), static_cast<uint64_t>(v >> 64));
        break;
      }
      default:
        h = mix(h, hash_bytes(column.string_at(row)));
        break;
    }
  }
  return h;
}

Status LiveTableSpec::validate() const {
  if (name.empty()) return invalid_argument("live table: a name is required");
  if (source_table.empty() == source_query.empty()) {
    return invalid_argument("live table '" + name + "': give exactly one of table or query");
  }
  if (limit && index) {
    return invalid_argument("live table '" + name + "': limit and index are exclusive");
  }
  if (limit && *limit == 0) return invalid_argument("live table '" + name + "': limit must be > 0");
  if (interval.count() <= 0) {
    return invalid_argument("live table '" + name + "': interval must be > 0");
  }
  return Status::ok();
}

std::string LiveTableSpec::from_clause() const {
  if (!source_query.empty()) return "(" + source_query + ")";
  auto dot = source_table.find('.');
  if (dot == std::string::npos) return quote_identifier(source_table);
  return quote_identifier(source_table.substr(0, dot)) + "." +
         quote_identifier(source_table.substr(dot + 1));
}

Result<LiveFeed> LiveFeed::make(LiveTableSpec spec, std::vector<SourceColumn> columns) {
  CHVIEW_RETURN_IF_ERROR(spec.validate());
  if (!spec.limit && !spec.index) spec.limit = 1000;
  if (columns.empty())
    return invalid_argument("live table '" + spec.name + "': source has no columns");
  std::vector<columnar::Field> fields;
  std::optional<size_t> cursor_index;
  DataType cursor_type;
  for (size_t i = 0; i < columns.size(); ++i) {
    auto type = clickhouse::parse_type(columns[i].type_text);
    if (!type) {
      return Status(type.status().code(), "live table '" + spec.name + "', column '" +
                                              columns[i].name + "': " + type.status().message());
    }
    auto mapped = perspective_type(*type);
    if (!mapped) {
      return Status(mapped.status().code(), "live table '" + spec.name + "', column '" +
                                                columns[i].name +
                                                "': " + mapped.status().message());
    }
    fields.push_back({columns[i].name, *mapped});
    bool wanted = spec.cursor.empty()
                      ? (type->kind == TypeKind::kDateTime || type->kind == TypeKind::kDateTime64)
                      : columns[i].name == spec.cursor;
    if (wanted && !cursor_index) {
      if (!is_cursor_type(*type)) {
        return invalid_argument("live table '" + spec.name + "': cursor column '" +
                                columns[i].name + "' has type " + columns[i].type_text +
                                "; use an integer, Date or DateTime column");
      }
      cursor_index = i;
      cursor_type = *type;
    }
  }
  if (!cursor_index) {
    return invalid_argument("live table '" + spec.name + "': " +
                            (spec.cursor.empty()
                                 ? std::string("no DateTime column to use as cursor; set one")
                                 : "cursor column '" + spec.cursor + "' not found"));
  }
  spec.cursor = columns[*cursor_index].name;
  columnar::Schema schema(std::move(fields));
  if (spec.index && !schema.contains(*spec.index)) {
    return invalid_argument("live table '" + spec.name + "': index column '" + *spec.index +
                            "' not found");
  }
  return LiveFeed(std::move(spec), std::move(columns), std::move(schema), *cursor_index,
                  std::move(cursor_type));
}

LiveFeed::LiveFeed(LiveTableSpec spec, std::vector<SourceColumn> columns, columnar::Schema schema,
                   size_t cursor_index, DataType cursor_type)
    : spec_(std::move(spec)),
      columns_(std::move(columns)),
      schema_(std::move(schema)),
      cursor_index_(cursor_index),
      cursor_type_(std::move(cursor_type)) {}

std::string LiveFeed::cursor_literal(int64_t ticks) const {
  switch (cursor_type_.kind) {
    case TypeKind::kDateTime:
      return "toDateTime(" + std::to_string(ticks) + ")";
    case TypeKind::kDateTime64: {
      const int scale = static_cast<int>(cursor_type_.scale);
      const int64_t unit = pow10_int(scale);
      const int64_t seconds = floor_div(ticks, unit);
      std::string text = columnar::format_datetime(seconds * 1000).substr(0, 19);
      if (scale > 0) {
        std::string frac = std::to_string(ticks - seconds * unit);
        // Appended piece by piece: g++ 12 -O3 reports a false -Wrestrict on `"." + …`.
        text += '.';
        text.append(static_cast<size_t>(scale) - frac.size(), '0');
        text += frac;
      }
      return "toDateTime64('" + text + "', " + std::to_string(scale) + ", 'UTC')";
    }
    case TypeKind::kDate:
      return "toDate('" + columnar::format_date(static_cast<int32_t>(ticks)) + "')";
    case TypeKind::kDate32:
      return "toDate32('" + columnar::format_date(static_cast<int32_t>(ticks)) + "')";
    case TypeKind::kUInt64:
      return std::to_string(static_cast<uint64_t>(ticks));
    default:
      return std::to_string(ticks);
  }
}

int64_t LiveFeed::window_start(int64_t last) const {
  const int64_t ms = spec_.lateness.count();
  if (ms <= 0) return last;
  switch (cursor_type_.kind) {
    case TypeKind::kDateTime:
      return last - (ms + 999) / 1000;
    case TypeKind::kDateTime64: {
      const int scale = static_cast<int>(cursor_type_.scale);
      return scale >= 3 ? last - ms * pow10_int(scale - 3)
                        : last - (ms + pow10_int(3 - scale) - 1) / pow10_int(3 - scale);
    }
    case TypeKind::kDate:
    case TypeKind::kDate32:
      return last - (ms + 86'399'999) / 86'400'000;
    default:
      return last;  // lateness is a time; integer cursors use the boundary only
  }
}

Status LiveFeed::check_block_columns(const clickhouse::Block& block) const {
  bool same = block.columns.size() == columns_.size();
  for (size_t i = 0; same && i < columns_.size(); ++i) {
    same = block.columns[i].name == columns_[i].name &&
           block.columns[i].type == *clickhouse::parse_type(columns_[i].type_text);
  }
  if (same) return Status::ok();
  std::string now;
  for (const auto& c : block.columns)
    now += (now.empty() ? "" : ", ") + c.name + " " + c.type.to_string();
  return {ErrorCode::kAlreadyExists,  // kAlreadyExists marks "source schema changed"
          "live table '" + spec_.name + "': the source's columns changed (now: " + now + ")"};
}

Result<columnar::Batch> LiveFeed::load(const QueryFn& query) {
  const std::string cursor = quote_identifier(spec_.cursor);
  std::string sql;
  if (spec_.limit) {
    sql = "SELECT * FROM (SELECT * FROM " + spec_.from_clause() + " ORDER BY " + cursor +
          " DESC LIMIT " + std::to_string(*spec_.limit) + ") ORDER BY " + cursor;
  } else {
    sql = "SELECT * FROM " + spec_.from_clause() + " ORDER BY " + cursor + " LIMIT " +
          std::to_string(spec_.max_load_rows + 1);
  }
  CHVIEW_ASSIGN_OR_RETURN(clickhouse::Block block, query(sql));
  if (!spec_.limit && block.rows > spec_.max_load_rows) {
    return invalid_argument("live table '" + spec_.name + "': the source has more than " +
                            std::to_string(spec_.max_load_rows) +
                            " rows; raise max_load_rows or serve it as a limit table");
  }
  seen_.clear();
  remembered_ = 0;
  last_cursor_.reset();
  floor_.reset();
  if (spec_.limit && block.rows == *spec_.limit && !block.columns.empty()) {
    floor_ = block.columns[cursor_index_].int_at(0);
  }
  return take_new_rows(block);
}

Result<columnar::Batch> LiveFeed::poll(const QueryFn& query) {
  if (!last_cursor_) return load(query);
  const std::string cursor = quote_identifier(spec_.cursor);
  const std::string sql = "SELECT * FROM " + spec_.from_clause() + " WHERE " + cursor +
                          " >= " + cursor_literal(window_start(*last_cursor_)) + " ORDER BY " +
                          cursor;
  CHVIEW_ASSIGN_OR_RETURN(clickhouse::Block block, query(sql));
  return take_new_rows(block);
}

Result<columnar::Batch> LiveFeed::take_new_rows(const clickhouse::Block& block) {
  if (block.columns.empty() || block.rows == 0) {
    std::vector<columnar::Column> empty;
    for (const auto& f : schema_.fields()) empty.emplace_back(f.type);
    return columnar::Batch::make(schema_, std::move(empty));
  }
  CHVIEW_RETURN_IF_ERROR(check_block_columns(block));
  CHVIEW_ASSIGN_OR_RETURN(columnar::Batch all, to_batch(block, &stats_));

  // Decide first, commit after: a failure below leaves the feed as it was.
  const auto& cursor_column = block.columns[cursor_index_];
  // Rows older than the window were seen before by construction (INT64_MIN: no window).
  const int64_t window = last_cursor_ ? window_start(*last_cursor_) : INT64_MIN;
  std::map<int64_t, std::unordered_map<uint64_t, uint32_t>> occurrences;
  std::vector<std::pair<int64_t, uint64_t>> fresh_keys;
  std::vector<size_t> fresh_rows;
  int64_t max_cursor = last_cursor_.value_or(INT64_MIN);
  for (size_t row = 0; row < block.rows; ++row) {
    const int64_t c = cursor_column.int_at(row);
    if (floor_ && c < *floor_) continue;
    if (c < window) continue;
    const uint64_t fp = row_fingerprint(block, row);
    const uint32_t occurrence = ++occurrences[c][fp];
    uint32_t already = 0;
    if (auto it = seen_.find(c); it != seen_.end()) {
      if (auto f = it->second.find(fp); f != it->second.end()) already = f->second;
    }
    if (occurrence > already) {
      fresh_rows.push_back(row);
      fresh_keys.emplace_back(c, fp);
    }
    max_cursor = std::max(max_cursor, c);
  }
  CHVIEW_ASSIGN_OR_RETURN(columnar::Batch fresh, fresh_rows.size() == block.rows
                                                     ? Result<columnar::Batch>(std::move(all))
                                                     : take_rows(all, fresh_rows));
  for (const auto& [c, fp] : fresh_keys) {
    ++seen_[c][fp];
    ++remembered_;
  }
  if (max_cursor != INT64_MIN) last_cursor_ = max_cursor;
  if (last_cursor_) forget_before(window_start(*last_cursor_));
  return fresh;
}

void LiveFeed::forget_before(int64_t start) {
  while (!seen_.empty() && seen_.begin()->first < start) {
    for (const auto& [fp, count] : seen_.begin()->second) remembered_ -= count;
    seen_.erase(seen_.begin());
  }
}

}  // namespace chview::ingest
