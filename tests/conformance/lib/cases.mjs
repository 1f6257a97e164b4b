// Hand-written cases: the spec's worked examples (§3.11, §5.2, §5.3) and edge cases the
// generator reaches rarely (every filter op per type, coercion, formatting, errors).
import { FILTER_OPS } from "./generate.mjs";
import { Prng } from "./prng.mjs";
import { randomValue } from "./values.mjs";

const FULL_READS = [
  { fn: "to_columns_string", args: {} },
  { fn: "to_columns_string", args: { id: true } },
  { fn: "to_columns_string", args: { index: true } },
  { fn: "to_columns_string", args: { formatted: true } },
  { fn: "to_columns_string", args: { id: true, index: true, formatted: true } },
  { fn: "to_json_string", args: {} },
  { fn: "to_json_string", args: { id: true, index: true, formatted: true } },
  { fn: "to_ndjson", args: {} },
  { fn: "to_ndjson", args: { id: true, formatted: true } },
  { fn: "to_csv", args: {} },
  { fn: "to_arrow", args: {} },
];
const BRIEF_READS = [
  { fn: "to_columns_string", args: { id: true } },
  { fn: "to_csv", args: {} },
  { fn: "to_arrow", args: {} },
];
const VIEWPORTS = [
  { start_row: 1, end_row: 3 },
  { start_row: 100 },
  { start_row: 3, end_row: 1 },
  { end_row: 100, end_col: 100 },
  { start_col: 1, end_col: 2 },
  { start_col: 5 },
  { start_col: 2, end_col: 1 },
  { start_row: 1.5, end_row: 2.7 },
  { start_row: 0, end_row: 0 },
];

const view = (config, { reads = FULL_READS, onUpdate = null } = {}) => ({ config, reads, onUpdate });
const mk = (id, table, views, steps = []) => ({ id, table: { init: "schema", data: [], ...table }, views, steps });

const EXAMPLE_SCHEMA = { id: "integer", k: "string", c: "string", v: "integer", f: "float", d: "date", t: "datetime", b: "boolean" };
const EXAMPLE_ROWS = [
  { id: 1, k: "a", c: "x", v: 10, f: 1.5, d: "2024-01-01", t: "2024-01-01T10:00:00Z", b: true },
  { id: 2, k: "b", c: "x", v: 20, f: 2.5, d: "2024-01-02", t: "2024-01-02T11:30:00Z", b: false },
  { id: 3, k: "a", c: "y", v: 30, f: null, d: "2024-01-03", t: "2024-01-03T12:00:00.123Z", b: true },
  { id: 4, k: "b", c: "y", v: 40, f: 4.0, d: null, t: null, b: null },
];

// Six columns with nulls, case variants, negatives: the table for filter and sort cases.
const MIXED_SCHEMA = { s: "string", i: "integer", f: "float", b: "boolean", d: "date", t: "datetime" };
const MIXED_ROWS = [
  { s: "abc", i: 3, f: 1.5, b: true, d: "2024-01-01", t: 1704103200000 },
  { s: "Abc", i: -3, f: -1.5, b: false, d: "2024-01-02", t: 1704195000000 },
  { s: "ABC", i: 0, f: 0.1, b: true, d: "1969-12-31", t: -1000 },
  { s: null, i: null, f: null, b: null, d: null, t: null },
  { s: "", i: 7, f: -7.25, b: false, d: "2024-01-01", t: 1704103200000 },
  { s: "héllo wörld", i: 3, f: 1e21, b: true, d: "2000-02-29", t: 0 },
  { s: "b", i: -7, f: 2.5, b: null, d: "2024-12-31", t: 1704283200123 },
  { s: "xabcx", i: 2147483647, f: -0.5, b: false, d: "1970-01-01", t: 1704067200000 },
];

