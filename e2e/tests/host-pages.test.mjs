// The pages the widget lands on, and what a provider may send back: a strict CSP, two
// widgets side by side, a stylesheet that tries to break everything, a `javascript:`
// redirect and provider strings with HTML in them.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { startStack } from "../lib/stack.mjs";
import {
  assertClean,
  embed,
  fill,
  hostPage,
  messageBy,
  ready,
  screenshot,
  submitButton,
  succeeded,
  visitorFor,
  widget,
  widgetAttributes,
} from "../lib/widget.mjs";

let stack;
before(async () => (stack = await startStack()));
after(() => stack?.stop());
beforeEach(() => stack.relay.reset());

const WHEN = { date: "2030-03-12", time: "10:30", zone: "America/New_York" };
const STRICT_CSP = "script-src 'self' 'wasm-unsafe-eval'";

function bookPage(provider, { head = "", headers, attributes } = {}) {
  const body = embed(widgetAttributes(provider, "book", stack.endpoint(provider), attributes));
  return stack.page(hostPage({ head, body }), headers);
}

test("strict CSP (script-src 'self' 'wasm-unsafe-eval'): the widget books and no violation fires", async () => {
  // Sent as a header and, stricter still, with styles and connections locked down too
  // (`img-src data:` is for the host page's own icon).
  const csp = `${STRICT_CSP}; default-src 'self'; style-src 'self'; img-src data:; connect-src 'self' ${stack.relay.url}; object-src 'none'; base-uri 'none'`;
  const url = bookPage("calcom", { headers: { "content-security-policy": csp } });
  const { page, problems } = await stack.open(url);
  const form = await ready(widget(page));
  await fill(form, visitorFor("calcom", "book", WHEN));
  await submitButton(form).click();
  await succeeded(form);
  // The success view's calendar file is a blob: URL made by the widget, not fetched.
  assert.match(await form.getByRole("link", { name: "Add to calendar" }).getAttribute("href"), /^blob:/);
  await screenshot(page, "csp-success");
  assert.equal((await stack.relay.requests()).length, 1);
  await assertClean(page, problems);
});

test("strict CSP as a meta tag: the same", async () => {
  const url = bookPage("iclosed", { head: `<meta http-equiv="Content-Security-Policy" content="${STRICT_CSP}">` });
  const { page, problems } = await stack.open(url);
  const form = await ready(widget(page));
  await fill(form, visitorFor("iclosed", "book", WHEN));
  await submitButton(form).click();
  await succeeded(form);
  await assertClean(page, problems);
});

test("two widgets on one page keep their own forms, messages and bookings", async () => {
  const body = [
    embed(widgetAttributes("iclosed", "book", stack.endpoint("iclosed"))),
    embed(widgetAttributes("meetergo", "book", stack.endpoint("meetergo"), { "data-theme": "dark" })),
  ].join("\n");
  const { page, problems } = await stack.open(stack.page(hostPage({ body })));
  const [first, second] = [await ready(widget(page, 0)), await ready(widget(page, 1))];

  await fill(first, { "First name": "Ada", Email: "not-an-email" });
  await fill(second, { "First name": "Grace" });
  assert.notEqual(await messageBy(first, "Email"), "");
  assert.equal(await messageBy(second, "Email"), "", "the first widget's error stays in the first widget");
  assert.equal(await second.getByLabel("First name", { exact: true }).inputValue(), "Grace");
  await screenshot(page, "two-widgets-typing");

  await fill(second, { ...visitorFor("meetergo", "book", WHEN), "First name": "Grace", "Last name": "Hopper" });
  await submitButton(second).click();
  await succeeded(second);
  assert.equal(await first.locator("form").isVisible(), true, "the first widget is untouched");
  assert.equal(await first.getByLabel("First name", { exact: true }).inputValue(), "Ada");

  await fill(first, { ...visitorFor("iclosed", "book", WHEN) });
  await submitButton(first).click();
  await succeeded(first);
  await screenshot(page, "two-widgets-booked");
  const paths = (await stack.relay.requests()).map((request) => request.path);
  assert.deepEqual(paths, ["/meetergo/v4/booking", "/iclosed/v1/eventCalls"]);
  await assertClean(page, problems);
});

test("a hostile host stylesheet does not break the widget", async () => {
  const hostile = `<style>
    * { all: unset !important; }
    html { font-size: 64px !important; }
    body, main, div { font: italic 900 72px/4 fantasy !important; color: #f0f !important;
      letter-spacing: 1em !important; text-transform: uppercase !important; }
    input, select, button, label, p, form { display: none !important; visibility: hidden !important; }
  </style>`;
  const { page, problems } = await stack.open(bookPage("gohighlevel", { head: hostile }));
  const form = await ready(widget(page));
  await screenshot(page, "hostile-css-empty");

  const style = await form
    .getByLabel("First name", { exact: true })
    .evaluate((input) => {
      const computed = getComputedStyle(input);
      const label = getComputedStyle(input.labels[0]);
      return {
        inputFont: computed.fontSize,
        labelFont: label.fontSize,
        letterSpacing: label.letterSpacing,
        transform: label.textTransform,
        display: computed.display,
        width: input.getBoundingClientRect().width,
      };
    });
  assert.equal(style.labelFont, "16px", "the label keeps the widget's size");
  assert.ok(parseFloat(style.inputFont) <= 18, `input font ${style.inputFont}`);
  assert.equal(style.transform, "none");
  assert.ok(style.letterSpacing === "normal" || style.letterSpacing === "0px", style.letterSpacing);
  assert.notEqual(style.display, "none");
  assert.ok(style.width > 100, `the input is ${style.width}px wide`);
  const host = await widget(page).evaluate((element) => element.shadowRoot.querySelector(".bw").getBoundingClientRect());
  const padding = await widget(page).evaluate((element) => getComputedStyle(element.shadowRoot.querySelector(".bw")).paddingLeft);
  assert.ok(parseFloat(padding) <= 24, `the widget's padding is ${padding} (rem would follow the host's 64px root)`);
  assert.ok(host.width <= 800, `the widget is ${host.width}px wide in an 800px viewport`);

  await fill(form, visitorFor("gohighlevel", "book", WHEN));
  await submitButton(form).click();
  await succeeded(form);
  await screenshot(page, "hostile-css-success");
  assert.equal((await stack.relay.requests()).length, 2, "contact and appointment");
  await assertClean(page, problems);
});

