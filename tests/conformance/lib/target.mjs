// Starts the server under test on a free port: chview ($CHVIEW_BIN serve --writable) by
// default, or Perspective's own Node WebSocketServer (CONFORMANCE_TARGET=perspective, the
// harness self-check). CONFORMANCE_URL=ws://... uses an already running server instead.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { canConnect, freePort } from "../../lib/process.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = process.env.CHVIEW_ROOT || path.resolve(here, "../../..");

export function describeTarget() {
  if (process.env.CONFORMANCE_URL) return `server at ${process.env.CONFORMANCE_URL}`;
  const engine = perspectiveTarget();
  if (engine) return `Perspective ${engine} WebSocketServer${engine === "5.5.1" ? " (self-check)" : ""}`;
  return `chview (${chviewBin()})`;
}

// CONFORMANCE_TARGET=perspective (5.5.1) or perspective-<version> (4.3.0, 3.8.0).
function perspectiveTarget() {
  const m = /^perspective(?:-(.+))?$/.exec(process.env.CONFORMANCE_TARGET || "");
  return m ? m[1] || "5.5.1" : null;
}

export function chviewBin() {
  return process.env.CHVIEW_BIN || path.join(projectRoot, "build", "chview");
}

// Returns { url, stop(), output() }. Throws with the server's output if it does not come up.
export async function startTarget() {
  if (process.env.CONFORMANCE_URL) {
    return { url: process.env.CONFORMANCE_URL, stop: async () => {}, output: () => "" };
  }
  const port = await freePort();
  let command;
  let args;
  if (perspectiveTarget()) {
    command = process.execPath;
    args = [path.join(here, "perspective-ws-server.mjs"), String(port), perspectiveTarget()];
  } else {
    command = chviewBin();
    if (!fs.existsSync(command)) {
      throw new Error(`chview binary not found at ${command} (set CHVIEW_BIN or build the chview target)`);
    }
    const extra = (process.env.CONFORMANCE_CHVIEW_ARGS || "").split(/\s+/).filter(Boolean);
    args = ["serve", "--writable", "--port", String(port), ...extra];
  }
  let out = "";
  const child = spawn(command, args, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  let exited = null;
  child.on("exit", (code, signal) => (exited = { code, signal }));
  child.on("error", (err) => (exited = { code: String(err), signal: null }));
  const deadline = Date.now() + 20000;
  while (!(await canConnect(port))) {
    if (exited) {
      throw new Error(`${command} ${args.join(" ")} exited (${exited.code ?? exited.signal}) before listening:\n${out}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${command} ${args.join(" ")} did not listen on port ${port} within 20s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `ws://127.0.0.1:${port}/websocket`,
    output: () => out,
    alive: () => !exited,
    stop: async () => {
      if (exited) return;
      const done = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await done;
      clearTimeout(timer);
    },
  };
}
