// Differential conformance of grouped/pivoted views: seeded random tables × random
// group_by/split_by configs × random update and tree steps, every answer compared with
// Perspective 5.5.1's engine in-process, through the 5.5.1 and 4.3.0 clients
// (round-robin by case number). See README.md ("Pivot corpus") for the variables.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { VERSIONS, oracleServer } from "./lib/clients.mjs";
import { startTarget, describeTarget } from "./lib/target.mjs";
import { engineAggregates } from "./lib/features.mjs";
import { generatePivotCase } from "./lib/generate_pivot.mjs";
import { PivotSides, runPivotPair } from "./lib/pivot_harness.mjs";
import { formatFailure, kindOf, Summary } from "./lib/diff.mjs";
import { shrinkCase } from "./lib/shrink.mjs";

const env = process.env;
const SEED = env.CONFORMANCE_SEED || "20261124";
const CASES = Number(env.CONFORMANCE_PIVOT_CASES || 2000);
const CLIENTS = (env.CONFORMANCE_CLIENTS || "5.5.1,4.3.0").split(",").map((s) => s.trim());
const ONLY = env.CONFORMANCE_ONLY ? env.CONFORMANCE_ONLY.split(",").map((s) => Number(s.trim())) : null;
const REPLAY = env.CONFORMANCE_PIVOT_REPLAY;
const UPDATE_NULLS = env.CONFORMANCE_PIVOT_UPDATE_NULLS !== "0";
const CONCURRENCY = Number(env.CONFORMANCE_PIVOT_CONCURRENCY || 8);
const FRESH = env.CONFORMANCE_PIVOT_FRESH !== "0";
const MAX_PRINTED = Number(env.CONFORMANCE_MAX_PRINTED || 4);
const MAX_SHRUNK = Number(env.CONFORMANCE_PIVOT_SHRINK ?? 2);
const REPORT = env.CONFORMANCE_REPORT;
const RUN = Math.random().toString(36).slice(2, 8);

// The ratchet: (client|case id → kinds of difference) for the default seed and size.
const KNOWN_FILE = new URL("./known_pivot_differences.json", import.meta.url);
const DEFAULT_CORPUS = !env.CONFORMANCE_SEED && !env.CONFORMANCE_PIVOT_CASES && !ONLY && !REPLAY && !env.CONFORMANCE_CLIENTS && UPDATE_NULLS;
const STRICT = env.CONFORMANCE_STRICT === "1" || !DEFAULT_CORPUS;
const WRITE_KNOWN = env.CONFORMANCE_WRITE_KNOWN === "1";
const KNOWN = !STRICT && !WRITE_KNOWN && fs.existsSync(KNOWN_FILE) ? JSON.parse(fs.readFileSync(KNOWN_FILE, "utf8")) : {};

// The engine logs expected tree-walk failures of its own ("failed because of t_stnode…",
// "Cannot expand past 2") and the client logs "Closing WebSocket": thousands of lines
// per run that say nothing about the comparison.
const ENGINE_NOISE = /^(failed because of t_stnode|Cannot expand past|Closing WebSocket)/;
for (const method of ["log", "error", "warn", "debug"]) {
  const original = console[method].bind(console);
  console[method] = (...args) => {
    if (!(typeof args[0] === "string" && ENGINE_NOISE.test(args[0]))) original(...args);
  };
}

for (const v of CLIENTS) assert.ok(VERSIONS.includes(v), `unknown client ${v}; known: ${VERSIONS.join(", ")}`);

let target;
before(async () => {
  target = await startTarget();
});
after(async () => {
  await target?.stop();
});

function rerunLine(c) {
  if (c.caseIndex === undefined) return null;
  const clients = env.CONFORMANCE_CLIENTS ? `CONFORMANCE_CLIENTS=${env.CONFORMANCE_CLIENTS} ` : "";
  return `CONFORMANCE_SEED=${c.seed} CONFORMANCE_ONLY=${c.caseIndex} ${clients}node --test tests/conformance/pivot.test.mjs`;
}

function loadReplay() {
  const text = fs.existsSync(REPLAY) ? fs.readFileSync(REPLAY, "utf8") : REPLAY;
  return text.trim().split("\n").map((line) => {
    const j = JSON.parse(line);
    return j.case ?? j;
  });
}

