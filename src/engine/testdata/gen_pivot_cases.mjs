// Generates pivot_cases.json: random small tables with nulls × random group_by /
// aggregate / sort / rollup-mode configs, with the to_columns_string output of
// Perspective's own engine (npm @perspective-dev/client, in-process), plus the outputs
// after collapse / set_depth and after one update. engine's pivot_cases_test replays them.
// Run from the repository root: node src/engine/testdata/gen_pivot_cases.mjs
import perspective from "@perspective-dev/client";
import fs from "fs";

let seed = 20261125;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

// Small pools (many ties); floats exactly representable so sums do not depend on order.
const POOLS = {
  integer: [-7, -2, 0, 1, 3, 5, 9],
  float: [-3.5, -1.25, 0.5, 2, 4.75],
  string: ["a", "B", "b", "apple", "zz"],
  boolean: [true, false],
  date: ["2024-01-01", "2024-01-02", "2023-12-31"],
  datetime: [1704103200000, 1704195000000, 1704067200000],
};
const TYPES = ["integer", "float", "string", "boolean", "date", "datetime"];
const COMMON = ["count", "distinct count", "first", "last", "any", "unique", "dominant",
  "median", "q1", "q3", "min", "max", "distinct leaf", "last by index"];
const NUMERIC = ["sum", "avg", "mean", "sum abs", "abs sum", "sum not null", "high", "low",
  "high minus low", "last minus first", "mul", "pct sum parent", "pct sum total", "var",
  "stddev", "gmv", "weighted mean", "min by", "max by"];
const AGGS = {
  integer: [...COMMON, ...NUMERIC],
  float: [...COMMON, ...NUMERIC],
  string: [...COMMON, "join", "min by", "max by"],
  boolean: [...COMMON, "and", "or"],
  date: [...COMMON, "high", "low"],
  datetime: [...COMMON, "high", "low"],
};
const TWO_ARG = new Set(["weighted mean", "min by", "max by"]);

const value = (type, nulls) => (nulls && rand() < 0.2 ? null : pick(POOLS[type]));

async function makeCase(n) {
  const columns = TYPES.map((t, i) => ({ name: "c" + i + "_" + t, type: t }));
  const schema = { id: "integer" };
  for (const c of columns) schema[c.name] = c.type;
  const table = await perspective.table(schema);
  const config = { group_by: [] };
  for (let g = 1 + Math.floor(rand() * 3); g > 0; --g) {
    const c = pick(columns).name;
    if (!config.group_by.includes(c)) config.group_by.push(c);
  }
  // split_by on a third of the cases; a few of those split-only (no group_by).
  if (rand() < 0.33) {
    config.split_by = [pick(columns).name];
    if (rand() < 0.3) {
      const c = pick(columns).name;
      if (!config.split_by.includes(c)) config.split_by.push(c);
    }
    if (rand() < 0.25) config.group_by = [];
  }
  config.columns = columns.filter(() => rand() < 0.7).map((c) => c.name);
  config.aggregates = {};
  for (const c of columns) {
    if (rand() < 0.25) continue;  // default aggregate
    const a = pick(AGGS[c.type]);
    if (TWO_ARG.has(a)) {
      const w = pick(columns.filter((x) => x.type === "integer" || x.type === "float"));
      config.aggregates[c.name] = [a, [w.name]];
    } else {
      config.aggregates[c.name] = a;
    }
  }
  const sort = [];
  for (let k = rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 2); k > 0; --k) {
    const c = pick(columns);
    const numeric = ["integer", "float"].includes(c.type);
    // Sorting by a string-valued aggregate of a number (join) is not meaningful.
    if (config.aggregates[c.name] === "join") continue;
    // The viewer never sends one column twice; Perspective's result then is unclear.
    if (sort.some(([name]) => name === c.name)) continue;
    sort.push([c.name, pick(numeric ? ["asc", "desc", "asc abs", "desc abs"] : ["asc", "desc"])]);
  }
  if (config.split_by && rand() < 0.4) {
    const c = pick(columns);
    const numeric = ["integer", "float"].includes(c.type);
    if (config.aggregates[c.name] !== "join" && !sort.some(([name]) => name === c.name)) {
      sort.push([c.name, pick(numeric ? ["col asc", "col desc", "col asc abs", "col desc abs"] : ["col asc", "col desc"])]);
    }
  }
  if (sort.length) config.sort = sort;
  if (rand() < 0.25) {
    const c = pick(columns);
    const op = pick(["==", "!=", "is not null", "is null"]);
    config.filter = [[c.name, op, op.startsWith("is") ? null : pick(POOLS[c.type])]];
  }
  const mode = config.group_by.length ? rand() : 1;
  if (mode < 0.1) config.group_rollup_mode = "flat";
  else if (mode < 0.15) config.group_rollup_mode = "total";
  if (config.group_by.length && rand() < 0.15) config.group_by_depth = Math.floor(rand() * 3);

  const rows = [];
  for (let r = 4 + Math.floor(rand() * 9); r > 0; --r) {
    const row = { id: rows.length };
    for (const c of columns) row[c.name] = value(c.type, true);
    rows.push(row);
  }
  await table.update(rows);
  let view;
  try {
    view = await table.view(config);
  } catch (e) {
    await table.delete();
    return { name: "case" + n, schema: Object.entries(schema), config, rows, error: String(e.message || e) };
  }
  const steps = [];
  const record = async (step) => {
    step.expected = JSON.parse(await view.to_columns_string());
    step.num_rows = await view.num_rows();
    steps.push(step);
  };
  await record({ op: "load" });
  const n0 = await view.num_rows();
  if (config.group_rollup_mode === undefined && n0 > 2 && rand() < 0.5) {
    const row = 1 + Math.floor(rand() * (n0 - 1));
    const reply = await view.collapse(row);
    await record({ op: "collapse", row, reply });
    const reply2 = await view.expand(row);
    await record({ op: "expand", row, reply: reply2 });
  }
  if (config.group_rollup_mode === undefined && rand() < 0.3) {
    const depth = Math.floor(rand() * 3);
    await view.set_depth(depth);
    await record({ op: "set_depth", depth });
  }
  // One update without nulls (Perspective's nulls arriving by update behave differently).
  const more = [];
  for (let r = 1 + Math.floor(rand() * 3); r > 0; --r) {
    const row = { id: rows.length + more.length };
    for (const c of columns) row[c.name] = value(c.type, false);
    more.push(row);
  }
  await table.update(more);
  const step = { op: "update", update: more };
  await record(step);
  const fresh = await table.view(config);
  const rebuilt = JSON.parse(await fresh.to_columns_string());
  await fresh.delete();
  if (JSON.stringify(rebuilt) !== JSON.stringify(step.expected)) step.rebuilt = rebuilt;
  await view.delete();
  await table.delete();
  return { name: "case" + n, schema: Object.entries(schema), config, rows, steps };
}

const cases = [];
for (let n = 0; n < 400; ++n) cases.push(await makeCase(n));  // 400: keeps the file under 2 MB
const out = new URL("./pivot_cases.json", import.meta.url);
fs.writeFileSync(out, JSON.stringify(cases, null, 0).replace(/\},\{"name"/g, '},\n{"name"') + "\n");
console.log("wrote", cases.length, "cases to", out.pathname);
