// Reads the Arrow IPC streams written by chview's arrow/ writer (via arrow_fixture_writer)
// back with two independent readers: the npm apache-arrow package (schema, types, values,
// message sequence) and Perspective's own engine (@perspective-dev/client in Node), which
// also decodes the LZ4_FRAME / ZSTD compressed bodies that apache-arrow JS cannot without
// a registered codec.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  DateUnit,
  MessageHeader,
  MessageReader,
  Precision,
  TimeUnit,
  Type,
  tableFromIPC,
} from "apache-arrow";
import perspective from "@perspective-dev/client";

const writer = process.env.CHVIEW_ARROW_FIXTURE_WRITER;
assert.ok(writer, "CHVIEW_ARROW_FIXTURE_WRITER must name the arrow_fixture_writer binary");

let dir;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "chview-arrow-"));
  execFileSync(writer, [dir], { stdio: "inherit" });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (name) => fs.readFileSync(path.join(dir, `${name}.arrow`));

const DAY_MS = 86400000;
// Expected contents of the all_types fixture, as apache-arrow returns them.
const ALL_TYPES = {
  i32: [1, -2, null, 2147483647, -2147483648],
  i64: [1n, null, -9007199254740993n, 9223372036854775807n, 0n],
  u32: [0, 4294967295, null, 7, 1],
  f64: [1.5, null, -0.25, 1e300, 3.25],
  b: [true, false, null, true, false],
  d32: [0, 19000 * DAY_MS, null, -DAY_MS, 20000 * DAY_MS],
  ts: [0, 1700000000123, null, -1000, 253402300799000],
  s: ["a", "", null, "héllo ✓", "a somewhat longer string value"],
  dict: ["x", "y", null, "x", "z"],
  n: [10, 20, 30, 40, 50],
};

// [name, check(type)] for every column of all_types, in order.
const ALL_TYPES_SCHEMA = [
  ["i32", (t) => t.typeId === Type.Int && t.bitWidth === 32 && t.isSigned],
  ["i64", (t) => t.typeId === Type.Int && t.bitWidth === 64 && t.isSigned],
  ["u32", (t) => t.typeId === Type.Int && t.bitWidth === 32 && !t.isSigned],
  ["f64", (t) => t.typeId === Type.Float && t.precision === Precision.DOUBLE],
  ["b", (t) => t.typeId === Type.Bool],
  ["d32", (t) => t.typeId === Type.Date && t.unit === DateUnit.DAY],
  ["ts", (t) => t.typeId === Type.Timestamp && t.unit === TimeUnit.MILLISECOND && !t.timezone],
  ["s", (t) => t.typeId === Type.Utf8],
  [
    "dict",
    (t) =>
      t.typeId === Type.Dictionary &&
      t.id === 0 &&
      t.indices.bitWidth === 32 &&
      t.indices.isSigned &&
      t.dictionary.typeId === Type.Utf8,
  ],
  ["n", (t) => t.typeId === Type.Int && t.bitWidth === 32 && t.isSigned],
];

const columnValues = (table, name) => [...table.getChild(name)];

// The header type of every message, in order; checks each body is 8-byte aligned.
function headerTypes(bytes) {
  const reader = new MessageReader(bytes);
  const types = [];
  for (let message; (message = reader.readMessage()); ) {
    assert.equal(Number(message.bodyLength) % 8, 0, "body length is a multiple of 8");
    reader.readMessageBody(message.bodyLength);
    types.push(MessageHeader[message.headerType]);
  }
  return types;
}