function filterValues(type) {
  switch (type) {
    case "string": return ["abc", "ABC", "b", "", "zzz", "é", null];
    case "integer": return [3, -3, 0, 2.7, "3", null];
    case "float": return [1.5, -1.5, 0, 0.1, 1e21, null];
    case "boolean": return [true, false, null];
    case "date": return ["2024-01-01", "1969-12-31", 1704067200000, null];
    case "datetime": return [1704103200000, "2024-01-01 10:00:00", "2024-01-01T10:00:00Z", -1000, null];
  }
}

function filterCases() {
  const cases = [];
  for (const [column, type] of Object.entries(MIXED_SCHEMA)) {
    const views = [];
    for (const op of FILTER_OPS[type]) {
      if (op === "is null" || op === "is not null") {
        views.push(view({ filter: [[column, op, null]] }, { reads: BRIEF_READS }));
        continue;
      }
      if (op === "in" || op === "not in") {
        views.push(view({ filter: [[column, op, ["abc", "b", "nope"]]] }, { reads: BRIEF_READS }));
        views.push(view({ filter: [[column, op, ["ABC"]]] }, { reads: BRIEF_READS }));
        continue;
      }
      if (op === "matches" || op === "not matches") {
        for (const re of ["^a", "c$", "(?i)^abc$", "b", "[[:upper:]]"]) views.push(view({ filter: [[column, op, re]] }, { reads: BRIEF_READS }));
        continue;
      }
      for (const value of filterValues(type)) views.push(view({ filter: [[column, op, value]] }, { reads: BRIEF_READS }));
    }
    for (let start = 0; start < views.length; start += 12) {
      cases.push(mk(`filters-${type}-${start / 12}`, { schema: MIXED_SCHEMA, data: MIXED_ROWS }, views.slice(start, start + 12)));
    }
  }
  cases.push(mk("filter-aliases-and-combinations", { schema: MIXED_SCHEMA, data: MIXED_ROWS }, [
    view({ filter: [["s", "startswith", "a"]] }, { reads: BRIEF_READS }),
    view({ filter: [["s", "endswith", "C"]] }, { reads: BRIEF_READS }),
    view({ filter: [["s", "not startswith", "a"]] }, { reads: BRIEF_READS }),
    view({ filter: [["s", "not endswith", "c"]] }, { reads: BRIEF_READS }),
    view({ filter: [["s", "is None", null]] }, { reads: BRIEF_READS }),
    view({ filter: [["s", "is not None", null]] }, { reads: BRIEF_READS }),
    view({ filter: [["b", "!=", true]] }, { reads: BRIEF_READS }),
    view({ filter: [["i", ">", 0], ["f", "<", 2]], filter_op: "or" }, { reads: BRIEF_READS }),
    view({ filter: [["i", ">", 0], ["f", "<", 2]], filter_op: "and" }, { reads: BRIEF_READS }),
    view({ columns: ["s"], filter: [["i", ">=", 0]] }, { reads: BRIEF_READS }),
    view({ filter: [["i", "in", [3, 7]]] }, { reads: BRIEF_READS }),
    view({ filter: [["i", "==", 3], ["i", "==", 3]] }, { reads: BRIEF_READS }),
  ]));
  return cases;
}

function sortCases() {
  const sorts = [
    [["i", "asc"]], [["i", "desc"]], [["f", "asc abs"]], [["f", "desc abs"]], [["i", "asc abs"]],
    [["s", "asc"]], [["s", "desc"]], [["b", "asc"], ["i", "desc"]], [["d", "desc"], ["s", "asc"]],
    [["t", "asc"]], [["b", "desc"]], [["i", "none"]],
  ];
  return [
    mk("sorts", { schema: MIXED_SCHEMA, data: MIXED_ROWS }, sorts.map((sort) => view({ sort }, { reads: BRIEF_READS }))),
    mk("sorts-hidden-and-ties", { schema: MIXED_SCHEMA, data: [...MIXED_ROWS, ...MIXED_ROWS] }, [
      view({ columns: ["s"], sort: [["i", "desc"]] }),
      view({ columns: ["i", "s"], sort: [["b", "asc"]] }),
      view({ columns: ["f"], sort: [["d", "asc"], ["t", "desc"]], filter: [["s", "is not null", null]] }),
    ], [{ op: "update", data: [{ s: "abc", i: 3 }, { i: -3, b: true }] }]),
  ];
}

