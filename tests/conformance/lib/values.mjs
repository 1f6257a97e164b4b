// Value pools per Perspective column type, chosen to hit formatting and ordering edges:
// ties, negatives, -0.0, 1e21, 0.1, tiny floats, unicode, CSV-hostile strings, pre-1970 dates.

export const TYPES = ["string", "integer", "float", "boolean", "date", "datetime"];

const STRINGS = [
  "a", "A", "b", "B", "abc", "Abc", "ABC", "abd", "", "héllo", "Héllo", "中文", "😀 smile",
  "x,y", 'q"uote', "back\\slash", "line\nbreak", " spaced ", "null", "123", "a.b*c", "zeta",
  "tab\there", "ß", "é",
];
const INTEGERS = [0, 1, -1, 2, 3, -5, 7, 10, 42, 100, -100, 2147483647, -2147483647, 123456789];
const FLOATS = [
  0, -0, 0.1, 0.2, 0.30000000000000004, 1.5, -2.5, 2.5, 3.14159, 1 / 3, 100, -100.25, 1e21, 1e-7,
  -1e-7, 1e300, 123456.789, 9007199254740994, -0.5, 4,
];
const DATES = [
  "2024-01-01", "2024-01-02", "2024-12-31", "2000-02-29", "1999-12-31", "1970-01-01",
  "1969-12-31", "2038-01-19", "1900-03-01", "2024-01-01",
];
const DATETIMES_MS = [
  0, 1704103200000, 1704195000000, 1704283200123, 1704067200000, 1704067200001, -1000,
  951782400000, 2147483647000, 1704103200000, 1719792000999, -86400000,
];

export function isoMs(ms) {
  return new Date(ms).toISOString();
}

// A value as the test sends it in an update: dates as "YYYY-MM-DD", datetimes either as
// epoch ms or as an ISO string with "Z".
export function randomValue(rng, type, { nullRate = 0.15 } = {}) {
  if (rng.chance(nullRate)) return null;
  switch (type) {
    case "string":
      return rng.chance(0.8) ? rng.pick(STRINGS) : `s${rng.int(0, 30)}`;
    case "integer":
      return rng.chance(0.7) ? rng.int(-5, 9) : rng.pick(INTEGERS);
    case "float":
      return rng.chance(0.5) ? rng.int(-20, 20) / 4 : rng.pick(FLOATS);
    case "boolean":
      return rng.chance(0.5);
    case "date":
      return rng.pick(DATES);
    case "datetime": {
      const ms = rng.chance(0.5) ? rng.pick(DATETIMES_MS) : 1704067200000 + rng.int(0, 5) * 3600500;
      return rng.chance(0.5) ? ms : isoMs(ms);
    }
  }
  throw new Error(`unknown type ${type}`);
}

// A fresh unique key for an index column.
export function keyValue(type, n) {
  switch (type) {
    case "integer":
      return n * 3 - 20;
    case "string":
      return ["k", "K", "é", "z", ""][n % 5] + String(n).padStart(2, "0");
    case "date":
      return isoMs(Date.UTC(2020, 0, 1) + n * 86400000 * 37).slice(0, 10);
    case "datetime":
      return 1704067200000 + n * 61000;
    case "float":
      return n / 4 - 3;
  }
  throw new Error(`no keys for ${type}`);
}

// Epoch ms of a value as sent, for building filter values from existing data.
export function toMs(type, v) {
  if (v === null || v === undefined) return null;
  if (type === "date") return Date.parse(`${v}T00:00:00Z`);
  if (type === "datetime") return typeof v === "number" ? v : Date.parse(v);
  return v;
}

export const STRING_PATTERNS = ["^a", "b$", "[0-9]", "A", ".", "^$", "é", "(?i)abc", "^.{3}$", "\\s"];
