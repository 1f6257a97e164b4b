// Debian's Chromium, headless, driven by playwright-core (never a downloaded browser).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

// Returns { context, page, errors }: `errors` collects page errors, failed requests and
// HTTP errors (the page must be fully served by chview, offline).
export async function launchChromium({ width = 1280, height = 720 } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "chview-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width, height },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
  page.on("response", (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`); });
  return { context, page, errors };
}