test(`pivot conformance against ${describeTarget()} (seed ${SEED}, ${REPLAY ? "replay" : ONLY ? `cases ${ONLY.join(",")}` : `${CASES} compared cases`}, clients ${CLIENTS.join(",")})`, async (t) => {
  const aggregates = await engineAggregates(await oracleServer());
  const caseFor = (i) => generatePivotCase(SEED, i, { aggregates, client: CLIENTS[i % CLIENTS.length], updateNulls: UPDATE_NULLS });
  const queue = REPLAY ? loadReplay() : (ONLY ?? [...Array(CASES).keys()]).map(caseFor);
  let nextExtra = ONLY || REPLAY ? null : CASES;

  const summary = new Summary();
  const stats = {};
  const failures = [];
  const crashes = [];
  const knownDiffering = [];
  const nowMatching = [];
  const observedKnown = {};
  let compared = 0;
  let serverDied = null;
  const started = Date.now();

  const worker = async () => {
    const sides = new PivotSides(target.url);
    try {
      while (queue.length && !serverDied) {
        const c = queue.shift();
        const name = `pv_${RUN}_${String(c.caseIndex ?? "r")}_${Math.random().toString(36).slice(2, 6)}`;
        const r = await runPivotPair(c, sides, name, { fresh: FRESH, stats });
        if (r.status === "oracle-crash") {
          // Not compared; another generated case takes its place.
          crashes.push(`${c.client}|${c.id}: ${r.reason}`);
          if (nextExtra !== null) queue.push(caseFor(nextExtra++));
          continue;
        }
        compared++;
        summary.add(c.client, c, r.diffs);
        const key = `${c.client}|${c.id}`;
        if (r.diffs.length) {
          observedKnown[key] = [...new Set(r.diffs.map((d) => kindOf(d.label)))].sort().join(", ");
          if (KNOWN[key]) knownDiffering.push(key);
          else failures.push({ c, diffs: r.diffs });
        } else if (KNOWN[key]) {
          nowMatching.push(key);
        }
        if (target.alive && !target.alive()) {
          serverDied = `server process exited during ${c.id}:\n${target.output().slice(-3000)}`;
          failures.push({ c, diffs: [{ label: "server process", expected: "running", actual: serverDied }] });
        } else if (r.dropped) {
          await sides.reconnect(c.client);
        }
      }
    } finally {
      await sides.close();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  // A difference must reproduce: an unlisted case is run once more on fresh connections,
  // and one that then matches is reported (not failed) — a few cases differ in some runs
  // only (split-column order after updates; see tests/conformance/README.md).
  const unreproduced = [];
  if (!WRITE_KNOWN && !serverDied && failures.length > 0 && failures.length <= 20) {
    const sides = new PivotSides(target.url);
    for (const f of [...failures]) {
      const r = await runPivotPair(f.c, sides, `pv_${RUN}_again_${unreproduced.length}_${f.c.caseIndex ?? "r"}`);
      if (r.dropped) await sides.reconnect(f.c.client);
      if (r.status === "compared" && r.diffs.length === 0) {
        unreproduced.push(`${f.c.client}|${f.c.id}`);
        failures.splice(failures.indexOf(f), 1);
      }
    }
    await sides.close();
  }
  if (WRITE_KNOWN) fs.writeFileSync(KNOWN_FILE, JSON.stringify(Object.fromEntries(Object.entries(observedKnown).sort()), null, 1) + "\n");
  if (REPORT) fs.writeFileSync(REPORT, failures.map((f) => JSON.stringify({ version: f.c.client, case: f.c, diffs: f.diffs })).join("\n") + "\n");

  // node:test escapes newlines inside one diagnostic: one call per line.
  const say = (text) => text.split("\n").forEach((line) => t.diagnostic(line));
  say(`${compared} cases compared in ${seconds} s (${CONCURRENCY} workers); ${stats.fresh || 0} answers matched only a freshly built reference view (the reference's live view answered otherwise)`);
  say(`${crashes.length} cases not compared because the 5.5.1 engine crashed on them (engine replaced, cases not counted; as many extra cases were run)${crashes.map((x) => `\n  ${x}`).join("")}`);
  if (!STRICT) {
    const byKind = new Map();
    for (const key of knownDiffering) {
      for (const kind of KNOWN[key].split(", ")) byKind.set(kind, [...(byKind.get(kind) || []), key.replace(/\|.* case /, ":")]);
    }
    say(`known differences (known_pivot_differences.json): ${Object.keys(KNOWN).length} case runs listed, ${knownDiffering.length} seen differing in this run; listed kinds → cases:`);
    for (const [kind, keys] of [...byKind].sort((a, b) => b[1].length - a[1].length)) {
      const shown = keys.sort((a, b) => a.localeCompare(b, "en", { numeric: true })).slice(0, 40);
      say(`  ${kind} (${keys.length} client:case): ${shown.join(" ")}${keys.length > shown.length ? ` … and ${keys.length - shown.length} more` : ""}`);
    }
    if (nowMatching.length) {
      const shown = nowMatching.map((k) => k.replace(/\|.* case /, ":")).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
      say(`${nowMatching.length} listed case runs now match, shrink the list (CONFORMANCE_WRITE_KNOWN=1): ${shown.slice(0, 40).join(" ")}${shown.length > 40 ? " …" : ""}`);
    }
  }
  if (unreproduced.length) say(`${unreproduced.length} unlisted differing case(s) matched when run again (not failed): ${unreproduced.join(" ")}`);
  if (summary.failedCases) say(summary.format());
  assert.ok(ONLY || REPLAY || compared >= CASES || serverDied, `only ${compared} of ${CASES} cases were compared`);

  // Write mode records the differences as the new list instead of failing on them.
  const unexpected = WRITE_KNOWN ? failures.filter((f) => f.diffs.some((d) => d.label === "server process")) : failures;
  if (WRITE_KNOWN) say(`wrote ${Object.keys(observedKnown).length} differing case runs to known_pivot_differences.json`);
  if (unexpected.length) {
    const failures = unexpected;
    const printed = failures.slice(0, MAX_PRINTED).map((f) => {
      const line = rerunLine(f.c);
      return formatFailure(f.c.client, f.c, f.diffs).replace(/rerun: .*$/m, line ? `rerun: ${line}` : "");
    });
    // Minimal reproducers of the first failures: shrink while a difference of the same
    // kind remains, then print the JSON and a command that replays exactly it.
    const shrunk = [];
    if (!serverDied) {
      const sides = new PivotSides(target.url);
      let serial = 0;
      for (const f of failures.slice(0, MAX_SHRUNK)) {
        const diffsOf = async (cand) => {
          const r = await runPivotPair(cand, sides, `pv_${RUN}_min_${serial++}`);
          if (r.dropped) await sides.reconnect(cand.client);
          return r.status === "compared" ? r.diffs : [];
        };
        const m = await shrinkCase(f.c, diffsOf, { kind: kindOf(f.diffs[0].label), maxEvaluations: 400 });
        if (m) shrunk.push({ ...m, case: { ...m.case, id: `${f.c.id} (minimized)` } });
      }
      await sides.close();
    }
    const file = path.join(os.tmpdir(), `chview-pivot-repro-${RUN}.jsonl`);
    if (shrunk.length) fs.writeFileSync(file, shrunk.map((m) => JSON.stringify(m.case)).join("\n") + "\n");
    const minimal = shrunk.map((m) =>
      [`=== minimal reproducer of ${m.case.id} (${m.kind}, ${m.evaluations} runs):`, JSON.stringify(m.case), ...m.diffs.slice(0, 2).map((d) => `--- ${d.label}\n  oracle: ${d.expected.slice(0, 800)}\n  wire:   ${d.actual.slice(0, 800)}`)].join("\n"),
    );
    const replay = shrunk.length ? `\nReplay the minimal cases: CONFORMANCE_PIVOT_REPLAY=${file} node --test tests/conformance/pivot.test.mjs` : "";
    assert.fail(`${failures.length} case(s) differ and are not in known_pivot_differences.json.\n${summary.format()}\n\n${minimal.join("\n\n")}${replay}\n\nFirst ${printed.length} full cases:\n\n${printed.join("\n\n")}`);
  }
});
