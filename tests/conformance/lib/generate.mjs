// Seeded generator of flat-view conformance cases. A case is plain JSON (printable as a
// reproducer): a table (schema, options, initial data), views (config, reads,
// on_update mode) and update steps. Pivot configs (group_by/split_by) only with
// { pivots: true }.
import { Prng } from "./prng.mjs";
import { TYPES, randomValue, keyValue, toMs, STRING_PATTERNS } from "./values.mjs";

const COLUMN_NAMES = ["a", "b", "x", "Y", "val", "name", "ts", "day", "flag", "n 2", "ñame", "col_7", "zz", "Amount"];
const NUMERIC_OPS = ["==", "!=", ">", ">=", "<", "<=", "is not null", "is null"];
const STRING_OPS = [
  "==", "!=", ">", ">=", "<", "<=", "begins with", "not begins with", "contains", "not contains",
  "ends with", "not ends with", "matches", "not matches", "in", "not in", "is not null", "is null",
];
export const FILTER_OPS = {
  string: STRING_OPS, integer: NUMERIC_OPS, float: NUMERIC_OPS, date: NUMERIC_OPS,
  datetime: NUMERIC_OPS, boolean: NUMERIC_OPS,
};
const SORT_OPS = ["asc", "desc", "asc", "desc", "asc abs", "desc abs", "none"];
const INDEX_TYPES = ["integer", "string", "date", "datetime"];

function genSchema(rng) {
  const n = rng.int(1, 7);
  const names = rng.shuffle(COLUMN_NAMES).slice(0, n);
  const schema = {};
  for (const name of names) schema[name] = rng.pick(TYPES);
  return schema;
}

function genRow(rng, schema, { partial = false } = {}) {
  const row = {};
  for (const [name, type] of Object.entries(schema)) {
    if (partial && rng.chance(0.4)) continue;
    row[name] = randomValue(rng, type);
  }
  return row;
}

function genRows(rng, schema, count, table, keyState) {
  const rows = [];
  for (let i = 0; i < count; i++) {
    const row = genRow(rng, schema);
    if (table.index) row[table.index] = keyValue(schema[table.index], keyState.next++);
    rows.push(row);
  }
  return rows;
}

function stringFilterValue(rng, samples) {
  const s = samples.length ? rng.pick(samples) : "a";
  switch (rng.int(0, 5)) {
    case 0: return s.toUpperCase();
    case 1: return s.toLowerCase();
    case 2: return s.slice(0, rng.int(1, 2));
    case 3: return s.slice(-1);
    case 4: return rng.pick(["zzz", "", "A", "b", "é"]);
    default: return s;
  }
}

function scalarFilterValue(rng, type, samples) {
  const nonNull = samples.filter((v) => v !== null);
  switch (type) {
    case "string": return stringFilterValue(rng, nonNull);
    case "boolean": return rng.chance(0.5);
    case "integer": {
      const v = nonNull.length && rng.chance(0.8) ? rng.pick(nonNull) : rng.int(-5, 9);
      return rng.chance(0.2) ? v + 0.5 : v;
    }
    case "float": {
      const v = nonNull.length && rng.chance(0.8) ? rng.pick(nonNull) : rng.int(-8, 8) / 2;
      return rng.chance(0.2) ? v + 0.25 : v;
    }
    case "date": {
      const v = nonNull.length && rng.chance(0.8) ? rng.pick(nonNull) : "2024-01-01";
      return rng.chance(0.8) ? v : toMs("date", v);
    }
    case "datetime": {
      const v = nonNull.length && rng.chance(0.8) ? toMs("datetime", rng.pick(nonNull)) : 1704103200000;
      return rng.chance(0.7) ? v : new Date(v).toISOString();
    }
  }
  throw new Error(type);
}

export function genFilter(rng, schema, data) {
  const column = rng.pick(Object.keys(schema));
  const type = schema[column];
  const op = rng.pick(FILTER_OPS[type]);
  const samples = data.map((r) => r[column]).filter((v) => v !== undefined);
  if (op === "is null" || op === "is not null") return [column, op, null];
  if (op === "in" || op === "not in") {
    const values = [];
    for (let i = rng.int(1, 3); i > 0; i--) values.push(scalarFilterValue(rng, type, samples));
    return [column, op, values];
  }
  if (op === "matches" || op === "not matches") return [column, op, rng.pick(STRING_PATTERNS)];
  return [column, op, scalarFilterValue(rng, type, samples)];
}

function genViewport(rng, rows, cols) {
  const w = {};
  if (rng.chance(0.7)) w.start_row = rng.int(0, rows + 2);
  if (rng.chance(0.7)) w.end_row = rng.int(0, rows + 3);
  if (rng.chance(0.5)) w.start_col = rng.int(0, cols + 1);
  if (rng.chance(0.5)) w.end_col = rng.int(0, cols + 2);
  return w;
}

