// Seeded generator of grouped/pivoted conformance cases (pivot.test.mjs). A case is
// plain JSON, printable as a reproducer: a small table (5–60 rows, all six types with
// nulls, skewed low-cardinality keys so groups hold several rows, unique keys too), 1–3
// views with group_by/split_by, aggregates drawn from the engine's own per-type list,
// rollup modes, sorts (also by aggregate, hidden, abs, col sorts), filters and depth,
// then 2–4 data steps (appends, index upserts/partial upserts/removes, limit eviction)
// mixed with tree steps (expand/collapse/set_depth).
import { Prng } from "./prng.mjs";
import { TYPES, randomValue, keyValue } from "./values.mjs";
import { genFilter } from "./generate.mjs";

const COLUMN_NAMES = ["k", "g", "s", "v", "w", "f", "d", "ts", "b", "u", "n 2", "ñ", "Amount", "x_1"];
const INDEX_TYPES = ["integer", "string", "date", "datetime"];
const ROW_SORTS = ["asc", "desc", "asc", "desc", "asc abs", "desc abs", "none"];
const COL_SORTS = ["col asc", "col desc", "col asc abs", "col desc abs"];
const ROLLUP_MODES = ["rollup", "flat", "total"];

// Clients whose ViewConfig knows split_rollup_mode and whose get_min_max decodes the
// 5.5.1 engine's reply (4.3.0 expects a string there, §6 of the protocol notes).
export const MODERN_CLIENTS = new Set(["5.5.1"]);

// Per column a value profile: "skewed" (a pool of 1–4 values drawn with a skew, plus
// nulls), "unique" (a fresh value per row) or "random" (the flat corpus' value pools).
function genColumns(rng) {
  const n = rng.int(3, 7);
  const names = rng.shuffle(COLUMN_NAMES).slice(0, n);
  const schema = {};
  const profiles = {};
  for (const name of names) {
    const type = rng.chance(0.45) ? rng.pick(["integer", "float"]) : rng.pick(TYPES);
    schema[name] = type;
    const kind = rng.next();
    if (kind < 0.55 || type === "boolean") {
      const pool = [];
      for (let i = rng.int(1, 4); i > 0; i--) pool.push(randomValue(rng, type, { nullRate: 0 }));
      profiles[name] = { kind: "skewed", pool, nullRate: rng.pick([0, 0.1, 0.25]) };
    } else if (kind < 0.7 && type !== "float") {
      profiles[name] = { kind: "unique", nullRate: rng.pick([0, 0, 0.1]) };
    } else {
      profiles[name] = { kind: "random", nullRate: rng.pick([0.05, 0.15, 0.3]) };
    }
  }
  return { schema, profiles };
}

function profileValue(rng, type, profile, serial) {
  if (rng.chance(profile.nullRate)) return null;
  if (profile.kind === "skewed") {
    // Squaring the uniform draw favours the first pool values: groups of uneven size.
    return profile.pool[Math.floor(rng.next() ** 2 * profile.pool.length)];
  }
  if (profile.kind === "unique") return keyValue(type, serial.next++);
  return randomValue(rng, type, { nullRate: 0 });
}

function genRow(rng, gen, serial, { partial = false } = {}) {
  const row = {};
  for (const [name, type] of Object.entries(gen.schema)) {
    if (partial && name !== gen.index && rng.chance(0.4)) continue;
    row[name] = profileValue(rng, type, gen.profiles[name], serial);
  }
  if (gen.index) row[gen.index] = keyValue(gen.schema[gen.index], serial.key++);
  return row;
}

// Columns good for grouping first: skewed profiles are picked three times as often.
function pickGroupColumns(rng, gen, count, exclude = []) {
  const out = [];
  const candidates = Object.keys(gen.schema).filter((n) => !exclude.includes(n));
  while (out.length < count && candidates.length) {
    const weighted = candidates.flatMap((n) => (gen.profiles[n].kind === "skewed" ? [n, n, n] : [n]));
    const name = rng.pick(weighted);
    out.push(name);
    candidates.splice(candidates.indexOf(name), 1);
  }
  return out;
}

// Advertised by the 5.5.1 engine but fatal to it: `avg` on a date/datetime column aborts
// the whole engine ("Abort(): Unexpected dtype") when the view is built, so the oracle
// could never answer such a case.
const ENGINE_ABORTS = { date: ["avg"], datetime: ["avg"] };

