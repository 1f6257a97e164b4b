// Engine benchmark: the same CSV bytes loaded into Perspective 5.5.1's own engine
// (in-process WASM, @perspective-dev/client in Node) and into chview's engine
// (bench/chview_engine_bench, which parses with chview's protocol-layer CSV reader), the
// same steps timed on both, printed side by side with ratios.
//
// Run:  node bench/pivot_vs_perspective.mjs [--rows 1000000] [--repeat 3] [--updates 5]
//            [--format csv|columns|rows] [--bin path/to/chview_engine_bench]
//            [--skip-perspective] [--skip-chview] [--wire | --wire-only] [--chview-bin path/to/chview]
//       (`make bench` builds the Release binary and runs this with the defaults.)
// Writes bench/results/pivot_vs_perspective.json and pivot_vs_perspective.md.
//
// Steps (each side in its own process, so RSS figures are clean):
//   load            table from the CSV text (Perspective: client.table(csv)); median of --repeat
//   view_*          make the view and fetch its first 50-row viewport; median of --repeat
//   update_*        a 1k-row CSV update appended to the table, then every live view's
//                   num_rows + first viewport (Perspective: await table.update(csv),
//                   view.num_rows(), view.to_columns(viewport)); median of --updates
//   rss             after load + the two group_by views (+ Node's pre-load baseline)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { canConnect, freePort, startProcess, waitFor } from "../tests/lib/process.mjs";
import { ratioSvg } from "./ratio_plot.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);

function parseArgs(argv) {
  const opts = {
    rows: Number(process.env.CHVIEW_BENCH_ROWS || 1_000_000),
    updateRows: 1000,
    repeat: 3,
    updates: 5,
    viewport: 50,
    format: "csv",
    bin: process.env.CHVIEW_ENGINE_BENCH || "",
    skipPerspective: false,
    skipChview: false,
    chviewBin: process.env.CHVIEW_BIN || "",
    wire: false,
    wireOnly: false,
    worker: "",
    serverPort: 0,
    out: path.join(here, "results"),
  };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === "--rows") opts.rows = Number(next());
    else if (a === "--update-rows") opts.updateRows = Number(next());
    else if (a === "--repeat") opts.repeat = Number(next());
    else if (a === "--updates") opts.updates = Number(next());
    else if (a === "--format") opts.format = next();
    else if (a === "--bin") opts.bin = next();
    else if (a === "--out") opts.out = next();
    else if (a === "--skip-perspective") opts.skipPerspective = true;
    else if (a === "--skip-chview") opts.skipChview = true;
    else if (a === "--chview-bin") opts.chviewBin = next();
    else if (a === "--wire") opts.wire = true;
    else if (a === "--wire-only") opts.wire = opts.wireOnly = true;
    else if (a === "--client-worker") opts.worker = next();
    else if (a === "--perspective-server") opts.serverPort = Number(next());
    else throw new Error(`unknown argument ${a}`);
  }
  if (!["csv", "columns", "rows"].includes(opts.format)) throw new Error("--format is csv, columns or rows");
  return opts;
}

// The views both sides build (the seed's string columns are ticker and client).
export const VIEWS = {
  flat: {},
  group_by: { group_by: ["ticker", "client"] },
  group_by_split_by: { group_by: ["ticker"], split_by: ["client"] },
};

