// Type mapping end to end: a ClickHouse table with every type the local 18.16 server
// supports (nulls included) reaches the official client with the README's mapping.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import perspective from "@perspective-dev/client";
import { clickhouse, startChview, waitFor } from "../lib/process.mjs";

const url = process.env.CHVIEW_TEST_CLICKHOUSE_URL;
const cleanup = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

test("every ClickHouse type maps to its documented Perspective type and value", async () => {
  assert.ok(url, "CHVIEW_TEST_CLICKHOUSE_URL is not set (run through make test)");
  const ch = clickhouse(url);
  const table = `types_${Math.random().toString(36).slice(2, 8)}`;
  const lowCardinality = { allow_experimental_low_cardinality_type: "1" }; // needed by 18.16
  await ch.query(
    `CREATE TABLE ${table} (
      ts DateTime, i8 Int8, i64 Int64, u32 UInt32, u64 UInt64, f32 Float32, f64 Float64,
      dec Decimal(9, 2), dec_big Decimal(38, 4), s String, fs FixedString(4), d Date,
      e Enum8('up' = 1, 'down' = -1), u UUID, n Nullable(Int32), ns Nullable(String),
      arr Array(Int32), lc LowCardinality(String)
    ) ENGINE = MergeTree() ORDER BY ts`.replace(/\s+/g, " "),
    lowCardinality,
  );
  await ch.query(
    `INSERT INTO ${table} VALUES
      ('2024-01-02 03:04:05', -8, -9007199254740993, 4000000000, 42, 1.5, -0.1,
       12.34, 123456789012345678901234.5678, 'hé', 'ab', '2024-01-02', 'down',
       '01234567-89ab-cdef-0123-456789abcdef', 7, 'x', [1,2], 'lc1'),
      ('2024-01-02 03:04:06', 127, 0, 0, 18446744073709551615, 0, 1e300,
       -0.5, 0, '', 'abcd', '1970-01-01', 'up',
       '00000000-0000-0000-0000-000000000000', NULL, NULL, [], '')`.replace(/\s+/g, " "),
    lowCardinality,
  );

  const server = await startChview(["--clickhouse", url, "--table", table, "--limit", "10", "--interval", "100ms"]);
  cleanup.push(() => server.stop());
  const client = await perspective.websocket(server.url);
  cleanup.push(() => client.terminate?.());
  const t = await waitFor("the table", async () => client.open_table(table).catch(() => null));
  await waitFor("both rows", async () => (await t.size()) === 2);

  assert.deepEqual(await t.schema(), {
    ts: "datetime", i8: "integer", i64: "integer", u32: "integer", u64: "integer",
    f32: "float", f64: "float", dec: "float", dec_big: "string", s: "string", fs: "string",
    d: "date", e: "string", u: "string", n: "integer", ns: "string", arr: "string", lc: "string",
  });
  const view = await t.view();
  const cols = await view.to_columns();
  await view.delete();
  assert.deepEqual(cols.ts, [Date.UTC(2024, 0, 2, 3, 4, 5), Date.UTC(2024, 0, 2, 3, 4, 6)]);
  assert.deepEqual(cols.i8, [-8, 127]);
  assert.deepEqual(cols.u32, [4000000000, 0]);
  assert.deepEqual(cols.u64, [42, null], "UInt64 above 2^63-1 becomes null, never wraps");
  assert.deepEqual(cols.f32, [1.5, 0]);
  assert.deepEqual(cols.f64, [-0.1, 1e300]);
  assert.deepEqual(cols.dec, [12.34, -0.5]);
  assert.deepEqual(cols.dec_big, ["123456789012345678901234.5678", "0.0000"]);
  assert.deepEqual(cols.s, ["hé", ""]);
  assert.deepEqual(cols.fs, ["ab", "abcd"], "FixedString padding is dropped");
  assert.deepEqual(cols.d, [Date.UTC(2024, 0, 2), 0]);
  assert.deepEqual(cols.e, ["down", "up"]);
  assert.deepEqual(cols.u, ["01234567-89ab-cdef-0123-456789abcdef", "00000000-0000-0000-0000-000000000000"]);
  assert.deepEqual(cols.n, [7, null]);
  assert.deepEqual(cols.ns, ["x", null]);
  assert.deepEqual(cols.arr, ["[1,2]", "[]"]);
  assert.deepEqual(cols.lc, ["lc1", ""]);
  // i64 beyond 2^53 travels as an exact JSON integer; JS numbers round it on parse.
  assert.equal(cols.i64[1], 0);
});
