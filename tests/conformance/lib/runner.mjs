// Runs one case against one client and records every answer as an observation
// { label, value } (value = canonical text, or "ERROR: message"). The oracle side runs
// first; the wire side gets its on_update push counts as hints so it can wait for pushes
// that arrive after a read reply (no timing is asserted: a missing push is still a diff).
import { canon, errorText } from "./observe.mjs";
import { rowsToArrow } from "./arrow_input.mjs";

const CALL_TIMEOUT_MS = Number(process.env.CONFORMANCE_TIMEOUT_MS || 10000);
const PUSH_WAIT_MS = Number(process.env.CONFORMANCE_PUSH_WAIT_MS || 2000);

class Aborted extends Error {}
const neverCollected = [];

// interrupt (optional, from observedWireClient): rejects the call in flight when the
// transport fails or the client cannot decode a reply (recorded as that error).
function withTimeout(promise, label, { interrupt = null, timeoutMs = CALL_TIMEOUT_MS } = {}) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Aborted(`no reply within ${timeoutMs} ms: ${label}`)), timeoutMs);
  });
  const racers = [promise, timeout];
  if (interrupt) racers.push(interrupt.next());
  return Promise.race(racers).finally(() => {
    clearTimeout(timer);
    interrupt?.release();
  });
}

function toColumns(schema, rows) {
  const cols = {};
  for (const name of Object.keys(schema)) cols[name] = rows.map((r) => (r[name] === undefined ? null : r[name]));
  return cols;
}

export function tableOptions(c, name) {
  const options = { name };
  if (c.table.index) options.index = c.table.index;
  if (c.table.limit) options.limit = c.table.limit;
  return options;
}

