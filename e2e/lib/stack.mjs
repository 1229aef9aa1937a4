// The whole path a visitor takes, started for one test file: `booking-relay sandbox`
// on a free port, a proxy in front of it that can hold answers back (a slow network),
// a static server for host pages and the built widget (`dist/`), and Chromium.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream, existsSync, mkdirSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { launchChromium } from "../../scripts/chromium.mjs";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const DIST = path.join(ROOT, "dist");
export const ARTIFACTS = path.join(ROOT, "e2e", "artifacts");
const RELAY_BIN = process.env.RELAY_BIN ?? path.join(ROOT, "target", "debug", "booking-relay");
/** The sandbox's host works every day around the clock here (see the file). */
const SANDBOX_CONFIG = path.join(ROOT, "e2e", "sandbox.toml");

const TYPES = {
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
};

async function freePort() {
  const server = http.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

async function listen(server) {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${server.address().port}`;
}

/** `booking-relay sandbox` as a child process that can be stopped and started again on its port. */
class Relay {
  constructor(port) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.process = null;
    this.log = "";
  }

  /** Starts the sandbox, unless it is running already. */
  async start() {
    if (this.running) return;
    const child = spawn(RELAY_BIN, ["sandbox", "--addr", `127.0.0.1:${this.port}`, "--config", SANDBOX_CONFIG], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk) => (this.log += chunk));
    child.stderr.on("data", (chunk) => (this.log += chunk));
    this.process = child;
    for (let attempt = 0; attempt < 100 && this.running; attempt++) {
      try {
        await this.requests();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`booking-relay sandbox did not answer on ${this.url}:\n${this.log}`);
  }

  get running() {
    return this.process !== null && this.process.exitCode === null && this.process.signalCode === null;
  }

  async stop() {
    if (!this.running) return;
    const exited = once(this.process, "exit");
    this.process.kill("SIGTERM");
    await exited;
  }

  /** Every request the sandbox accepted (replays of an Idempotency-Key are not in it). */
  async requests() {
    const reply = await fetch(`${this.url}/__sandbox/requests`);
    if (!reply.ok) throw new Error(`/__sandbox/requests answered ${reply.status}`);
    return reply.json();
  }

  async reset() {
    const reply = await fetch(`${this.url}/__sandbox/reset`, { method: "POST" });
    if (!reply.ok) throw new Error(`/__sandbox/reset answered ${reply.status}`);
  }
}

/**
 * Forwards everything to the relay; `hold({ count, ms, path })` holds back the answers
 * to the next `count` writes (whose path ends with `path`, if given) for `ms` after the
 * relay gave them, the way a slow upstream looks to the browser: the booking is made,
 * the visitor's fetch times out first.
 */
class SlowLink {
  constructor(relay) {
    this.relay = relay;
    this.held = { count: 0, ms: 0, path: "" };
    this.server = http.createServer((request, response) => this.forward(request, response));
  }

  async start() {
    this.url = await listen(this.server);
  }

  hold({ count = 1, ms, path = "" }) {
    this.held = { count, ms, path };
  }

  forward(request, response) {
    const write = request.method === "POST" || request.method === "PUT";
    const held = write && this.held.count > 0 && request.url.endsWith(this.held.path);
    const delay = held ? this.held.ms : 0;
    if (held) this.held.count -= 1;
    const upstream = http.request(
      `${this.relay.url}${request.url}`,
      { method: request.method, headers: request.headers },
      (answer) => {
        const body = [];
        answer.on("data", (chunk) => body.push(chunk));
        answer.on("end", () =>
          setTimeout(() => {
            if (response.destroyed) return;
            response.writeHead(answer.statusCode, answer.headers);
            response.end(Buffer.concat(body));
          }, delay),
        );
      },
    );
    upstream.on("error", () => response.destroy());
    request.pipe(upstream);
  }
}

/** Serves `dist/` under `/dist/` and the host pages the tests register, each under `/p/<name>`. */
class Site {
  constructor() {
    this.pages = new Map();
    this.server = http.createServer((request, response) => this.serve(request, response));
  }

  async start() {
    this.url = await listen(this.server);
  }

  add(name, { html, headers = {} }) {
    this.pages.set(name, { html, headers });
    return `${this.url}/p/${name}`;
  }

  serve(request, response) {
    const { pathname } = new URL(request.url, this.url);
    if (pathname.startsWith("/p/")) {
      const page = this.pages.get(pathname.slice(3));
      if (!page) return notFound(response);
      response.writeHead(200, { "content-type": TYPES[".html"], ...page.headers });
      return response.end(page.html);
    }
    if (pathname.startsWith("/dist/")) {
      const file = path.join(DIST, path.normalize(pathname.slice("/dist/".length)));
      if (!file.startsWith(DIST + path.sep) || !existsSync(file)) return notFound(response);
      response.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      return createReadStream(file).pipe(response);
    }
    return notFound(response);
  }
}

function notFound(response) {
  response.writeHead(404, { "content-type": "text/plain" });
  response.end("not found");
}

/**
 * Starts the relay, the slow link, the site and Chromium. Call once per test file
 * (in `before`), and `stop()` in `after`.
 */
export async function startStack() {
  const builds = ["iclosed", "gohighlevel", "meetergo", "calcom"];
  for (const file of ["embed.js", ...builds.flatMap((build) => [`booking-widget-${build}.js`, `booking-widget-${build}_bg.wasm`])]) {
    if (!existsSync(path.join(DIST, file))) {
      throw new Error(`dist/${file} is missing: run \`bash e2e/run\` (it builds dist/ first)`);
    }
  }
  if (!existsSync(RELAY_BIN)) throw new Error(`${RELAY_BIN} is missing: run \`bash e2e/run\``);
  mkdirSync(ARTIFACTS, { recursive: true });

  const relay = new Relay(await freePort());
  await relay.start();
  const slow = new SlowLink(relay);
  await slow.start();
  const site = new Site();
  await site.start();
  const browser = await launchChromium();
  return new Stack({ relay, slow, site, browser });
}

class Stack {
  constructor({ relay, slow, site, browser }) {
    Object.assign(this, { relay, slow, site, browser });
    this.pageCount = 0;
  }

  async stop() {
    await this.browser.close();
    this.site.server.close();
    this.slow.server.closeAllConnections();
    this.slow.server.close();
    await this.relay.stop();
  }

  /** The endpoint a widget of `provider` uses: the relay itself, or `{ slow: true }` through the slow link. */
  endpoint(provider, { slow = false } = {}) {
    return `${slow ? this.slow.url : this.relay.url}/${provider}`;
  }

  /** Registers a host page (see `hostPage`) and returns its URL. */
  page(html, headers) {
    this.pageCount += 1;
    return this.site.add(`page-${this.pageCount}`, { html, headers });
  }

  /**
   * A fresh browser context (cold cache, empty storage) on `url`, the visitor in
   * `timezoneId`. Returns the page and what it logged: console errors, page errors,
   * CSP violations. `prepare(page)` runs before the page loads (to route requests).
   */
  async open(url, { timezoneId = "America/New_York", viewport = { width: 800, height: 1000 }, prepare } = {}) {
    const context = await this.browser.newContext({ timezoneId, viewport, locale: "en-US" });
    const page = await context.newPage();
    const problems = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (event) =>
        window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    await prepare?.(page);
    await page.goto(url);
    return { page, context, problems };
  }
}
