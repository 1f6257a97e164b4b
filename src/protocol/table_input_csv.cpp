// CSV straight to typed columns (csv_to_batch): fields are string_views into the input
// (copied only when quotes or stray '\r' split them), typed and appended per column,
// with no per-cell Value. Same records, types and cells as parse_table_data +
// infer_schema + to_batch (table_input.cpp); table_input_csv_test.cpp checks that.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "columnar/datetime.h"
#include "protocol/table_input.h"

namespace chview::protocol::detail {
namespace {

using columnar::ColumnType;

// A null cell (empty and unquoted) is a view with no data; an empty quoted cell is not.
constexpr std::string_view kNullCell{};
constexpr std::string_view kEmptyCell{""};

bool is_null_cell(std::string_view cell) { return cell.data() == nullptr; }

// Characters that end a run of ordinary characters outside quotes.
constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>(',')] = true;
  t[static_cast<unsigned char>('\n')] = true;
  t[static_cast<unsigned char>('\r')] = true;
  return t;
}();

// Splits RFC 4180 records exactly as table_input.cpp's parse_csv does: quoted fields may
// hold commas, quotes ("") and newlines; '\r' outside quotes is dropped; a quote after
// a field's first character is literal; an empty unquoted field is null; a record of a
// single null field (a blank line) is skipped. on_record gets each record's cells,
// valid until it returns.
class CsvRecords {
 public:
  template <typename OnRecord>
  static Status for_each(std::string_view text, OnRecord&& on_record) {
    CsvRecords r;
    const char* p = text.data();
    const size_t n = text.size();
    size_t i = 0;
    bool in_quotes = false;
    while (i < n) {
      if (in_quotes) {
        const void* q = std::memchr(p + i, '"', n - i);
        size_t j = q == nullptr ? n : static_cast<size_t>(static_cast<const char*>(q) - p);
        r.append(p + i, j - i);
        i = j;
        if (i == n) break;
        if (i + 1 < n && p[i + 1] == '"') {
          r.append(p + i, 1);  // "" is one quote
          i += 2;
        } else {
          in_quotes = false;
          ++i;
        }
        continue;
      }
      const char c = p[i];
      if (c == '"' && !r.started_) {
        in_quotes = r.quoted_ = r.started_ = true;
        ++i;
      } else if (c == ',') {
        r.end_field();
        ++i;
      } else if (c == '\n') {
        r.end_record(on_record);
        ++i;
      } else if (c == '\r') {
        ++i;
      } else {
        size_t j = i + 1;
        while (j < n && !kSpecial[static_cast<unsigned char>(p[j])]) ++j;
        r.append(p + i, j - i);
        r.started_ = true;
        i = j;
      }
    }
    if (in_quotes) return parse_error("chview: unterminated quoted CSV field");
    if (r.started_ || !r.cells_.empty()) r.end_record(on_record);
    return Status::ok();
  }

 private:
  void append(const char* s, size_t len) {
    if (len == 0) return;
    if (contiguous_) {
      if (view_len_ == 0) {
        view_begin_ = s;
        view_len_ = len;
        return;
      }
      if (view_begin_ + view_len_ == s) {
        view_len_ += len;
        return;
      }
      // Characters were skipped inside the field: build it in this cell's scratch.
      if (scratch_.size() <= cells_.size()) scratch_.resize(cells_.size() + 1);
      scratch_[cells_.size()].assign(view_begin_, view_len_);
      contiguous_ = false;
    }
    scratch_[cells_.size()].append(s, len);
  }

  void end_field() {
    if (!contiguous_) {
      cells_.emplace_back(scratch_[cells_.size()]);
    } else if (view_len_ > 0) {
      cells_.emplace_back(view_begin_, view_len_);
    } else {
      cells_.push_back(quoted_ ? kEmptyCell : kNullCell);
    }
    view_begin_ = nullptr;
    view_len_ = 0;
    contiguous_ = true;
    quoted_ = started_ = false;
  }

  template <typename OnRecord>
  void end_record(OnRecord& on_record) {
    end_field();
    if (!(cells_.size() == 1 && is_null_cell(cells_[0]))) on_record(cells_);
    cells_.clear();
  }

  std::vector<std::string_view> cells_;
  // Per cell index, for cells that are not one view; a deque so growing it keeps the
  // earlier cells' views valid.
  std::deque<std::string> scratch_;
  const char* view_begin_ = nullptr;
  size_t view_len_ = 0;
  bool contiguous_ = true;
  bool quoted_ = false;
  bool started_ = false;
};

bool parses_as_int(std::string_view s, int64_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
}

bool parses_as_float(std::string_view s, double& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
}

// What every non-null text cell of a column parses as (infer_schema's rules for text).
struct TextTypeVotes {
  bool any = false, all_int = true, all_float = true, all_bool = true, all_date = true,
       all_datetime = true;

  void add(std::string_view s) {
    any = true;
    int64_t i = 0;
    double d = 0;
    // Integer text is float text, and a date is a datetime: the wider check only
    // matters (and only runs) once the narrower one has failed.
    all_int = all_int && parses_as_int(s, i);
    if (!all_int) all_float = all_float && parses_as_float(s, d);
    all_bool = all_bool && (s == "true" || s == "false");
    all_date = all_date && columnar::parse_date(s).has_value();
    if (!all_date) all_datetime = all_datetime && columnar::parse_datetime(s).has_value();
  }