function genAggregate(rng, type, gen, aggregates) {
  const options = (aggregates[type] || []).filter((a) => !ENGINE_ABORTS[type]?.includes(a.name));
  if (!options.length) return null;
  const agg = rng.pick(options);
  if (!agg.args.length) return agg.name;
  // Argument columns: the viewer offers every column of the arg type, treating integer
  // and float alike.
  const numeric = Object.keys(gen.schema).filter((n) => ["integer", "float"].includes(gen.schema[n]));
  if (!numeric.length) return options[0].name;
  return [agg.name, agg.args.map(() => rng.pick(numeric))];
}

function genSort(rng, gen, config) {
  const names = Object.keys(gen.schema);
  const numeric = names.filter((n) => ["integer", "float"].includes(gen.schema[n]));
  const sort = [];
  for (let i = rng.int(1, 2); i > 0; i--) {
    // Visible columns, hidden ones (not in columns) and group_by columns alike.
    const column = rng.pick(names);
    let op = config.split_by?.length && rng.chance(0.35) ? rng.pick(COL_SORTS) : rng.pick(ROW_SORTS);
    if (op.includes("abs") && !numeric.includes(column) && rng.chance(0.8)) op = op.replace(" abs", "");
    if (!sort.some((s) => s[0] === column)) sort.push([column, op]);
  }
  return sort;
}

function genViewConfig(rng, gen, data, aggregates, client) {
  const names = Object.keys(gen.schema);
  const config = {};
  const splitCount = rng.pick([0, 0, 0, 0, 1, 1, 1, 2, 2]);
  const groupCount = splitCount ? rng.pick([0, 1, 1, 2, 2, 3]) : rng.pick([1, 1, 1, 2, 2, 3]);
  // A split-only view with two split levels crashes the 5.5.1 engine on nearly every
  // update ("memory access out of bounds"), so two split levels come with a group_by.
  if (groupCount) config.group_by = pickGroupColumns(rng, gen, groupCount);
  else if (splitCount === 2 && rng.chance(0.7)) config.group_by = pickGroupColumns(rng, gen, 1);
  if (splitCount) {
    // Mostly disjoint from group_by; sometimes the same column on both axes.
    const exclude = rng.chance(0.9) ? config.group_by || [] : [];
    config.split_by = pickGroupColumns(rng, gen, config.group_by ? splitCount : 1, exclude);
    if (!config.split_by.length) delete config.split_by;
  }
  if (!config.group_by && !config.split_by) config.group_by = [rng.pick(names)];
  if (rng.chance(0.85)) config.columns = rng.chance(0.03) ? [] : rng.subset(names, 1);
  const shown = config.columns || names;
  if (rng.chance(0.85)) {
    config.aggregates = {};
    for (const name of shown) {
      if (!rng.chance(0.75)) continue;
      const agg = genAggregate(rng, gen.schema[name], gen, aggregates);
      if (agg) config.aggregates[name] = agg;
    }
  }
  if (rng.chance(0.5)) {
    config.sort = genSort(rng, gen, config);
    // A hidden sort column sorts by its entry in aggregates (else the type default).
    for (const [column] of config.sort) {
      if (!shown.includes(column) && config.aggregates && rng.chance(0.5)) {
        const agg = genAggregate(rng, gen.schema[column], gen, aggregates);
        if (agg) config.aggregates[column] = agg;
      }
    }
  }
  if (rng.chance(0.3)) {
    config.filter = [];
    for (let i = rng.int(1, 2); i > 0; i--) config.filter.push(genFilter(rng, gen.schema, data));
    if (config.filter.length > 1 && rng.chance(0.4)) config.filter_op = "or";
  }
  if (rng.chance(0.4)) config.group_rollup_mode = rng.pick(ROLLUP_MODES);
  if (config.split_by && MODERN_CLIENTS.has(client) && rng.chance(0.2)) config.split_rollup_mode = "rollup";
  if (config.group_by && rng.chance(0.2)) config.group_by_depth = rng.int(0, config.group_by.length + 1);
  return config;
}

function genReads(rng) {
  const reads = [
    { fn: "to_columns_string", args: {} },
    { fn: "to_csv", args: {} },
    { fn: "to_arrow", args: {} },
  ];
  if (rng.chance(0.4)) {
    const args = {};
    if (rng.chance(0.7)) args.start_row = rng.int(0, 4);
    if (rng.chance(0.7)) args.end_row = rng.int(1, 12);
    if (rng.chance(0.5)) args.start_col = rng.int(0, 2);
    if (rng.chance(0.5)) args.end_col = rng.int(1, 5);
    if (rng.chance(0.5)) args.id = true;
    if (rng.chance(0.3)) args.index = true;
    if (rng.chance(0.3)) args.formatted = true;
    reads.push({ fn: rng.pick(["to_columns_string", "to_json_string"]), args });
  }
  return reads;
}