// ---------------------------------------------------------------- data
// The seed's stock_values rows (producer.py): timestamp, ticker, client, OHLC, volume,
// date; one random walk per ticker as chview's producer does. Deterministic (mulberry32).
const TICKERS = ["AAPL.N", "AMZN.N", "QQQ.N", "NVDA.N", "TSLA.N", "FB.N", "MSFT.N", "TLT.N", "XIV.N", "YY.N", "CSCO.N", "GOOGL.N", "PCLN.N"];
const CLIENTS = ["Homer", "Marge", "Bart", "Lisa", "Maggie", "Moe", "Lenny", "Carl", "Krusty"];
const HEADER = "timestamp,ticker,client,open,high,low,close,volume,date";
const START_MS = Date.UTC(2024, 0, 2, 9, 30);

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeGenerator(seed) {
  const random = mulberry32(seed);
  const below = (n) => Math.floor(random() * n);
  const price = TICKERS.map(() => 1000 + below(49001)); // cents
  const anchor = [...price];
  let n = 0;
  return () => {
    // "YYYY-MM-DD HH:MM:SS.mmm" (no zone: UTC for both engines); rows 100 ms apart.
    const iso = new Date(START_MS + 100 * n++).toISOString();
    const t = below(TICKERS.length);
    const c = below(CLIENTS.length);
    const open = price[t];
    const step = (random() * 2 - 1) * 0.01 + 0.001 * Math.log(anchor[t] / open);
    const close = Math.max(1, Math.round(open * Math.exp(step)));
    const high = Math.max(open, close) + below(Math.floor(Math.max(open, close) / 200) + 1);
    const low = Math.max(1, Math.min(open, close) - below(Math.floor(Math.min(open, close) / 200) + 1));
    price[t] = close;
    // Prices with two decimals and volume with one, so both engines type them float.
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)},${TICKERS[t]},${CLIENTS[c]},${(open / 100).toFixed(2)},${(high / 100).toFixed(2)},${(low / 100).toFixed(2)},${(close / 100).toFixed(2)},${100 * (1 + below(100))}.0,${iso.slice(0, 10)}`;
  };
}

function writeData(dir, rows, updateRows) {
  const dataPath = path.join(dir, `data_v1_${rows}.csv`); // bump v1 when the generator changes
  const updatePath = path.join(dir, `update_v1_${rows}_${updateRows}.csv`);
  if (fs.existsSync(dataPath) && fs.existsSync(updatePath)) return { dataPath, updatePath };
  const next = makeGenerator(42);
  const chunk = (n) => {
    const lines = [HEADER];
    for (let i = 0; i < n; ++i) lines.push(next());
    return lines.join("\n") + "\n";
  };
  fs.writeFileSync(dataPath, chunk(rows));
  fs.writeFileSync(updatePath, chunk(updateRows)); // the rows that follow the data's
  return { dataPath, updatePath };
}

// CSV text → JS values (the --format columns / rows variants for Perspective): numbers,
// Date timestamps, strings (date stays "YYYY-MM-DD" text, which Perspective types date).
function csvToColumns(text) {
  const lines = text.trimEnd().split("\n");
  const names = lines[0].split(",");
  const cols = Object.fromEntries(names.map((n) => [n, new Array(lines.length - 1)]));
  const numeric = new Set(["open", "high", "low", "close", "volume"]);
  for (let r = 1; r < lines.length; ++r) {
    const cells = lines[r].split(",");
    for (let c = 0; c < names.length; ++c) {
      const name = names[c];
      if (numeric.has(name)) cols[name][r - 1] = Number(cells[c]);
      else if (name === "timestamp") cols[name][r - 1] = new Date(cells[c].replace(" ", "T") + "Z");
      else cols[name][r - 1] = cells[c];
    }
  }
  return cols;
}

function csvToRows(text) {
  const cols = csvToColumns(text);
  const names = Object.keys(cols);
  return cols[names[0]].map((_, r) => Object.fromEntries(names.map((n) => [n, cols[n][r]])));
}

const CONVERT = { csv: (text) => text, columns: csvToColumns, rows: csvToRows };

// ---------------------------------------------------------------- timing helpers
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const timing = (samples) => ({ median_ms: median(samples), samples_ms: samples });
const mb = (bytes) => bytes / (1024 * 1024);

function procStatusMb(key, pid = "self") {
  const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(key + ":"));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : -1;
}

// ---------------------------------------------------------------- client side
// The timed steps, through any Perspective client: in-process (Perspective's engine in
// this process) or over a WebSocket (to Perspective's or chview's server, whose
// /proc/<pid>/status gives the memory). A step that fails is recorded as its error.
async function runSteps(client, { dataPath, updatePath, format, serverPid }, opts) {
  const rss = () => (serverPid ? procStatusMb("VmRSS", serverPid) : mb(process.memoryUsage().rss));
  const warm = await client.table({ x: [1] }); // WASM compile / first session, before the baseline
  await warm.delete();
  globalThis.gc?.();
  const out = { format, rss_baseline_mb: rss() };

  let input = CONVERT[format](fs.readFileSync(dataPath, "utf8"));
  const updateInput = CONVERT[format](fs.readFileSync(updatePath, "utf8"));
  const viewport = { start_row: 0, end_row: opts.viewport };
  const step = async (name, fn) => {
    try {
      out[name] = await fn();
    } catch (e) {
      out[name] = { error: String(e?.message ?? e).slice(0, 300) };
      console.error(`  ${name}: ${out[name].error}`);
    }
  };

  let table;
  await step("load", async () => {
    const samples = [];
    for (let i = 0; i < opts.repeat; ++i) {
      if (table) await table.delete();
      globalThis.gc?.();
      const start = performance.now();
      table = await client.table(input);
      await table.size();
      samples.push(performance.now() - start);
    }
    return timing(samples);
  });
  out.rows = await table.size();
  input = null;
  globalThis.gc?.();
  out.rss_after_load_mb = rss();

  const makeView = async (config) => {
    const view = await table.view(config);
    await view.to_columns(viewport);
    return view;
  };
  for (const [name, config] of Object.entries(VIEWS)) {
    await step(`view_${name}`, async () => {
      const samples = [];
      for (let i = 0; i < opts.repeat; ++i) {
        const start = performance.now();
        const view = await makeView(config);
        samples.push(performance.now() - start);
        await view.delete();
      }
      return timing(samples);
    });
  }

  const timeUpdates = async (views) => {
    const samples = [];
    for (let i = 0; i < opts.updates; ++i) {
      const start = performance.now();
      await table.update(updateInput);
      for (const view of views) {
        await view.num_rows();
        await view.to_columns(viewport);
      }
      samples.push(performance.now() - start);
    }
    return timing(samples);
  };
  await step("update_flat_live", async () => {
    const flat = await makeView(VIEWS.flat);
    const result = await timeUpdates([flat]);
    await flat.delete();
    return result;
  });
  await step("update_two_group_by_live", async () => {
    const grouped = [await makeView(VIEWS.group_by), await makeView(VIEWS.group_by_split_by)];
    return timeUpdates(grouped); // left live for the memory figure
  });
  out.rows_after_updates = await table.size();

  globalThis.gc?.();
  out.rss_final_mb = rss();
  out.rss_peak_mb = procStatusMb("VmHWM", serverPid || "self");
  out.rss_final_over_baseline_mb = out.rss_final_mb - out.rss_baseline_mb;
  return out;
}

async function clientWorker(opts) {
  const job = JSON.parse(opts.worker);
  const { default: perspective } = await import("@perspective-dev/client");
  const client = job.url ? await perspective.websocket(job.url) : perspective;
  const out = await runSteps(client, job, opts);
  process.stdout.write(JSON.stringify(out));
  process.exit(0); // the engine / socket keeps the event loop alive
}

// Perspective's own WebSocket server (its Node reference server), for --wire.
async function perspectiveServer(port) {
  const { default: perspective } = await import("@perspective-dev/client");
  new perspective.WebSocketServer({ port });
}

// ---------------------------------------------------------------- orchestration
function findBinary(given, relative) {
  const candidates = [given, `build/release/${relative}`, `build/${relative}`].filter(Boolean).map((p) => path.resolve(root, p));
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`${relative} not found (tried ${candidates.join(", ")}); run make bench or pass its path`);
  return found;
}

const execFileAsync = promisify(execFile);
const EXEC = { encoding: "utf8", maxBuffer: 1 << 26, cwd: root };

async function runClientWorker(opts, job) {
  const args = ["--expose-gc", "--max-old-space-size=8192", fileURLToPath(import.meta.url), "--client-worker",
    JSON.stringify(job), "--repeat", String(opts.repeat), "--updates", String(opts.updates)];
  const child = execFileAsync(process.execPath, args, EXEC);
  child.child.stderr.pipe(process.stderr);
  return JSON.parse((await child).stdout);
}

async function runChviewEngine(opts, files) {
  const args = ["--data", files.dataPath, "--update", files.updatePath, "--repeat", String(opts.repeat),
    "--updates", String(opts.updates), "--viewport", String(opts.viewport)];
  const child = execFileAsync(findBinary(opts.bin, "bench/chview_engine_bench"), args, EXEC);
  child.child.stderr.pipe(process.stderr);
  return JSON.parse((await child).stdout);
}

// --wire: the same client steps over a WebSocket, against Perspective's Node server and
// against `chview serve --writable`; memory is the server process's.
async function runWire(opts, files) {
  const servers = {
    perspective: (port) => startProcess(process.execPath, ["--max-old-space-size=8192", fileURLToPath(import.meta.url), "--perspective-server", String(port)]),
    chview: (port) => startProcess(findBinary(opts.chviewBin, "chview"), ["serve", "--port", String(port), "--writable",
      "--max-frame", String(1 << 30), "--max-queue", String(1 << 30), "--log-level", "warn"]),
  };
  const out = {};
  for (const [name, start] of Object.entries(servers)) {
    if (name === "perspective" ? opts.skipPerspective : opts.skipChview) continue;
    console.error(`${name} over WebSocket ...`);
    const port = await freePort();
    let server;
    try {
      server = start(port);
      await waitFor(`${name} server`, async () => {
        if (server.exit()) throw new Error(`${name} server exited: ${server.output()}`);
        return canConnect(port);
      });
      out[name] = await runClientWorker(opts, { ...files, format: "csv", url: `ws://127.0.0.1:${port}/websocket`, serverPid: server.child.pid });
    } catch (e) {
      out[name] = { error: String(e?.message ?? e).slice(0, 500) };
      console.error(`  ${name}: ${out[name].error}`);
    } finally {
      await server?.stop();
    }
  }
  return out;
}

