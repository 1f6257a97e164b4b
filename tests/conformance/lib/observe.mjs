// Canonical text forms of everything a client returns, so oracle and wire outputs can be
// compared exactly: sorted object keys, -0 / NaN / BigInt kept distinct, Arrow IPC decoded.
import { tableFromIPC } from "apache-arrow";

export function normalize(value) {
  if (value === undefined) return "<undefined>";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") {
    if (Object.is(value, -0)) return "<-0>";
    if (!Number.isFinite(value)) return `<${value}>`;
    return value;
  }
  if (value instanceof Date) return `<Date ${value.toISOString()}>`;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return { arrow: decodeArrow(value) };
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = normalize(value[key]);
    return out;
  }
  return value;
}

export function canon(value) {
  return typeof value === "string" ? value : JSON.stringify(normalize(value));
}

// Arrow IPC stream → schema (names, types, nullability, metadata), batch count and
// values per column. Compression is not decoded by apache-arrow JS, so it is not tested.
export function decodeArrow(buffer) {
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (bytes.length === 0) return { empty: true };
  let table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    return { undecodable: String(err?.message ?? err) };
  }
  const fields = table.schema.fields.map((f) => {
    const t = f.type;
    let type = String(t);
    if (t.timezone !== undefined) type += ` tz=${t.timezone}`;
    return `${f.name}: ${type}${f.nullable ? "" : " not null"}${f.metadata?.size ? ` meta=${JSON.stringify([...f.metadata])}` : ""}`;
  });
  const columns = {};
  table.schema.fields.forEach((f, i) => {
    const vector = table.getChildAt(i);
    const values = [];
    for (let r = 0; r < table.numRows; r++) {
      // apache-arrow refuses some values (e.g. an int64 timestamp beyond 2^53, which the
      // reference emits as a sentinel): keep its message, it names the value.
      try {
        values.push(normalize(vector.get(r)));
      } catch (err) {
        values.push(`<unreadable: ${err?.message ?? err}>`);
      }
    }
    columns[`${i}:${f.name}`] = values;
  });
  return {
    fields,
    schemaMetadata: table.schema.metadata?.size ? [...table.schema.metadata] : [],
    batches: table.batches.length,
    rows: table.numRows,
    columns,
  };
}

export function errorText(err) {
  return String(err?.message ?? err);
}
