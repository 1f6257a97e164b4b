// Compares oracle and wire observations and formats reproducers and grouped summaries.

function keyed(obs) {
  const seen = new Map();
  const out = new Map();
  for (const o of obs) {
    const n = (seen.get(o.label) || 0) + 1;
    seen.set(o.label, n);
    out.set(n === 1 ? o.label : `${o.label} #${n}`, o);
  }
  return out;
}

// An oracle observation may carry `alt` (the answer of a freshly built reference view);
// the wire side may match either. `stats.fresh` counts answers accepted only via alt.
export function diffObservations(oracle, wire, stats = {}) {
  const a = keyed(oracle);
  const b = keyed(wire);
  const diffs = [];
  for (const [label, o] of a) {
    const actual = b.has(label) ? b.get(label).value : "<missing>";
    if (actual === o.value) continue;
    if (o.alt !== undefined && actual === o.alt) {
      stats.fresh = (stats.fresh || 0) + 1;
      continue;
    }
    diffs.push({ label, expected: o.alt === undefined ? o.value : `${o.value}\n  (or, as a view built after the step: ${o.alt})`, actual });
  }
  for (const [label, w] of b) {
    if (!a.has(label)) diffs.push({ label, expected: "<missing>", actual: w.value });
  }
  return diffs;
}

// "step 2 (update) view 1 to_csv({...})" → "to_csv"; used to group differences.
export function kindOf(label) {
  let k = label.replace(/ #\d+$/, "");
  k = k.replace(/^(initial|step \d+ \(\w+\)) /, "");
  k = k.replace(/^view \d+ /, "");
  k = k.replace(/\(.*\)$/, "");
  return k;
}

const clip = (s, n = Number(process.env.CONFORMANCE_PRINT_CHARS || 1500)) =>
  s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;

export function formatFailure(version, c, diffs, maxDiffs = 6) {
  const rerun = c.caseIndex !== undefined
    ? `CONFORMANCE_SEED=${c.seed} CONFORMANCE_ONLY=${c.caseIndex} CONFORMANCE_CLIENTS=${version}`
    : `CONFORMANCE_ONLY=${c.id} CONFORMANCE_CLIENTS=${version}`;
  const lines = [
    `=== ${c.id}, client ${version}: ${diffs.length} difference(s)   rerun: ${rerun} node --test tests/conformance/conformance.test.mjs`,
    `table: ${JSON.stringify({ schema: c.table.schema, index: c.table.index, limit: c.table.limit, init: c.table.init })}`,
    `data:  ${clip(JSON.stringify(c.table.data))}`,
  ];
  c.views.forEach((v, i) => lines.push(`view ${i}: ${JSON.stringify(v.config)}  on_update: ${v.onUpdate}`));
  c.steps.forEach((s, i) => lines.push(`step ${i + 1}: ${clip(JSON.stringify(s))}`));
  for (const d of diffs.slice(0, maxDiffs)) {
    lines.push(`--- ${d.label}`, `  oracle: ${clip(d.expected)}`, `  wire:   ${clip(d.actual)}`);
  }
  if (diffs.length > maxDiffs) lines.push(`... and ${diffs.length - maxDiffs} more`);
  return lines.join("\n");
}

export class Summary {
  constructor() {
    this.kinds = new Map();
    this.failedCases = 0;
    this.cases = 0;
  }
  add(version, c, diffs) {
    this.cases++;
    if (!diffs.length) return;
    this.failedCases++;
    for (const d of diffs) {
      const kind = kindOf(d.label);
      if (!this.kinds.has(kind)) this.kinds.set(kind, { count: 0, cases: new Set(), example: `${c.id} (${version}): ${d.label}` });
      const k = this.kinds.get(kind);
      k.count++;
      k.cases.add(`${c.id}/${version}`);
    }
  }
  format() {
    const rows = [...this.kinds.entries()].sort((x, y) => y[1].cases.size - x[1].cases.size);
    const lines = [`${this.failedCases} of ${this.cases} case runs differ. Differences by observation kind:`];
    for (const [kind, k] of rows) lines.push(`  ${kind}: ${k.count} diffs in ${k.cases.size} case runs, e.g. ${k.example}`);
    return lines.join("\n");
  }
}