/** Answers the next booking request of `path` with `reply` (a provider's own JSON). */
async function providerAnswers(page, path, status, reply) {
  await page.route(`**${path}`, (route) => {
    if (route.request().method() === "OPTIONS") return route.fallback();
    return route.fulfill({
      status,
      contentType: "application/json",
      headers: { "access-control-allow-origin": "*" },
      body: JSON.stringify(reply),
    });
  });
}

function iclosedCall(extra) {
  return {
    data: {
      eventCall: {
        message: "Event call created",
        status: 201,
        data: { id: 7, startTime: "2030-03-12T14:30:00Z", endTime: "2030-03-12T15:00:00Z", ...extra },
      },
    },
  };
}

test("a javascript: redirect from the provider is refused and the page stays", async () => {
  const { page, problems } = await stack.open(bookPage("iclosed"));
  const before = page.url();
  await page.evaluate(() => (window.__followed = false));
  await providerAnswers(page, "/v1/eventCalls", 201, iclosedCall({ redirectUrl: "javascript:window.__followed=true" }));
  const form = await ready(widget(page));
  await fill(form, visitorFor("iclosed", "book", WHEN));
  await submitButton(form).click();
  assert.match(await succeeded(form), /not a secure web address, so we did not open it/);
  assert.equal(await form.locator("a[href^='javascript:']").count(), 0, "no link to it either");
  await page.waitForTimeout(5_000); // longer than the widget's delay before following a good link
  assert.equal(page.url(), before);
  assert.equal(await page.evaluate(() => window.__followed), false);
  await screenshot(page, "redirect-refused");
  await assertClean(page, problems);
});

test("a data: confirmation link is refused too; an http link on localhost is offered and followed", async () => {
  const { page } = await stack.open(bookPage("iclosed"));
  await providerAnswers(page, "/v1/eventCalls", 201, iclosedCall({ confirmationLink: "data:text/html,<script>alert(1)</script>" }));
  const form = await ready(widget(page));
  await fill(form, visitorFor("iclosed", "book", WHEN));
  await submitButton(form).click();
  assert.match(await succeeded(form), /did not open it/);

  const thanks = stack.page(hostPage({ title: "Thank you", body: "<p>See you soon.</p>" }));
  const second = await stack.open(bookPage("iclosed"));
  await providerAnswers(second.page, "/v1/eventCalls", 201, iclosedCall({ redirectUrl: thanks }));
  const again = await ready(widget(second.page));
  await fill(again, visitorFor("iclosed", "book", WHEN));
  await submitButton(again).click();
  assert.match(await succeeded(again), /Taking you to your confirmation page/);
  assert.equal(await again.getByRole("link", { name: "Go now" }).getAttribute("href"), thanks);
  await second.page.waitForURL(thanks, { timeout: 10_000 });
});

test("provider strings with HTML are shown as text", async () => {
  const payload = `<img src=x onerror="window.__injected=true"><b>bold</b>`;
  const { page, problems } = await stack.open(bookPage("calcom"));
  await page.evaluate(() => (window.__injected = false));
  // First a 422 whose message carries markup, placed by its field.
  await providerAnswers(page, "/v2/bookings", 422, {
    errors: [{ field: "attendee.email", code: "invalid", message: `Email ${payload} is blocked` }],
  });
  const form = await ready(widget(page));
  await fill(form, visitorFor("calcom", "book", WHEN));
  await submitButton(form).click();
  await form.locator("#email-error:not(:empty)").waitFor();
  assert.equal(await messageBy(form, "Email"), `Email ${payload} is blocked`);
  assert.equal(await form.locator("img, b").count(), 0, "no element was made from the provider's text");
  await screenshot(page, "provider-html-as-text-error");

  // Then a booking whose id carries markup.
  await page.unroute("**/v2/bookings");
  await providerAnswers(page, "/v2/bookings", 201, {
    status: "success",
    data: { uid: payload, id: 9, start: "2030-03-12T14:30:00.000Z", end: "2030-03-12T15:00:00.000Z", status: "accepted" },
  });
  await submitButton(form).click();
  await succeeded(form);
  assert.equal(await form.locator(".bw-id").textContent(), payload);
  assert.equal(await form.locator("img, b").count(), 0);
  assert.equal(await page.evaluate(() => window.__injected), false);
  await screenshot(page, "provider-html-as-text-success");
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(problems.filter((problem) => !/status of 422/.test(problem)), []);
});
