// Which web pages may open chview's WebSocket: chview's own page, prospective.co by
// default, others only when listed with --allow-origin; clients that send no Origin
// (Node, other servers) always.
import { test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { startChview } from "../lib/process.mjs";

// Resolves "open" or the HTTP status the upgrade was refused with.
function tryOpen(port, origin) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/websocket`, origin ? { origin } : {});
    ws.on("open", () => {
      ws.close();
      resolve("open");
    });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode));
    ws.on("error", reject);
  });
}

test("default: own page, prospective.co and origin-less clients only", async () => {
  const chview = await startChview([]);
  try {
    assert.equal(await tryOpen(chview.port), "open");
    assert.equal(await tryOpen(chview.port, `http://127.0.0.1:${chview.port}`), "open");
    assert.equal(await tryOpen(chview.port, "https://prospective.co"), "open");
    assert.equal(await tryOpen(chview.port, "https://evil.example"), 403);
  } finally {
    await chview.stop();
  }
});

test("--allow-origin replaces the default list; * allows any", async () => {
  const listed = await startChview(["--allow-origin", "https://dash.example"]);
  try {
    assert.equal(await tryOpen(listed.port, "https://dash.example"), "open");
    assert.equal(await tryOpen(listed.port, "https://prospective.co"), 403);
  } finally {
    await listed.stop();
  }
  const any = await startChview(["--allow-origin", "*"]);
  try {
    assert.equal(await tryOpen(any.port, "https://evil.example"), "open");
  } finally {
    await any.stop();
  }
});
