// `chview serve` from the outside, without a browser: read-only by default, the frame
// limit flag, the page and its errors at start-up.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import perspective from "@perspective-dev/client";
import WebSocket from "ws";

const ROOT = process.env.CHVIEW_ROOT || path.resolve(new URL("../..", import.meta.url).pathname);
const BIN = process.env.CHVIEW_BIN || path.join(ROOT, "build", "chview");

// Runs `chview serve <args> --port 0`; resolves { port, stop, log } once it listens.
function serve(args) {
  const child = spawn(BIN, ["serve", "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      log += chunk;
      const m = /listening on http:\/\/[^\s:]+:(\d+)/.exec(log);
      if (m) {
        resolve({ port: +m[1], log: () => log, stop: () => new Promise((r) => { child.on("exit", r); child.kill("SIGTERM"); }) });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`chview exited (${code}):\n${log}`)));
  });
}

// Runs chview to completion; resolves { code, output }.
function runToExit(args) {
  const child = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

test("read-only by default: clients cannot create tables", async () => {
  const server = await serve([]);
  try {
    const client = await perspective.websocket(`ws://127.0.0.1:${server.port}/websocket`);
    await assert.rejects(client.table({ a: "integer" }, { name: "nope" }));
    assert.deepEqual(await client.get_hosted_table_names(), []);
    await client.terminate?.();
  } finally {
    await server.stop();
  }
});

test("--writable lets clients create and read tables", async () => {
  const server = await serve(["--writable"]);
  try {
    const client = await perspective.websocket(`ws://127.0.0.1:${server.port}/websocket`);
    const table = await client.table([{ a: 1 }, { a: 2 }], { name: "t" });
    assert.equal(await table.size(), 2);
    assert.deepEqual(await client.get_hosted_table_names(), ["t"]);
    await client.terminate?.();
  } finally {
    await server.stop();
  }
});

test("--max-frame closes a connection that sends a larger message with 1009", async () => {
  const server = await serve(["--max-frame", "1000"]);
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/websocket`);
    await new Promise((r, j) => { ws.on("open", r); ws.on("error", j); });
    const closed = new Promise((r) => ws.on("close", (code) => r(code)));
    ws.send(Buffer.alloc(1001));
    assert.equal(await closed, 1009);
  } finally {
    await server.stop();
  }
});

test("serves the viewer page at /", async () => {
  const server = await serve([]);
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/?table=stock_values`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^text\/html/);
    assert.match(await res.text(), /<perspective-viewer/);
    const js = await fetch(`http://127.0.0.1:${server.port}/pkg/@perspective-dev/client/dist/cdn/perspective.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type"), /^text\/javascript/);
  } finally {
    await server.stop();
  }
});

test("start-up errors exit non-zero with a message", async () => {
  const missing = await runToExit(["serve", "--port", "0", "--web-root", "/nonexistent/web"]);
  assert.equal(missing.code, 1);
  assert.match(missing.output, /web root \/nonexistent\/web is not a directory/);

  const server = await serve([]);
  try {
    const taken = await runToExit(["serve", "--port", String(server.port)]);
    assert.equal(taken.code, 1);
    assert.match(taken.output, /cannot listen on 127\.0\.0\.1:\d+/);
  } finally {
    await server.stop();
  }
});
