// Runs one pivot case on the oracle (in-process 5.5.1 engine) and on the wire, with
// the engine-crash handling pivots need: the 5.5.1 engine can trap ("memory access out
// of bounds") on some grouped cases and is garbage afterwards, so such a case is not
// compared (never counted as a pass), the engine is replaced, and cases that were in
// flight on the broken engine are rerun on the new one.
import { oracleClient, oracleGeneration, resetOracleEngine, observedWireClient } from "./clients.mjs";
import { runCase, pushHintsOf } from "./runner.mjs";
import { diffObservations } from "./diff.mjs";

const ENGINE_CRASH = /memory access out of bounds|RuntimeError|unreachable executed|table index is out of bounds|Abort\(\)/;

// Pivot cases are small: a wire reply later than this is reported (the case stops there).
const WIRE_TIMEOUT_MS = Number(process.env.CONFORMANCE_TIMEOUT_MS || 4000);
// How long the wire side waits for on_update pushes the oracle produced (a push from a
// local server takes milliseconds; a missing one is a difference either way).
const PUSH_WAIT_MS = Number(process.env.CONFORMANCE_PUSH_WAIT_MS || 1000);

export function oracleFailure(obs) {
  const bad = obs.find((o) => o.label === "ABORTED" || ENGINE_CRASH.test(o.value));
  return bad ? `${bad.label}: ${bad.value.split("\n")[0].slice(0, 160)}` : null;
}

// One oracle + one wire client per client version, renewed when the engine is replaced
// or the wire connection dropped.
export class PivotSides {
  constructor(url) {
    this.url = url;
    this.sides = new Map();
  }
  // A 5.x client whose config sets group_rollup_mode but not split_rollup_mode looks
  // exactly like the 4.3 viewer on the wire (protocol spec §6), so a server cannot know it
  // decodes min/max as Scalar messages; the generated configs do that, so the 5.x wire
  // client says so with chview's documented URL hint (Perspective's server ignores it).
  wireUrl(version) {
    return version.startsWith("5.") ? `${this.url}?minmax=scalar` : this.url;
  }
  async get(version) {
    let s = this.sides.get(version);
    if (s && s.generation !== oracleGeneration()) {
      await s.oracle.close().catch(() => {});
      s.oracle = await oracleClient(version);
      s.generation = oracleGeneration();
    }
    if (!s) {
      const generation = oracleGeneration();
      s = { generation, oracle: await oracleClient(version), wire: await observedWireClient(version, this.wireUrl(version)) };
      this.sides.set(version, s);
    }
    return s;
  }
  async reconnect(version) {
    const s = this.sides.get(version);
    if (!s) return;
    await s.wire.close();
    s.wire = await observedWireClient(version, this.wireUrl(version));
  }
  async close() {
    for (const s of this.sides.values()) {
      await s.wire.close();
      await s.oracle.close().catch(() => {});
    }
  }
}

// → { status: "compared", diffs, dropped } | { status: "oracle-crash", reason }
export async function runPivotPair(c, sides, tableName, { fresh = false, stats = {} } = {}) {
  const version = c.client;
  for (let attempt = 0; ; attempt++) {
    const side = await sides.get(version);
    const generation = side.generation;
    const name = attempt ? `${tableName}_r${attempt}` : tableName;
    let expected;
    try {
      expected = await runCase(side.oracle.client, c, name, { freshAlternatives: fresh });
    } catch (err) {
      // Calls outside the recorded ones (e.g. the fresh reference view) threw.
      expected = [{ label: "ABORTED", value: `oracle threw: ${err?.message ?? err}` }];
    }
    // Replaced while this case ran (another case crashed it): answers are suspect, rerun.
    if (oracleGeneration() !== generation && attempt < 3) continue;
    const failure = oracleFailure(expected);
    if (failure) {
      await resetOracleEngine(generation);
      return { status: "oracle-crash", reason: failure };
    }
    const actual = await runCase(side.wire.client, c, name, { pushHints: pushHintsOf(expected), interrupt: side.wire.interrupt, timeoutMs: WIRE_TIMEOUT_MS, pushWaitMs: PUSH_WAIT_MS });
    const diffs = diffObservations(expected, actual, stats);
    const dropped = actual.some((o) => /WebSocket closed|transport error/i.test(o.value));
    return { status: "compared", diffs, dropped };
  }
}
