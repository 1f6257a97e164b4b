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
function oracleEngine() {
  engine ??= load("5.5.1").then((p5) => new p5.PerspectiveServer());
  return engine;
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
