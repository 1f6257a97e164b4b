// The seed's pipeline, end to end: `chview produce` → ClickHouse → `chview serve` → the
// official @perspective-dev/client 5.5.1 over the WebSocket.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import perspective from "@perspective-dev/client";
import { chviewBin, clickhouse, startChview, startProcess, waitFor, sleep } from "../lib/process.mjs";

const url = process.env.CHVIEW_TEST_CLICKHOUSE_URL;
const ch = clickhouse(url || "http://default:@127.0.0.1:8123/default");
const run = Math.random().toString(36).slice(2, 8);
const cleanup = [];

before(() => assert.ok(url, "CHVIEW_TEST_CLICKHOUSE_URL is not set (run through make test)"));
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

const SEED_SCHEMA = {
  timestamp: "datetime",
  ticker: "string",
  client: "string",
  open: "float",
  high: "float",
  low: "float",
  close: "float",
  volume: "float",
  date: "date",
};

function rowKey(r) {
  return [r.timestamp, r.ticker, r.client, r.open, r.high, r.low, r.close, r.volume, r.date].join("|");
}

function columnsToRows(cols) {
  const n = cols.ticker.length;
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      timestamp: cols.timestamp[i],
      ticker: cols.ticker[i],
      client: cols.client[i],
      open: cols.open[i],
      high: cols.high[i],
      low: cols.low[i],
      close: cols.close[i],
      volume: cols.volume[i],
      date: new Date(cols.date[i]).toISOString().slice(0, 10),
    });
  }
  return rows;
}

async function clickhouseRows(table) {
  const rows = await ch.json(
    `SELECT toUInt64(toUnixTimestamp(timestamp)) * 1000 AS timestamp, ticker, client, open, high, low, close, volume, toString(date) AS date FROM ${table}`,
  );
  return rows.map((r) => ({ ...r, timestamp: Number(r.timestamp) }));
}

test("producer → ClickHouse → chview → client: newest 1000 rows, live updates", async () => {
  const table = `stock_e2e_${run}`;
  const producer = startProcess(chviewBin, [
    "produce", "--clickhouse", url, "--table", table, "--interval", "100ms", "--rows", "50", "--seed", "7",
  ]);
  cleanup.push(() => producer.stop());
  await waitFor("the producer's first rows", async () => {
    if (producer.exit()) throw new Error(`producer exited:\n${producer.output()}`);
    try {
      return Number(await ch.query(`SELECT count() FROM ${table}`)) > 0;
    } catch {
      return false;
    }
  });

  const server = await startChview(["--clickhouse", url, "--table", table, "--limit", "1000", "--interval", "100ms"]);
  cleanup.push(() => server.stop());
  const client = await perspective.websocket(server.url);
  cleanup.push(() => client.terminate?.());
  const t = await waitFor("the table to be hosted", async () => {
    try {
      return await client.open_table(table);
    } catch {
      return null;
    }
  });
  assert.deepEqual(await t.schema(), SEED_SCHEMA);

  const view = await t.view();
  let updates = 0;
  view.on_update(() => updates++);
  await waitFor("5 on_update pushes", async () => updates >= 5, 20000);
  await waitFor("1000 rows", async () => (await t.size()) === 1000, 30000);

  // Let the ring wrap (more rows than the limit), stop inserting, let chview catch up,
  // then compare with ClickHouse.
  await waitFor("more than 1200 rows in ClickHouse", async () => Number(await ch.query(`SELECT count() FROM ${table}`)) > 1200);
  await producer.stop();
  const total = Number(await ch.query(`SELECT count() FROM ${table}`));
  assert.ok(total > 1000, `expected more than 1000 rows in ClickHouse, got ${total}`);
  const source = await clickhouseRows(table);
  const maxTs = Math.max(...source.map((r) => r.timestamp));
  await waitFor("chview to hold the newest row", async () => {
    const cols = await view.to_columns();
    return Math.max(...cols.timestamp) === maxTs;
  });
  await sleep(500);
  const held = columnsToRows(await view.to_columns());
  assert.equal(held.length, 1000, "a limit-1000 table holds exactly 1000 rows");

  // Every held row exists in ClickHouse, and every ClickHouse row newer than the oldest
  // held timestamp is held (rows sharing the oldest timestamp may be cut by the limit).
  const sourceCounts = new Map();
  for (const r of source) sourceCounts.set(rowKey(r), (sourceCounts.get(rowKey(r)) || 0) + 1);
  for (const r of held) {
    const k = rowKey(r);
    assert.ok(sourceCounts.get(k) > 0, `row not in ClickHouse (or held twice): ${k}`);
    sourceCounts.set(k, sourceCounts.get(k) - 1);
  }
  const oldestHeld = Math.min(...held.map((r) => r.timestamp));
  const newer = source.filter((r) => r.timestamp > oldestHeld);
  const heldNewer = held.filter((r) => r.timestamp > oldestHeld);
  assert.equal(heldNewer.length, newer.length, "every row newer than the oldest held one is held");
  // Rows are in insertion (cursor) order.
  for (let i = 1; i < held.length; i++) assert.ok(held[i].timestamp >= held[i - 1].timestamp);
  await view.delete();
});