// Many small steps against sorted/filtered views: exercises incremental view maintenance
// (sorted-index patching, filter membership changes, limit eviction under a sort).
function incrementalCases() {
  const rng = new Prng("incremental");
  const schema = { id: "integer", s: "string", v: "float", d: "date" };
  const row = (id) => ({ id, s: randomValue(rng, "string"), v: randomValue(rng, "float"), d: randomValue(rng, "date") });
  const steps = [];
  for (let i = 0; i < 25; i++) {
    const kind = rng.int(0, 3);
    if (kind === 0) steps.push({ op: "remove", data: [rng.int(0, 30), rng.int(0, 30)] });
    else if (kind === 1) steps.push({ op: "update", data: [{ id: rng.int(0, 30), v: randomValue(rng, "float") }] });
    else steps.push({ op: "update", data: [row(rng.int(0, 30)), row(rng.int(0, 40))] });
  }
  const views = [
    view({ sort: [["v", "desc"], ["s", "asc"]] }, { reads: BRIEF_READS, onUpdate: "row" }),
    view({ columns: ["s", "d"], sort: [["d", "asc"]], filter: [["v", ">", 0]] }, { reads: BRIEF_READS, onUpdate: "row" }),
    view({ filter: [["s", "contains", "a"]], filter_op: "or" }, { reads: [{ fn: "to_columns_string", args: { start_row: 2, end_row: 5, id: true } }] }),
  ];
  const limitSteps = [];
  for (let i = 0; i < 15; i++) limitSteps.push({ op: "update", data: [row(i), row(i + 100)] });
  const big = [];
  for (let i = 0; i < 500; i++) big.push({ id: i, s: randomValue(rng, "string"), v: randomValue(rng, "float"), d: randomValue(rng, "date") });
  return [
    mk("many-incremental-updates-index", { schema, index: "id", data: [row(1), row(2), row(3)] }, views, steps),
    mk("many-incremental-updates-limit", { schema, limit: 7, data: [] }, views, limitSteps),
    mk("larger-table", { schema, data: big }, [
      view({ sort: [["s", "asc"], ["v", "desc"]] }, { reads: [...BRIEF_READS, { fn: "to_columns_string", args: { start_row: 250, end_row: 260, start_col: 1, id: true } }] }),
      view({ filter: [["v", ">=", 0], ["s", "is not null", null]] }, { reads: [{ fn: "to_arrow", args: { start_row: 100, end_row: 400 } }, { fn: "to_csv", args: { start_row: 490 } }] }),
    ], [{ op: "update", data: big.slice(0, 50).map((r) => ({ ...r, id: r.id + 1000 })) }]),
  ];
}

