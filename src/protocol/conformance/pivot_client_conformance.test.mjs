// Grouped, pivoted and split-only views through the official clients: the same calls
// against chview (protocol::Server behind the stdio bridge) and against Perspective's
// own 5.5.1 engine (in-process); every output must match. Run:
// CHVIEW_STDIO_BRIDGE=<bridge> node --test src/protocol/conformance/pivot_client_conformance.test.mjs
// CONFORMANCE_DUMP=<file> appends both sides as one JSON line per scenario.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import { tableFromIPC } from "apache-arrow";
import Module from "node:module";
import * as psp5 from "@perspective-dev/client";

// perspective-client-4's Node entry loads "@perspective-dev/server"'s wasm at import time;
// point it at its own 4.3 engine (installed as perspective-server-4), as
// tests/conformance/lib/clients.mjs does. Its reference is then 5.5.1's engine.
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request.startsWith("@perspective-dev/server/") && parent?.filename?.includes("/perspective-client-4/")) {
    request = request.replace("@perspective-dev/server/", "perspective-server-4/");
  }
  return originalResolve.call(this, request, parent, ...rest);
};

const BRIDGE = process.env.CHVIEW_STDIO_BRIDGE;

function chviewClient(mod, args = []) {
  const proc = spawn(BRIDGE, args, { stdio: ["pipe", "pipe", "inherit"] });
  let pending = Buffer.alloc(0);
  let chain = Promise.resolve();
  let client;
  proc.stdout.on("data", (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const n = pending.readUInt32LE(0);
      if (pending.length < 4 + n) break;
      const frame = new Uint8Array(pending.subarray(4, 4 + n));
      pending = pending.subarray(4 + n);
      chain = chain.then(() => client.handle_response(frame));
    }
  });
  client = mod.make_client(async (req) => {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(req.length);
    proc.stdin.write(Buffer.concat([len, Buffer.from(req)]));
  });
  return { client, close: () => proc.stdin.end() };
}

async function referenceClient(mod, engine = mod) {
  let client;
  const session = await engine.make_session(async (resp) => client.handle_response(resp));
  client = mod.make_client(async (req) => session.handle_request(req));
  return { client, close: () => {} };
}

const SCHEMA = { id: "integer", k: "string", c: "string", v: "integer", f: "float", d: "date", t: "datetime", b: "boolean" };
const ROWS = [
  { id: 1, k: "a", c: "x", v: 10, f: 1.5, d: "2024-01-01", t: "2024-01-01T10:00:00Z", b: true },
  { id: 2, k: "b", c: "x", v: 20, f: 2.5, d: "2024-01-02", t: "2024-01-02T11:30:00Z", b: false },
  { id: 3, k: "a", c: "y", v: 30, f: null, d: "2024-01-03", t: "2024-01-03T12:00:00.123Z", b: true },
  { id: 4, k: "b", c: "y", v: 40, f: 4.0, d: null, t: null, b: null },
  { id: 5, k: null, c: "x", v: -5, f: 0.25, d: "2024-01-01", t: "2024-01-01T10:00:00Z", b: false },
];

function arrowSummary(bytes) {
  const table = tableFromIPC(new Uint8Array(bytes));
  return {
    fields: table.schema.fields.map((f) => `${f.name}:${f.type}`),
    rows: table.toArray().map((r) => JSON.stringify(r.toJSON(), (k, v) => (typeof v === "bigint" ? Number(v) : v))),
  };
}

async function attempt(promise) {
  try {
    return await promise;
  } catch (e) {
    return `error`;  // texts differ by design; only "it failed" is compared
  }
}

