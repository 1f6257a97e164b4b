// The official Perspective JS clients (5.5.1, @finos 3.8.0) run the same calls
// against chview (protocol::Server behind the stdio bridge) and against Perspective's own
// engine (in-process); the results must match. Run: CHVIEW_STDIO_BRIDGE=<bridge> node --test
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { tableFromIPC } from "apache-arrow";
import * as psp5 from "@perspective-dev/client";

const BRIDGE = process.env.CHVIEW_STDIO_BRIDGE;

// A client whose frames go to a fresh chview bridge process.
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

// A client of Perspective's own engine in this process.
async function referenceClient(mod) {
  let client;
  const session = await mod.make_session(async (resp) => client.handle_response(resp));
  client = mod.make_client(async (req) => session.handle_request(req));
  return { client, close: () => {} };
}

const SCHEMA = { id: "integer", k: "string", c: "string", v: "integer", f: "float", d: "date", t: "datetime", b: "boolean" };
const ROWS = [
  { id: 1, k: "a", c: "x", v: 10, f: 1.5, d: "2024-01-01", t: "2024-01-01T10:00:00Z", b: true },
  { id: 2, k: "b", c: "x", v: 20, f: 2.5, d: "2024-01-02", t: "2024-01-02T11:30:00Z", b: false },
  { id: 3, k: "a", c: "y", v: 30, f: null, d: "2024-01-03", t: "2024-01-03T12:00:00.123Z", b: true },
  { id: 4, k: "b", c: "y", v: 40, f: 4.0, d: null, t: null, b: null },
];

function arrowSummary(bytes) {
  const table = tableFromIPC(new Uint8Array(bytes));
  return {
    fields: table.schema.fields.map((f) => `${f.name}:${f.type}`),
    rows: table.toArray().map((r) => JSON.stringify(r.toJSON(), (k, v) => (typeof v === "bigint" ? Number(v) : v))),
  };
}

let counter = 0;
// Everything the flat v1 engine supports, through the public client API.
async function scenario(client) {
  const out = {};
  const name = `conf_${process.pid}_${counter++}`;
  const t = await client.table(SCHEMA, { name });
  await t.update(ROWS);
  out.schema = await t.schema();
  out.size = await t.size();
  const opened = await client.open_table(name);
  out.opened_size = await opened.size();

  const v = await t.view();
  out.columns = await v.to_columns_string({ id: true });
  out.formatted = await v.to_columns_string({ formatted: true, start_row: 1, end_row: 3, start_col: 2, end_col: 7 });
  out.rows = await v.to_json_string({ index: true, start_row: 2 });
  out.ndjson = await v.to_ndjson();
  out.csv = await v.to_csv();
  out.view_schema = await v.schema();
  out.dimensions = await v.dimensions();
  out.column_paths = await v.column_paths();
  out.min_max_f = await v.get_min_max("f");
  out.min_max_k = await v.get_min_max("k");
  out.arrow = arrowSummary(await v.to_arrow());
  out.config = await v.get_config();

  const filtered = await t.view({
    columns: ["k", "v", "f"],
    filter: [["k", "==", "a"], ["f", "is not null"]],
    sort: [["v", "desc"]],
  });
  out.filtered = await filtered.to_columns_string({ id: true });
  out.filtered_config = await filtered.get_config();
  out.filtered_dims = await filtered.dimensions();

  const empty = await t.view({ columns: [] });
  out.empty_columns = await empty.to_columns_string({ id: true });
  out.empty_rows = await empty.to_json_string();
  out.empty_csv = await empty.to_csv();
  out.empty_dims = await empty.dimensions();
  await empty.delete();
  const windowed = await t.view({ columns: ["k", "v"] });
  out.past_end = await windowed.to_columns_string({ start_row: 10, end_row: 20, id: true });
  out.no_columns = await windowed.to_columns_string({ start_col: 2, end_col: 5 });
  await windowed.delete();

  const sorted = await t.view({ columns: ["id", "f"], sort: [["f", "asc"]] });
  out.sorted = await sorted.to_columns_string();

  const updates = [];
  await filtered.on_update((u) => updates.push(u));
  const rowUpdates = [];
  await sorted.on_update((u) => rowUpdates.push(u), { mode: "row" });
  const port = await t.make_port();
  await t.update([{ id: 5, k: "a", c: "z", v: 50, f: 5.5 }], { port_id: port });
  await filtered.dimensions();  // a read after the write: pushes have arrived
  out.port = port;
  out.updates = updates.map((u) => ({ port_id: u.port_id, delta: u.delta ?? null }));
  out.after_update = await filtered.to_columns_string();
  out.row_deltas = rowUpdates.map((u) => ({ port_id: u.port_id, delta: arrowSummary(u.delta) }));

  await sorted.delete();
  await filtered.delete();
  await v.delete();
  await t.delete();
  out.tables_after_delete = (await client.get_hosted_table_names()).filter((n) => n === name);
  return out;
}