// [key, label, target ratio from issue 5]
const STEPS = [
  ["load", "load", 10],
  ["view_flat", "flat view + first viewport", 10],
  ["view_group_by", "2-level group_by view (ticker, client)", 10],
  ["view_group_by_split_by", "group_by ticker + split_by client view", 10],
  ["update_flat_live", "1k-row update, one flat view live", 100],
  ["update_two_group_by_live", "1k-row update, two group_by views live", 100],
];

function plotRows(p, c) {
  const rows = STEPS.map(([key, label, target]) => ({ label, target, ratio: p?.[key]?.median_ms / c?.[key]?.median_ms }));
  rows.push({ label: "RSS, table + 2 group_by views (trimmed)", target: 3, ratio: p?.rss_final_mb / c?.rss_final_mb });
  if (c?.rss_after_load_untrimmed_mb) {
    rows.push({ label: "RSS after load (heap untrimmed)", target: 3, ratio: p?.rss_after_load_mb / c.rss_after_load_untrimmed_mb });
  }
  rows.push({ label: "peak RSS", target: 3, ratio: p?.rss_peak_mb / c?.rss_peak_mb });
  return rows;
}
const fmtMs = (x) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2));
const fmtRatio = (x) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));

const cell = (side, key) => {
  const x = side?.[key];
  if (x?.error) return "error";
  return x?.median_ms === undefined ? "—" : `${fmtMs(x.median_ms)} ms`;
};