// Every output of one view.
async function outputs(v, out, label, minMax = true) {
  out[`${label}_columns`] = await v.to_columns_string({ id: true });
  out[`${label}_columns_index`] = await v.to_columns_string({ index: true, start_row: 1, end_row: 3 });
  out[`${label}_window`] = await v.to_columns_string({ start_col: 1, end_col: 3, id: true });
  out[`${label}_empty_cols`] = await v.to_columns_string({ start_col: 9, end_col: 12 });
  out[`${label}_window_0_2`] = await v.to_columns_string({ start_col: 0, end_col: 2 });
  out[`${label}_window_2_4`] = await v.to_json_string({ start_col: 2, end_col: 4 });
  out[`${label}_arrow_window`] = arrowSummary(await v.to_arrow({ start_col: 0, end_col: 2 }));
  out[`${label}_ids_from_2`] = await v.to_columns_string({ start_row: 2, end_row: 4, end_col: 1, id: true });
  out[`${label}_past_end`] = await v.to_columns_string({ start_row: 50, end_row: 60, id: true });
  out[`${label}_formatted`] = await v.to_columns_string({ formatted: true });
  out[`${label}_rows`] = await v.to_json_string({ id: true, index: true });
  out[`${label}_rows_window`] = await v.to_json_string({ start_row: 1, end_row: 2, start_col: 1 });
  out[`${label}_ndjson`] = await v.to_ndjson();
  out[`${label}_csv`] = await v.to_csv();
  out[`${label}_csv_window`] = await v.to_csv({ start_row: 1, end_row: 3, start_col: 1, end_col: 2 });
  out[`${label}_arrow`] = arrowSummary(await v.to_arrow());
  out[`${label}_arrow_new_names`] = arrowSummary(await v.to_arrow({ emit_legacy_row_path_names: false, start_row: 1 }));
  out[`${label}_schema`] = await v.schema();
  out[`${label}_dimensions`] = await v.dimensions();
  out[`${label}_column_paths`] = await v.column_paths();
  out[`${label}_column_paths_window`] = await v.column_paths({ start_col: 1, end_col: 2 });
  out[`${label}_config`] = await v.get_config();
  // 4.3 clients decode min/max as text, 5.5.1's engine answers Scalars: not comparable.
  if (!minMax) return;
  for (const c of ["v", "f", "k", "d", "t"]) out[`${label}_min_max_${c}`] = await attempt(v.get_min_max(c));
}

let counter = 0;
async function newTable(client) {
  const name = `pivot_${process.pid}_${counter++}`;
  const t = await client.table(SCHEMA, { name });
  await t.update(ROWS);
  return t;
}

const SHAPES = {
  flat: { columns: ["v", "d", "t", "k"] },
  grouped: { group_by: ["k"], columns: ["v", "f", "c", "d", "t", "b"] },
  grouped2: { group_by: ["k", "c"], columns: ["v", "f"], aggregates: { v: "avg", f: "count" } },
  pivoted: { group_by: ["k"], split_by: ["c"], columns: ["v", "f"] },
  pivoted2: { group_by: ["c"], split_by: ["k", "b"], columns: ["v", "d"], aggregates: { d: "max" } },
  split_only: { split_by: ["c"], columns: ["v", "f", "k"] },
  flat_mode: { group_by: ["k", "c"], columns: ["v"], group_rollup_mode: "flat" },
  total_mode: { group_by: ["k"], columns: ["v", "f"], group_rollup_mode: "total" },
  total_no_group: { columns: ["v", "f"], group_rollup_mode: "total" },
  depth: { group_by: ["k", "c"], columns: ["v"], group_by_depth: 1 },
  hidden_sort: { group_by: ["k"], columns: ["v"], sort: [["f", "desc"]] },
  hidden_sort_agg: { group_by: ["k"], columns: ["v"], sort: [["f", "asc"]], aggregates: { f: "max" } },
  group_key_sort: { group_by: ["k"], columns: ["v"], sort: [["k", "desc"]] },
  col_sort: { group_by: ["k"], split_by: ["c"], columns: ["v"], sort: [["c", "col desc"]] },
  pivot_row_sort: { group_by: ["k"], split_by: ["c"], columns: ["v", "f"], sort: [["v", "desc"]] },
  no_columns: { group_by: ["k"], columns: [] },
  filtered: { group_by: ["b"], columns: ["v"], filter: [["v", ">", 0]] },
  date_group: { group_by: ["d", "t"], columns: ["v"] },
  float_split: { group_by: ["k"], split_by: ["f"], columns: ["v"] },
};

async function shapesScenario(client, minMax = true) {
  const out = {};
  const t = await newTable(client);
  for (const [label, config] of Object.entries(SHAPES)) {
    const v = await t.view(config);
    await outputs(v, out, label, minMax);
    await v.delete();
  }
  await t.delete();
  return out;
}

