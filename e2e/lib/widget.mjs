// Host pages, the visitor's hands (fill by label, as a person reads the form) and the
// checks every flow shares.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, ROOT } from "./stack.mjs";

/** What a marketer writes for each provider and flow (the values the sandbox knows). */
const EMBEDS = {
  iclosed: { "data-event-id": "42" },
  gohighlevel: {
    "data-calendar-id": "CVokAlI8fgw4WYWoCtQz",
    "data-location-id": "C2QujeCh8ZnC7al2InWR",
  },
  meetergo: {
    "data-meeting-type-id": "demo-meeting-type",
    "data-host-ids": "demo-host",
    "data-channel": "zoom",
    "data-duration": "30",
  },
  calcom: { "data-event-type-id": "1001" },
};
const CALL_EMBED = { "data-team-id": "7", "data-event-type-id": "1001" };
export const PROVIDERS = Object.keys(EMBEDS);

const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/** One `<div data-booking-widget …>` with the given attributes. */
export function embed(attributes) {
  const written = Object.entries(attributes)
    .map(([name, value]) => (value === true ? name : `${name}="${escape(value)}"`))
    .join(" ");
  return `<div data-booking-widget ${written}></div>`;
}

/**
 * The attributes of a widget for `provider` and `flow` against `endpoint`. The date
 * and time are typed (`data-availability="off"`) unless `extra` says otherwise: the
 * suites that type them test that path; `picker.test.mjs` tests the slot picker.
 */
export function widgetAttributes(provider, flow, endpoint, extra = {}) {
  const base = flow === "call" ? CALL_EMBED : EMBEDS[provider];
  const typed = flow === "call" ? {} : { "data-availability": "off" };
  return { "data-provider": provider, "data-flow": flow, "data-endpoint": endpoint, ...base, ...typed, ...extra };
}

/** A host page: the marketer's HTML around the two lines of the embed. */
export function hostPage({ title = "Landing page", body, head = "" }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="icon" href="data:,">
${head}
</head>
<body>
<main>
<h1>${escape(title)}</h1>
${body}
</main>
<script type="module" src="/dist/embed.js"></script>
</body>
</html>`;
}

/** The `index`th widget on the page (locators pierce its open shadow root). */
export function widget(page, index = 0) {
  return page.locator("[data-booking-widget]").nth(index);
}

/**
 * Waits until the wasm's form has taken over the one embed.js draws first (that one
 * sits in a `.bw[data-shell]`, and shows no messages).
 */
export async function ready(widgetLocator) {
  await widgetLocator.locator(".bw:not([data-shell]) form").waitFor({ state: "visible", timeout: 15_000 });
  // The zone picker's options (and the browser's zone) come in the task after the form.
  const zones = widgetLocator.locator("select");
  if (await zones.count()) await zones.locator("option").first().waitFor({ state: "attached" });
  return widgetLocator;
}

export const ADA = {
  "First name": "Ada",
  "Last name": "Lovelace",
  Email: "ada@example.com",
  Phone: "+1 212 555 0100",
};

/** An input by its visible label, exactly (so "Time" is not "Time zone"). */
export function field(widgetLocator, label) {
  return widgetLocator.getByLabel(label, { exact: true });
}

/** Types `values` ({label: value}) into the widget; a `<select>` gets its option chosen. */
export async function fill(widgetLocator, values) {
  for (const [label, value] of Object.entries(values)) {
    const input = field(widgetLocator, label);
    if ((await input.evaluate((element) => element.tagName)) === "SELECT") {
      await input.selectOption(value);
    } else {
      await input.fill(value);
    }
  }
}

/** The labels a flow shows that need a value, with Ada's details and a time. */
export function visitorFor(provider, flow, { date, time, zone }) {
  const when = { Date: date, Time: time, "Time zone": zone };
  if (flow === "call") return { ...ADA };
  if (flow === "reschedule") {
    return provider === "calcom" ? { Email: ADA.Email, ...when } : when;
  }
  return { ...ADA, ...when };
}

export function submitButton(widgetLocator) {
  return widgetLocator.locator("button[type=submit]");
}

/** Waits for the success view and returns its text. */
export async function succeeded(widgetLocator) {
  const done = widgetLocator.locator(".bw-done");
  try {
    await done.waitFor({ timeout: 15_000 });
  } catch (error) {
    const alert = await widgetLocator.locator("#bw-alert").textContent().catch(() => null);
    const errors = await widgetLocator.locator("[id$=-error]").allTextContents().catch(() => []);
    throw new Error(`no success view; alert: ${alert}; field errors: ${errors.join(" | ")}`, { cause: error });
  }
  return done.textContent();
}

/** The message shown by the input labelled `label`, or "" when there is none. */
export async function messageBy(widgetLocator, label) {
  const input = field(widgetLocator, label);
  const described = (await input.getAttribute("aria-describedby")) ?? "";
  const errorId = described.split(/\s+/).find((id) => id.endsWith("-error"));
  if (!errorId) return "";
  return (await widgetLocator.locator(`#${errorId}`).textContent()).trim();
}

/** The widget's general message (`role="alert"`), trimmed. */
export async function alertText(widgetLocator) {
  return ((await widgetLocator.locator("#bw-alert").textContent()) ?? "").trim();
}

/** The values of the named inputs, as the visitor sees them. */
export async function values(widgetLocator, labels) {
  const seen = {};
  for (const label of labels) seen[label] = await field(widgetLocator, label).inputValue();
  return seen;
}

/** A full-page screenshot at e2e/artifacts/<name>.png. */
export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const AXE = readFileSync(path.join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");

/** axe-core's WCAG 2.0 A/AA and 2.1 AA violations on the page (shadow roots included). */
export async function axeViolations(page) {
  await page.evaluate(AXE);
  const found = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"] } }),
  );
  return found.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" > ")).join(", ")})`,
  );
}

/** Asserts the page logged no error and no CSP violation. */
export async function assertClean(page, problems) {
  const violations = await page.evaluate(() => window.__violations);
  assert.deepEqual(violations, [], "securitypolicyviolation fired");
  assert.deepEqual(problems, [], "the page logged errors");
}
