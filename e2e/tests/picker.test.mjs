// The slot picker (DESIGN.md §6), driven by roles and accessible names: a booking made
// with the keyboard alone for each provider, a time booked by someone else not offered,
// a time taken between showing and sending, a zone switch, 320 px, the states axe
// checks, and the typed inputs where there is no source.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { startStack } from "../lib/stack.mjs";
import {
  ADA,
  PROVIDERS,
  assertClean,
  axeViolations,
  embed,
  field,
  fill,
  hostPage,
  ready,
  screenshot,
  submitButton,
  succeeded,
  widget,
  widgetAttributes,
} from "../lib/widget.mjs";

let stack;
before(async () => (stack = await startStack()));
after(() => stack?.stop());
beforeEach(() => stack.relay.reset());

const ZONE = "America/New_York";
/** What an answer made up by the test needs for the page (another origin) to read it. */
const CORS = { "access-control-allow-origin": "*" };

/** A widget of `provider` with its picker on (iClosed's free times are listed by link prefix). */
function pickerEmbed(provider, flow = "book", extra = {}) {
  const source = provider === "iclosed" ? { "data-link-prefix": "jane/intro-call" } : {};
  return widgetAttributes(provider, flow, stack.endpoint(provider), { "data-availability": "on", ...source, ...extra });
}

/** Opens a page with one picker widget of `provider`; resolves once its times show. */
async function openPicker(provider, { flow = "book", extra = {}, viewport, prepare, times = true } = {}) {
  const url = stack.page(hostPage({ body: embed(pickerEmbed(provider, flow, extra)) }));
  const opened = await stack.open(url, { viewport, prepare });
  const form = widget(opened.page);
  await ready(form);
  if (times) await timeButtons(form).first().waitFor({ timeout: 15_000 });
  return { ...opened, form };
}

/** The chosen day's times: a group whose name says "Times". */
function timesGroup(form) {
  return form.getByRole("group", { name: /^Times on / });
}

function timeButtons(form) {
  return timesGroup(form).getByRole("button");
}

/** The month grid, named by its month and year. */
function grid(form) {
  return form.getByRole("grid");
}

/** The start each provider's booking request carried, as epoch milliseconds. */
function bookedStart(requests, provider) {
  const booking = requests.find(
    (request) =>
      request.method === "POST" &&
      /\/(eventCalls|events\/appointments|v4\/booking|v2\/bookings)$/.test(request.path),
  );
  assert.ok(booking, `${provider}: a booking was sent (${requests.map((r) => `${r.method} ${r.path}`).join(", ")})`);
  const body = booking.body;
  return Date.parse(body.dateTime ?? body.startTime ?? body.start);
}

/** `epochMillis` as the widget labels times for an en-US visitor in `zone`. */
function label(epochMillis, zone = ZONE) {
  return new Intl.DateTimeFormat("en-US", { timeZone: zone, hour: "numeric", minute: "2-digit", hourCycle: "h12" }).format(
    new Date(epochMillis),
  );
}

/** The element with focus, through shadow roots: its role-ish description. */
function focused(page) {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    if (!element) return null;
    const labelled = element.id && element.getRootNode().querySelector(`label[for="${element.id}"]`);
    return {
      tag: element.tagName.toLowerCase(),
      label: labelled?.textContent ?? element.getAttribute("aria-label") ?? element.textContent.trim(),
      className: element.className,
      disabled: element.getAttribute("aria-disabled") === "true",
      pressed: element.getAttribute("aria-pressed"),
    };
  });
}

/**
 * Waits until focus is back on something in a widget: the picker draws itself anew
 * after a choice, and puts focus back where it was a task later.
 */
async function settled(page) {
  await page.waitForFunction(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return element && element !== document.body && !element.shadowRoot;
  });
}

/** The free times the relay itself answers (Cal.com's shape), earliest first, as epoch ms. */
async function relayFreeTimes() {
  const today = new Date().toISOString().slice(0, 10);
  const end = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const reply = await fetch(
    `${stack.relay.url}/calcom/v2/slots?start=${today}&end=${end}&timeZone=${encodeURIComponent(ZONE)}&eventTypeId=1001`,
    { headers: { "cal-api-version": "2024-09-04" } },
  );
  assert.equal(reply.status, 200);
  const { data } = await reply.json();
  return Object.values(data)
    .flat()
    .map((slot) => Date.parse(slot.start))
    .sort((a, b) => a - b);
}

