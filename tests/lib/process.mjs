// Shared helpers for Node tests: free ports, starting chview and other processes,
// waiting for ports, talking to ClickHouse over HTTP.
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = process.env.CHVIEW_ROOT || path.resolve(here, "../..");
export const chviewBin = process.env.CHVIEW_BIN || path.join(projectRoot, "build", "chview");

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function canConnect(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `check` (async, truthy = done) until it passes or `ms` elapse; throws `what`.
export async function waitFor(what, check, ms = 20000, step = 50) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(step);
  }
}

// Starts a process, collecting its output. Returns { child, output(), exited(), stop() }.
export function startProcess(command, args, options = {}) {
  let out = "";
  const child = spawn(command, args, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"], ...options });
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  let exit = null;
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
    child.on("error", (err) => {
      exit = { code: String(err), signal: null };
      resolve(exit);
    });
  });
  return {
    child,
    output: () => out,
    exit: () => exit,
    exited,
    async stop(signal = "SIGTERM", graceMs = 10000) {
      if (exit) return exit;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

// Starts `chview serve <args>` on a free port and waits until it accepts connections.
export async function startChview(args = [], { port } = {}) {
  port = port || (await freePort());
  const proc = startProcess(chviewBin, ["serve", "--port", String(port), ...args]);
  await waitFor("chview serve to listen", async () => {
    if (proc.exit()) throw new Error(`chview serve exited ${JSON.stringify(proc.exit())}:\n${proc.output()}`);
    return canConnect(port);
  });
  return { ...proc, port, url: `ws://127.0.0.1:${port}/websocket`, http: `http://127.0.0.1:${port}` };
}

// A tiny ClickHouse HTTP client: query(sql, settings?) → text; json(sql) → rows.
export function clickhouse(url) {
  const u = new URL(url);
  const base = `${u.protocol}//${u.host}/`;
  const params = new URLSearchParams({ user: decodeURIComponent(u.username || "default") });
  if (u.password) params.set("password", decodeURIComponent(u.password));
  const db = u.pathname.replace(/^\//, "");
  if (db) params.set("database", db);
  async function query(sql, settings = {}) {
    const res = await fetch(`${base}?${new URLSearchParams({ ...Object.fromEntries(params), ...settings })}`, {
      method: "POST",
      body: sql,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text.slice(0, 500)}`);
    return text;
  }
  return {
    url,
    query,
    async json(sql) {
      return JSON.parse(await query(`${sql} FORMAT JSON`)).data;
    },
  };
}