// peer: a second client of the same server (another session), for cross-session steps;
// newSession(): opens a fresh client of the same server ({ client, close }).
// freshAlternatives (oracle side): also answer every read from a view built after the step.
export async function runCase(client, c, tableName, { pushHints = {}, peer = null, newSession = null, freshAlternatives = false, interrupt = null, timeoutMs = CALL_TIMEOUT_MS, pushWaitMs = PUSH_WAIT_MS } = {}) {
  const obs = [];
  const record = (label, value) => obs.push({ label, value });
  // Runs fn, records its canonical result (or error) under label, returns the raw result.
  // After a reply the client could not decode, its call never completes and keeps its
  // borrow of the handle: a later delete() (which takes ownership) would throw inside
  // the client, uncaught. Such deletes are not sent (recorded as an error instead).
  let stuck = false;
  const call = async (label, fn, { keep = true, consumes = false } = {}) => {
    if (consumes && stuck) {
      record(label, "ERROR: not sent: the client is stuck on an undecodable reply");
      return { ok: false };
    }
    try {
      const value = await withTimeout(Promise.resolve().then(fn), label, { interrupt, timeoutMs });
      if (keep) record(label, canon(value));
      return { ok: true, value };
    } catch (err) {
      if (err instanceof Aborted) throw err;
      if (err?.transportFailure) stuck = true;
      record(label, `ERROR: ${errorText(err)}`);
      return { ok: false };
    }
  };

  const t = c.table;
  let table = null;
  const views = [];
  try {
    const opts = tableOptions(c, tableName);
    if (t.init === "rows") {
      table = (await call("make table (rows)", () => client.table(t.data, opts), { keep: false })).value;
    } else if (t.init === "arrow") {
      table = (await call("make table (arrow)", () => client.table(rowsToArrow(t.schema, t.data), opts), { keep: false })).value;
    } else if (t.init === "columns") {
      table = (await call("make table (columns)", () => client.table(toColumns(t.schema, t.data), opts), { keep: false })).value;
    } else {
      table = (await call("make table (schema)", () => client.table(t.schema, opts), { keep: false })).value;
      if (table && t.data.length) await call("initial update", () => table.update(t.data));
    }
    record("table created", String(Boolean(table)));
    if (!table) return obs;

    const describeTable = async (when) => {
      await call(`${when} table.schema`, () => table.schema());
      await call(`${when} table.size`, () => table.size());
    };
    await describeTable("initial");
    await call("table.get_index", () => table.get_index());
    await call("table.get_limit", () => table.get_limit());
    await call("hosted tables include table", async () => (await client.get_hosted_table_names()).includes(tableName));

    const usesPort = c.steps.some((s) => s.port);
    let portId = 0;
    if (usesPort) {
      const r = await call("table.make_port", () => table.make_port());
      if (r.ok) portId = r.value;
    }

    for (const [i, v] of c.views.entries()) {
      const r = await call(`view ${i} create`, () => table.view(structuredClone(v.config)), { keep: false });
      record(`view ${i} created`, r.ok ? "ok" : obs.at(-1).value);
      const entry = { view: r.ok ? r.value : null, subscriptions: [], spec: v, index: i };
      views.push(entry);
      if (!entry.view) continue;
      await call(`view ${i} get_config`, () => entry.view.get_config());
      const modes = Array.isArray(v.onUpdate) ? v.onUpdate : v.onUpdate ? [v.onUpdate] : [];
      for (const [j, mode] of modes.entries()) {
        const sub = { name: `on_update ${mode}#${j}`, pushes: [] };
        const options = mode === "row" ? { mode: "row" } : undefined;
        const ok = await call(`view ${i} ${sub.name}`, () => entry.view.on_update((u) => sub.pushes.push(u), options), { keep: false });
        if (ok.ok) {
          sub.id = ok.value;
          entry.subscriptions.push(sub);
        }
      }
    }

    const readView = async (view, p, entry) => {
      await call(`${p} dimensions`, () => view.dimensions());
      await call(`${p} schema`, () => view.schema());
      await call(`${p} num_rows`, () => view.num_rows());
      const paths = await call(`${p} column_paths`, () => view.column_paths());
      for (const read of entry.spec.reads) {
        await call(`${p} ${read.fn}(${JSON.stringify(read.args)})`, () => view[read.fn](structuredClone(read.args)));
      }
      // get_min_max of the first and last visible column, by source column name (the
      // 5.5.1 engine aborts on a split path such as "x|v").
      if (entry.spec.minMax && paths.ok && paths.value.length) {
        for (const column of new Set([paths.value[0], paths.value.at(-1)].map((x) => x.split("|").at(-1)))) {
          await call(`${p} get_min_max(${JSON.stringify(column)})`, () => view.get_min_max(column));
        }
      }
    };
    const readViews = async (when) => {
      for (const entry of views) {
        if (!entry.view) continue;
        const p = `${when} view ${entry.index}`;
        const first = obs.length;
        await readView(entry.view, p, entry);
        // Expansion state cannot be rebuilt on a fresh view: no alternative after tree steps.
        if (!freshAlternatives || when === "initial" || entry.treeChanged) continue;
        // The reference's live views can go stale after updates (e.g. a row updated to null
        // keeps its filter membership) while a view built now is right; either answer is
        // Perspective's, so record the fresh view's answer as an accepted alternative.
        const live = obs.splice(first);
        const fresh = await table.view(structuredClone(entry.spec.config));
        await readView(fresh, p, entry);
        const freshObs = obs.splice(first);
        await fresh.delete();
        live.forEach((o, k) => {
          const alt = freshObs[k];
          if (alt && alt.label === o.label && alt.value !== o.value) o.alt = alt.value;
        });
        obs.push(...live);
      }
    };
    const collectPushes = async (when) => {
      for (const entry of views) {
        for (const sub of entry.subscriptions) {
          const label = `${when} view ${entry.index} ${sub.name} pushes`;
          const want = pushHints[label];
          if (want !== undefined) {
            const deadline = Date.now() + pushWaitMs;
            const w0 = Date.now();
          while (sub.pushes.length < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
          if (process.env.CONFORMANCE_DEBUG) console.log("push wait", label, Date.now() - w0);
          }
          record(label, canon(sub.pushes));
          sub.pushes = [];
        }
      }
    };

    await readViews("initial");
    await collectPushes("initial");

    for (const [s, step] of c.steps.entries()) {
      const when = `step ${s + 1} (${step.op})`;
      const options = step.port ? { port_id: portId } : undefined;
      if (step.op === "update") {
        let data = step.data;
        if (step.asColumns) data = toColumns(t.schema, step.data);
        if (step.asArrow) data = rowsToArrow(t.schema, step.data);
        await call(`${when} apply`, () => table.update(data, options));
      } else if (step.op === "remove") {
        await call(`${when} apply`, () => table.remove(step.data, options));
      } else if (step.op === "replace") {
        await call(`${when} apply`, () => table.replace(step.data));
      } else if (step.op === "clear") {
        await call(`${when} apply`, () => table.clear());
      } else if (step.op === "make_duplicate") {
        // A second table with a name that is taken must be refused.
        await call(`${when} apply`, async () => {
          await client.table(t.schema, { name: tableName });
          return "created";
        });
      } else if (step.op === "delete_table") {
        // Deleting a table that still has views must be refused.
        await call(`${when} apply`, () => table.delete(), { consumes: true });
        // The JS Table handle is consumed by delete() even when the server refuses.
        table = (await call(`${when} open_table`, () => client.open_table(tableName), { keep: false })).value;
      } else if (step.op === "peer_update") {
        // Another session updates the table; this session's views must still be notified.
        await call(`${when} apply`, async () => {
          const other = await peer.open_table(tableName);
          await other.update(step.data);
          return "updated";
        });
      } else if (step.op === "session_close") {
        // A session opens a view and goes away: the server must drop that session's views
        // (checked by the final table delete, which fails while views exist).
        await call(`${when} apply`, async () => {
          const session = await newSession();
          const other = await session.client.open_table(tableName);
          const view = await other.view(step.config || {});
          await view.on_update(() => {});
          const size = await other.size();
          await session.close();
          return size;
        });
      } else if (step.op === "remove_update") {
        const entry = views[step.view];
        for (const sub of entry.subscriptions) await call(`${when} remove_update ${sub.name}`, () => entry.view.remove_update(sub.id));
        // Still recorded: no pushes may arrive after the removal.
      } else if (step.op === "expand" || step.op === "collapse" || step.op === "set_depth") {
        // Tree steps of grouped views: expand/collapse a row index, or set the depth.
        const entry = views[step.view];
        if (entry?.view) {
          entry.treeChanged = true;
          const arg = step.op === "set_depth" ? step.depth : step.row;
          await call(`${when} view ${step.view} ${step.op}(${arg})`, () => entry.view[step.op](arg));
        }
      } else if (step.op === "delete_view") {
        const entry = views[step.view];
        await call(`${when} apply`, () => entry.view.delete(), { consumes: true });
        entry.view = null;
        entry.subscriptions = [];
      }
      await readViews(when);
      await describeTable(when);
      await collectPushes(when);
    }

    for (const entry of views) {
      if (entry.view) await call(`view ${entry.index} delete`, () => entry.view.delete(), { consumes: true });
    }
    if (stuck) neverCollected.push(table, views);
    await call("table delete", async () => {
      // A closed session's views go away asynchronously on a real server: retry briefly.
      const deadline = Date.now() + (c.steps.some((st) => st.op === "session_close") ? PUSH_WAIT_MS : 0);
      for (;;) {
        try {
          return await table.delete();
        } catch (err) {
          if (Date.now() > deadline || !/with views/.test(errorText(err))) throw err;
          table = await client.open_table(tableName);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }, { consumes: true });
  } catch (err) {
    if (!(err instanceof Aborted)) throw err;
    record("ABORTED", err.message);
    // The client still holds the unanswered call's borrow of these handles; if they were
    // garbage-collected later, wasm-bindgen's finalizer would throw an uncaught
    // "attempted to take ownership of Rust value while it was borrowed".
    neverCollected.push(table, views);
  }
  return obs;
}

export function pushHintsOf(obs) {
  const hints = {};
  for (const { label, value } of obs) {
    if (label.endsWith(" pushes")) hints[label] = JSON.parse(value).length;
  }
  return hints;
}
