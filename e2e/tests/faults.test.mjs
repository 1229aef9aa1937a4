// What real networks and impatient hands do: double and rapid clicks, the relay going
// down and coming back, an upstream slower than the widget's timeout, a reload in the
// middle of the form. Each ends with exactly one booking and nothing the visitor typed lost.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { startStack } from "../lib/stack.mjs";
import {
  alertText,
  assertClean,
  embed,
  fill,
  hostPage,
  ready,
  screenshot,
  submitButton,
  succeeded,
  values,
  visitorFor,
  widget,
  widgetAttributes,
} from "../lib/widget.mjs";

let stack;
before(async () => (stack = await startStack()));
after(() => stack?.stop());
beforeEach(async () => {
  stack.slow.hold({ count: 0, ms: 0 });
  await stack.relay.start(); // a test that stopped the relay may have failed before restarting it
  await stack.relay.reset();
});

const WHEN = { date: "2030-03-12", time: "10:30", zone: "America/New_York" };
const TYPED = ["First name", "Last name", "Email", "Phone", "Date", "Time", "Time zone"];

async function openWidget(provider, { slow = false, attributes = {} } = {}) {
  const endpoint = stack.endpoint(provider, { slow });
  const url = stack.page(hostPage({ body: embed(widgetAttributes(provider, "book", endpoint, attributes)) }));
  const opened = await stack.open(url);
  const form = await ready(widget(opened.page));
  return { ...opened, form };
}

/** The writes the browser itself sent (before any relay-side deduplication), with their keys. */
function watchWrites(page) {
  const sent = [];
  page.on("request", (request) => {
    if (request.method() === "POST" || request.method() === "PUT") {
      sent.push({ path: new URL(request.url()).pathname, key: request.headers()["idempotency-key"] });
    }
  });
  return sent;
}

/** The message the widget shows once `#bw-alert` has text. */
async function alertShown(form) {
  await form.locator("#bw-alert:not(:empty)").waitFor({ timeout: 15_000 });
  return alertText(form);
}

test("a double click books once", async () => {
  // The answer is held a moment so the second click lands while the first is in flight.
  stack.slow.hold({ ms: 500 });
  const { page, form, problems } = await openWidget("iclosed", { slow: true });
  const sent = watchWrites(page);
  await fill(form, visitorFor("iclosed", "book", WHEN));
  await submitButton(form).dblclick();
  await succeeded(form);
  assert.equal(sent.length, 1, "the browser sent one request");
  assert.equal((await stack.relay.requests()).length, 1, "the provider has one booking");
  await assertClean(page, problems);
});

test("ten rapid clicks book once, and the button says it is sending", async () => {
  stack.slow.hold({ ms: 3_000 });
  const { page, form, problems } = await openWidget("calcom", { slow: true });
  const sent = watchWrites(page);
  await fill(form, visitorFor("calcom", "book", WHEN));
  const box = await submitButton(form).boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  for (let click = 0; click < 10; click++) await page.mouse.click(x, y);
  assert.equal(await submitButton(form).isDisabled(), true);
  assert.equal(await submitButton(form).textContent(), "Sending…");
  await screenshot(page, "calcom-sending");
  await succeeded(form);
  assert.equal(sent.length, 1, "the browser sent one request");
  assert.equal((await stack.relay.requests()).length, 1, "the provider has one booking");
  await assertClean(page, problems);
});

test("ten clicks dispatched in one task book once", async () => {
  stack.slow.hold({ ms: 500 });
  const { page, form, problems } = await openWidget("meetergo", { slow: true });
  const sent = watchWrites(page);
  await fill(form, visitorFor("meetergo", "book", WHEN));
  await submitButton(form).evaluate((button) => {
    for (let click = 0; click < 10; click++) button.click();
  });
  await succeeded(form);
  assert.equal(sent.length, 1);
  assert.equal((await stack.relay.requests()).length, 1);
  await assertClean(page, problems);
});

test("relay down: an offline message and the form kept; back up: the retry books once", async () => {
  const { page, form } = await openWidget("gohighlevel");
  const sent = watchWrites(page);
  const typed = visitorFor("gohighlevel", "book", WHEN);
  await fill(form, typed);
  await stack.relay.stop();

  await submitButton(form).click();
  assert.match(await alertShown(form), /could not reach the booking service.*what you typed is kept/);
  assert.deepEqual(await values(form, TYPED), { ...typed, Phone: typed.Phone });
  assert.equal(await submitButton(form).isEnabled(), true, "the visitor can try again");
  await screenshot(page, "gohighlevel-offline");

  await stack.relay.start();
  await submitButton(form).click();
  await succeeded(form);
  const booked = await stack.relay.requests();
  assert.deepEqual(
    booked.map((request) => request.path),
    ["/gohighlevel/contacts/upsert", "/gohighlevel/calendars/events/appointments"],
    "one contact, one appointment",
  );
  // The failed attempt and the retry are the same submission: one key per step.
  const upserts = sent.filter((request) => request.path.endsWith("/contacts/upsert"));
  assert.equal(upserts.length, 2);
  assert.equal(upserts[0].key, upserts[1].key);
  assert.equal(booked[0].headers["idempotency-key"], upserts[0].key);
});