async function indexScenario(client) {
  const out = {};
  const name = `idx_${process.pid}_${counter++}`;
  const t = await client.table({ k: "string", v: "float", n: "integer" }, { name, index: "k" });
  await t.update([{ k: "b", v: 1.5, n: 1 }, { k: "a", v: 2, n: 2 }, { k: "c", v: 1e21, n: 3 }]);
  await t.update([{ k: "a", v: 0.1 }]);
  await t.update([{ k: "b", v: 7 }, { k: "c", n: 33 }, { k: "d", n: 4 }]);  // partial rows
  const v = await t.view();
  out.before = await v.to_columns_string({ id: true, index: true });
  out.csv = await v.to_csv();
  await t.remove(["b"]);
  out.after_remove = await v.to_columns_string({ id: true });
  await t.replace([{ k: "z", v: 1e-7, n: 9 }]);
  out.after_replace = await v.to_json_string();
  out.size = await t.size();
  await v.delete();
  await t.delete();

  const lname = `lim_${process.pid}_${counter++}`;
  const l = await client.table({ x: "integer" }, { name: lname, limit: 3 });
  await l.update([{ x: 1 }, { x: 2 }, { x: 3 }]);
  await l.update([{ x: 4 }, { x: 5 }]);
  const lv = await l.view();
  out.limit = await lv.to_columns_string({ id: true });
  out.limit_size = await l.size();
  await lv.delete();
  await l.delete();
  return out;
}

// Tables created from data: type inference and parsing of each text format.
async function inputScenario(client) {
  const out = {};
  const inputs = {
    csv: "n,x,s,d,when,flag\n1,1.5,\"a, \"\"q\"\"\",2024-01-02,2024-01-02 10:00:00,true\n2,,b,,,false\n",
    cols: { n: [1, 2], x: [1.5, null], s: ["a", null], d: ["2024-01-02", null], flag: [true, false] },
    rows: [{ n: 1, x: 2.5, s: "a" }, { n: 2, x: 3, s: null }],
  };
  for (const [kind, data] of Object.entries(inputs)) {
    const name = `in_${kind}_${process.pid}_${counter++}`;
    const t = await client.table(data, { name });
    const v = await t.view();
    out[`${kind}_schema`] = await t.schema();
    out[`${kind}_data`] = await v.to_columns_string();
    await v.delete();
    await t.delete();
  }
  return out;
}

// Filter values travel as Scalars and are coerced per column type; sorts as SortOps.
async function filterScenario(client) {
  const out = {};
  const name = `flt_${process.pid}_${counter++}`;
  const t = await client.table(SCHEMA, { name });
  await t.update(ROWS);
  const configs = {
    str_eq: { filter: [["k", "==", "a"]] },
    str_contains_ci: { filter: [["k", "contains", "A"]] },
    str_in: { filter: [["c", "in", ["y", "z"]]] },
    str_not_in: { filter: [["c", "not in", ["y"]]] },
    int_gt: { filter: [["v", ">", 15]] },
    int_from_float: { filter: [["v", "==", 20.7]] },
    float_le: { filter: [["f", "<=", 2.5]] },
    float_null: { filter: [["f", "is null"]] },
    date_ge: { filter: [["d", ">=", "2024-01-02"]] },
    datetime_lt: { filter: [["t", "<", "2024-01-02 12:00:00"]] },
    bool_eq: { filter: [["b", "==", true]] },
    bool_ne: { filter: [["b", "!=", true]] },
    or_filter: { filter: [["v", "==", 10], ["v", "==", 40]], filter_op: "or" },
    sort_desc: { sort: [["f", "desc"]] },
    sort_two: { sort: [["k", "desc"], ["v", "asc"]] },
    sort_hidden: { columns: ["id"], sort: [["v", "desc"]] },
  };
  for (const [label, config] of Object.entries(configs)) {
    try {
      const v = await t.view(config);
      out[label] = await v.to_columns_string({ id: true });
      out[`${label}_config`] = await v.get_config();
      await v.delete();
    } catch (e) {
      out[label] = `error: ${e?.message ?? e}`;
    }
  }
  await t.delete();
  return out;
}

