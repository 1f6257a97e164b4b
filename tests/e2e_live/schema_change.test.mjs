// A column added to the ClickHouse source while chview serves it: chview logs it,
// reloads the table and publishes it again with the new schema; it never crashes.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import perspective from "@perspective-dev/client";
import { clickhouse, startChview, waitFor } from "../lib/process.mjs";

const url = process.env.CHVIEW_TEST_CLICKHOUSE_URL;
const cleanup = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

test("a column added in ClickHouse reloads the table with the new schema", async () => {
  assert.ok(url, "CHVIEW_TEST_CLICKHOUSE_URL is not set (run through make test)");
  const ch = clickhouse(url);
  const table = `schema_${Math.random().toString(36).slice(2, 8)}`;
  await ch.query(`CREATE TABLE ${table} (ts DateTime, id UInt32) ENGINE = MergeTree() ORDER BY ts`);
  await ch.query(`INSERT INTO ${table} VALUES (now(), 1)`);
  const server = await startChview(["--clickhouse", url, "--table", table, "--index", "id", "--interval", "100ms"]);
  cleanup.push(() => server.stop());
  const client = await perspective.websocket(server.url);
  cleanup.push(() => client.terminate?.());
  const before = await waitFor("the table", async () => client.open_table(table).catch(() => null));
  assert.deepEqual(await before.schema(), { ts: "datetime", id: "integer" });

  await ch.query(`ALTER TABLE ${table} ADD COLUMN note String`);
  await ch.query(`INSERT INTO ${table} VALUES (now() + 1, 2, 'added')`);
  const after = await waitFor("the reloaded table", async () => {
    const t = await client.open_table(table).catch(() => null);
    const schema = t && (await t.schema().catch(() => null));
    return schema && "note" in schema ? t : null;
  });
  assert.deepEqual(await after.schema(), { ts: "datetime", id: "integer", note: "string" });
  const view = await after.view({ columns: ["id", "note"] });
  assert.deepEqual(await view.to_columns(), { id: [1, 2], note: ["", "added"] });
  await view.delete();
  assert.match(server.output(), /columns changed/);
  assert.equal(server.exit(), null, "chview kept running");
});
