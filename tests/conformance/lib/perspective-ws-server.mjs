// Perspective's own Node WebSocket server on the given port, from the given release
// (default 5.5.1): the reference target for the harness self-check
// (CONFORMANCE_TARGET=perspective) and, with an older engine, a negative control.
import "./clients.mjs"; // installs the resolver fix that lets the 4.3 entry load its own engine
const MODULES = {
  "5.5.1": "@perspective-dev/client",
  "4.3.0": "perspective-client-4",
  "3.8.0": "@finos/perspective",
};
const port = Number(process.argv[2]);
const version = process.argv[3] || "5.5.1";
const mod = await import(MODULES[version]);
const server = new (mod.WebSocketServer ?? mod.default.WebSocketServer)({ port });
process.on("SIGTERM", async () => {
  await server.close();
  process.exit(0);
});