/** Someone else books `epochMillis` at Cal.com, through the relay. */
async function bookElsewhere(epochMillis) {
  const reply = await fetch(`${stack.relay.url}/calcom/v2/bookings`, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": `someone-else-${crypto.randomUUID()}` },
    body: JSON.stringify({
      start: new Date(epochMillis).toISOString(),
      eventTypeId: 1001,
      attendee: { name: "Grace Hopper", email: "grace@example.com", timeZone: ZONE },
    }),
  });
  assert.ok(reply.ok, `${reply.status}: ${await reply.text()}`);
}

for (const provider of PROVIDERS) {
  test(`${provider}: a booking made with the keyboard alone, through the picker`, async () => {
    const { page, problems, form } = await openPicker(provider);
    await screenshot(page, `picker-${provider}-opened`);
    // The grid opens on the first free day, whose times show beside it.
    const opened = await grid(form).getByRole("gridcell", { selected: true }).getByRole("button").getAttribute("aria-label");
    assert.match(await timesGroup(form).getAttribute("aria-labelledby"), /./);
    assert.equal(await form.getByText(`Times on ${opened}`).count(), 1, "the times are the opened day's");

    await page.locator("h1").click();
    let chosen = null;
    for (let step = 0; step < 150; step++) {
      await page.keyboard.press("Tab");
      const at = await focused(page);
      if (!at) continue;
      if (at.tag === "input" && ADA[at.label]) {
        await page.keyboard.type(ADA[at.label]);
      } else if (at.className.includes("bw-day")) {
        assert.equal(at.disabled, false, "the grid's tab stop is the opened free day");
        // A move by keyboard and back lands on the same day.
        await page.keyboard.press("ArrowRight");
        await page.keyboard.press("ArrowLeft");
        assert.equal((await focused(page)).label, opened);
        await page.keyboard.press("Enter");
        await settled(page);
      } else if (at.className.includes("bw-time") && chosen === null) {
        await page.keyboard.press("Enter");
        await settled(page);
        assert.equal((await focused(page)).pressed, "true", "the chosen time is marked");
        chosen = at.label;
      } else if (at.tag === "button" && at.label.startsWith("Book")) {
        await page.keyboard.press("Enter");
        break;
      }
    }
    assert.ok(chosen, "a time was chosen with the keyboard");
    await succeeded(form);
    const start = bookedStart(await stack.relay.requests(), provider);
    assert.equal(label(start), chosen, "the provider got the instant of the time chosen");
    await screenshot(page, `picker-${provider}-booked`);
    await assertClean(page, problems);
  });
}

test("a reschedule asks with the booking being moved and shows its time as such", async () => {
  const { page, problems, form } = await openPicker("calcom");
  await fill(form, ADA);
  const booked = timeButtons(form).nth(2);
  const bookedLabel = await booked.textContent();
  await booked.click();
  await submitButton(form).click();
  await succeeded(form);

  await form.getByRole("link", { name: "Reschedule" }).click();
  const moving = widget(page);
  await ready(moving);
  await timeButtons(moving).first().waitFor();
  const asked = (await stack.relay.requests()).filter((request) => request.path === "/calcom/v2/slots").at(-1);
  assert.match(JSON.stringify(asked), /bookingUidToReschedule/, "the slots are asked with the booking being moved");
  const now = moving.getByText(/^Your booking now: /);
  assert.match(await now.textContent(), new RegExp(bookedLabel.replace(/\s/g, "\\s")));
  const current = timesGroup(moving).getByRole("button", { name: `${bookedLabel} (now)` });
  assert.equal(await current.getAttribute("aria-disabled"), "true", "the time being moved is shown and cannot be chosen");
  await screenshot(page, "picker-reschedule");
  await timeButtons(moving).first().click();
  await field(moving, "Email").fill(ADA.Email);
  await submitButton(moving).click();
  await succeeded(moving);
  await assertClean(page, problems);
});

test("Cal.com: a chosen time is held, shown counting down, released for another choice and when the visitor leaves", async () => {
  const { page, problems, form } = await openPicker("calcom");
  const holds = async () =>
    (await stack.relay.requests()).filter((request) => request.path.startsWith("/calcom/v2/slots/reservations"));

  const first = timeButtons(form).first();
  const firstLabel = await first.textContent();
  await first.click();
  const held = timesGroup(form).getByText(/^This time is held for you for [45]:\d\d\.$/);
  await held.waitFor();
  assert.deepEqual((await holds()).map((request) => request.method), ["POST"]);
  assert.deepEqual(await axeViolations(page), [], "a time held");
  await screenshot(page, "picker-held");

  // Another visitor does not get the held time.
  const other = await openPicker("calcom");
  assert.ok(!(await timeButtons(other.form).allTextContents()).includes(firstLabel), "a held time is not offered");
  await other.context.close();

  await timeButtons(form).nth(1).click();
  await held.waitFor();
  for (let attempt = 0; attempt < 50 && (await holds()).length < 3; attempt++) await new Promise((r) => setTimeout(r, 100));
  // The release is sent first, but it and the second hold travel side by side: they
  // may reach the relay in either order.
  const methods = (await holds()).map((request) => request.method);
  assert.deepEqual(methods.toSorted(), ["DELETE", "POST", "POST"], "the first hold is released for the second");

  await page.goto("about:blank");
  for (let attempt = 0; attempt < 50 && (await holds()).length < 4; attempt++) await new Promise((r) => setTimeout(r, 100));
  assert.equal((await holds()).at(-1).method, "DELETE", "the hold is released when the visitor leaves");
  await assertClean(page, problems);
});

