// Lossless ingest: many rows share one cursor value, inserts run concurrently, and
// ClickHouse is killed (kill -9) and restarted three times while chview polls. The
// index table chview serves must end equal to the ClickHouse table, row for row.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import perspective from "@perspective-dev/client";
import { projectRoot, clickhouse, freePort, startChview, waitFor, sleep } from "../lib/process.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chview-lossless-"));
const cleanup = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
  fs.rmSync(dir, { recursive: true, force: true });
});

function clickhouseLocal(cmd, env) {
  return execFileSync(path.join(projectRoot, "scripts", "clickhouse-local"), [cmd], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
}

test("kill -9 ClickHouse three times during ingest: no row missing, none duplicated", async () => {
  const env = {
    CHVIEW_CH_DIR: path.join(dir, "clickhouse"),
    CHVIEW_CH_HTTP_PORT: String(await freePort()),
    CHVIEW_CH_TCP_PORT: String(await freePort()),
  };
  clickhouseLocal("start", env);
  cleanup.push(() => clickhouseLocal("stop", env));
  const url = `http://default:@127.0.0.1:${env.CHVIEW_CH_HTTP_PORT}/default`;
  const ch = clickhouse(url);
  await ch.query("CREATE TABLE events (id UInt64, ts DateTime, v Float64) ENGINE = MergeTree() ORDER BY ts");

  const server = await startChview([
    "--clickhouse", url, "--table", "events", "--index", "id", "--interval", "50ms", "--lateness", "3s",
  ]);
  cleanup.push(() => server.stop());

  // Two concurrent writers; all rows of a second share one timestamp. A failed insert
  // is retried until it is acknowledged (it may have landed anyway: ClickHouse then
  // holds a duplicate row, which the comparison below accounts for with DISTINCT).
  let nextId = 0;
  let stopWriters = false;
  let acknowledged = 0;
  async function writer() {
    while (!stopWriters) {
      const ts = Math.floor(Date.now() / 1000);
      const rows = [];
      for (let i = 0; i < 40; i++) {
        const id = nextId++;
        rows.push(`(${id}, ${ts}, ${id * 0.5})`);
      }
      for (;;) {
        try {
          await ch.query(`INSERT INTO events VALUES ${rows.join(",")}`);
          acknowledged += rows.length;
          break;
        } catch {
          await sleep(100);
        }
      }
      await sleep(20);
    }
  }
  const writers = [writer(), writer()];

  const pidFile = path.join(env.CHVIEW_CH_DIR, "clickhouse.pid");
  for (let kill = 0; kill < 3; kill++) {
    await sleep(1200);
    process.kill(Number(fs.readFileSync(pidFile, "utf8")), "SIGKILL");
    await sleep(700);
    clickhouseLocal("start", env);
  }
  await sleep(1000);
  stopWriters = true;
  await Promise.all(writers);
  assert.ok(acknowledged > 500, `the writers should have inserted a good number of rows (${acknowledged})`);

  const expected = await ch.json("SELECT DISTINCT id, toUInt64(toUnixTimestamp(ts)) * 1000 AS ts, v FROM events ORDER BY id");
  assert.ok(expected.length >= acknowledged, "ClickHouse holds every acknowledged row");

  const client = await perspective.websocket(server.url);
  cleanup.push(() => client.terminate?.());
  const table = await client.open_table("events");
  const view = await table.view({ sort: [["id", "asc"]] });
  await waitFor("chview to catch up", async () => (await table.size()) === expected.length, 30000);
  const cols = await view.to_columns();
  const actual = cols.id.map((id, i) => ({ id, ts: cols.ts[i], v: cols.v[i] }));
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = { id: Number(expected[i].id), ts: Number(expected[i].ts), v: Number(expected[i].v) };
    assert.deepEqual(actual[i], e, `row ${i}`);
  }
  assert.ok(server.exit() === null, "chview kept running");
  await view.delete();
});
