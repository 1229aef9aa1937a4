// The browser half of bench/run: ready-to-type (floor page and widget page, cold
// loads under throttling) and keystroke → message latency, in headless Chromium driven
// over the DevTools protocol. Prints `key=value` lines on stdout (bench/run reads them),
// progress on stderr.
//
//   node bench/browser.mjs            (needs dist/ built; see bench/README.md)
//
// Environment: CHROMIUM (/usr/bin/chromium), BENCH_LOADS (7), BENCH_KEYSTROKES (200).
import { spawn } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import { launchChromium } from "../scripts/chromium.mjs";
import { startServer } from "./serve.mjs";

const LOADS = Number(process.env.BENCH_LOADS ?? 7);
const KEYSTROKES = Number(process.env.BENCH_KEYSTROKES ?? 200);

// The throttling: 4x slower CPU, 150 ms added round trip, 1.6 Mbps both ways.
export const CPU_SLOWDOWN = 4;
export const NETWORK = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 200_000 };

const t0 = Date.now();
const log = (message) => process.stderr.write(`bench: [${((Date.now() - t0) / 1000).toFixed(1)} s] ${message}\n`);

/**
 * Runs in every page before its own scripts. `window.__bench.ready` resolves with
 * `performance.now()` (ms since navigation start) at the first moment the first
 * `<input>` of the form exists, is connected, rendered (checkVisibility) and not
 * disabled: in the document (the floor) or in the open shadow root of the first
 * `[data-booking-widget]` (the widget: the form embed.js draws before the wasm
 * arrives, which takes what is typed). `window.__bench.live` resolves likewise when
 * the wasm's own form has taken over (its `.bw` has no `data-shell`): from then on
 * messages show by the fields. On the floor the two are the same moment. Both are
 * checked whenever a MutationObserver sees the document or any shadow root change,
 * so the time is that of the microtask after the change.
 */
function readyProbe() {
  const moments = {};
  const seen = {};
  window.__bench = {};
  const names = ["ready", "live", "slots"];
  for (const name of names) window.__bench[name] = new Promise((resolve) => (moments[name] = resolve));
  const observers = [];
  const usable = (input) => input && input.isConnected && !input.disabled && input.checkVisibility();
  const check = () => {
    const host = document.querySelector("[data-booking-widget]");
    const root = host ? host.shadowRoot : document;
    if (!root) return;
    const at = performance.now();
    const states = {
      ready: root.querySelector("input"),
      live: host ? root.querySelector(".bw:not([data-shell]) input") : root.querySelector("input"),
      // The first free day's times: the picker's, or the slots floor's buttons.
      slots: host ? root.querySelector(".bw-time") : root.querySelector("#times button"),
    };
    for (const [name, input] of Object.entries(states)) {
      if (!seen[name] && usable(input)) {
        seen[name] = true;
        moments[name](at);
      }
    }
    if (names.every((name) => seen[name])) for (const observer of observers) observer.disconnect();
  };
  const observe = (node) => {
    const observer = new MutationObserver(check);
    observer.observe(node, { childList: true, subtree: true, attributes: true });
    observers.push(observer);
  };
  observe(document);
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (...args) {
    const root = attachShadow.apply(this, args);
    if (!names.every((name) => seen[name])) observe(root);
    return root;
  };
  document.addEventListener("DOMContentLoaded", check);
  window.addEventListener("load", check);
}

