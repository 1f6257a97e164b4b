// End to end in a real browser: `chview serve --writable`, a table created over the
// WebSocket by the official JS client (5.5.1), chview's own page (viewer 4.3.0) in
// Debian's headless Chromium showing it as a datagrid and then as a d3fc chart.
// Screenshots go to tests/artifacts/. Needs a working protocol server: it fails, never
// skips, when chview cannot serve.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import perspective from "@perspective-dev/client";
import { launchChromium } from "../lib/browser.mjs";

const ROOT = process.env.CHVIEW_ROOT || path.resolve(new URL("../..", import.meta.url).pathname);
const BIN = process.env.CHVIEW_BIN || path.join(ROOT, "build", "chview");
const ARTIFACTS = path.join(ROOT, "tests", "artifacts");
const TABLE = "stock_values";

// The seed's stock_values schema, with rows whose rendered values the test looks for.
const SCHEMA = {
  timestamp: "datetime", ticker: "string", client: "string", open: "float", high: "float",
  low: "float", close: "float", volume: "float", date: "date",
};
const TICKERS = ["AAPL", "MSFT", "GOOG", "AMZN", "META"];
const CLIENTS = ["Homer", "Marge", "Bart", "Lisa"];
const ROWS = Array.from({ length: 40 }, (_, i) => ({
  timestamp: Date.UTC(2024, 0, 2, 9, 30, i),
  ticker: TICKERS[i % TICKERS.length],
  client: CLIENTS[i % CLIENTS.length],
  open: 100 + i,
  high: 110 + i,
  low: 90 + i,
  close: 100.25 + i * 10,
  volume: 1000 * (i + 1),
  date: "2024-01-02",
}));

let server;
let serverLog = "";
let port;
let client;
let context;
let page;
const pageErrors = [];
const consoleErrors = [];

// Starts `chview serve` on a free port; resolves with the port from its log line.
function startChview() {
  assert.ok(fs.existsSync(BIN), `chview binary not found at ${BIN} (set CHVIEW_BIN)`);
  server = spawn(BIN, ["serve", "--writable", "--port", "0", "--host", "127.0.0.1"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chview did not start:\n${serverLog}`)), 20000);
    const onData = (chunk) => {
      serverLog += chunk;
      const m = /listening on http:\/\/[^\s:]+:(\d+)/.exec(serverLog);
      if (m) { clearTimeout(timer); resolve(+m[1]); }
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.on("exit", (code) => { clearTimeout(timer); reject(new Error(`chview exited (${code}):\n${serverLog}`)); });
  });
}

async function launchBrowser() {
  ({ context, page } = await launchChromium());
  page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
  // Console messages are diagnostics only: the viewer logs harmless notes at "error".
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  // The page must be fully offline: anything not served by chview is a failure.
  page.on("requestfailed", (r) => pageErrors.push(`request failed: ${r.url()}`));
  page.on("response", (r) => { if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} ${r.url()}`); });
}

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  port = await startChview();
  client = await perspective.websocket(`ws://127.0.0.1:${port}/websocket`);
  const table = await client.table(SCHEMA, { name: TABLE, limit: 1000 });
  await table.update(ROWS);
  assert.equal(await table.size(), ROWS.length);
  await launchBrowser();
});

after(async () => {
  await context?.close();
  await client?.terminate?.();
  server?.kill("SIGTERM");
});

const diagnostics = () =>
  `page errors:\n${pageErrors.join("\n")}\nconsole errors:\n${consoleErrors.join("\n")}\nchview log:\n${serverLog.slice(-4000)}`;

test("serves /healthz and the page's assets with the right content types", async () => {
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(await health.text(), "ok\n");
  const wasm = await fetch(`http://127.0.0.1:${port}/pkg/@perspective-dev/viewer/dist/wasm/perspective-viewer.wasm`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  // Raw request: fetch() would normalise the dot segments away before sending.
  const status = await new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: "/pkg/@perspective-dev/viewer/../../../package.json" },
      (res) => { res.resume(); resolve(res.statusCode); }).on("error", reject);
  });
  assert.equal(status, 404);
});