function comparisonTable(title, p, c, chviewMemoryLabel = "") {
  const lines = [title, "", "| step | Perspective | chview | chview faster by |", "|---|---:|---:|---:|"];
  for (const [key, label] of STEPS) {
    const pm = p?.[key]?.median_ms;
    const cm = c?.[key]?.median_ms;
    lines.push(`| ${label} | ${cell(p, key)} | ${cell(c, key)} | ${pm && cm ? fmtRatio(pm / cm) + "×" : "—"} |`);
  }
  if (p && c) {
    const ratio = (a, b) => `${fmtRatio(a / b)}× less`;
    lines.push(`| RSS after load + 2 group_by views | ${p.rss_final_mb.toFixed(0)} MB (+${p.rss_final_over_baseline_mb.toFixed(0)} MB over the idle ${p.rss_baseline_mb.toFixed(0)} MB) | ${c.rss_final_mb.toFixed(0)} MB${chviewMemoryLabel} | ${ratio(p.rss_final_mb, c.rss_final_mb)} |`);
    if (c.rss_after_load_untrimmed_mb !== undefined) {
      lines.push(`| RSS right after load (chview: heap not trimmed) | ${p.rss_after_load_mb.toFixed(0)} MB | ${c.rss_after_load_untrimmed_mb.toFixed(0)} MB | ${ratio(p.rss_after_load_mb, c.rss_after_load_untrimmed_mb)} |`);
    }
    lines.push(`| peak RSS (VmHWM) | ${p.rss_peak_mb.toFixed(0)} MB | ${c.rss_peak_mb.toFixed(0)} MB | ${ratio(p.rss_peak_mb, c.rss_peak_mb)} |`);
  }
  return lines;
}

