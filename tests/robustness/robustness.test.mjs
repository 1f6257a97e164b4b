// The server keeps serving everyone while some clients misbehave.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import perspective from "@perspective-dev/client";
import { startChview, waitFor } from "../lib/process.mjs";

let server;
let good;
let table;

before(async () => {
  server = await startChview(["--writable", "--max-frame", String(1 << 20)]);
  good = await perspective.websocket(server.url);
  table = await good.table({ x: [1, 2, 3], s: ["a", "b", "c"] }, { name: "r", index: "x" });
});
after(async () => {
  await good?.terminate?.();
  await server?.stop();
});

async function metrics() {
  const text = await (await fetch(`${server.http}/metrics`)).text();
  const value = (name) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(text)?.[1]);
  return { sessions: value("chview_protocol_sessions"), views: value("chview_protocol_live_views") };
}

// A raw WebSocket: sends `frames`, collects binary replies until it closes or `ms` pass.
function raw(frames, ms = 1000) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.url);
    const replies = [];
    let closed = null;
    ws.binaryType = "nodebuffer";
    ws.on("open", () => frames.forEach((f) => ws.send(f)));
    ws.on("message", (data, isBinary) => replies.push({ data, isBinary }));
    ws.on("close", (code, reason) => {
      closed = { code, reason: String(reason) };
      resolve({ replies, closed });
    });
    ws.on("error", (e) => (closed ? null : reject(e)));
    setTimeout(() => {
      ws.close();
      resolve({ replies, closed });
    }, ms);
  });
}

async function stillServing() {
  const view = await table.view();
  assert.deepEqual(await view.to_columns(), { x: [1, 2, 3], s: ["a", "b", "c"] });
  await view.delete();
}

test("a well-formed raw request is answered with its msg_id", async () => {
  const { replies } = await raw([Buffer.from([0x08, 0x07, 0x1a, 0x00])]); // get_features, msg_id 7
  assert.equal(replies.length, 1);
  assert.ok(replies[0].isBinary, "replies are binary frames");
  assert.deepEqual([...replies[0].data.subarray(0, 2)], [0x08, 0x07]);
});

test("garbage, truncated and text frames: an error reply or a close, never a crash", async () => {
  const garbage = [
    Buffer.from([0xff, 0xff, 0xff, 0xff]),
    Buffer.from([0x08, 0x05, 0x12, 0x09, 0x74]), // entity_id claims 9 bytes, has 1
    Buffer.from([0x08, 0x09, 0x3a, 0x7f, 0x01]), // unknown request field
    Buffer.alloc(0),
  ];
  for (const frame of garbage) {
    const { replies, closed } = await raw([frame], 500);
    assert.ok(replies.length > 0 || closed, `no reply and no close for ${frame.toString("hex")}`);
  }
  const { replies } = await raw(["this is text"], 500);
  assert.equal(replies.length, 0, "text frames are ignored");
  await stillServing();
});

test("an oversized frame closes that connection with 1009 only", async () => {
  // The server refuses the frame at its header and closes with 1009; when the client is
  // still sending the rest, the peer may reset the socket first and the client then sees
  // 1006. Every attempt must close; at least one of three must carry the 1009.
  const codes = [];
  for (let attempt = 0; attempt < 3 && !codes.includes(1009); ++attempt) {
    const { closed } = await raw([Buffer.alloc(2 << 20, 1)], 3000);
    assert.ok(closed, "the connection was not closed");
    assert.ok([1009, 1006].includes(closed.code), `unexpected close code ${closed.code}`);
    codes.push(closed.code);
  }
  assert.ok(codes.includes(1009), `close codes ${codes.join(", ")}: never 1009`);
  await stillServing();
});

test("unknown view and table ids get clear errors", async () => {
  // Request{msg_id: 9, entity_id: "nope", view_dimensions_req: {}}
  const view = await raw([Buffer.from([0x08, 0x09, 0x12, 0x04, ...Buffer.from("nope"), 0x62, 0x00])], 500);
  assert.equal(view.replies.length, 1);
  const viewReply = view.replies[0].data;
  assert.deepEqual([...viewReply.subarray(0, 2)], [0x08, 0x09], "echoes msg_id 9");
  assert.ok(viewReply.includes(Buffer.from([0x92, 0x03])), "carries a server_error");
  assert.ok(viewReply.includes(Buffer.from("View not found")), viewReply.toString());
  // Request{msg_id: 10, entity_id: "nope", table_schema_req: {}}
  const tbl = await raw([Buffer.from([0x08, 0x0a, 0x12, 0x04, ...Buffer.from("nope"), 0x3a, 0x00])], 500);
  assert.equal(tbl.replies.length, 1);
  assert.ok(tbl.replies[0].data.includes(Buffer.from([0x92, 0x03])), "carries a server_error");
  await stillServing();
});

test("1000 connect/disconnect cycles free every view", async () => {
  const before = await metrics();
  for (let i = 0; i < 1000; i++) {
    const client = await perspective.websocket(server.url);
    const t = await client.open_table("r");
    await t.view({ columns: ["s"] });
    if (i === 0) {
      const during = await metrics();
      assert.equal(during.views, before.views + 1, "the open session's view is counted");
      assert.equal(during.sessions, before.sessions + 1);
    }
    await client.terminate(); // drops the socket without deleting the view
  }
  const after = await waitFor("views of closed sessions to be freed", async () => {
    const m = await metrics();
    return m.views === before.views && m.sessions === before.sessions ? m : null;
  });
  assert.equal(after.views, before.views);
  assert.equal(server.exit(), null, "server still running");
  await stillServing();
});
