// The three official client generations, each usable two ways:
//   oracle(version): that client talking in-process to the real 5.5.1 engine;
//   wire(version, url): that client talking to a server over a WebSocket.
// Using the same client version on both sides cancels client-side decoding
// differences, so only the servers are compared.
import Module from "node:module";

// perspective-client-4's Node entry compiles "@perspective-dev/server"'s wasm at import
// time; that name resolves to the 5.5.1 engine, whose imports the 4.3 glue cannot
// satisfy. Point it at its own engine (installed as perspective-server-4).
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request.startsWith("@perspective-dev/server/") && parent?.filename?.includes("/perspective-client-4/")) {
    request = request.replace("@perspective-dev/server/", "perspective-server-4/");
  }
  return originalResolve.call(this, request, parent, ...rest);
};

const MODULES = {
  "5.5.1": () => import("@perspective-dev/client"),
  "4.3.0": () => import("perspective-client-4"),
  "3.8.0": () => import("@finos/perspective"),
};
export const VERSIONS = Object.keys(MODULES);

const loaded = new Map();
function load(version) {
  if (!loaded.has(version)) loaded.set(version, MODULES[version]());
  return loaded.get(version);
}

// One engine for every oracle session (tests run concurrently: cache the promise).
let engine;
let generation = 0;
function oracleEngine() {
  engine ??= load("5.5.1").then((p5) => new p5.PerspectiveServer());
  return engine;
}

// The engine's wasm instance is a module-level singleton of the 5.5.1 client bundle, so
// after the engine crashed ("memory access out of bounds") a new PerspectiveServer would
// share the broken memory. A fresh import (distinct URL = distinct module instance)
// compiles a new wasm instance. Only replaces the engine of generation `seen` (callers
// that noticed the same crash concurrently reset it once).
export function oracleGeneration() {
  return generation;
}
export async function resetOracleEngine(seen = generation) {
  if (seen === generation) {
    generation++;
    // Each module instance registers its own process exit/signal handlers.
    process.setMaxListeners(process.getMaxListeners() + 2);
    const url = `${import.meta.resolve("@perspective-dev/client")}?oracle_instance=${generation}`;
    engine = import(url).then((p5) => new p5.PerspectiveServer());
  }
  await engine;
}
export async function oracleServer() {
  return oracleEngine();
}

export async function oracleClient(version) {
  const server = await oracleEngine();
  const mod = await load(version);
  let client;
  const session = server.make_session(async (resp) => {
    await client.handle_response(resp);
  });
  client = mod.make_client(async (req) => {
    await session.handle_request(req);
  });
  return { client, close: async () => session.close() };
}

export async function wireClient(version, url) {
  const mod = await load(version);
  const client = await (mod.default?.websocket ?? mod.websocket)(url);
  return {
    client,
    close: async () => {
      try {
        await client.terminate();
      } catch {
        // already closed
      }
    },
  };
}

// The same client on a WebSocket transport of our own (framing as the clients' own
// websocket(): one binary message per protobuf message), so that a reply the client
// cannot decode is caught instead of becoming an unhandled rejection with a request
// that never resolves: `interrupt.next()` rejects the call in flight with that error.
export async function observedWireClient(version, url) {
  const mod = await load(version);
  const { default: WebSocket } = await import("ws");
  const interrupt = new Interrupt();
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const make = mod.make_client ?? mod.default?.make_client;
  const client = make(
    async (proto) => {
      if (ws.readyState !== WebSocket.OPEN) throw new Error(`WebSocket transport error (${ws.readyState})`);
      ws.send(proto.slice().buffer);
    },
    async () => ws.close(),
  );
  ws.on("message", (data) => {
    try {
      Promise.resolve(client.handle_response(data)).catch((err) => interrupt.fire(err));
    } catch (err) {
      interrupt.fire(err);
    }
  });
  ws.on("close", (code) => interrupt.fire(new Error(`WebSocket closed ${code}`), true));
  return {
    client,
    interrupt,
    close: async () => {
      interrupt.closing = true;
      ws.close();
    },
  };
}

class Interrupt {
  constructor() {
    this.waiters = [];
    this.closed = null;
    this.closing = false;
  }
  // A promise that rejects when the transport fails (pending calls race against it).
  next() {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((_, reject) => this.waiters.push(reject));
  }
  // Called after a call settled: its waiter is no longer needed.
  release() {
    this.waiters = [];
  }
  fire(cause, permanent = false) {
    if (this.closing) return;
    const err = new Error(cause?.message ?? String(cause));
    err.transportFailure = true;
    if (permanent) this.closed = err;
    const waiters = this.waiters;
    this.waiters = [];
    for (const reject of waiters) reject(err);
  }
}