function markdown(result) {
  const { perspective: p, chview: c } = result;
  const lines = !p && !c ? [] : comparisonTable(
    `**Engines in-process**, ${result.rows.toLocaleString("en-US")} rows; input: ${result.input}. Median of repeats; ` +
      `Perspective ${result.perspective_version} (WASM, in Node) vs chview's engine (Release, chview_engine_bench).`,
    p, c, " (after malloc_trim)");
  if (c?.load_parts) {
    const parts = c.load_parts;
    lines.push("", `chview load = CSV to typed columns ${fmtMs(parts.csv_to_batch_ms)} ms + Table apply ${fmtMs(parts.table_apply_ms)} ms.`);
  }
  if (result.wire) {
    if (lines.length) lines.push("");
    lines.push(...comparisonTable(
      `**Over a WebSocket** (the ${result.perspective_version} client in Node; Perspective's Node WebSocketServer vs \`chview serve --writable\`; ` +
        "times include the round trips and the upload of the CSV; memory is the server process's).",
      result.wire.perspective, result.wire.chview));
  }
  return lines.join("\n") + "\n";
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.worker) return clientWorker(opts);
  if (opts.serverPort) return perspectiveServer(opts.serverPort);
  const dataDir = path.join(os.tmpdir(), "chview-bench-data");
  fs.mkdirSync(dataDir, { recursive: true });
  console.error(`generating ${opts.rows} rows (+${opts.updateRows} update rows) in ${dataDir} ...`);
  const files = writeData(dataDir, opts.rows, opts.updateRows);
  const version = JSON.parse(fs.readFileSync(path.join(root, "node_modules/@perspective-dev/client/package.json"), "utf8")).version;
  const result = {
    rows: opts.rows,
    update_rows: opts.updateRows,
    input: opts.format === "csv" ? "the same CSV text on both sides"
      : `Perspective: the CSV's values as JS ${opts.format === "rows" ? "row objects" : "column arrays"}; chview: the CSV`,
    perspective_version: version,
    views: VIEWS,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg_at_start: os.loadavg() },
    date: new Date().toISOString(),
  };
  if (!opts.skipChview && !opts.wireOnly) {
    console.error("chview engine ...");
    result.chview = await runChviewEngine(opts, files);
  }
  if (!opts.skipPerspective && !opts.wireOnly) {
    console.error(`Perspective ${version} engine (${opts.format}) ...`);
    result.perspective = await runClientWorker(opts, { ...files, format: opts.format });
  }
  if (opts.wire) result.wire = await runWire(opts, files);
  result.machine.loadavg_at_end = os.loadavg();
  const md = markdown(result);
  process.stdout.write("\n" + md);
  fs.mkdirSync(opts.out, { recursive: true });
  const suffix = opts.format === "csv" ? "" : `_${opts.format}`;
  fs.writeFileSync(path.join(opts.out, `pivot_vs_perspective${suffix}.json`), JSON.stringify(result, null, 2) + "\n");
  fs.writeFileSync(path.join(opts.out, `pivot_vs_perspective${suffix}.md`), md);
  if (result.perspective && result.chview) {
    const title = `chview vs Perspective ${version}, ${opts.rows.toLocaleString("en-US")} rows (${opts.format} input), in-process engines`;
    fs.writeFileSync(path.join(opts.out, `pivot_vs_perspective${suffix}.svg`), ratioSvg(title, plotRows(result.perspective, result.chview)));
  }
  process.exit(0);
}

await main();
