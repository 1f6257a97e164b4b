// Groups minimal reproducers (the JSON lines tools/minimize.mjs prints) into categories:
// which output differs × what the minimized case still needs (view shape, aggregates,
// sort ops, filter, rollup mode, depth, tree and update steps, table kind). Prints each
// category with its count and its smallest reproducer.
//   node tests/conformance/tools/categorize.mjs minimized.jsonl [examplesPerCategory]
import fs from "node:fs";

const [file, perCategory = "1"] = process.argv.slice(2);
const lines = fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));

function shapeOf(cfg) {
  const g = cfg.group_by?.length || 0;
  const s = cfg.split_by?.length || 0;
  if (g && s) return "pivoted";
  if (g) return "grouped";
  if (s) return "split-only";
  return "flat";
}

// Coarse on purpose (shape, aggregates, sort ops, rollup, tree steps, whether data
// changed): finer keys (types, table kind) would give one category per reproducer.
function featuresOf(m) {
  const f = new Set();
  for (const v of m.views) {
    const cfg = v.config;
    f.add(shapeOf(cfg));
    for (const agg of Object.values(cfg.aggregates || {})) f.add(`agg ${Array.isArray(agg) ? agg[0] : agg}`);
    for (const [, op] of cfg.sort || []) f.add(`sort ${op.startsWith("col") ? "col" : "row"}`);
    if (cfg.filter?.length) f.add("filter");
    if (cfg.group_rollup_mode && cfg.group_rollup_mode !== "rollup") f.add(`rollup ${cfg.group_rollup_mode}`);
    if (cfg.split_rollup_mode) f.add(`split_rollup ${cfg.split_rollup_mode}`);
    if (cfg.group_by_depth !== undefined) f.add("group_by_depth");
  }
  for (const s of m.steps) f.add(["update", "remove"].includes(s.op) ? "after data steps" : s.op);
  return [...f].sort();
}

const groups = new Map();
let unminimized = 0;
for (const m of lines) {
  if (!m.kind) {
    unminimized++;
    continue;
  }
  const kind = m.kind.replace(/\(.*\)$/, "");
  const key = `${kind} | ${featuresOf(m).join(", ")}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(m);
}
const sorted = [...groups].sort((a, b) => b[1].length - a[1].length);
console.log(`${lines.length} reproducers, ${groups.size} categories${unminimized ? `, ${unminimized} not reproducible` : ""}\n`);
for (const [key, list] of sorted) {
  console.log(`## ${list.length} × ${key}`);
  const examples = [...list].sort((a, b) => JSON.stringify(a).length - JSON.stringify(b).length).slice(0, Number(perCategory));
  for (const m of examples) {
    const { diffs, ...repro } = m;
    console.log(JSON.stringify(repro));
    const d = diffs?.[0];
    if (d) console.log(`  ${d.label}\n  oracle: ${d.expected.slice(0, 400)}\n  wire:   ${d.actual.slice(0, 400)}`);
  }
  console.log();
}