test("each provider's first month is asked once: by embed.js while the wasm loads, and the wasm takes its answer", async () => {
  for (const provider of PROVIDERS) {
    // Counted in the browser: the relay's cache would hide a second ask from the sandbox.
    const asked = [];
    let release;
    const held = new Promise((resolve) => (release = resolve));
    const url = stack.page(hostPage({ body: embed(pickerEmbed(provider)) }));
    const { page, problems } = await stack.open(url, {
      prepare: async (page) => {
        page.on("request", (request) => {
          if (/\/(v2\/slots|free-slots|booking-availability|eventDates)(\?|$)/.test(request.url())) {
            asked.push(`${request.method()} ${request.url()} ${request.postData() ?? ""}`);
          }
        });
        // The wasm is held back until the first month has been asked: only embed.js
        // can have asked it.
        await page.route("**/*_bg.wasm", async (route) => {
          await held;
          await route.continue();
        });
      },
    });
    for (let wait = 0; wait < 100 && asked.length === 0; wait++) await page.waitForTimeout(50);
    assert.equal(asked.length, 1, `${provider}: embed.js asks the first month while the wasm is still loading`);
    release();
    const form = widget(page);
    await ready(form);
    await timeButtons(form).first().waitFor();
    await page.waitForTimeout(300);
    assert.equal(new Set(asked).size, asked.length, `${provider}: no month asked twice:\n${asked.join("\n")}`);
    assert.equal(asked.length, 2, `${provider}: this month (by embed.js) and the next (by the wasm)`);
    await assertClean(page, problems);
    await page.context().close();
  }
});

test("a time someone else booked is not offered", async () => {
  const [first, second] = await relayFreeTimes();
  await bookElsewhere(first);
  const { page, problems, form } = await openPicker("calcom");
  const offered = await timeButtons(form).allTextContents();
  assert.ok(!offered.includes(label(first)), `${label(first)} is booked: offered ${offered.join(", ")}`);
  assert.equal(offered[0], label(second), "the next free time comes first");
  await assertClean(page, problems);
});

test("a time taken between showing and sending: the day is asked again, the times say so, nothing typed is lost", async () => {
  const { page, form } = await openPicker("calcom");
  const [first] = await relayFreeTimes();
  await fill(form, ADA);
  await timeButtons(form).first().click();
  assert.equal(await timeButtons(form).first().textContent(), label(first));
  await bookElsewhere(first);

  await submitButton(form).click();
  const notice = timesGroup(form).getByRole("status");
  await notice.filter({ hasText: /Nearest free times/ }).waitFor();
  assert.match(await notice.textContent(), /not free|no longer available|taken/i);
  await screenshot(page, "picker-taken-meanwhile");
  assert.ok(
    !(await timeButtons(form).allTextContents()).includes(label(first)),
    "the taken time is no longer offered",
  );
  assert.equal(await field(form, "First name").inputValue(), "Ada", "what was typed is kept");
  assert.equal(await field(form, "Email").inputValue(), ADA.Email);

  await timeButtons(form).first().click();
  await submitButton(form).click();
  await succeeded(form);
});

test("switching the zone relabels every time and books the same instant", async () => {
  const { page, problems, form } = await openPicker("meetergo");
  await fill(form, ADA);
  const button = timeButtons(form).nth(1);
  await button.click();
  const inNewYork = await button.textContent();
  const before = await timeButtons(form).allTextContents();

  await field(form, "Time zone").selectOption("Asia/Tokyo");
  const after = await timeButtons(form).allTextContents();
  assert.notDeepEqual(after, before, "the times are written in Tokyo's clock now");
  const pressed = timesGroup(form).getByRole("button", { pressed: true });
  assert.equal(await pressed.count(), 1, "the chosen time stays chosen");
  const inTokyo = await pressed.textContent();
  assert.notEqual(inTokyo, inNewYork);

  await submitButton(form).click();
  await succeeded(form);
  const start = bookedStart(await stack.relay.requests(), "meetergo");
  assert.equal(label(start, "Asia/Tokyo"), inTokyo);
  assert.equal(label(start), inNewYork, "the same instant as chosen in New York");
  await assertClean(page, problems);
});