function genReads(rng, rowsHint, colsHint) {
  const flags = () => {
    const f = {};
    if (rng.chance(0.5)) f.id = true;
    if (rng.chance(0.4)) f.index = true;
    if (rng.chance(0.3)) f.formatted = true;
    return f;
  };
  const reads = [
    { fn: "to_columns_string", args: {} },
    { fn: "to_columns_string", args: { id: true } },
    { fn: "to_columns_string", args: { index: true } },
    { fn: "to_columns_string", args: { formatted: true } },
    { fn: "to_json_string", args: { id: true, index: true } },
    { fn: "to_ndjson", args: {} },
    { fn: "to_csv", args: {} },
    { fn: "to_arrow", args: {} },
  ];
  for (const fn of ["to_columns_string", "to_json_string", "to_csv", "to_arrow", "to_ndjson"]) {
    if (rng.chance(0.6)) reads.push({ fn, args: { ...genViewport(rng, rowsHint, colsHint), ...flags() } });
  }
  return reads;
}

function genViewConfig(rng, schema, data, { pivots }) {
  const names = Object.keys(schema);
  const config = {};
  if (rng.chance(0.8)) config.columns = rng.subset(names, rng.chance(0.95) ? 1 : 0);
  const numeric = names.filter((n) => schema[n] === "integer" || schema[n] === "float");
  if (rng.chance(0.6)) {
    config.sort = [];
    for (const column of rng.subset(names, 1).slice(0, 3)) {
      let op = rng.pick(SORT_OPS);
      if (op.includes("abs") && !numeric.includes(column)) op = op.replace(" abs", "");
      config.sort.push([column, op]);
    }
  }
  if (rng.chance(0.6)) {
    config.filter = [];
    for (let i = rng.int(1, 3); i > 0; i--) config.filter.push(genFilter(rng, schema, data));
    if (rng.chance(0.35)) config.filter_op = "or";
    else if (rng.chance(0.2)) config.filter_op = "and";
  }
  if (rng.chance(0.1) && numeric.length) config.aggregates = { [numeric[0]]: "avg" };
  if (pivots && rng.chance(0.5)) {
    if (rng.chance(0.8)) config.group_by = rng.subset(names, 1).slice(0, 2);
    if (rng.chance(0.4)) config.split_by = rng.subset(names, 1).slice(0, 1);
  }
  return config;
}

function genSteps(rng, schema, table, data, keyState) {
  const steps = [];
  const keys = () => data.map((r) => (table.index ? r[table.index] : null));
  for (let i = rng.int(1, 3); i > 0; i--) {
    const port = rng.chance(0.3);
    const kind = rng.int(0, 9);
    if (table.index && kind <= 3) {
      // Upsert existing keys with partial rows and explicit nulls, plus a new key.
      const rows = [];
      for (let j = rng.int(1, 4); j > 0; j--) {
        const existing = keys();
        const row = genRow(rng, schema, { partial: true });
        row[table.index] = existing.length && rng.chance(0.8) ? rng.pick(existing) : keyValue(schema[table.index], keyState.next++);
        rows.push(row);
      }
      steps.push({ op: "update", data: rows, port });
      data.push(...rows);
    } else if (table.index && kind <= 5) {
      const existing = keys();
      const victims = rng.subset(existing).slice(0, 3);
      if (rng.chance(0.3)) victims.push(keyValue(schema[table.index], 999));
      steps.push({ op: "remove", data: victims, port });
    } else if (kind === 9 && rng.chance(0.3)) {
      const rows = genRows(rng, schema, rng.int(0, 4), table, keyState);
      steps.push({ op: rng.chance(0.5) ? "replace" : "clear", data: rows });
      data.push(...rows);
    } else {
      const count = table.limit ? rng.int(1, table.limit + 2) : rng.int(1, 5);
      const rows = genRows(rng, schema, count, table, keyState);
      const format = rng.int(0, 9);
      steps.push({ op: "update", data: rows, port, ...(format <= 1 ? { asColumns: true } : format === 2 ? { asArrow: true } : {}) });
      data.push(...rows);
    }
  }
  return steps;
}

export function generateCase(seed, caseIndex, { pivots = false } = {}) {
  const rng = new Prng(seed, caseIndex);
  const schema = genSchema(rng);
  const names = Object.keys(schema);
  const table = {};
  const kind = rng.int(0, 9);
  const indexable = names.filter((n) => INDEX_TYPES.includes(schema[n]));
  if (kind <= 3 && indexable.length) table.index = rng.pick(indexable);
  else if (kind <= 5) table.limit = rng.int(1, 8);
  const keyState = { next: 0 };
  const initial = genRows(rng, schema, rng.int(0, 12), table, keyState);
  const all = [...initial];
  const nViews = rng.int(1, 3);
  const views = [];
  for (let i = 0; i < nViews; i++) {
    views.push({
      config: genViewConfig(rng, schema, initial, { pivots }),
      reads: genReads(rng, initial.length, names.length),
      onUpdate: i === 0 ? "row" : rng.pick([null, "plain", "row"]),
    });
  }
  const steps = genSteps(rng, schema, table, all, keyState);
  // init "schema": table(schema) then update(data); "rows"/"columns": table(data) (type
  // inference); "arrow": table(Arrow IPC) (types from the Arrow schema).
  const init = initial.length && rng.chance(0.2) ? rng.pick(["rows", "columns", "arrow"]) : "schema";
  return { id: `seed ${seed} case ${caseIndex}`, seed, caseIndex, table: { schema, ...table, init, data: initial }, views, steps };
}