async function throttledPage(browser, { network }) {
  // A fresh context per load: its own HTTP cache, connections and storage.
  const context = await browser.newContext({
    viewport: { width: 800, height: 1000 },
    locale: "en-US",
    timezoneId: "America/New_York",
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  if (network) await cdp.send("Network.emulateNetworkConditions", NETWORK);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  await page.addInitScript(readyProbe);
  return { context, page, problems };
}

/**
 * One cold load of `url` under the full throttling; ms from navigation start to each
 * of `moments` (`ready`, `live`, `slots`; see readyProbe).
 */
async function readyOnce(browser, url, moments = ["ready", "live"]) {
  const { context, page, problems } = await throttledPage(browser, { network: true });
  try {
    await page.goto(url, { waitUntil: "commit", timeout: 60_000 });
    let timer;
    const ready = await Promise.race([
      page.evaluate(
        async (names) => Object.fromEntries(await Promise.all(names.map(async (name) => [name, await window.__bench[name]]))),
        moments,
      ),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${url}: not ${moments.join(", ")} after 60 s`)), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
    if (problems.length) throw new Error(`${url} logged errors:\n${problems.join("\n")}`);
    return ready;
  } finally {
    await context.close();
  }
}

/**
 * The keystrokes: a valid address and, in turn, one-character edits of it that make it
 * invalid (a trailing dot, a missing @, a space…), so that every input shows or hides
 * the Email message: 200 inputs, the message appears on half of them and disappears on
 * the other half.
 */
const VALID = "ada.lovelace@example.com";
const INVALID = [
  "ada.lovelace@example.com.",
  "ada.lovelace@examplecom",
  "ada.lovelace@@example.com",
  "ada.lovelace@example.com-",
  "ada lovelace@example.com",
  "ada.lovelaceexample.com",
  "ada.lovelace@example..com",
  "ada.lovelace@-example.com",
];

/**
 * Runs in the page: sets the Email input's value and dispatches `input` (what a key
 * press does), and times each until `#email-error` shows or hides its message. The
 * message is checked synchronously right after dispatch (counted in `synchronous`),
 * else the time is taken in a MutationObserver on the message, which runs as a
 * microtask after the change (so at most a few microtasks late). Between inputs, all
 * queued work is let finish (a MessageChannel task) and a frame is rendered, as
 * between a person's key presses. That channel is made before the clock starts: making
 * one is the bench's own work (0.1 to 0.2 ms unthrottled, a fresh message pipe), and
 * until session 5 it was timed as part of each keystroke.
 */
async function typeInPage({ valid, invalid, count }) {
  const root = document.querySelector("[data-booking-widget]").shadowRoot;
  const input = root.querySelector("#email");
  const message = root.querySelector("#email-error");
  if (!input || !message) throw new Error("no #email or #email-error in the widget");
  const settle = () =>
    new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(0);
    });
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const shown = () => message.textContent.trim() !== "";
  const type = (value) => {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };

  input.focus();
  type(valid); // the field is touched now: its message shows as soon as it is wrong
  await settle();
  await frame();
  if (shown()) throw new Error(`a message for ${valid}: ${message.textContent}`);

  const times = [];
  let synchronous = 0;
  const texts = new Set();
  for (let i = 0; i < count; i++) {
    const value = i % 2 === 0 ? invalid[(i / 2) % invalid.length] : valid;
    const expected = i % 2 === 0;
    let at = null;
    const observer = new MutationObserver(() => {
      if (at === null && shown() === expected) at = performance.now();
    });
    observer.observe(message, { childList: true, characterData: true, subtree: true });
    const settled = settle();
    const start = performance.now();
    type(value);
    if (shown() === expected) {
      at = performance.now();
      synchronous += 1;
    }
    await settled;
    observer.disconnect();
    if (at === null) throw new Error(`input ${i} (${JSON.stringify(value)}): the message did not ${expected ? "show" : "hide"}`);
    times.push(at - start);
    if (expected) texts.add(message.textContent.trim());
    await frame();
  }
  return { times, synchronous, texts: [...texts] };
}

async function keystrokes(browser, url) {
  const { context, page, problems } = await throttledPage(browser, { network: false });
  try {
    await page.goto(url, { waitUntil: "commit" });
    await page.evaluate(() => window.__bench.live);
    const result = await page.evaluate(typeInPage, { valid: VALID, invalid: INVALID, count: KEYSTROKES });
    if (problems.length) throw new Error(`the widget page logged errors:\n${problems.join("\n")}`);
    return result;
  } finally {
    await context.close();
  }
}

const median = (values) => quantile(values, 0.5);
/** Nearest-rank quantile (p95 of 200 values is the 190th smallest). */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}
const ms = (value) => value.toFixed(2);

/**
 * `booking-relay sandbox` on a free port, its host free around the clock
 * (e2e/sandbox.toml), for the pages' free times: the binary bench/run built
 * (RELAY_BIN). Returns its address and a stop function.
 */
async function startRelay() {
  const binary = process.env.RELAY_BIN;
  if (!binary) throw new Error("RELAY_BIN is not set: bench/run builds the relay and names it");
  const probe = http.createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address();
  probe.close();
  const url = `http://127.0.0.1:${port}`;
  const relay = spawn(binary, ["sandbox", "--addr", `127.0.0.1:${port}`, "--config", "e2e/sandbox.toml"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(`${url}/__sandbox/requests`)).ok) return { url, stop: () => relay.kill() };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  relay.kill();
  throw new Error(`the relay sandbox did not answer on ${url}`);
}

async function main() {
  const relay = await startRelay();
  const server = await startServer({ relay: relay.url });
  const browser = await launchChromium();
  try {
    const floorUrl = `${server.origin}/floor.html`;
    const slotsFloorUrl = `${server.origin}/floor-slots.html`;
    const widgetUrl = `${server.origin}/widget.html`;
    const preloadUrl = `${server.origin}/widget-preload.html`;
    const WIDGET = ["ready", "live", "slots"];
    // One load of each first, not counted (the browser's own first-use costs), then
    // floor and widget in turn, so that a busy moment of the machine hits both alike.
    log("ready-to-type and slots visible: a warm-up load of each page (not counted)");
    await readyOnce(browser, floorUrl);
    await readyOnce(browser, slotsFloorUrl, ["slots"]);
    await readyOnce(browser, widgetUrl, WIDGET);
    await readyOnce(browser, preloadUrl, WIDGET);
    const loads = { floor: [], slotsFloor: [], widget: [], preloaded: [] };
    for (let i = 0; i < LOADS; i++) {
      loads.floor.push(await readyOnce(browser, floorUrl));
      loads.slotsFloor.push(await readyOnce(browser, slotsFloorUrl, ["slots"]));
      loads.widget.push(await readyOnce(browser, widgetUrl, WIDGET));
      loads.preloaded.push(await readyOnce(browser, preloadUrl, WIDGET));
      const [floor, slotsFloor, widget, preloaded] = Object.values(loads).map((each) => each.at(-1));
      log(
        `load ${i + 1}/${LOADS}: ready-to-type floor ${floor.ready.toFixed(0)} ms, widget ${widget.ready.toFixed(0)} ms ` +
          `(live ${widget.live.toFixed(0)}), with the preload hint ${preloaded.ready.toFixed(0)} ms (live ${preloaded.live.toFixed(0)}); ` +
          `slots visible floor ${slotsFloor.slots.toFixed(0)} ms, widget ${widget.slots.toFixed(0)} ms`,
      );
    }
    log(`keystrokes: ${KEYSTROKES} inputs in the Email field at ${CPU_SLOWDOWN}x CPU`);
    const typed = await keystrokes(browser, widgetUrl);

    const floorMedian = median(loads.floor.map((load) => load.ready));
    const out = { chromium: browser.version(), loads: LOADS };
    // Slots visible, against its own floor: the plain page asking the same relay.
    const slotsFloor = loads.slotsFloor.map((load) => load.slots);
    const slotsWidget = loads.widget.map((load) => load.slots);
    Object.assign(out, {
      floor_slots_ms: median(slotsFloor).toFixed(0),
      floor_slots_all: slotsFloor.map((x) => x.toFixed(0)).join(","),
      widget_slots_ms: median(slotsWidget).toFixed(0),
      widget_slots_all: slotsWidget.map((x) => x.toFixed(0)).join(","),
      slots_ratio: (median(slotsWidget) / median(slotsFloor)).toFixed(2),
    });
    delete loads.slotsFloor;
    for (const [page, each] of Object.entries(loads)) {
      for (const moment of ["ready", "live"]) {
        const times = each.map((load) => load[moment]);
        out[`${page}_${moment}_ms`] = median(times).toFixed(0);
        out[`${page}_${moment}_all`] = times.map((x) => x.toFixed(0)).join(",");
        out[`${page}_${moment}_ratio`] = (median(times) / floorMedian).toFixed(2);
      }
    }
    Object.assign(out, {
      ready_ratio: out.widget_ready_ratio,
      floor_page_br: server.brotliBytes("/floor.html"),
      widget_page_br: server.brotliBytes("/widget.html"),
      keystrokes: typed.times.length,
      keystroke_p50_ms: ms(quantile(typed.times, 0.5)),
      keystroke_p95_ms: ms(quantile(typed.times, 0.95)),
      keystroke_max_ms: ms(Math.max(...typed.times)),
      keystroke_synchronous: typed.synchronous,
      keystroke_messages: typed.texts.join(" | "),
    });
    for (const [key, value] of Object.entries(out)) console.log(`${key}=${value}`);
  } finally {
    await browser.close();
    server.close();
    relay.stop();
  }
}

await main();