// Per aggregate: values, view schema and Arrow widths, for each column type.
const AGGREGATES = {
  v: ["sum", "abs sum", "any", "avg", "count", "distinct count", "distinct leaf", "dominant", "first", "gmv",
    "high", "low", "max", "min", "high minus low", "last by index", "last minus first", "last", "mean",
    "median", "mul", "q1", "q3", "pct sum parent", "pct sum total", "stddev", "sum abs", "sum not null",
    "unique", "var", ["weighted mean", ["f"]], ["min by", ["f"]], ["max by", ["f"]]],
  f: ["sum", "avg", "count", "distinct count", "mul", "pct sum parent", "pct sum total", "var", "median", "first"],
  c: ["count", "any", "distinct count", "distinct leaf", "dominant", "first", "join", "last", "median", "unique",
    ["min by", ["v"]], ["max by", ["v"]]],
  d: ["count", "any", "distinct count", "first", "high", "low", "min", "max", "last", "median", "unique"],
  t: ["count", "first", "max", "q3"],
  b: ["count", "and", "any", "distinct count", "first", "last", "or", "unique"],
};

async function aggregatesScenario(client) {
  const out = {};
  const t = await newTable(client);
  for (const [column, names] of Object.entries(AGGREGATES)) {
    for (const agg of names) {
      const label = `${column}_${Array.isArray(agg) ? agg[0] : agg}`;
      const v = await t.view({ group_by: ["k"], split_by: label.length % 2 ? ["c"] : [], columns: [column], aggregates: { [column]: agg } });
      out[`${label}_columns`] = await v.to_columns_string();
      out[`${label}_csv`] = await v.to_csv();
      out[`${label}_arrow`] = arrowSummary(await v.to_arrow());
      out[`${label}_schema`] = await v.schema();
      out[`${label}_config`] = await v.get_config();
      await v.delete();
    }
  }
  await t.delete();
  return out;
}

async function treeScenario(client) {
  const out = {};
  const t = await newTable(client);
  for (const [label, config] of Object.entries({
    tree: { group_by: ["k", "c"], columns: ["v"] },
    tree_split: { group_by: ["k", "c"], split_by: ["b"], columns: ["v"] },
    tree3: { group_by: ["b", "k", "c"], columns: ["v"] },
  })) {
    const v = await t.view(config);
    const step = async (name, promise) => {
      out[`${label}_${name}`] = await promise;
      out[`${label}_${name}_rows`] = await v.to_columns_string({ id: true });
      out[`${label}_${name}_dims`] = await v.dimensions();
    };
    await step("collapse1", v.collapse(1));
    await step("collapse1_again", v.collapse(1));
    await step("expand1", v.expand(1));
    await step("collapse0", v.collapse(0));
    await step("expand0", v.expand(0));
    await step("set_depth0", v.set_depth(0));
    await step("expand_after_depth", v.expand(2));
    await step("set_depth1", v.set_depth(1));
    await step("collapse_leaf", v.collapse(3));
    await step("expand_past_end", v.expand(99));
    await v.delete();
  }
  await t.delete();
  return out;
}

async function updateScenario(client) {
  const out = {};
  const t = await newTable(client);
  const views = {
    grouped: await t.view({ group_by: ["k"], columns: ["v", "f"] }),
    grouped2: await t.view({ group_by: ["k", "c"], columns: ["v"] }),
    pivoted: await t.view({ group_by: ["k"], split_by: ["c"], columns: ["v"] }),
    split_only: await t.view({ split_by: ["c"], columns: ["v"] }),
  };
  const deltas = {};
  for (const [label, v] of Object.entries(views)) {
    deltas[label] = [];
    await v.on_update((u) => deltas[label].push({ port_id: u.port_id, delta: arrowSummary(u.delta) }), { mode: "row" });
  }
  await t.update([{ id: 6, k: "a", c: "x", v: 1, f: 2 }]);
  await t.update([{ id: 7, k: "z", c: "w", v: 100, f: 3 }, { id: 8, k: "b", c: "y", v: 2, f: null }]);
  await t.update([{ id: 9, k: "q", c: "x", v: 0, f: 0 }]);
  for (const [label, v] of Object.entries(views)) {
    await v.dimensions();  // a read after the writes: the pushes have arrived
    out[`${label}_deltas`] = deltas[label];
    out[`${label}_after`] = await v.to_columns_string({ id: true });
    await v.delete();
  }
  await t.delete();
  return out;
}

