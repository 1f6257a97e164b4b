// The demo, as a person sees it: `chview produce` fills ClickHouse, `chview serve` serves
// stock_values live, and the page in headless Chromium shows rows that change between
// two screenshots taken a second apart.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { chviewBin, clickhouse, projectRoot, startChview, startProcess, waitFor, sleep } from "../lib/process.mjs";
import { launchChromium } from "../lib/browser.mjs";

const url = process.env.CHVIEW_TEST_CLICKHOUSE_URL;
const artifacts = path.join(projectRoot, "tests", "artifacts");
const cleanup = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function gridText(page) {
  return page.evaluate(() => {
    const grid = document.querySelector("perspective-viewer perspective-viewer-datagrid");
    const table = grid?.shadowRoot?.querySelector("regular-table") ?? grid?.querySelector("regular-table");
    return table ? table.innerText : "";
  });
}

test("the demo page shows live rows that change second by second", async () => {
  assert.ok(url, "CHVIEW_TEST_CLICKHOUSE_URL is not set (run through make test)");
  const table = `stock_demo_${Math.random().toString(36).slice(2, 8)}`;
  const producer = startProcess(chviewBin, ["produce", "--clickhouse", url, "--table", table, "--interval", "250ms"]);
  cleanup.push(() => producer.stop());
  const ch = clickhouse(url);
  await waitFor("the producer's first rows", async () => {
    if (producer.exit()) throw new Error(`producer exited:\n${producer.output()}`);
    return Number(await ch.query(`SELECT count() FROM ${table}`).catch(() => "0")) > 0;
  });
  const server = await startChview(["--clickhouse", url, "--table", table, "--limit", "1000", "--interval", "250ms"]);
  cleanup.push(() => server.stop());

  const { context, page, errors } = await launchChromium();
  cleanup.push(() => context.close());
  await page.goto(`${server.http}/?table=${table}`);
  // Newest first, like a ticker tape.
  await page.waitForFunction(() => window.chview?.ready === true, null, { timeout: 60000 });
  await page.evaluate(() => document.querySelector("perspective-viewer").restore({ sort: [["timestamp", "desc"]] }));
  const first = await waitFor("the grid to show rows", async () => {
    const text = await gridText(page);
    return /(AAPL|MSFT|NVDA|TSLA|AMZN|QQQ|GOOGL)\.N/.test(text) ? text : null;
  }, 60000);
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, "demo-1.png") });
  await sleep(1000);
  const second = await waitFor("the grid to change", async () => {
    const text = await gridText(page);
    return text !== first ? text : null;
  }, 10000);
  await page.screenshot({ path: path.join(artifacts, "demo-2.png") });
  assert.notEqual(second, first);
  assert.deepEqual(errors, [], errors.join("\n"));
});