test("slow upstream: a timeout message, and the retry reuses the key and books once", async () => {
  // The booking is made upstream at once, but its answer arrives after the widget's 2 s timeout.
  stack.slow.hold({ ms: 4_000 });
  const { page, form, problems } = await openWidget("iclosed", { slow: true, attributes: { "data-timeout": "2" } });
  const sent = watchWrites(page);
  const typed = visitorFor("iclosed", "book", WHEN);
  await fill(form, typed);
  await submitButton(form).click();
  assert.match(await alertShown(form), /taking too long to answer.*you will not be booked twice/);
  assert.deepEqual(await values(form, TYPED), typed);
  await screenshot(page, "iclosed-timeout");
  assert.equal((await stack.relay.requests()).length, 1, "the first attempt did book upstream");

  await submitButton(form).click();
  await succeeded(form);
  assert.equal(sent.length, 2);
  assert.equal(sent[0].key, sent[1].key, "the retry carries the same Idempotency-Key");
  assert.equal((await stack.relay.requests()).length, 1, "the relay answered the retry from the first booking");
  assert.match(await form.locator(".bw-id").textContent(), /^\d+$/);
  // The timed-out fetch is logged by Chromium as a failed load; nothing else may be.
  assert.deepEqual(
    problems.filter((problem) => !/Failed to load resource|TimeoutError|signal timed out/.test(problem)),
    [],
  );
});

test("slow upstream between GoHighLevel's two steps: the retry books one appointment for one contact", async () => {
  stack.slow.hold({ ms: 4_000, path: "/calendars/events/appointments" });
  const { page, form } = await openWidget("gohighlevel", { slow: true, attributes: { "data-timeout": "2" } });
  const sent = watchWrites(page);
  await fill(form, visitorFor("gohighlevel", "book", WHEN));
  await submitButton(form).click();
  assert.match(await alertShown(form), /taking too long/);
  await submitButton(form).click();
  await succeeded(form);
  assert.deepEqual(
    (await stack.relay.requests()).map((request) => request.path),
    ["/gohighlevel/contacts/upsert", "/gohighlevel/calendars/events/appointments"],
  );
  const keys = (suffix) => sent.filter((request) => request.path.endsWith(suffix)).map((request) => request.key);
  assert.equal(new Set(keys("/contacts/upsert")).size, 1);
  assert.equal(new Set(keys("/appointments")).size, 1);
  assert.equal(keys("/appointments").length, 2);
});

test("reload in the middle of the form: the draft is restored, and cleared after booking", async () => {
  const { page, form } = await openWidget("meetergo");
  const typed = { ...visitorFor("meetergo", "book", WHEN), Company: "Analytical Engines", Notes: "Bring the notes" };
  await fill(form, typed);
  await page.reload();
  const again = await ready(widget(page));
  assert.deepEqual(await values(again, Object.keys(typed)), typed);
  await screenshot(page, "meetergo-draft-restored");

  await submitButton(again).click();
  await succeeded(again);
  await page.reload();
  const fresh = await ready(widget(page));
  assert.equal(await fresh.getByLabel("First name", { exact: true }).inputValue(), "");
});

test("a 503, then a 429, each get their own message; the form survives both", async () => {
  const { page, form } = await openWidget("calcom");
  const typed = visitorFor("calcom", "book", WHEN);
  await fill(form, typed);
  const statuses = [503, 429];
  await page.route("**/v2/bookings", (route) => {
    const status = statuses.shift();
    if (!status) return route.fallback();
    return route.fulfill({
      status,
      contentType: "application/json",
      headers: { "access-control-allow-origin": "*" },
      body: JSON.stringify({ status: "error", error: { message: "busy" } }),
    });
  });
  await submitButton(form).click();
  assert.match(await alertShown(form), /has a problem right now \(error 503\)/);
  await submitButton(form).click();
  await form.locator("#bw-alert", { hasText: "Too many attempts" }).waitFor();
  assert.deepEqual(await values(form, TYPED), typed);
  await submitButton(form).click();
  await succeeded(form);
  assert.equal((await stack.relay.requests()).length, 1);
});

test("changing one part of a typed date or time keeps the other parts", async () => {
  // A date or time input reads "" while a part is being retyped; the widget must not
  // write that "" back, which would wipe what the visitor typed before.
  const { form } = await openWidget("calcom");
  await fill(form, { Date: "2030-03-12", Time: "10:30" });
  const date = form.getByLabel("Date", { exact: true });
  await date.focus(); // the month part
  await date.page().keyboard.type("04");
  assert.equal(await date.inputValue(), "2030-04-12");
  const time = form.getByLabel("Time", { exact: true });
  await time.focus(); // the hour part
  await time.page().keyboard.type("09");
  assert.equal(await time.inputValue(), "09:30");
  assert.deepEqual(await values(form, ["Date", "Time"]), { Date: "2030-04-12", Time: "09:30" });
});
