// Freshness benchmark: the time from a ClickHouse insert's acknowledgement to the
// on_update push (mode "row") that carries its rows to an official 5.5.1 client through
// `chview serve`. Scenarios: poll interval 250 ms / 50 ms × 1k / 50k rows/s.
// Run: node bench/freshness.mjs [seconds per scenario, default 10]  (needs build/chview)
// Prints a table and writes bench/results/freshness.csv.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import perspective from "@perspective-dev/client";
import { tableFromIPC } from "apache-arrow";
import { projectRoot, clickhouse, freePort, startChview, sleep, waitFor } from "../tests/lib/process.mjs";

const seconds = Number(process.argv[2] || 10);
const scenarios = [
  { interval: 250, rate: 1000 },
  { interval: 50, rate: 1000 },
  { interval: 250, rate: 50000 },
  { interval: 50, rate: 50000 },
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chview-fresh-"));
const env = {
  ...process.env,
  CHVIEW_CH_DIR: path.join(dir, "clickhouse"),
  CHVIEW_CH_HTTP_PORT: String(await freePort()),
  CHVIEW_CH_TCP_PORT: String(await freePort()),
};
const clickhouseLocal = (cmd) =>
  execFileSync(path.join(projectRoot, "scripts", "clickhouse-local"), [cmd], { env, encoding: "utf8" });
clickhouseLocal("start");
const url = `http://default:@127.0.0.1:${env.CHVIEW_CH_HTTP_PORT}/default`;
const ch = clickhouse(url);

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runScenario({ interval, rate }, n) {
  const table = `fresh_${n}`;
  await ch.query(`CREATE TABLE ${table} (batch UInt64, id UInt64, ts DateTime, v Float64) ENGINE = MergeTree() ORDER BY ts`);
  // The ring holds two seconds of rows, so no batch is evicted by the poll that brings it.
  const limit = String(Math.max(10000, rate * 2));
  const server = await startChview(["--clickhouse", url, "--table", table, "--limit", limit, "--interval", `${interval}ms`]);
  const client = await perspective.websocket(server.url);
  const t = await waitFor("table", async () => client.open_table(table).catch(() => null));
  const view = await t.view({ columns: ["batch"] });
  const acked = new Map();
  const latencies = [];
  view.on_update(
    ({ delta }) => {
      const now = performance.now();
      if (!delta) return;
      const batches = new Set(tableFromIPC(delta).getChild("batch").toArray());
      for (const b of batches) {
        const at = acked.get(Number(b));
        if (at !== undefined) {
          latencies.push(now - at);
          acked.delete(Number(b));
        }
      }
    },
    { mode: "row" },
  );

  const tick = 50; // ms between insert batches
  const rowsPerBatch = Math.max(1, Math.round((rate * tick) / 1000));
  const end = performance.now() + seconds * 1000;
  let batch = 0;
  let id = 0;
  while (performance.now() < end) {
    const started = performance.now();
    const ts = Math.floor(Date.now() / 1000);
    const lines = [];
    for (let i = 0; i < rowsPerBatch; i++) lines.push(`${batch}\t${id++}\t${ts}\t${Math.random()}`);
    await ch.query(`INSERT INTO ${table} FORMAT TSV\n${lines.join("\n")}\n`);
    acked.set(batch, performance.now());
    batch++;
    await sleep(Math.max(0, tick - (performance.now() - started)));
  }
  await sleep(interval * 4 + 500);
  const missed = acked.size;
  await view.delete();
  await client.terminate?.();
  await server.stop();
  latencies.sort((a, b) => a - b);
  return {
    interval,
    rate,
    batches: batch,
    rows: id,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    missed,
  };
}

const results = [];
try {
  for (let i = 0; i < scenarios.length; i++) results.push(await runScenario(scenarios[i], i));
} finally {
  clickhouseLocal("stop");
  fs.rmSync(dir, { recursive: true, force: true });
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(0) : "n/a");
console.log(`freshness (insert ack → client on_update), ${seconds} s per scenario, ${os.cpus().length} cores`);
console.log("| poll interval | insert rate | rows | p50 ms | p99 ms | max ms | batches never seen |");
console.log("|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(`| ${r.interval} ms | ${r.rate} rows/s | ${r.rows} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.missed} |`);
}
fs.mkdirSync(path.join(projectRoot, "bench", "results"), { recursive: true });
fs.writeFileSync(
  path.join(projectRoot, "bench", "results", "freshness.csv"),
  "interval_ms,rate_rows_per_s,rows,p50_ms,p99_ms,max_ms,missed_batches\n" +
    results.map((r) => [r.interval, r.rate, r.rows, fmt(r.p50), fmt(r.p99), fmt(r.max), r.missed].join(",")).join("\n") + "\n",
);
process.exit(0);
