// The form embed.js draws before the wasm arrives (the shell), and the wasm's form
// taking it over: the same markup for every provider and flow, and nothing the visitor
// did meanwhile lost (typing, focus and caret, a click on the button).
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { startStack } from "../lib/stack.mjs";
import {
  ADA,
  assertClean,
  axeViolations,
  embed,
  field,
  fill,
  hostPage,
  messageBy,
  PROVIDERS,
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

/**
 * Opens `url` with the wasm held back until `release()` (or failed, with `fail`), so
 * the test sees embed.js's form alone first.
 */
async function openHeld(url, { fail = false } = {}) {
  let release;
  const held = new Promise((resolve) => (release = resolve));
  const opened = await stack.open(url, {
    prepare: (page) =>
      page.route("**/booking-widget-*_bg.wasm", async (route) => {
        if (fail) return route.abort();
        await held;
        await route.continue();
      }),
  });
  return { ...opened, release };
}

/**
 * Every widget's form as a tree of tag names, sorted attributes and non-blank text
 * (the zone picker's options and the shell's own markers left out: the options come
 * from the wasm, a task after it mounts).
 */
function forms(page) {
  return page.evaluate(() => {
    const shape = (node) => {
      if (node.nodeType === Node.TEXT_NODE) return node.textContent.trim() || null;
      if (node.nodeType !== Node.ELEMENT_NODE || node.tagName === "OPTION") return null;
      const attributes = [...node.attributes]
        .filter((attribute) => !["data-shell", "data-edited", "data-submitted"].includes(attribute.name))
        .map((attribute) => `${attribute.name}=${attribute.value}`)
        .sort();
      const children = [...node.childNodes].map(shape).filter((child) => child !== null);
      return [node.tagName.toLowerCase(), attributes.join(" "), ...children];
    };
    return [...document.querySelectorAll("[data-booking-widget]")].map((host) => {
      const containers = host.shadowRoot.querySelectorAll(".bw, [data-shell]");
      if (containers.length !== 1) throw new Error(`${containers.length} .bw containers in one widget`);
      return shape(containers[0]);
    });
  });
}

/** A booking id each provider takes (iClosed's are numbers). */
const BOOKING = { iclosed: "7", gohighlevel: "appointment-7", meetergo: "booking-7", calcom: "uid-7" };

test("before the wasm, every provider's and flow's form is drawn with the wasm's own markup", async () => {
  const embeds = PROVIDERS.flatMap((provider) => [
    widgetAttributes(provider, "book", stack.endpoint(provider)),
    widgetAttributes(provider, "reschedule", stack.endpoint(provider), { "data-booking-id": BOOKING[provider] }),
  ]);
  embeds.push(widgetAttributes("calcom", "call", stack.endpoint("calcom")));
  const url = stack.page(hostPage({ body: embeds.map(embed).join("\n") }));
  const { page, problems, release } = await openHeld(url);

  await widget(page, embeds.length - 1).locator("[data-shell] form").waitFor();
  const drawn = await forms(page);
  await screenshot(page, "shell-before-wasm");
  assert.deepEqual(await axeViolations(page), [], "embed.js's forms pass axe as the wasm's do");
  for (let index = 0; index < embeds.length; index++) {
    const first = widget(page, index).locator("[data-shell] input").first();
    assert.equal(await first.isEditable(), true, `widget ${index}: its first input takes typing before the wasm`);
  }

  release();
  for (let index = 0; index < embeds.length; index++) await ready(widget(page, index));
  const live = await forms(page);
  for (let index = 0; index < embeds.length; index++) {
    const { "data-provider": provider, "data-flow": flow } = embeds[index];
    assert.deepEqual(drawn[index], live[index], `${provider} ${flow}: embed.js's form is the wasm's form`);
  }
  await assertClean(page, problems);
});

// The fragment is where reschedule links put the booking; the query is where links
// mailed before put it.
for (const address of ["#booking=7&provider=iclosed", "?booking=7&provider=iclosed"]) {
  test(`a booking in the page address (${address[0]}) makes that provider's booking form a reschedule form, as in the wasm`, async () => {
    const body = [
      embed(widgetAttributes("iclosed", "book", stack.endpoint("iclosed"))),
      embed(widgetAttributes("gohighlevel", "book", stack.endpoint("gohighlevel"))),
      // The booking in the address is iClosed's: this one has none to move.
      embed(widgetAttributes("meetergo", "reschedule", stack.endpoint("meetergo"))),
    ].join("\n");
    const url = `${stack.page(hostPage({ body }))}${address}`;
    const { page, problems, release } = await openHeld(url);

    await widget(page, 1).locator("[data-shell] form").waitFor();
    assert.equal(
      await widget(page, 2).evaluate((host) => host.shadowRoot.querySelector("[data-shell]").getBoundingClientRect().height),
      0,
      "no form and no empty box where the wasm will say what is missing",
    );
    const drawn = (await forms(page)).slice(0, 2);
    const titles = () => page.evaluate(() =>
      [...document.querySelectorAll("[data-booking-widget]")].map((host) => host.shadowRoot.querySelector(".bw-title")?.textContent ?? null),
    );
    assert.deepEqual(await titles(), ["Move your booking", "Book a call", null]);

    release();
    await ready(widget(page, 0));
    await ready(widget(page, 1));
    await widget(page, 2).locator(".bw-config").waitFor();
    assert.deepEqual(drawn, (await forms(page)).slice(0, 2));
    assert.deepEqual(problems.length, 1, "the missing booking is logged for the marketer, and nothing else");
    assert.match(problems[0], /data-booking-id/);
  });
}

test("typing before the wasm: the text stays, it is checked, and the caret stays where it was", async () => {
  const url = stack.page(hostPage({ body: embed(widgetAttributes("iclosed", "book", stack.endpoint("iclosed"))) }));
  const { page, problems, release } = await openHeld(url);
  const form = widget(page);
  await form.locator("[data-shell] form").waitFor();

  await fill(form, { "First name": "Ada Lovelace", Email: "ada@" });
  const name = field(form, "First name");
  await name.click();
  await page.keyboard.press("Home");
  for (let step = 0; step < 3; step++) await page.keyboard.press("ArrowRight");
  assert.equal(await messageBy(form, "Email"), "", "no message before the wasm");

  release();
  await ready(form);
  assert.equal(await field(form, "First name").inputValue(), "Ada Lovelace");
  assert.equal(await field(form, "Email").inputValue(), "ada@");
  assert.match(await messageBy(form, "Email"), /email/i, "what was typed is checked like typing");
  assert.equal(await messageBy(form, "Last name"), "", "an input not typed in shows no message yet");
  await page.keyboard.type("X");
  assert.equal(await field(form, "First name").inputValue(), "AdaX Lovelace", "focus and caret kept");
  await assertClean(page, problems);
});

test("sent before the wasm: the page stays, and the form is checked and sent once the wasm is there", async () => {
  const url = stack.page(hostPage({ body: embed(widgetAttributes("calcom", "book", stack.endpoint("calcom"))) }));
  const { page, problems, release } = await openHeld(url);
  const form = widget(page);
  await form.locator("[data-shell] form").waitFor();

  // The zone picker fills in with the browser's zone once the wasm runs.
  await fill(form, { ...ADA, Date: "2030-03-12", Time: "10:30" });
  await submitButton(form).click();
  assert.equal(page.url(), url, "the drawn form does not submit itself");
  assert.equal((await stack.relay.requests()).length, 0);

  release();
  await ready(form);
  await succeeded(form);
  assert.equal((await stack.relay.requests()).length, 1);
  await assertClean(page, problems);
});

test("the wasm cannot load: the form says so and keeps what was typed", async () => {
  const url = stack.page(hostPage({ body: embed(widgetAttributes("meetergo", "book", stack.endpoint("meetergo"))) }));
  const { page, release } = await openHeld(url, { fail: true });
  const form = widget(page);
  await form.locator("[data-shell] form").waitFor();
  await fill(form, { "First name": "Ada" });
  release();
  await form.locator("#bw-alert", { hasText: "could not load" }).waitFor();
  assert.equal(await field(form, "First name").inputValue(), "Ada");
  await screenshot(page, "shell-wasm-failed");
});