function genDataStep(rng, gen, table, data, serial) {
  const keys = () => [...new Set(data.map((r) => r[gen.index]))];
  const kind = rng.int(0, 9);
  if (table.index && kind <= 4) {
    // Upserts of existing keys (full or partial rows, explicit nulls) and new keys.
    const rows = [];
    for (let j = rng.int(1, 5); j > 0; j--) {
      const row = genRow(rng, gen, serial, { partial: rng.chance(0.5) });
      const existing = keys();
      if (existing.length && rng.chance(0.75)) row[gen.index] = rng.pick(existing);
      rows.push(row);
    }
    data.push(...rows);
    return { op: "update", data: rows };
  }
  if (table.index && kind <= 7) {
    const victims = rng.subset(keys()).slice(0, 4);
    if (!victims.length || rng.chance(0.2)) victims.push(keyValue(gen.schema[gen.index], 990 + rng.int(0, 9)));
    for (const v of victims) data.splice(0, data.length, ...data.filter((r) => r[gen.index] !== v));
    return { op: "remove", data: victims };
  }
  // Appends; on a limit table often more rows than the limit (eviction wraps around).
  const count = table.limit ? rng.int(1, table.limit + 3) : rng.int(1, 6);
  const rows = [];
  for (let j = 0; j < count; j++) rows.push(genRow(rng, gen, serial));
  data.push(...rows);
  return rng.chance(0.15) ? { op: "update", data: rows, asColumns: true } : { op: "update", data: rows };
}

// aggregates: { type: [{name, args}] } from the engine (features.mjs).
const NON_NULL = { string: "x", integer: 1, float: 1.5, boolean: true, date: "2024-01-01", datetime: 1704067200000 };

// updateNulls: false replaces nulls in update rows (after generation, so the case is
// otherwise the same): the 5.5.1 engine files a null key that arrives in a later update
// as a second `[null]` group sorted first, which this isolates from other differences.
export function generatePivotCase(seed, caseIndex, { aggregates, client = "5.5.1", updateNulls = true }) {
  const rng = new Prng("pivot", seed, caseIndex);
  const gen = genColumns(rng);
  const names = Object.keys(gen.schema);
  const table = {};
  const kind = rng.int(0, 9);
  const indexable = names.filter((n) => INDEX_TYPES.includes(gen.schema[n]));
  if (kind <= 2 && indexable.length) {
    table.index = gen.index = rng.pick(indexable);
    gen.profiles[gen.index] = { kind: "unique", nullRate: 0 };
  } else if (kind <= 4) {
    table.limit = rng.int(3, 40);
  }
  const serial = { next: 0, key: 0 };
  const rowCount = rng.chance(0.7) ? rng.int(5, 20) : rng.int(21, 60);
  const initial = [];
  for (let i = 0; i < rowCount; i++) initial.push(genRow(rng, gen, serial));
  const views = [];
  for (let i = rng.int(1, 3); i > 0; i--) {
    views.push({
      config: genViewConfig(rng, gen, initial, aggregates, client),
      reads: genReads(rng),
      onUpdate: views.length === 0 || rng.chance(0.4) ? "row" : null,
      minMax: MODERN_CLIENTS.has(client) && rng.chance(0.5),
    });
  }
  const data = [...initial];
  const steps = [];
  for (let i = rng.int(2, 4); i > 0; i--) steps.push(genDataStep(rng, gen, table, data, serial));
  for (let i = rng.pick([0, 1, 1, 2]); i > 0; i--) {
    const view = rng.int(0, views.length - 1);
    const op = rng.pick(["expand", "collapse", "collapse", "set_depth"]);
    const step = op === "set_depth" ? { op, view, depth: rng.int(0, 3) } : { op, view, row: rng.int(0, 8) };
    steps.splice(rng.int(0, steps.length), 0, step);
  }
  if (!updateNulls) {
    for (const step of steps) {
      if (step.op !== "update") continue;
      for (const row of step.data) {
        for (const [name, value] of Object.entries(row)) {
          if (value === null) row[name] = initial.find((r) => r[name] != null)?.[name] ?? NON_NULL[gen.schema[name]];
        }
        // A missing column of an appended row is null too.
        if (!table.index) for (const name of names) if (!(name in row)) row[name] = NON_NULL[gen.schema[name]];
      }
    }
  }
  return {
    id: `pivot seed ${seed} case ${caseIndex}`,
    seed,
    caseIndex,
    client,
    table: { schema: gen.schema, ...table, init: "schema", data: initial },
    views,
    steps,
  };
}