// Hosted-table subscriptions (what the 5.x viewer relies on).
async function hostedScenario(client) {
  let pushes = 0;
  const id = await client.on_hosted_tables_update(() => pushes++);
  const name = `host_${process.pid}_${counter++}`;
  const t = await client.table({ a: "integer" }, { name });
  const listed = (await client.get_hosted_table_names()).includes(name);
  await t.delete();
  const gone = !(await client.get_hosted_table_names()).includes(name);
  await client.remove_hosted_tables_update(id);
  const u = await client.table({ a: "integer" }, { name: name + "_2" });
  await client.get_hosted_table_names();
  await u.delete();
  return { listed, gone, pushes };
}

// Error texts the clients show.
async function errorScenario(client) {
  const out = {};
  const message = async (promise) => {
    try {
      await promise;
      return "no error";
    } catch (e) {
      return String(e?.message ?? e);
    }
  };
  const name = `err_${process.pid}_${counter++}`;
  const t = await client.table({ v: "integer", s: "string" }, { name });
  out.bad_column = await message(t.view({ columns: ["nope"] }));
  out.bad_filter = await message(t.view({ filter: [["s", "bogus", "x"]] }));
  const v = await t.view();
  out.unindexed_remove = await message(t.remove([1]));
  out.delete_with_views = await message(t.delete());  // the JS Table is spent after delete()
  await v.delete();
  await (await client.open_table(name)).delete();
  return out;
}

async function compare(makeChview, makeReference, run) {
  const chview = makeChview();
  const reference = await makeReference();
  try {
    const [ours, theirs] = [await run(chview.client), await run(reference.client)];
    if (process.env.CONFORMANCE_DUMP) console.log(JSON.stringify({ ours, theirs }, null, 1));
    for (const key of Object.keys(theirs)) {
      assert.deepStrictEqual(ours[key], theirs[key], `mismatch in "${key}"`);
    }
  } finally {
    chview.close();
  }
}

test("5.5.1 client: flat views, outputs, on_update, delete", { skip: !BRIDGE }, async () => {
  await compare(() => chviewClient(psp5), () => referenceClient(psp5), scenario);
});

test("5.5.1 client: tables from CSV, columns and rows", { skip: !BRIDGE }, async () => {
  await compare(() => chviewClient(psp5), () => referenceClient(psp5), inputScenario);
});

test("5.5.1 client: filters and sorts", { skip: !BRIDGE }, async () => {
  await compare(() => chviewClient(psp5), () => referenceClient(psp5), filterScenario);
});

test("5.5.1 client: hosted-table subscription", { skip: !BRIDGE }, async () => {
  await compare(() => chviewClient(psp5), () => referenceClient(psp5), hostedScenario);
});

test("5.5.1 client: error messages", { skip: !BRIDGE }, async () => {
  await compare(() => chviewClient(psp5), () => referenceClient(psp5), errorScenario);
});

test("5.5.1 client: index and limit tables", { skip: !BRIDGE }, async () => {
  await compare(() => chviewClient(psp5), () => referenceClient(psp5), indexScenario);
});

// 3.x–4.3 clients decode ViewGetMinMaxResp.min/max as JSON text: the bridge is started
// with that default, as a deployment serving those clients would be. (The 4.3.0 client
// cannot load in this tree: its node entry instantiates the 5.5.1 server wasm.)
for (const [label, specifier] of [["3.8.0", "@finos/perspective"]]) {
  test(`${label} client: flat views, outputs, on_update, delete`, { skip: !BRIDGE }, async () => {
    const mod = await import(specifier);
    await compare(() => chviewClient(mod, ["--json-text-min-max"]), () => referenceClient(mod), scenario);
  });
  test(`${label} client: index and limit tables`, { skip: !BRIDGE }, async () => {
    const mod = await import(specifier);
    await compare(() => chviewClient(mod, ["--json-text-min-max"]), () => referenceClient(mod), indexScenario);
  });
}
