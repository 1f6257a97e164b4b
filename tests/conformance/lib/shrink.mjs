// Greedy delta debugging of a failing case: tries smaller variants (fewer views, steps,
// rows, columns, config terms, reads) and keeps the first one that still shows a
// difference of the same kind, until no candidate does. Used by tools/minimize.mjs and
// by pivot.test.mjs to print minimal reproducers.
import { kindOf } from "./diff.mjs";

const clone = (x) => structuredClone(x);
const withoutIndex = (list, i) => list.filter((_, j) => j !== i);

// Removes a column everywhere: schema, data, view configs (incl. aggregate arguments).
export function dropColumn(c, col) {
  const n = clone(c);
  delete n.table.schema[col];
  const strip = (rows) => (Array.isArray(rows) ? rows.map((r) => (r && typeof r === "object" ? (delete r[col], r) : r)) : rows);
  n.table.data = strip(n.table.data);
  for (const s of n.steps) if (s.data !== undefined) s.data = strip(s.data);
  for (const v of n.views) {
    const cfg = v.config;
    for (const key of ["columns", "group_by", "split_by"]) if (cfg[key]) cfg[key] = cfg[key].filter((x) => x !== col);
    if (cfg.sort) cfg.sort = cfg.sort.filter((x) => x[0] !== col);
    if (cfg.filter) cfg.filter = cfg.filter.filter((x) => x[0] !== col);
    if (cfg.aggregates) {
      delete cfg.aggregates[col];
      for (const [k, a] of Object.entries(cfg.aggregates)) if (Array.isArray(a) && a[1]?.includes(col)) delete cfg.aggregates[k];
    }
  }
  return n;
}

export function* candidates(c) {
  for (let i = 0; i < c.views.length && c.views.length > 1; i++) {
    // Tree steps address views by position: drop theirs, renumber the others.
    const n = clone(c);
    n.views = withoutIndex(c.views, i);
    n.steps = n.steps.filter((s) => s.view === undefined || s.view !== i).map((s) => (s.view > i ? { ...s, view: s.view - 1 } : s));
    yield n;
  }
  for (let i = 0; i < c.steps.length; i++) yield { ...clone(c), steps: withoutIndex(c.steps, i) };
  for (let i = 0; i < c.views.length; i++) {
    const v = c.views[i];
    if (v.reads.length > 1) {
      for (let r = 0; r < v.reads.length; r++) { const n = clone(c); n.views[i].reads = [v.reads[r]]; yield n; }
    }
    if (v.reads.length) { const n = clone(c); n.views[i].reads = []; yield n; }
    if (v.onUpdate) { const n = clone(c); n.views[i].onUpdate = null; yield n; }
    if (v.minMax) { const n = clone(c); n.views[i].minMax = false; yield n; }
    for (const key of Object.keys(v.config)) {
      const value = v.config[key];
      if (Array.isArray(value) && value.length > 1) {
        for (let j = 0; j < value.length; j++) { const n = clone(c); n.views[i].config[key] = withoutIndex(value, j); yield n; }
      }
      if (value && typeof value === "object" && !Array.isArray(value)) {
        for (const k of Object.keys(value)) { const n = clone(c); delete n.views[i].config[key][k]; yield n; }
      }
      // A pivot view keeps at least one of group_by/split_by (else it is a flat case).
      const other = key === "group_by" ? "split_by" : key === "split_by" ? "group_by" : null;
      if (other && !v.config[other]?.length) continue;
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

// diffsOf(case) → diffs (an empty list when the candidate shows none or is unusable).
// Returns { kind, case, diffs, evaluations } or null if the case shows no difference.
// maxEvaluations bounds the work (the best case so far is returned when it runs out).
export async function shrinkCase(c, diffsOf, { kind = null, maxEvaluations = Infinity } = {}) {
  const first = await diffsOf(c);
  if (!first.length) return null;
  const wanted = kind ?? kindOf(first[0].label);
  if (!first.some((x) => kindOf(x.label) === wanted)) return null;
  let best = c;
  let bestDiffs = first.filter((x) => kindOf(x.label) === wanted);
  if (!bestDiffs.length) return { kind: wanted, case: c, diffs: first, evaluations: 1 };
  let evaluations = 1;
  let progress = true;
  while (progress && evaluations < maxEvaluations) {
    progress = false;
    for (const cand of candidates(best)) {
      if (++evaluations > maxEvaluations) break;
      const d = (await diffsOf(cand)).filter((x) => kindOf(x.label) === wanted);
      if (d.length) {
        best = cand;
        bestDiffs = d;
        progress = true;
        break;
      }
    }
  }
  return { kind: wanted, case: best, diffs: bestDiffs, evaluations };
}