describe("apache-arrow reads chview's uncompressed streams", () => {
  test("all_types: schema, one record batch, values and nulls", () => {
    const bytes = read("all_types");
    assert.deepEqual(headerTypes(bytes), ["Schema", "DictionaryBatch", "RecordBatch"]);
    // End-of-stream marker: continuation + zero length.
    assert.deepEqual([...bytes.subarray(bytes.length - 8)], [255, 255, 255, 255, 0, 0, 0, 0]);
    const table = tableFromIPC(bytes);
    assert.equal(table.batches.length, 1);
    assert.equal(table.numRows, 5);
    assert.equal(table.schema.metadata.size, 0);
    assert.deepEqual(
      table.schema.fields.map((f) => f.name),
      ALL_TYPES_SCHEMA.map(([name]) => name),
    );
    for (const [i, [name, check]] of ALL_TYPES_SCHEMA.entries()) {
      const field = table.schema.fields[i];
      assert.ok(field.nullable, `${name} nullable`);
      assert.ok(check(field.type), `${name} has type ${field.type}`);
      assert.deepEqual(columnValues(table, name), ALL_TYPES[name], name);
    }
    assert.equal(table.getChild("n").nullCount, 0);
    assert.equal(table.getChild("i32").nullCount, 1);
    assert.deepEqual([...table.getChild("dict").data[0].dictionary], ["x", "y", "z"]);
  });

  test("empty_rows: every type, zero rows", () => {
    const table = tableFromIPC(read("empty_rows"));
    assert.equal(table.numRows, 0);
    assert.equal(table.batches.length, 1);
    for (const [i, [name, check]] of ALL_TYPES_SCHEMA.slice(0, 9).entries()) {
      assert.equal(table.schema.fields[i].name, name);
      assert.ok(check(table.schema.fields[i].type), name);
      assert.deepEqual(columnValues(table, name), []);
    }
  });

  test("empty_table: no columns, no rows", () => {
    const bytes = read("empty_table");
    assert.deepEqual(headerTypes(bytes), ["Schema", "RecordBatch"]);
    const table = tableFromIPC(bytes);
    assert.equal(table.numRows, 0);
    assert.equal(table.schema.fields.length, 0);
  });

  test("two_dictionaries: ids in column order, an all-null column", () => {
    const bytes = read("two_dictionaries");
    assert.deepEqual(headerTypes(bytes), [
      "Schema",
      "DictionaryBatch",
      "DictionaryBatch",
      "RecordBatch",
    ]);
    const table = tableFromIPC(bytes);
    assert.deepEqual(
      table.schema.fields.map((f) => [f.name, f.type.typeId === Type.Dictionary ? f.type.id : -1]),
      [
        ["k", 0],
        ["v", -1],
        ["none", 1],
      ],
    );
    assert.deepEqual(columnValues(table, "k"), ["b", "a", "b", "c", "a"]);
    assert.deepEqual([...table.getChild("k").data[0].dictionary], ["b", "a", "c"]);
    assert.deepEqual(columnValues(table, "v"), [0, 1, 2, 3, 4]);
    assert.deepEqual(columnValues(table, "none"), [null, null, null, null, null]);
    assert.equal(table.getChild("none").data[0].dictionary.length, 0);
  });

  test("many_rows: 1000 rows, bitmaps over many bytes", () => {
    const table = tableFromIPC(read("many_rows"));
    assert.equal(table.numRows, 1000);
    assertManyRows(columnValues(table, "i32"), columnValues(table, "f64"),
      columnValues(table, "b"), columnValues(table, "s"));
    assert.deepEqual(
      [...table.getChild("s").data[0].dictionary],
      Array.from({ length: 17 }, (_, i) => `k${i}`),
    );
  });

  test("compressed streams declare their codec (apache-arrow JS has none registered)", () => {
    assert.throws(() => tableFromIPC(read("all_types_lz4")), /codec not found/);
    assert.throws(() => tableFromIPC(read("all_types_zstd")), /codec not found/);
  });
});

function assertManyRows(i32, f64, b, s) {
  const range = Array.from({ length: 1000 }, (_, i) => i);
  assert.deepEqual(i32, range.map((i) => (i % 3 === 0 ? null : i * 7 - 300)));
  assert.deepEqual(f64, range.map((i) => i / 4));
  assert.deepEqual(b, range.map((i) => (i % 5 === 0 ? null : i % 2 === 0)));
  assert.deepEqual(s, range.map((i) => `k${i % 17}`));
}

// Perspective's engine (Arrow C++ in WASM) is the reader chview's clients actually use.
describe("Perspective loads chview's streams, compressed or not", () => {
  async function load(name) {
    const bytes = read(name);
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const table = await perspective.table(ab);
    const view = await table.view();
    const result = { schema: await table.schema(), columns: await view.to_columns() };
    await view.delete();
    await table.delete();
    return result;
  }

  const PSP_SCHEMA = {
    i32: "integer",
    i64: "integer",
    u32: "integer",
    f64: "float",
    b: "boolean",
    d32: "date",
    ts: "datetime",
    s: "string",
    dict: "string",
    n: "integer",
  };
  // Perspective hands int64 to JS as doubles.
  const PSP_VALUES = {
    ...ALL_TYPES,
    i64: ALL_TYPES.i64.map((v) => (v === null ? null : Number(v))),
  };

  for (const name of ["all_types", "all_types_lz4", "all_types_zstd"]) {
    test(name, async () => {
      const { schema, columns } = await load(name);
      assert.deepEqual(schema, PSP_SCHEMA);
      assert.deepEqual(columns, PSP_VALUES);
    });
  }

  for (const name of ["many_rows_lz4", "many_rows_zstd"]) {
    test(name, async () => {
      const { columns } = await load(name);
      assertManyRows(columns.i32, columns.f64, columns.b, columns.s);
    });
  }

  test("empty_rows_lz4", async () => {
    const { schema, columns } = await load("empty_rows_lz4");
    const { n, ...withoutN } = PSP_SCHEMA;
    assert.equal(n, "integer");
    assert.deepEqual(schema, withoutN);
    assert.deepEqual(columns, Object.fromEntries(Object.keys(withoutN).map((k) => [k, []])));
  });
});
