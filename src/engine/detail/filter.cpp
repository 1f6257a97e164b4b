#include "engine/detail/filter.h"

#include <re2/re2.h>

#include <array>
#include <compare>
#include <utility>

namespace chview::engine::detail {
namespace {

constexpr std::array<std::pair<std::string_view, FilterKind>, 24> kOps{{
    {"==", FilterKind::kEq},
    {"!=", FilterKind::kNe},
    {"<", FilterKind::kLt},
    {"<=", FilterKind::kLe},
    {">", FilterKind::kGt},
    {">=", FilterKind::kGe},
    {"begins with", FilterKind::kBeginsWith},
    {"startswith", FilterKind::kBeginsWith},
    {"ends with", FilterKind::kEndsWith},
    {"endswith", FilterKind::kEndsWith},
    {"contains", FilterKind::kContains},
    {"not begins with", FilterKind::kNotBeginsWith},
    {"not startswith", FilterKind::kNotBeginsWith},
    {"not ends with", FilterKind::kNotEndsWith},
    {"not endswith", FilterKind::kNotEndsWith},
    {"not contains", FilterKind::kNotContains},
    {"in", FilterKind::kIn},
    {"not in", FilterKind::kNotIn},
    {"matches", FilterKind::kMatches},
    {"not matches", FilterKind::kNotMatches},
    {"is null", FilterKind::kIsNull},
    {"is None", FilterKind::kIsNull},
    {"is not null", FilterKind::kIsNotNull},
    {"is not None", FilterKind::kIsNotNull},
}};

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

// Typed comparison of a non-null cell with a non-null operand of the column's kind.
std::partial_ordering compare_cell(const Column& c, RowId row, const Value& v) {
  switch (c.type()) {
    case ColumnType::kString:
      return c.string_at(row) <=> std::string_view(v.as_string());
    case ColumnType::kInteger:
      return c.int_at(row) <=> v.as_int();
    case ColumnType::kDatetime:
      return c.datetime_at(row) <=> v.as_datetime().ms;
    case ColumnType::kDate:
      return c.date_at(row) <=> v.as_date().days;
    case ColumnType::kFloat:
      return c.float_at(row) <=> v.as_float();
    case ColumnType::kBoolean:
      return c.bool_at(row) <=> v.as_bool();
  }
  return std::partial_ordering::unordered;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A filter value converted to the column's kind the way Perspective's engine does it,
// which differs from update coercion: text that does not parse is an error, any string
// compared with a boolean column reads as false, numbers on string columns are errors.
Result<Value> coerce_filter_value(const Value& v, const Field& field) {
  if (v.is_null()) return Value();
  auto bad = [&](std::string_view what) {
    return invalid_argument("Invalid filter value " + v.debug_string() + " for " +
                            std::string(columnar::column_type_name(field.type)) + " column '" +
                            field.name + "' (" + std::string(what) + ")");
  };
  switch (field.type) {
    case ColumnType::kString:
      if (v.kind() != Value::Kind::kString) return bad("expected a string");
      return v;
    case ColumnType::kBoolean:
      if (v.kind() == Value::Kind::kString) return Value(false);
      return columnar::coerce(v, ColumnType::kBoolean);
    case ColumnType::kDate:
    case ColumnType::kDatetime:
      if (v.kind() == Value::Kind::kBool) return Value();  // compares unequal to everything
      if (v.kind() == Value::Kind::kString) {
        Value c = columnar::coerce(Value(trim(v.as_string())), field.type);
        if (c.is_null()) return bad("invalid date format");
        return c;
      }
      return columnar::coerce(v, field.type);
    default: {
      Value c = columnar::coerce(v, field.type);
      if (c.is_null()) return bad("not a number");
      return c;
    }
  }
}

Status check_text_operand(const Value& v, const Field& field) {
  if (field.type == ColumnType::kDate || field.type == ColumnType::kDatetime) {
    return Status::ok();
  }
  return coerce_filter_value(v, field).status();
}

}  // namespace

std::optional<FilterKind> parse_filter_kind(std::string_view op) {
  for (const auto& [name, kind] : kOps) {
    if (name == op) return kind;
  }
  return std::nullopt;
}

Predicate::Predicate(Predicate&&) noexcept = default;
Predicate& Predicate::operator=(Predicate&&) noexcept = default;
Predicate::~Predicate() = default;

Result<Predicate> Predicate::compile(const Table& table, const FilterTerm& term) {
  auto kind = parse_filter_kind(term.op);
  if (!kind) return invalid_argument("Unknown filter operator string: `" + term.op + "`\n");
  Predicate p;
  p.kind_ = *kind;
  p.column_ = *table.schema().index_of(term.column);
  const Field& field = table.schema().field(p.column_);
  const Value first = term.values.empty() ? Value() : term.values.front();
  switch (p.kind_) {
    case FilterKind::kIsNull:
    case FilterKind::kIsNotNull:
      break;
    case FilterKind::kIn:
    case FilterKind::kNotIn:
      for (const Value& v : term.values) {
        CHVIEW_ASSIGN_OR_RETURN(Value c, coerce_filter_value(v, field));
        if (!c.is_null()) p.list_.push_back(std::move(c));
      }
      break;
    // Text ops: a value that does not convert to a string/number column's type is an
    // error, as in Perspective (its date parsing is laxer than ours, so dates are not
    // checked); only a string operand on a string column can match text.
    case FilterKind::kBeginsWith:
    case FilterKind::kEndsWith:
    case FilterKind::kContains:
    case FilterKind::kNotBeginsWith:
    case FilterKind::kNotEndsWith:
    case FilterKind::kNotContains: {
      CHVIEW_RETURN_IF_ERROR(check_text_operand(first, field));
      if (first.kind() == Value::Kind::kString) {
        p.operand_ = first;
        p.lowered_ = ascii_lower(first.as_string());
      }
      break;
    }
    case FilterKind::kMatches:
    case FilterKind::kNotMatches:
      CHVIEW_RETURN_IF_ERROR(check_text_operand(first, field));
      if (first.kind() == Value::Kind::kString) {
        RE2::Options options;
        options.set_log_errors(false);
        auto re = std::make_unique<RE2>(first.as_string(), options);
        // Perspective lets an invalid pattern through; it then matches nothing (and
        // `not matches` matches nothing either).
        if (re->ok()) {
          p.operand_ = first;
          p.re_ = std::move(re);
        }
      }
      break;
    default: {
      CHVIEW_ASSIGN_OR_RETURN(p.operand_, coerce_filter_value(first, field));
      break;
    }
  }
  return p;
}

bool Predicate::matches(const Table& table, RowId row) const {
  const Column& c = table.column(column_);
  switch (kind_) {
    case FilterKind::kIsNull:
      return c.is_null(row);
    case FilterKind::kIsNotNull:
      return c.is_valid(row);
    default:
      break;
  }
  // Null rows match only the negations that Perspective lets them through.
  if (c.is_null(row)) return kind_ == FilterKind::kNe || kind_ == FilterKind::kNotIn;
  if (c.type() != ColumnType::kString) return evaluate(c, row);
  if (verdicts_dictionary_ != c.dictionary().id()) {
    verdicts_.clear();
    verdicts_dictionary_ = c.dictionary().id();
  }
  const uint32_t code = c.code_at(row);
  if (code >= verdicts_.size()) verdicts_.resize(c.dictionary().size(), -1);
  int8_t& verdict = verdicts_[code];
  if (verdict < 0) verdict = evaluate(c, row) ? 1 : 0;
  return verdict == 1;
}

bool Predicate::evaluate(const Column& c, RowId row) const {
  switch (kind_) {
    case FilterKind::kIn:
      return in_list(c, row);
    case FilterKind::kNotIn:
      return !in_list(c, row);
    case FilterKind::kBeginsWith:
    case FilterKind::kEndsWith:
    case FilterKind::kContains:
    case FilterKind::kNotBeginsWith:
    case FilterKind::kNotEndsWith:
    case FilterKind::kNotContains:
    case FilterKind::kMatches:
    case FilterKind::kNotMatches:
      return text_matches(c, row);
    default:
      return compare_matches(c, row);
  }
}

bool Predicate::compare_matches(const Column& c, RowId row) const {
  // Perspective: a null operand matches every non-null row under != > >=, none otherwise.
  if (operand_.is_null()) {
    return kind_ == FilterKind::kNe || kind_ == FilterKind::kGt || kind_ == FilterKind::kGe;
  }
  const std::partial_ordering cmp = compare_cell(c, row, operand_);
  switch (kind_) {
    case FilterKind::kEq:
      return cmp == 0;
    case FilterKind::kNe:
      return cmp != 0;
    case FilterKind::kLt:
      return cmp < 0;
    case FilterKind::kLe:
      return cmp <= 0;
    case FilterKind::kGt:
      return cmp > 0;
    case FilterKind::kGe:
      return cmp >= 0;
    default:
      return false;
  }
}

bool Predicate::text_matches(const Column& c, RowId row) const {
  const bool negated = kind_ == FilterKind::kNotBeginsWith || kind_ == FilterKind::kNotEndsWith ||
                       kind_ == FilterKind::kNotContains;
  // Perspective's string ops see no text in other types or in a null operand: the
  // positive ops match nothing, the negated ones every non-null row, regex ops nothing.
  if (operand_.is_null() || c.type() != ColumnType::kString) return negated;
  const std::string_view text = c.string_at(row);
  if (kind_ == FilterKind::kMatches) return RE2::PartialMatch(text, *re_);
  if (kind_ == FilterKind::kNotMatches) return !RE2::PartialMatch(text, *re_);
  const std::string lower = ascii_lower(text);
  const std::string_view needle = lowered_;
  switch (kind_) {
    case FilterKind::kBeginsWith:
      return lower.starts_with(needle);
    case FilterKind::kEndsWith:
      return lower.ends_with(needle);
    case FilterKind::kContains:
      return lower.find(needle) != std::string::npos;
    case FilterKind::kNotBeginsWith:
      return !lower.starts_with(needle);
    case FilterKind::kNotEndsWith:
      return !lower.ends_with(needle);
    case FilterKind::kNotContains:
      return lower.find(needle) == std::string::npos;
    default:
      return false;
  }
}

bool Predicate::in_list(const Column& c, RowId row) const {
  for (const Value& v : list_) {
    if (compare_cell(c, row, v) == 0) return true;
  }
  return false;
}

Result<RowFilter> RowFilter::compile(const Table& table, const std::vector<FilterTerm>& terms,
                                     FilterCombinator op) {
  RowFilter filter;
  filter.op_ = op;
  for (const FilterTerm& term : terms) {
    CHVIEW_ASSIGN_OR_RETURN(Predicate p, Predicate::compile(table, term));
    filter.predicates_.push_back(std::move(p));
  }
  return filter;
}

bool RowFilter::matches(const Table& table, RowId row) const {
  if (predicates_.empty()) return true;
  if (op_ == FilterCombinator::kAnd) {
    for (const Predicate& p : predicates_) {
      if (!p.matches(table, row)) return false;
    }
    return true;
  }
  for (const Predicate& p : predicates_) {
    if (p.matches(table, row)) return true;
  }
  return false;
}

}  // namespace chview::engine::detail
