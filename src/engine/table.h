// Table: chview's in-memory columnar table with Perspective's semantics (plain append,
// `limit` ring of the N newest rows, `index` upsert by key). Every mutation returns a
// TableDelta so views can update in time proportional to the change.
//
// Thread-safety: none. A Table and its Views are used from one thread (the protocol
// layer's engine strand).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "columnar/batch.h"
#include "columnar/column.h"
#include "columnar/types.h"
#include "columnar/value.h"

namespace chview::engine {

using columnar::Batch;
using columnar::Column;
using columnar::ColumnType;
using columnar::Field;
using columnar::Schema;
using columnar::Value;

// Internal row slot. Slots of removed rows are reused by later inserts.
using RowId = uint32_t;

struct TableOptions {
  std::optional<size_t> limit = {};       // keep the N most recently inserted rows
  std::optional<std::string> index = {};  // upsert by this column
  // At most one of limit/index may be set (Perspective's MakeTableOptions is a oneof).
};

// What one mutation did. Apply in this order: `removed` first (their slots may already
// hold new rows — never read a removed row's values), then `updated` and `inserted`
// (read them from the table). A row id appears in at most one of updated/inserted.
struct TableDelta {
  std::vector<RowId> inserted;  // new rows, in the order the batch introduced them
  std::vector<RowId> updated;   // existing rows overwritten (values may be unchanged)
  std::vector<RowId> removed;   // rows gone (evicted, removed by key, or cleared)
  bool cleared = false;         // every row that existed before was removed

  bool empty() const { return inserted.empty() && updated.empty() && removed.empty(); }
};

class Table {
 public:
  // Errors: duplicate/empty column names, unknown index column, limit == 0, both
  // limit and index set.
  static Result<std::unique_ptr<Table>> make(std::string name, Schema schema,
                                             TableOptions options = {});

  const std::string& name() const { return name_; }
  const Schema& schema() const { return schema_; }
  const TableOptions& options() const { return options_; }
  // Position of the index column in schema(), if this is an index table.
  std::optional<size_t> index_column() const { return index_column_; }
  // Live rows.
  size_t size() const { return live_count_; }
  // Increases on every mutation that changed something (or cleared).
  uint64_t version() const { return version_; }

  // Update: appends (plain/limit) or upserts (index); on error nothing changed.
  // Batch columns are matched by name; unknown names are ignored; types are coerced to
  // the table's. For index tables the batch must contain the index column; on existing
  // keys only the batch's present cells are overwritten (explicit null sets null,
  // absent cells — Batch::is_present — keep the old value); missing columns and absent
  // cells are null for new keys. Rows with the same key in one batch apply in order.
  // Null kinds (as Perspective): explicit nulls of the first non-empty batch since
  // creation or clear() are stored as Column::is_null_high (sort above every value);
  // every other null — absent cells, later batches — sorts below every value.
  Result<TableDelta> apply(const Batch& batch);
  // apply() for the data a table is created with (Perspective's `table(data)`, as
  // opposed to `table(schema)` + `update(data)`): its nulls sort below every value.
  Result<TableDelta> apply_initial_data(const Batch& batch);
  // Index tables only: deletes rows by key (coerced to the index type); unknown keys
  // are ignored. Other tables: "Cannot remove from unindexed Table".
  Result<TableDelta> remove(std::span<const Value> keys);
  // clear() then apply(batch), as one delta (cleared = true). On error nothing changed.
  Result<TableDelta> replace(const Batch& batch);
  TableDelta clear();

  // --- Row access (for views and encoders) ---
  // Live rows in primary-key order: insertion order for plain/limit tables, ascending
  // key order for index tables.
  std::vector<RowId> rows_in_key_order() const;
  bool is_live(RowId row) const { return row < live_.size() && live_[row] != 0; }
  // Storage column `i` (schema order), indexed by RowId. Values at dead slots are
  // unspecified. A string column's dictionary only grows, except that the table may
  // replace it by a compacted one (new dictionary().id()) during a mutation; caches keyed
  // by code must check the id.
  const Column& column(size_t i) const { return columns_[i]; }
  // Perspective's primary key of a live row: the insertion counter (0, 1, 2, …) for
  // plain/limit tables, the index column's value for index tables.
  Value primary_key(RowId row) const;
  // <0, 0, >0 as primary_key(a) vs primary_key(b), without building Values.
  int compare_primary_keys(RowId a, RowId b) const;
  // One past the largest RowId ever allocated (size of the slot space).
  size_t slot_count() const { return live_.size(); }

 private:
  Table(std::string name, Schema schema, TableOptions options);
  RowId allocate_slot();
  void free_slot(RowId row);
  Result<TableDelta> append_rows(const Batch& batch, TableDelta delta);
  Result<TableDelta> upsert_rows(const Batch& batch, TableDelta delta);
  void merge_key_order() const;
  Status check_batch(const Batch& batch) const;
  void compact_dictionaries();
  static constexpr size_t kDictionarySlack = 1024;

  std::string name_;
  Schema schema_;
  TableOptions options_;
  std::optional<size_t> index_column_;
  std::vector<Column> columns_;    // indexed by RowId
  std::vector<uint8_t> live_;      // by RowId
  std::vector<int64_t> counters_;  // insertion counter by RowId (plain/limit)
  std::vector<RowId> free_slots_;
  std::vector<RowId> order_;  // plain/limit: live rows oldest first (ring start at head_)
  size_t head_ = 0;           // first live entry of order_
  // Index tables: key → row, plus the key order, maintained lazily: rows inserted or
  // removed since the last rows_in_key_order() are merged in on the next call.
  std::unordered_map<Value, RowId, columnar::ValueHash> by_key_;
  mutable std::vector<RowId> key_order_;
  mutable std::vector<RowId> keys_inserted_;
  mutable std::vector<RowId> keys_removed_;
  int64_t next_counter_ = 0;
  size_t live_count_ = 0;
  bool loaded_ = false;        // a non-empty batch arrived since creation or the last clear()
  bool initial_data_ = false;  // inside apply_initial_data()
  uint64_t version_ = 0;
};

}  // namespace chview::engine