test("the datagrid shows the table's rows", async () => {
  await page.goto(`http://127.0.0.1:${port}/?table=${TABLE}`);
  await page.waitForFunction(() => window.chview?.ready === true, null, { timeout: 60000 })
    .catch((e) => { throw new Error(`${e.message}\n${diagnostics()}`); });

  const cells = page.locator("perspective-viewer-datagrid regular-table tbody td");
  await cells.first().waitFor({ timeout: 30000 });
  // Known values of the first rows, as the datagrid formats them.
  for (const text of ["AAPL", "MSFT", "Homer", "100.25", "110.25"]) {
    await page.locator("regular-table tbody td", { hasText: text }).first()
      .waitFor({ timeout: 30000 })
      .catch((e) => { throw new Error(`cell "${text}" not shown: ${e.message}\n${diagnostics()}`); });
  }
  const headers = await page.locator("regular-table thead th").allInnerTexts();
  for (const column of ["ticker", "client", "close", "volume"]) {
    assert.ok(headers.some((h) => h.includes(column)), `no "${column}" header in ${headers}`);
  }
  const rows = await page.evaluate(async () => (await window.chview.viewer.getTable()).size());
  assert.equal(rows, ROWS.length);
  await page.screenshot({ path: path.join(ARTIFACTS, "browser-datagrid.png") });
});

// Switches the viewer to a Y Bar chart and waits for `count` bars; returns their
// heights and the x-axis labels, both in left-to-right order.
async function showYBar(config, count) {
  await page.evaluate(async (c) => {
    await window.chview.viewer.restore({ plugin: "Y Bar", ...c });
    await window.chview.viewer.flush();
  }, config);
  await page.waitForFunction((n) => {
    const plugin = document.querySelector("perspective-viewer-d3fc-ybar");
    return plugin?.shadowRoot?.querySelectorAll(".plot-area g.bar").length === n;
  }, count, { timeout: 30000 })
    .catch((e) => { throw new Error(`expected ${count} bars: ${e.message}\n${diagnostics()}`); });
  return page.evaluate(() => {
    const root = document.querySelector("perspective-viewer-d3fc-ybar").shadowRoot;
    const x = (el) => +/translate\(([-\d.]+)/.exec(el.getAttribute("transform"))[1];
    const bars = [...root.querySelectorAll(".plot-area g.bar")]
      .map((g) => ({ x: x(g), h: +/v([-\d.]+)/.exec(g.querySelector("path").getAttribute("d"))[1] }))
      .sort((a, b) => a.x - b.x);
    const labels = [...root.querySelectorAll(".x-axis .tick")]
      .map((t) => ({ x: x(t), label: t.textContent })).sort((a, b) => a.x - b.x);
    return { heights: bars.map((b) => b.h), labels: labels.map((l) => l.label) };
  });
}

// Bar heights must be proportional to the expected values: the chart got real data.
function assertProportional(heights, expected, names) {
  assert.equal(heights.length, expected.length, diagnostics());
  const maxValue = Math.max(...expected), maxHeight = Math.max(...heights);
  heights.forEach((h, i) => {
    assert.ok(Math.abs(h / maxHeight - expected[i] / maxValue) < 0.01,
      `bar ${names[i]}: height ratio ${h / maxHeight}, expected ${expected[i] / maxValue}`);
  });
}

test("a d3fc chart renders: one bar per row", async () => {
  const { heights } = await showYBar({ columns: ["close"] }, ROWS.length);
  assertProportional(heights, ROWS.map((r) => r.close), ROWS.map((_, i) => `row ${i}`));
  await page.screenshot({ path: path.join(ARTIFACTS, "browser-chart.png") });
});

test("a grouped d3fc chart renders: sum(close) by ticker", async () => {
  const { heights, labels } = await showYBar({ columns: ["close"], group_by: ["ticker"] }, TICKERS.length);
  assert.deepEqual(labels, [...TICKERS].sort(), diagnostics());
  const sums = labels.map((t) => ROWS.filter((r) => r.ticker === t).reduce((a, r) => a + r.close, 0));
  assertProportional(heights, sums, labels);
  await page.screenshot({ path: path.join(ARTIFACTS, "browser-chart-grouped.png") });
});

// The datagrid's cells as text: one entry per body row, its header cells then its data.
async function datagridRows() {
  // Playwright's locators reach into the plugin's shadow root.
  return page.locator("perspective-viewer-datagrid regular-table tbody tr").evaluateAll((trs) =>
    trs.map((tr) => ({
      headers: [...tr.querySelectorAll("th")].map((th) => th.textContent.trim()),
      cells: [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()),
    })));
}

// Waits until the grid shows a row headed `label` whose cells are `cells`.
async function waitForGridRow(label, cells) {
  const deadline = Date.now() + 30000;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await datagridRows();
    const row = rows.find((r) => r.headers.some((h) => h === label));
    if (row && JSON.stringify(row.cells) === JSON.stringify(cells)) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no row ${label} = ${JSON.stringify(cells)} in ${JSON.stringify(rows)}\n${diagnostics()}`);
}

test("the datagrid groups by ticker, splits by client and changes the aggregate", async () => {
  // What the viewer's Group By / Split By / aggregate controls produce.
  await page.evaluate(async () => {
    await window.chview.viewer.restore({
      plugin: "Datagrid", columns: ["close"], group_by: ["ticker"], split_by: ["client"],
      aggregates: { close: "avg" }, sort: [], group_rollup_mode: "rollup",
    });
    await window.chview.viewer.flush();
  });
  // Rows i ≡ t (mod 5) are ticker t, i ≡ c (mod 4) client c: each ticker × client holds
  // rows i and i + 20, so avg(close) = 100.25 + 10 * (i + 10). Clients sort Bart, Homer,
  // Lisa, Marge; AAPL's rows are 10/30, 0/20, 15/35, 5/25.
  await waitForGridRow("AAPL", ["300.25", "200.25", "350.25", "250.25"]);
  const headers = await page.locator("perspective-viewer-datagrid regular-table thead th").allInnerTexts();
  for (const name of ["Bart", "Homer", "Lisa", "Marge"]) {
    assert.ok(headers.some((h) => h.includes(name)), `no split header ${name} in ${headers}`);
  }
  const rows = await datagridRows();
  for (const t of TICKERS) assert.ok(rows.some((r) => r.headers.includes(t)), `no row ${t}`);
  await page.screenshot({ path: path.join(ARTIFACTS, "browser-datagrid-grouped.png") });

  // The same grid with another aggregate: two rows per ticker × client, ten per client.
  await page.evaluate(async () => {
    await window.chview.viewer.restore({ aggregates: { close: "count" } });
    await window.chview.viewer.flush();
  });
  await waitForGridRow("AAPL", ["2", "2", "2", "2"]);
  const total = (await datagridRows())[0];
  assert.deepEqual(total.cells, ["10", "10", "10", "10"], `total row ${JSON.stringify(total)}`);

  // The grid's own tree control: "-" on the total row collapses it on the server (the
  // grid then shows one row), "+" expands it again.
  const grid = "perspective-viewer-datagrid regular-table tbody";
  await page.locator(`${grid} .psp-tree-label-collapse`).first().click();
  const deadline = Date.now() + 30000;
  while ((await datagridRows()).length !== 1 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await datagridRows()).length, 1, `collapsed grid: ${JSON.stringify(await datagridRows())}`);
  await page.locator(`${grid} .psp-tree-label-expand`).first().click();
  await waitForGridRow("MSFT", ["2", "2", "2", "2"]);
});

test("the page waits for a table that is created later", async () => {
  const late = await context.newPage();
  late.on("pageerror", (e) => pageErrors.push(`pageerror (late page): ${e.message}`));
  await late.goto(`http://127.0.0.1:${port}/?table=late_table`);
  await late.locator("#status", { hasText: 'Waiting for table "late_table"' })
    .waitFor({ timeout: 30000 })
    .catch((e) => { throw new Error(`no waiting message: ${e.message}\n${diagnostics()}`); });
  await late.screenshot({ path: path.join(ARTIFACTS, "browser-waiting.png") });

  const table = await client.table({ name: "string", n: "integer" }, { name: "late_table" });
  await table.update([{ name: "arrived", n: 42 }]);
  await late.waitForFunction(() => window.chview?.ready === true, null, { timeout: 30000 });
  await late.locator("regular-table tbody td", { hasText: "arrived" }).first().waitFor({ timeout: 30000 });
  assert.equal(await late.locator("#status").isHidden(), true);
  await late.close();
});

