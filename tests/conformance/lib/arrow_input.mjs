// Builds Arrow IPC stream bytes from test rows, to exercise MakeTableReq/TableUpdateReq
// with from_arrow (Int32, Float64 incl. -0, Utf8, Bool, Date32, Timestamp(ms)).
import { Bool, DateDay, Float64, Int32, Table, TimestampMillisecond, Utf8, tableToIPC, vectorFromArray } from "apache-arrow";
import { toMs } from "./values.mjs";

const ARROW_TYPES = {
  string: () => new Utf8(),
  integer: () => new Int32(),
  float: () => new Float64(),
  boolean: () => new Bool(),
  date: () => new DateDay(),
  datetime: () => new TimestampMillisecond(),
};

function convert(type, value) {
  if (value === null || value === undefined) return null;
  if (type === "date") return new Date(toMs("date", value));
  if (type === "datetime") return toMs("datetime", value);
  if (type === "string") return String(value);
  return value;
}

export function rowsToArrow(schema, rows) {
  const columns = {};
  for (const [name, type] of Object.entries(schema)) {
    columns[name] = vectorFromArray(rows.map((r) => convert(type, r[name])), ARROW_TYPES[type]());
  }
  const bytes = tableToIPC(new Table(columns), "stream");
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}
