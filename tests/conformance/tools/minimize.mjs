// Shrinks failing cases to minimal reproducers (greedy delta debugging): drops views,
// steps, rows, columns, config terms and reads while a difference of the same kind
// remains. Usage (target chosen like the test: CHVIEW_BIN / CONFORMANCE_TARGET / _URL):
//   node tests/conformance/tools/minimize.mjs <report.jsonl | seed:case[,case...]> [maxCases]
import fs from "node:fs";
import { oracleClient, wireClient } from "../lib/clients.mjs";
import { startTarget } from "../lib/target.mjs";
import { generateCase } from "../lib/generate.mjs";
import { handCases } from "../lib/cases.mjs";
import { runCase, pushHintsOf } from "../lib/runner.mjs";
import { diffObservations, kindOf } from "../lib/diff.mjs";

const [source, maxCases = "1000000"] = process.argv.slice(2);
const version = process.env.CONFORMANCE_CLIENTS?.split(",")[0] || "5.5.1";

function loadCases() {
  if (source.includes(":") && !fs.existsSync(source)) {
    const [seed, list] = source.split(":");
    return list.split(",").map((n) => (/^\d+$/.test(n) ? generateCase(seed, Number(n)) : handCases().find((c) => c.id === n)));
  }
  return fs.readFileSync(source, "utf8").trim().split("\n").map((l) => JSON.parse(l).case);
}

const target = await startTarget();
const oracle = await oracleClient(version);
const wire = await wireClient(version, target.url);
const oraclePeer = await oracleClient(version);
const wirePeer = await wireClient(version, target.url);
let serial = 0;

async function diffsOf(c) {
  const name = `min_${process.pid}_${serial++}`;
  const expected = await runCase(oracle.client, c, name, { peer: oraclePeer.client, newSession: () => oracleClient(version), freshAlternatives: true });
  if (expected.some((o) => o.label === "ABORTED")) return [];
  const actual = await runCase(wire.client, c, name, {
    pushHints: pushHintsOf(expected),
    peer: wirePeer.client,
    newSession: () => wireClient(version, target.url),
  });
  return diffObservations(expected, actual);
}

const clone = (x) => structuredClone(x);
const withoutIndex = (list, i) => list.filter((_, j) => j !== i);

function dropColumn(c, col) {
  const n = clone(c);
  delete n.table.schema[col];
  const strip = (rows) => (Array.isArray(rows) ? rows.map((r) => (r && typeof r === "object" ? (delete r[col], r) : r)) : rows);
  n.table.data = strip(n.table.data);
  for (const s of n.steps) s.data = strip(s.data);
  for (const v of n.views) {
    const cfg = v.config;
    if (cfg.columns) cfg.columns = cfg.columns.filter((x) => x !== col);
    if (cfg.sort) cfg.sort = cfg.sort.filter((x) => x[0] !== col);
    if (cfg.filter) cfg.filter = cfg.filter.filter((x) => x[0] !== col);
    if (cfg.aggregates) delete cfg.aggregates[col];
  }
  return n;
}

function* candidates(c) {
  for (let i = 0; i < c.views.length && c.views.length > 1; i++) yield { ...clone(c), views: withoutIndex(c.views, i) };
  for (let i = 0; i < c.steps.length; i++) yield { ...clone(c), steps: withoutIndex(c.steps, i) };
  for (let i = 0; i < c.views.length; i++) {
    const v = c.views[i];
    if (v.reads.length > 1) {
      for (let r = 0; r < v.reads.length; r++) { const n = clone(c); n.views[i].reads = [v.reads[r]]; yield n; }
    }
    if (v.reads.length) { const n = clone(c); n.views[i].reads = []; yield n; }
    if (v.onUpdate) { const n = clone(c); n.views[i].onUpdate = null; yield n; }
    for (const key of Object.keys(v.config)) {
      const value = v.config[key];
      if (Array.isArray(value) && value.length > 1) {
        for (let j = 0; j < value.length; j++) { const n = clone(c); n.views[i].config[key] = withoutIndex(value, j); yield n; }
      }
      const n = clone(c); delete n.views[i].config[key]; yield n;
    }
  }
  const rows = c.table.data;
  for (let size = Math.floor(rows.length / 2); size >= 1; size = Math.floor(size / 2)) {
    for (let start = 0; start < rows.length; start += size) {
      const n = clone(c); n.table.data = rows.filter((_, j) => j < start || j >= start + size); yield n;
    }
  }
  for (let s = 0; s < c.steps.length; s++) {
    const data = c.steps[s].data;
    if (!Array.isArray(data)) continue;
    for (let j = 0; j < data.length && data.length > 1; j++) { const n = clone(c); n.steps[s].data = withoutIndex(data, j); yield n; }
    if (c.steps[s].port) { const n = clone(c); n.steps[s].port = false; yield n; }
    if (c.steps[s].asColumns) { const n = clone(c); n.steps[s].asColumns = false; yield n; }
    if (c.steps[s].asArrow) { const n = clone(c); n.steps[s].asArrow = false; yield n; }
  }
  for (const col of Object.keys(c.table.schema)) if (col !== c.table.index && Object.keys(c.table.schema).length > 1) yield dropColumn(c, col);
  if (c.table.limit) { const n = clone(c); delete n.table.limit; yield n; }
  if (c.table.init !== "schema") { const n = clone(c); n.table.init = "schema"; yield n; }
}

async function minimize(c) {
  const first = await diffsOf(c);
  if (!first.length) return null;
  const kind = kindOf(first[0].label);
  let best = c;
  let bestDiffs = first;
  let progress = true;
  while (progress) {
    progress = false;
    for (const cand of candidates(best)) {
      const d = await diffsOf(cand);
      if (d.some((x) => kindOf(x.label) === kind)) {
        best = cand; bestDiffs = d; progress = true;
        break;
      }
    }
  }
  return { kind, case: best, diffs: bestDiffs.filter((x) => kindOf(x.label) === kind).slice(0, 3) };
}

const cases = loadCases().slice(0, Number(maxCases));
for (const c of cases) {
  const r = await minimize(c);
  if (!r) { console.log(JSON.stringify({ id: c.id, minimized: null })); continue; }
  console.log(JSON.stringify({ id: c.id, kind: r.kind, table: r.case.table, views: r.case.views.map((v) => ({ config: v.config, reads: v.reads, onUpdate: v.onUpdate })), steps: r.case.steps, diffs: r.diffs }));
}
for (const side of [wire, wirePeer, oracle, oraclePeer]) await side.close();
await target.stop();
process.exit(0);