  ColumnType type() const {
    if (!any) return ColumnType::kString;
    if (all_int) return ColumnType::kInteger;
    if (all_float) return ColumnType::kFloat;
    if (all_bool) return ColumnType::kBoolean;
    if (all_date) return ColumnType::kDate;
    if (all_datetime) return ColumnType::kDatetime;
    return ColumnType::kString;
  }
};

bool has_edge_blank(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  return !s.empty() && (blank(s.front()) || blank(s.back()));
}

// Appends a text cell coerced to the column's type. The direct parses below give what
// Column::append(Value(text)) gives for the text they accept; anything else takes
// that generic path.
void append_text(columnar::Column& column, std::string_view cell) {
  if (is_null_cell(cell)) {
    column.append_null();
    return;
  }
  switch (column.type()) {
    case ColumnType::kString:
      column.append_string(cell);
      return;
    case ColumnType::kInteger: {
      int64_t v = 0;
      if (parses_as_int(cell, v)) return column.append_int(v);
      break;
    }
    case ColumnType::kFloat: {
      double v = 0;
      if (parses_as_float(cell, v)) return column.append_float(v);
      break;
    }
    case ColumnType::kBoolean:
      if (cell == "true") return column.append_bool(true);
      if (cell == "false") return column.append_bool(false);
      break;
    case ColumnType::kDate:
      if (!has_edge_blank(cell)) {
        if (auto days = columnar::parse_date(cell)) return column.append_date(*days);
      }
      break;
    case ColumnType::kDatetime:
      if (!has_edge_blank(cell)) {
        if (auto ms = columnar::parse_datetime(cell)) return column.append_datetime(*ms);
      }
      break;
  }
  column.append(columnar::Value(std::string(cell)));
}

std::vector<std::string> header_names(std::span<const std::string_view> cells) {
  std::vector<std::string> names;
  names.reserve(cells.size());
  for (std::string_view cell : cells) names.emplace_back(is_null_cell(cell) ? "" : cell);
  return names;
}

// Infers the schema of a new table (one pass over the text) and counts its rows.
Result<columnar::Schema> infer_csv_schema(std::string_view csv, size_t& num_rows) {
  std::vector<std::string> names;
  std::vector<TextTypeVotes> votes;
  bool have_header = false;
  num_rows = 0;
  CHVIEW_RETURN_IF_ERROR(CsvRecords::for_each(csv, [&](const std::vector<std::string_view>& cells) {
    if (!have_header) {
      names = header_names(cells);
      votes.resize(names.size());
      have_header = true;
      return;
    }
    ++num_rows;
    const size_t n = std::min(cells.size(), names.size());
    for (size_t c = 0; c < n; ++c) {
      if (!is_null_cell(cells[c])) votes[c].add(cells[c]);
    }
  }));
  if (!have_header) return parse_error("chview: CSV input has no header line");
  std::unordered_set<std::string_view> seen(names.begin(), names.end());
  if (seen.size() != names.size()) return invalid_argument("chview: duplicate column names");
  std::vector<columnar::Field> fields;
  fields.reserve(names.size());
  for (size_t c = 0; c < names.size(); ++c) fields.push_back({names[c], votes[c].type()});
  return columnar::Schema(std::move(fields));
}

}  // namespace

Result<columnar::Batch> csv_to_batch(std::string_view csv, const columnar::Schema* schema) {
  columnar::Schema inferred;
  size_t expected_rows = 0;
  if (schema == nullptr) {
    CHVIEW_ASSIGN_OR_RETURN(inferred, infer_csv_schema(csv, expected_rows));
    schema = &inferred;
  }
  columnar::BatchBuilder builder(schema->fields());
  for (size_t c = 0; c < schema->size(); ++c) builder.column(c).reserve(expected_rows);
  // Per schema column, its cell's index in a record (the first header cell of that
  // name), or npos when the CSV lacks it: those cells are absent.
  constexpr size_t kAbsent = static_cast<size_t>(-1);
  std::vector<size_t> source(schema->size(), kAbsent);
  bool have_header = false;
  size_t num_rows = 0;
  CHVIEW_RETURN_IF_ERROR(CsvRecords::for_each(csv, [&](const std::vector<std::string_view>& cells) {
    if (!have_header) {
      std::vector<std::string> names = header_names(cells);
      for (size_t c = 0; c < schema->size(); ++c) {
        for (size_t i = 0; i < names.size(); ++i) {
          if (names[i] == schema->field(c).name) {
            source[c] = i;
            break;
          }
        }
      }
      have_header = true;
      return;
    }
    ++num_rows;
    for (size_t c = 0; c < source.size(); ++c) {
      if (source[c] == kAbsent) continue;
      append_text(builder.column(c), source[c] < cells.size() ? cells[source[c]] : kNullCell);
    }
  }));
  if (!have_header) return parse_error("chview: CSV input has no header line");
  for (size_t c = 0; c < source.size(); ++c) {
    if (source[c] != kAbsent) continue;
    for (size_t r = 0; r < num_rows; ++r) builder.append_absent(c);
  }
  return std::move(builder).finish();
}

}  // namespace chview::protocol::detail