// What a 3.x chart reads: grouped views with leaves_only (dropped by 4.3+ clients).
async function leavesOnlyScenario(client) {
  const out = {};
  const t = await newTable(client);
  for (const [label, config] of Object.entries({
    grouped: { group_by: ["k"], columns: ["v", "f"] },
    grouped2: { group_by: ["k", "c"], columns: ["v"] },
    pivoted: { group_by: ["k"], split_by: ["c"], columns: ["v"] },
    split_only: { split_by: ["c"], columns: ["v"] },
  })) {
    const v = await t.view(config);
    out[`${label}_all`] = await v.to_columns_string();
    out[`${label}_leaves`] = await v.to_columns_string({ leaves_only: true });
    out[`${label}_leaves_window`] = await v.to_columns_string({ leaves_only: true, start_row: 1, end_row: 3 });
    out[`${label}_leaves_rows`] = await v.to_json_string({ leaves_only: true });
    out[`${label}_csv`] = await v.to_csv();
    out[`${label}_config`] = await v.get_config();
    out[`${label}_schema`] = await v.schema();
    await v.delete();
  }
  await t.delete();
  return out;
}

// Known, explained differences: key pattern → why. A listed key may match (then it is
// reported as fixed); any other mismatch fails the test.
const KNOWN = {
  "^pivoted2_min_max_[vd]$": "min/max of a two-level split_by: the reference skips some leaf columns (unexplained)",
};
// 3.8's own engine reports no aggregates in get_config; chview answers as 5.5.1 does.
const KNOWN_38 = { "_config$": "get_config aggregates: chview answers as 5.5.1 (3.8 sent none)" };

async function compare(makeChview, makeReference, run, known = KNOWN) {
  const chview = makeChview();
  const reference = await makeReference();
  try {
    const [ours, theirs] = [await run(chview.client), await run(reference.client)];
    if (process.env.CONFORMANCE_DUMP) fs.appendFileSync(process.env.CONFORMANCE_DUMP, JSON.stringify({ ours, theirs }) + "\n");
    const mismatches = [];
    for (const key of Object.keys(theirs)) {
      const reason = Object.entries(known).find(([pattern]) => new RegExp(pattern).test(key))?.[1];
      try {
        assert.deepStrictEqual(ours[key], theirs[key]);
        if (reason) console.log(`known difference now matches: ${key}`);
      } catch {
        if (reason) continue;
        mismatches.push(`${key}\n  ours:   ${JSON.stringify(ours[key])}\n  theirs: ${JSON.stringify(theirs[key])}`);
      }
    }
    assert.equal(mismatches.length, 0, `${mismatches.length} mismatches:\n${mismatches.join("\n")}`);
  } finally {
    chview.close();
  }
}

for (const [label, scenario] of Object.entries({
  "view shapes: every output": shapesScenario,
  "aggregates: values, schema, Arrow widths": aggregatesScenario,
  "expand / collapse / set_depth": treeScenario,
  "on_update row deltas": updateScenario,
})) {
  test(`5.5.1 client: ${label}`, { skip: !BRIDGE }, async () => {
    await compare(() => chviewClient(psp5), () => referenceClient(psp5), scenario);
  });
}

// The 3.8 client against its own engine: what its charts and datagrid see.
test("3.8.0 client: grouped views with leaves_only", { skip: !BRIDGE }, async () => {
  const mod = await import("@finos/perspective");
  await compare(() => chviewClient(mod, ["--json-text-min-max"]), () => referenceClient(mod), leavesOnlyScenario, KNOWN_38);
});

// The 4.3 client (chview's chart page generation) against 5.5.1's engine.
test("4.3.0 client: view shapes and aggregates", { skip: !BRIDGE }, async () => {
  const mod = await import("perspective-client-4");
  await compare(() => chviewClient(mod), () => referenceClient(mod, psp5), (c) => shapesScenario(c, false));
  await compare(() => chviewClient(mod), () => referenceClient(mod, psp5), aggregatesScenario);
});