test("at 320 px the times take the grid's place, and 'Change date' goes back", async () => {
  const { page, problems, form } = await openPicker("gohighlevel", { viewport: { width: 320, height: 800 }, times: false });
  await grid(form).getByRole("gridcell", { selected: true }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px too wide)`);
  assert.equal(await timesGroup(form).isVisible(), false, "the month shows first");
  await screenshot(page, "picker-320-month");

  await grid(form).getByRole("gridcell", { selected: true }).getByRole("button").click();
  await timeButtons(form).first().waitFor();
  assert.equal(await grid(form).isVisible(), false, "the times take the grid's place");
  const box = await timeButtons(form).first().boundingBox();
  assert.ok(box.y + box.height <= 800, "the first time is on screen without scrolling");
  await screenshot(page, "picker-320-times");

  await form.getByRole("button", { name: "Change date" }).click();
  await grid(form).waitFor();
  assert.equal(await timesGroup(form).isVisible(), false);
  assert.deepEqual(await axeViolations(page), []);
  await assertClean(page, problems);
});

test("axe finds nothing while loading, with times, with a time chosen, and in an empty month", async () => {
  let release;
  const held = new Promise((resolve) => (release = resolve));
  let empty = false;
  const { page, problems, form } = await openPicker("calcom", {
    times: false,
    prepare: (page) =>
      page.route("**/v2/slots?**", async (route) => {
        await held;
        if (empty) return route.fulfill({ json: { status: "success", data: {} }, headers: CORS });
        await route.continue();
      }),
  });
  await grid(form).and(form.locator("[aria-busy=true]")).waitFor();
  const size = await form.locator(".bw-picker").boundingBox();
  assert.deepEqual(await axeViolations(page), [], "loading");
  await screenshot(page, "picker-loading");

  release();
  await timeButtons(form).first().waitFor();
  const loaded = await form.locator(".bw-picker").boundingBox();
  assert.equal(loaded.height, size.height, "the loading picker has its final size");
  assert.deepEqual(await axeViolations(page), [], "times shown");
  await timeButtons(form).first().click();
  assert.deepEqual(await axeViolations(page), [], "a time chosen");
  await screenshot(page, "picker-chosen");

  empty = true;
  // Months not asked yet answer empty: paging far ahead shows an empty month.
  const next = form.getByRole("button", { name: "Next month" });
  await next.click();
  await next.click();
  await form.getByText("No free times this month.").waitFor();
  assert.deepEqual(await axeViolations(page), [], "an empty month");
  await screenshot(page, "picker-empty");
  await assertClean(page, problems);
});

test("without a source the date and time are typed, and the console says why", async () => {
  const url = stack.page(
    hostPage({
      body: [
        embed(widgetAttributes("iclosed", "book", stack.endpoint("iclosed"), { "data-availability": "on" })),
        embed(pickerEmbed("meetergo", "book", { "data-availability": "off" })),
        embed(pickerEmbed("gohighlevel")),
      ].join("\n"),
    }),
  );
  const warnings = [];
  const { page, problems } = await stack.open(url, {
    prepare: (page) => {
      page.on("console", (message) => message.type() === "warning" && warnings.push(message.text()));
      // GoHighLevel's answer in a shape the widget does not know.
      return page.route("**/free-slots?**", (route) =>
        route.fulfill({ contentType: "text/html", body: "<html>Service moved</html>", headers: CORS }),
      );
    },
  });
  for (let index = 0; index < 3; index++) {
    const form = widget(page, index);
    await ready(form);
    await field(form, "Date").waitFor();
    await field(form, "Time").waitFor();
    assert.equal(await form.getByRole("grid").count(), 0);
  }
  assert.ok(warnings.some((warning) => /data-link-prefix/.test(warning)), warnings.join("\n"));
  assert.ok(warnings.some((warning) => /data-availability is off/.test(warning)), warnings.join("\n"));
  assert.ok(warnings.some((warning) => /GoHighLevel answered/.test(warning)), warnings.join("\n"));

  const form = widget(page, 2);
  await fill(form, { ...ADA, Date: "2030-03-12", Time: "10:30" });
  await submitButton(form).click();
  await succeeded(form);
  await assertClean(page, problems);
});
