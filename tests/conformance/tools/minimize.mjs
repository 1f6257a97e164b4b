// Shrinks failing cases to minimal reproducers (greedy delta debugging, lib/shrink.mjs):
// drops views, steps, rows, columns, config terms and reads while a difference of the
// same kind remains. Usage (target chosen like the tests: CHVIEW_BIN / CONFORMANCE_TARGET
// / CONFORMANCE_URL):
//   node tests/conformance/tools/minimize.mjs <report.jsonl> [maxCases]
//   node tests/conformance/tools/minimize.mjs <seed>:<case>[,<case>...]          flat corpus
//   node tests/conformance/tools/minimize.mjs pivot:<seed>:<case>[,<case>...]    pivot corpus
// Flat cases use the first client of CONFORMANCE_CLIENTS (default 5.5.1); pivot cases
// carry their client. CONFORMANCE_SHRINK_KIND (e.g. to_csv) picks the kind of difference
// to keep, CONFORMANCE_SHRINK_MAX bounds the runs per case. One JSON line per case is printed; pivot lines can be replayed with
// CONFORMANCE_PIVOT_REPLAY=<file of such lines> node --test tests/conformance/pivot.test.mjs
import fs from "node:fs";
import { oracleClient, oracleServer, wireClient } from "../lib/clients.mjs";
import { startTarget } from "../lib/target.mjs";
import { generateCase } from "../lib/generate.mjs";
import { generatePivotCase } from "../lib/generate_pivot.mjs";
import { engineAggregates } from "../lib/features.mjs";
import { handCases } from "../lib/cases.mjs";
import { runCase, pushHintsOf } from "../lib/runner.mjs";
import { diffObservations } from "../lib/diff.mjs";
import { PivotSides, runPivotPair } from "../lib/pivot_harness.mjs";
import { shrinkCase } from "../lib/shrink.mjs";

const [source, maxCases = "1000000"] = process.argv.slice(2);
const version = process.env.CONFORMANCE_CLIENTS?.split(",")[0] || "5.5.1";
const pivotClients = (process.env.CONFORMANCE_CLIENTS || "5.5.1,4.3.0").split(",");
process.setMaxListeners(0); // every replaced oracle engine adds exit listeners

async function loadCases() {
  if (!fs.existsSync(source) && source.startsWith("pivot:")) {
    const [, seed, list] = source.split(":");
    const aggregates = await engineAggregates(await oracleServer());
    return list.split(",").map((n) => generatePivotCase(seed, Number(n), { aggregates, client: pivotClients[Number(n) % pivotClients.length], updateNulls: process.env.CONFORMANCE_PIVOT_UPDATE_NULLS !== "0" }));
  }
  if (!fs.existsSync(source) && source.includes(":")) {
    const [seed, list] = source.split(":");
    return list.split(",").map((n) => (/^\d+$/.test(n) ? generateCase(seed, Number(n)) : handCases().find((c) => c.id === n)));
  }
  return fs.readFileSync(source, "utf8").trim().split("\n").map((l) => {
    const j = JSON.parse(l);
    return j.case ?? j;
  });
}

const cases = (await loadCases()).slice(0, Number(maxCases));
const target = await startTarget();
const oracle = await oracleClient(version);
const wire = await wireClient(version, target.url);
const oraclePeer = await oracleClient(version);
const wirePeer = await wireClient(version, target.url);
const pivotSides = new PivotSides(target.url);
let serial = 0;

async function diffsOf(c) {
  const name = `min_${process.pid}_${serial++}`;
  if (c.client) {
    const r = await runPivotPair(c, pivotSides, name);
    if (r.dropped) await pivotSides.reconnect(c.client);
    return r.status === "compared" ? r.diffs : [];
  }
  const expected = await runCase(oracle.client, c, name, { peer: oraclePeer.client, newSession: () => oracleClient(version), freshAlternatives: true });
  if (expected.some((o) => o.label === "ABORTED")) return [];
  const actual = await runCase(wire.client, c, name, {
    pushHints: pushHintsOf(expected),
    peer: wirePeer.client,
    newSession: () => wireClient(version, target.url),
  });
  return diffObservations(expected, actual);
}

for (const c of cases) {
  // CONFORMANCE_SHRINK_KIND=to_csv keeps that kind of difference (default: the first one's).
  const r = await shrinkCase(c, diffsOf, { kind: process.env.CONFORMANCE_SHRINK_KIND || null, maxEvaluations: Number(process.env.CONFORMANCE_SHRINK_MAX || 2000) });
  if (!r) {
    console.log(JSON.stringify({ id: c.id, minimized: null }));
    continue;
  }
  const m = r.case;
  const views = m.views.map((v) => ({ config: v.config, reads: v.reads, onUpdate: v.onUpdate, ...(v.minMax ? { minMax: true } : {}) }));
  console.log(JSON.stringify({ id: c.id, ...(m.client ? { client: m.client } : {}), kind: r.kind, table: m.table, views, steps: m.steps, diffs: r.diffs.slice(0, 3) }));
}
for (const side of [wire, wirePeer, oracle, oraclePeer]) await side.close();
await pivotSides.close();
await target.stop();
process.exit(0);