test("closing the page frees its views on the server", async () => {
  const metric = async (name) => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = new RegExp(`^${name} (\\d+)$`, "m").exec(text);
    assert.ok(m, `no ${name} in /metrics:\n${text}`);
    return +m[1];
  };
  // A fresh page, independent of the earlier tests' viewer state.
  const fresh = await context.newPage();
  await fresh.goto(`http://127.0.0.1:${port}/?table=${TABLE}`);
  await fresh.waitForFunction(() => window.chview?.ready === true, null, { timeout: 30000 });
  await fresh.locator("regular-table tbody td", { hasText: "AAPL" }).first().waitFor({ timeout: 30000 });
  assert.ok(await metric("chview_protocol_live_views") > 0, "the open viewer should hold a view");
  await fresh.close();
  await page.close();
  // Only the Node client's session remains once the browser's sockets are closed (the
  // close may arrive a little after the page is gone).
  const settled = async () => (await metric("chview_protocol_live_views")) === 0 &&
    (await metric("chview_protocol_sessions")) === 1;
  const deadline = Date.now() + 20000;
  while (!(await settled()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await metric("chview_protocol_live_views"), 0);
  assert.equal(await metric("chview_protocol_sessions"), 1);
});

test("the page loaded without errors", () => {
  assert.deepEqual(pageErrors, [], diagnostics());
});
