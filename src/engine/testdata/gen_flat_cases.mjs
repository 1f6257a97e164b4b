// Generates flat_cases.json: random tables, updates and flat view configs, with the
// outputs of Perspective's own engine (npm @perspective-dev/client, in-process) after
// every step. engine's flat_cases_test replays them against chview's engine.
// Run from the repository root: node src/engine/testdata/gen_flat_cases.mjs
import perspective from "@perspective-dev/client";
import fs from "fs";

let seed = 20261124;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

// Small value pools: many ties and nulls; no zero and no two numbers of equal magnitude
// and opposite sign: under abs sorts Perspective orders such pairs (and null vs 0) by key,
// inconsistently; chview deliberately differs there (see engine/README.md).
const POOLS = {
  integer: [-7, -2, 1, 3, 5, 9],
  float: [-3.5, -1.25, 0.5, 2, 4.75],
  string: ["a", "B", "b", "apple", "Apple pie", "cherry", "zz"],
  boolean: [true, false],
  date: ["2024-01-01", "2024-01-02", "2023-12-31", "2024-02-29"],
  datetime: [1704103200000, 1704195000000, 1704283200123, 1704067200000],
};
const TYPES = ["integer", "float", "string", "boolean", "date", "datetime"];
const OPS = {
  integer: ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is null", "is not null"],
  float: ["==", "!=", "<", ">=", "not in", "is null"],
  string: ["==", "!=", "<", ">", "begins with", "ends with", "contains", "not contains",
    "not begins with", "not ends with", "in", "not in", "matches", "not matches", "is not null"],
  boolean: ["==", "!=", "is null"],
  date: ["==", "!=", "<", ">", "in", "is not null"],
  datetime: ["==", "!=", "<=", ">", "not in", "is null"],
};
const TEXT = { "begins with": ["a", "AP", "c"], "ends with": ["e", "B", "pie"],
  contains: ["p", "PL", "r"], "not contains": ["p", "a"], "not begins with": ["a"],
  "not ends with": ["e"], matches: ["^a", "p+l", "(?i)^b$"], "not matches": ["^a", "e$"] };

const value = (type, nulls) => (nulls && rand() < 0.2 ? null : pick(POOLS[type]));

function filterTerm(col, type) {
  const op = pick(OPS[type]);
  if (op === "is null" || op === "is not null") return [col, op, null];
  if (op === "in" || op === "not in") return [col, op, [pick(POOLS[type]), pick(POOLS[type])]];
  if (TEXT[op]) return [col, op, pick(TEXT[op])];
  return [col, op, pick(POOLS[type])];
}

async function makeCase(n) {
  const columns = TYPES.map((t, i) => ({ name: "c" + i + "_" + t, type: t }));
  const schema = { id: "integer" };
  for (const c of columns) schema[c.name] = c.type;
  const kind = pick(["index", "limit", "plain"]);
  const options = kind === "index" ? { index: "id" } : kind === "limit" ? { limit: 1 + Math.floor(rand() * 8) } : {};
  const table = await perspective.table(schema, options);
  const config = {};
  const terms = [];
  for (let t = Math.floor(rand() * 3); t > 0; --t) {
    const c = pick(columns);
    terms.push(filterTerm(c.name, c.type));
  }
  if (terms.length) config.filter = terms;
  if (terms.length > 1 && rand() < 0.5) config.filter_op = "or";
  const sort = [];
  for (let s = Math.floor(rand() * 3); s > 0; --s) {
    const c = pick(columns);
    const numeric = ["integer", "float"].includes(c.type);
    sort.push([c.name, pick(numeric ? ["asc", "desc", "asc abs", "desc abs"] : ["asc", "desc"])]);
  }
  if (sort.length) config.sort = sort;
  if (rand() < 0.4) config.columns = columns.filter(() => rand() < 0.6).map((c) => c.name);
  // Perspective has two kinds of null: explicit nulls loaded before a view exists sort
  // above every value (spec §3.7), but nulls that reach a live view through an update,
  // nulls written by later updates and cells left empty on new rows sort *below* every
  // value (and live views miss them in `is null`). chview has one null, the greatest.
  // So: the view is created after the first update (a viewer's usual order), nulls
  // appear only in that update, and partial rows only touch existing keys.
  let view = null;
  const steps = [];
  const keys = new Set();
  for (let s = 0; s < 6; ++s) {
    let step;
    if (kind === "index" && s > 0 && rand() < 0.25) {
      step = { remove: [Math.floor(rand() * 12), Math.floor(rand() * 12)] };
      await table.remove(step.remove);
      for (const k of step.remove) keys.delete(k);
    } else {
      const rows = [];
      const partial = kind === "index" && s > 0 && rand() < 0.4;
      for (let r = Math.floor(rand() * 6) + 1; r > 0; --r) {
        const row = { id: Math.floor(rand() * 12) };
        // Partial rows only for existing keys: Perspective's cells left empty on new rows
        // are nulls of the other kind too.
        const keep = partial && keys.has(row.id);
        for (const c of columns) if (!keep || rand() < 0.5) row[c.name] = value(c.type, s === 0);
        rows.push(row);
        keys.add(row.id);
      }
      step = { update: rows };
      await table.update(rows);
    }
    if (!view) view = await table.view(config);
    step.expected = JSON.parse(await view.to_columns_string({ id: true }));
    const fresh = await table.view(config);
    const rebuilt = JSON.parse(await fresh.to_columns_string({ id: true }));
    await fresh.delete();
    // Perspective's live view and a rebuilt one should agree; record it when not.
    if (JSON.stringify(rebuilt) !== JSON.stringify(step.expected)) step.reference_inconsistent = true;
    step.expected_size = await table.size();
    steps.push(step);
  }
  await view.delete();
  await table.delete();
  return { name: "case" + n, schema: Object.entries(schema), options, config, steps };
}

const cases = [];
for (let n = 0; n < 60; ++n) cases.push(await makeCase(n));
const out = new URL("./flat_cases.json", import.meta.url);
fs.writeFileSync(out, JSON.stringify(cases, null, 0).replace(/\},\{"name"/g, '},\n{"name"') + "\n");
console.log("wrote", cases.length, "cases to", out.pathname);