export function handCases({ pivots = false } = {}) {
  const cases = [
    mk("spec-3.11-flat", { schema: EXAMPLE_SCHEMA, data: EXAMPLE_ROWS }, [
      view({}, { onUpdate: "row" }),
      view({ columns: ["v", "k", "t"] }, { reads: [...FULL_READS, ...VIEWPORTS.map((args) => ({ fn: "to_columns_string", args: { ...args, id: true } }))] }),
      view({ columns: ["f", "d"], sort: [["f", "desc"]], filter: [["k", "==", "a"]] }),
      view({ columns: [] }),
    ], [
      { op: "update", data: [{ id: 5, k: "c", c: "z", v: -50, f: 0.1, d: "1999-12-31", t: 0, b: false }] },
    ]),
    mk("spec-5.2-limit", { schema: { x: "integer" }, limit: 3, data: [{ x: 1 }, { x: 2 }, { x: 3 }] }, [
      view({}, { onUpdate: "row" }),
      view({ sort: [["x", "desc"]] }, { onUpdate: "plain" }),
    ], [
      { op: "update", data: [{ x: 4 }, { x: 5 }] },
      { op: "update", data: [{ x: 6 }, { x: 7 }, { x: 8 }, { x: 9 }] },
      { op: "update", data: [] },
    ]),
    mk("spec-5.3-index", { schema: { id: "integer", k: "string", v: "float" }, index: "id", data: [
      { id: 3, k: "c", v: 3.5 }, { id: 1, k: "a", v: 1.5 }, { id: 2, k: "b", v: 2.5 },
    ] }, [
      view({}, { onUpdate: ["row", "plain"] }),
      view({ columns: ["k"], filter: [["v", ">", 2]] }, { onUpdate: "plain" }),
    ], [
      { op: "update", data: [{ id: 2, v: 9.5 }] },
      { op: "update", data: [{ id: 1, k: null }, { id: 7, k: "new" }, { id: 7, v: -1 }] },
      { op: "remove", data: [1, 42] },
      { op: "update", data: [{ id: 1, k: "back" }], port: true },
      { op: "remove", data: [1, 2, 3, 7] },
      { op: "update", data: [{ id: 0 }] },
    ]),
    mk("index-string-keys", { schema: { key: "string", n: "integer" }, index: "key", data: [
      { key: "b", n: 1 }, { key: "A", n: 2 }, { key: "a", n: 3 }, { key: "é", n: 4 }, { key: "B", n: 5 }, { key: "", n: 6 },
    ] }, [view({}, { onUpdate: "row" })], [
      { op: "update", data: [{ key: "a", n: 30 }, { key: "Z", n: 7 }] },
      { op: "remove", data: ["b", ""] },
    ]),
    mk("index-date-and-datetime-keys", { schema: { d: "date", n: "integer" }, index: "d", data: [
      { d: "2024-01-02", n: 1 }, { d: "1969-12-31", n: 2 }, { d: "2024-01-01", n: 3 },
    ] }, [view({}, { onUpdate: "row" })], [
      { op: "update", data: [{ d: "2024-01-01", n: 30 }] },
      { op: "remove", data: ["1969-12-31"] },
    ]),
    mk("index-datetime-keys", { schema: { t: "datetime", n: "integer" }, index: "t", data: [
      { t: 1704103200000, n: 1 }, { t: -1000, n: 2 }, { t: "2024-01-01T00:00:00Z", n: 3 },
    ] }, [view({}, { onUpdate: "row" })], [
      { op: "update", data: [{ t: 1704067200000, n: 30 }] },
      { op: "remove", data: [-1000] },
    ]),
    mk("remove-from-unindexed-table", { schema: { x: "integer" }, data: [{ x: 1 }] }, [view({})], [
      { op: "remove", data: [0] },
    ]),
    mk("replace-and-clear", { schema: { id: "integer", s: "string" }, index: "id", data: [{ id: 1, s: "a" }, { id: 2, s: "b" }] }, [
      view({}, { onUpdate: "row" }),
    ], [
      { op: "replace", data: [{ id: 5, s: "e" }, { id: 4, s: "d" }] },
      { op: "clear" },
      { op: "update", data: [{ id: 9, s: "z" }] },
    ]),
    mk("limit-replace", { schema: { x: "integer" }, limit: 2, data: [{ x: 1 }, { x: 2 }, { x: 3 }] }, [view({}, { onUpdate: "row" })], [
      { op: "replace", data: [{ x: 10 }] },
      { op: "update", data: [{ x: 11 }, { x: 12 }, { x: 13 }] },
      { op: "clear" },
    ]),
    mk("float-formatting", { schema: { f: "float" }, data: [0.1, 0.2, 1 / 3, 1e21, 1e-7, 4, 0, 9007199254740994, 1e300, -1.5e-300, 123456789.125, 5e-324, 1.7976931348623157e308, null].map((f) => ({ f })) }, [
      view({}), view({ sort: [["f", "asc"]] }),
    ], [
      { op: "update", data: "f\n-0.0\n-0\n1e21\n" },
    ]),
    mk("integer-edges-and-coercion", { schema: { i: "integer", s: "string" }, data: [
      { i: 2147483647, s: "max" }, { i: -2147483647, s: "min+1" }, { i: 0, s: "zero" },
    ] }, [view({}), view({ sort: [["i", "desc"]] })], [
      { op: "update", data: [{ i: "3", s: 4 }, { i: 2.7, s: true }, { i: -2.7, s: 1.5 }] },
      { op: "update", data: [{ i: -2147483648, s: "int min" }] },
      { op: "update", data: [{ i: 3000000000, s: "overflow" }, { i: 1e21, s: "huge" }] },
    ]),
    mk("coercion-of-update-values", { schema: MIXED_SCHEMA }, [view({})], [
      { op: "update", data: [{ s: "x", f: "2.5", b: "true", d: 1704067200000, t: "2024-01-01 10:00:00" }] },
      { op: "update", data: [{ s: "y", f: 3, b: "false", d: "2024/01/05", t: "2024-01-01T10:00:00" }] },
      { op: "update", data: [{ s: "z", b: 1, d: "01/05/2024", t: "2024-01-01" }] },
      { op: "update", data: [{ s: "w", b: 0, unknown: 5, t: "2024-01-01T10:00:00.5+02:00" }] },
    ]),
    mk("strings-unicode-and-escaping", { schema: { s: "string", n: "integer" }, data: [
      "plain", 'q"uote', "x,y", "line\nbreak", "cr\rlf", "tab\t", "back\\slash", "\u0001ctl", "\u007f", "\u2028sep", "😀", "e\u0301", "עברית", "中文", "", " ", "null", "NULL",
    ].map((s, n) => ({ s, n })) }, [
      view({}), view({ sort: [["s", "asc"]] }), view({ filter: [["s", "contains", "E"]] }),
    ]),
    mk("empty-table", { schema: MIXED_SCHEMA }, [
      view({}, { onUpdate: "row", reads: [...FULL_READS, ...VIEWPORTS.map((args) => ({ fn: "to_columns_string", args }))] }),
      view({ columns: ["i"], sort: [["i", "desc"]], filter: [["s", "==", "a"]] }),
    ], [{ op: "update", data: [] }, { op: "update", data: [{ i: 1 }] }]),
    mk("viewports", { schema: EXAMPLE_SCHEMA, data: EXAMPLE_ROWS }, [
      view({ columns: ["id", "k", "v"] }, {
        reads: VIEWPORTS.flatMap((args) => [
          { fn: "to_columns_string", args: { ...args, id: true, index: true } },
          { fn: "to_json_string", args: { ...args, id: true } },
          { fn: "to_csv", args },
          { fn: "to_arrow", args },
          { fn: "to_ndjson", args },
        ]),
      }),
    ]),
    mk("column-subsets-and-order", { schema: EXAMPLE_SCHEMA, data: EXAMPLE_ROWS }, [
      view({ columns: ["b", "t", "d", "f", "v", "c", "k", "id"] }),
      view({ columns: ["v"] }),
      view({ columns: [null, "k", null] }),
      view({ columns: ["v"], aggregates: { v: "avg" } }),
    ]),
    mk("invalid-configs", { schema: EXAMPLE_SCHEMA, data: EXAMPLE_ROWS }, [
      view({ columns: ["nope"] }),
      view({ sort: [["nope", "asc"]] }),
      view({ filter: [["nope", "==", 1]] }),
      view({ filter: [["k", "bogus", "a"]] }),
      view({ columns: ["k", "k"] }),
    ]),
    mk("table-errors", { schema: { x: "integer" }, data: [{ x: 1 }] }, [view({})], [
      { op: "make_duplicate" },
      { op: "delete_table" },
    ]),
    mk("on-update-ports-and-deltas", { schema: { id: "integer", s: "string" }, index: "id", data: [{ id: 1, s: "a" }] }, [
      view({}, { onUpdate: ["plain", "row"] }),
      view({ filter: [["s", "==", "zzz"]] }, { onUpdate: "row" }),
      view({ sort: [["s", "desc"]] }, { onUpdate: "plain" }),
    ], [
      { op: "update", data: [{ id: 2, s: "b" }], port: true },
      { op: "update", data: [{ id: 1, s: "c" }] },
      { op: "remove", data: [2], port: true },
      { op: "delete_view", view: 2 },
      { op: "update", data: [{ id: 3, s: "zzz" }] },
    ]),
    mk("cross-session-updates-and-remove-update", { schema: { id: "integer", s: "string" }, index: "id", data: [{ id: 1, s: "a" }] }, [
      view({}, { onUpdate: ["row", "plain"] }),
      view({ sort: [["s", "desc"]] }, { onUpdate: "row" }),
    ], [
      { op: "peer_update", data: [{ id: 2, s: "b" }] },
      { op: "remove_update", view: 0 },
      { op: "peer_update", data: [{ id: 1, s: "z" }] },
      { op: "update", data: [{ id: 3, s: "c" }] },
    ]),
    mk("session-close-drops-its-views", { schema: { id: "integer", s: "string" }, index: "id", data: [{ id: 1, s: "a" }] }, [
      view({}, { onUpdate: "row" }),
    ], [
      { op: "session_close", config: { columns: ["s"], sort: [["s", "desc"]] } },
      { op: "update", data: [{ id: 2, s: "b" }] },
    ]),
    mk("inferred-types-from-rows", { init: "rows", schema: { a: "integer", b: "float", c: "string", d: "date", e: "datetime", f: "boolean" }, data: [
      { a: 1, b: 1.5, c: "x", d: "2024-01-01", e: "2024-01-01T10:00:00Z", f: true },
      { a: 2, b: 2, c: null, d: "2024-01-02", e: "2024-01-02 11:30:00", f: false },
    ] }, [view({})], [{ op: "update", data: [{ a: 3, b: 3.25, c: "z", d: "2024-01-03", e: 0, f: null }] }]),
    mk("inferred-types-from-columns", { init: "columns", schema: { a: "integer", b: "float", s: "string" }, data: [
      { a: 1, b: 0.5, s: "1" }, { a: null, b: 2, s: "2024-01-01" }, { a: -4, b: null, s: null },
    ] }, [view({})]),
    mk("arrow-input", { init: "arrow", schema: MIXED_SCHEMA, data: MIXED_ROWS }, [view({}, { onUpdate: "row" }), view({ sort: [["f", "desc"]] })], [
      { op: "update", data: [{ s: "arrow", i: -1, f: -0, b: true, d: "1969-12-31", t: -1 }, { f: 1e21 }], asArrow: true },
    ]),
    mk("arrow-update-on-index-table", { schema: { id: "integer", s: "string", f: "float" }, index: "id", data: [{ id: 1, s: "a", f: 1 }, { id: 2, s: "b", f: 2 }] }, [
      view({}, { onUpdate: "row" }),
    ], [
      { op: "update", data: [{ id: 2, s: "B", f: -0 }, { id: 3, s: null, f: 0.1 }], asArrow: true },
    ]),
    ...incrementalCases(),
    ...filterCases(),
    ...sortCases(),
  ];
  if (pivots) cases.push(...pivotCases());
  return cases;
}

function pivotCases() {
  return [
    mk("spec-3.11-pivots", { schema: EXAMPLE_SCHEMA, data: EXAMPLE_ROWS }, [
      view({ group_by: ["k"], columns: ["v", "f", "c", "d", "t", "b"] }, { onUpdate: "row" }),
      view({ group_by: ["k"], split_by: ["c"], columns: ["v", "f"] }),
      view({ split_by: ["c"], columns: ["v", "f"] }),
      view({ group_by: ["k", "c"], columns: ["v"] }),
      view({ group_by: ["f"], columns: ["v"] }),
      view({ group_by: ["d"], columns: ["v"] }),
    ], [{ op: "update", data: [{ id: 5, k: "a", c: "z", v: 5, f: -1, d: "2024-01-01", t: 0, b: true }] }]),
  ];
}
