// Accessibility of the widget as a visitor meets it: axe-core (WCAG 2.0 A/AA, 2.1 AA)
// in every state of every provider's form, light and dark; a booking made with the
// keyboard alone; how errors are announced; reflow at 320 px and text at 200 %.
import assert from "node:assert/strict";
import net from "node:net";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import { startStack } from "../lib/stack.mjs";
import {
  PROVIDERS,
  alertText,
  assertClean,
  axeViolations,
  embed,
  fill,
  hostPage,
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

// The state checks are independent pages (each books its own call), so they run side
// by side; the relay is reset only by the test that reads its requests back, which
// runs alone.
const SIDE_BY_SIDE = { concurrency: 3 };

const BOOK_AT = { date: "2030-03-10", time: "10:30", zone: "America/New_York" };
const MOVE_TO = { date: "2030-03-31", time: "09:00", zone: "Europe/Berlin" };

/** The ids of the inputs each form shows, in the order shown (controls.rs `for_flow`). */
const CONTROLS = {
  iclosed: {
    book: ["first-name", "last-name", "email", "phone", "date", "time", "time-zone"],
    reschedule: ["date", "time", "time-zone", "reason", "notes"],
  },
  gohighlevel: {
    book: ["first-name", "last-name", "email", "phone", "company", "date", "time", "time-zone", "notes"],
    reschedule: ["date", "time", "time-zone"],
  },
  meetergo: {
    book: ["first-name", "last-name", "email", "phone", "company", "guests", "date", "time", "time-zone", "notes"],
    reschedule: ["date", "time", "time-zone"],
  },
  calcom: {
    book: ["first-name", "last-name", "email", "phone", "guests", "date", "time", "time-zone", "notes"],
    reschedule: ["email", "date", "time", "time-zone", "reason"],
    call: ["first-name", "last-name", "email", "phone", "company"],
  },
};

/** A host page with one widget; `theme` is "light" (the default), "dark" or "auto". */
function bookingPage(provider, flow, { theme = "light", endpoint = stack.endpoint(provider), host = {} } = {}) {
  const extra = theme === "light" ? {} : { "data-theme": theme };
  return stack.page(hostPage({ body: embed({ ...widgetAttributes(provider, flow, endpoint, extra), ...host }) }));
}

/** The element that has focus, followed through open shadow roots, described. */
function focused(page) {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    const root = element?.getRootNode();
    return {
      tag: element?.tagName.toLowerCase() ?? null,
      id: element?.id || null,
      inWidget: root instanceof ShadowRoot && root.host.matches("[data-booking-widget]"),
      label: element?.labels?.[0]?.textContent.trim() ?? null,
      text: element?.tagName === "BUTTON" ? element.textContent.trim() : null,
      inSuccessView: Boolean(element?.closest?.(".bw-done")),
    };
  });
}

/** The styles that make focus visible, of the widget's element `#id`. */
function focusStyle(form, id) {
  return form.locator(`#${id}`).evaluate((element) => {
    const style = getComputedStyle(element);
    const widget = getComputedStyle(element.closest(".bw"));
    return {
      focusVisible: element.matches(":focus-visible"),
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
      outlineColor: style.outlineColor,
      boxShadow: style.boxShadow,
      background: widget.backgroundColor,
    };
  });
}

/** WCAG relative-luminance contrast of two `rgb(…)` colours. */
function contrast(a, b) {
  const luminance = (color) => {
    const [r, g, b] = color.match(/[\d.]+/g).slice(0, 3).map((channel) => {
      const c = Number(channel) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** axe-core's violations, with a screenshot of the state checked. */
async function audit(page, name) {
  await screenshot(page, name);
  return axeViolations(page);
}

/**
 * The field messages shown: every input with `aria-invalid="true"`, in document order,
 * with the text of what `aria-describedby` names; and the inputs showing a message
 * without being marked invalid.
 */
function invalidInputs(form) {
  return form.locator("form").evaluate((element) => {
    const root = element.getRootNode();
    const fields = [...element.querySelectorAll("input, select, textarea")];
    const marked = fields
      .filter((input) => input.getAttribute("aria-invalid") === "true")
      .map((input) => {
        const ids = (input.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
        const described = ids.map((id) => root.getElementById(id));
        return {
          id: input.id,
          describedBy: ids,
          missing: ids.filter((id, index) => !described[index]),
          message: described
            .filter((node) => node?.classList.contains("bw-error"))
            .map((node) => node.textContent.trim())
            .join(" "),
          visible: described.every((node) => node && node.getClientRects().length > 0),
        };
      });
    const unmarked = [...element.querySelectorAll(".bw-error")]
      .filter((message) => message.textContent.trim() !== "")
      .map((message) => message.id.replace(/-error$/, ""))
      .filter((id) => root.getElementById(id)?.getAttribute("aria-invalid") !== "true");
    return { marked, unmarked };
  });
}

/**
 * Submits the form with what a hurried visitor leaves: everything empty but an email
 * that is not one (where the form asks for an email), so messages show and an input
 * holds text for the contrast check. Checks how the problems are announced.
 */
async function submitInvalid(page, form, controls) {
  if (controls.includes("email")) await fill(form, { Email: "ada@" });
  await submitButton(form).click();
  await form.locator("[aria-invalid=true]").first().waitFor();
  await assertAnnounced(page, form, controls);
}

/**
 * The problems are announced: focus on the first invalid input in visual order, every
 * invalid input `aria-invalid` and described by its shown message, the general message
 * a role=alert region. Returns the ids of the invalid inputs.
 */
async function assertAnnounced(page, form, controls) {
  const { marked, unmarked } = await invalidInputs(form);
  assert.ok(marked.length > 0, "some inputs are marked invalid");
  assert.deepEqual(unmarked, [], "every input showing a message has aria-invalid=true");
  for (const input of marked) {
    assert.deepEqual(input.missing, [], `#${input.id}: aria-describedby names elements that exist`);
    assert.ok(input.describedBy.includes(`${input.id}-error`), `#${input.id}: described by its message`);
    assert.ok(input.message.length > 3, `#${input.id}: the message it is described by has text`);
    assert.ok(input.visible, `#${input.id}: its description is shown`);
  }
  const firstInvalid = controls.find((id) => marked.some((input) => input.id === id));
  assert.equal(marked[0].id, firstInvalid, "document order of the messages is the visual order");
  const now = await focused(page);
  assert.deepEqual(
    { inWidget: now.inWidget, id: now.id },
    { inWidget: true, id: firstInvalid },
    "focus moves to the first invalid input",
  );
  if (controls.includes("email")) {
    assert.match(marked.find((input) => input.id === "email")?.message ?? "", /email/i, "the email's message");
  }
  const alert = form.locator("#bw-alert");
  assert.equal(await alert.getAttribute("role"), "alert", "the general message is a role=alert live region");
  return marked.map((input) => input.id);
}

async function submitValid(form, provider, flow, at) {
  await fill(form, visitorFor(provider, flow, at));
  await submitButton(form).click();
  return succeeded(form);
}

describe("axe-core finds no WCAG 2.0 A/AA or 2.1 AA violation: empty, error and success states", SIDE_BY_SIDE, () => {
  const cases = [];
  for (const theme of ["light", "dark"]) {
    for (const provider of PROVIDERS) {
      // Dark: the reschedule forms with a textarea (iClosed) and with an email (Cal.com).
      const reschedule = theme === "light" || provider === "iclosed" || provider === "calcom";
      cases.push({ provider, flow: "book", theme, reschedule });
    }
    cases.push({ provider: "calcom", flow: "call", theme, reschedule: false });
  }
  // `data-theme="auto"` follows the visitor's system: dark here.
  cases.push({ provider: "iclosed", flow: "book", theme: "auto", reschedule: false, colorScheme: "dark" });

  // The sandbox refuses a taken time, as the providers do: each case books, and moves
  // to, an hour of its own.
  const hour = (first, index) => `${String(first + index).padStart(2, "0")}:${BOOK_AT.time.slice(3)}`;
  for (const [index, { provider, flow, theme, reschedule, colorScheme }] of cases.entries()) {
    const bookAt = { ...BOOK_AT, time: hour(10, index) };
    const moveTo = { ...MOVE_TO, time: hour(9, index) };
    const title = `${provider} ${flow}${reschedule ? " then reschedule" : ""}, ${theme} theme${colorScheme ? ` (system ${colorScheme})` : ""}`;
    test(title, async () => {
      const { page, problems } = await stack.open(bookingPage(provider, flow, { theme }));
      if (colorScheme) await page.emulateMedia({ colorScheme });
      const form = await ready(widget(page));
      const name = (state, which = flow) => `a11y-${provider}-${which}${theme === "light" ? "" : `-${theme}`}-${state}`;

      assert.deepEqual(await audit(page, name("empty")), [], "empty form");
      await submitInvalid(page, form, CONTROLS[provider][flow]);
      assert.deepEqual(await audit(page, name("error")), [], "form with messages");
      const done = await submitValid(form, provider, flow, bookAt);
      assert.match(done, flow === "call" ? /We are calling you/ : /Your call is booked/);
      assert.deepEqual(await audit(page, name("success")), [], "success view");

      if (reschedule) {
        const link = await form.getByRole("link", { name: "Reschedule" }).getAttribute("href");
        await page.goto(link);
        const move = await ready(widget(page));
        assert.equal(await submitButton(move).textContent(), "Reschedule");
        assert.deepEqual(await audit(page, name("empty", "reschedule")), [], "empty reschedule form");
        await submitInvalid(page, move, CONTROLS[provider].reschedule);
        assert.deepEqual(await audit(page, name("error", "reschedule")), [], "reschedule form with messages");
        assert.match(await submitValid(move, provider, "reschedule", moveTo), /Your call is moved/);
        assert.deepEqual(await audit(page, name("success", "reschedule")), [], "reschedule success view");
      }
      await assertClean(page, problems);
    });
  }
});

test("a booking made with the keyboard alone, in visual order, with focus always visible", async () => {
  await stack.relay.reset();
  // Chicago: the zone is detected, never touched; 12 March 2030 is daylight time (UTC−5).
  const { page, problems } = await stack.open(bookingPage("iclosed", "book"), { timezoneId: "America/Chicago" });
  const form = await ready(widget(page));
  const controls = CONTROLS.iclosed.book;

  // Visual order: by row (top of the label), then left to right.
  const visual = await form.locator(".bw-field").evaluateAll((fields) =>
    fields
      .map((field) => ({ id: field.querySelector("input, select, textarea").id, box: field.getBoundingClientRect() }))
      .sort((a, b) => Math.round(a.box.top) - Math.round(b.box.top) || a.box.left - b.box.left)
      .map((field) => field.id),
  );
  assert.deepEqual(visual, controls, "the inputs are laid out in the order controls.rs gives");

  const unfocused = {};
  for (const id of [...controls, "submit"]) {
    unfocused[id] = await focusStyle(form, id === "submit" ? "bw-alert ~ button" : id);
  }
  const typing = {
    "first-name": "Ada",
    "last-name": "Lovelace",
    email: "ada@example.com",
    phone: "+1 212 555 0100",
    date: "03122030", // en-US: month, day, year; each segment moves on when full
    time: "1030A", // hour, minute, AM
    "time-zone": null, // keep the detected zone
  };
  const expectedLabels = {
    "first-name": "First name",
    "last-name": "Last name",
    email: "Email",
    phone: "Phone",
    date: "Date",
    time: "Time",
    "time-zone": "Time zone",
  };

  await page.evaluate(() => document.activeElement?.blur());
  assert.equal((await focused(page)).tag, "body", "the visitor starts on the page, not in the widget");

  // Tab to the next element that is not the current one (a date or time input takes
  // several Tab stops: its segments and its picker button).
  const visited = [];
  const tabToNext = async () => {
    const from = await focused(page);
    for (let press = 0; press < 6; press++) {
      await page.keyboard.press("Tab");
      const now = await focused(page);
      if (now.id !== from.id || now.tag !== from.tag) return now;
    }
    assert.fail(`Tab never left #${from.id}`);
  };

  for (const id of controls) {
    const now = await tabToNext();
    visited.push(now.id);
    assert.deepEqual(
      { inWidget: now.inWidget, id: now.id, label: now.label },
      { inWidget: true, id, label: expectedLabels[id] },
      `Tab stop ${visited.length}: #${id} ("${expectedLabels[id]}") has focus`,
    );
    const style = await focusStyle(form, id);
    assert.ok(style.focusVisible, `#${id} matches :focus-visible after Tab`);
    const indicated =
      (style.outlineStyle !== "none" && style.outlineWidth >= 2 && style.outlineStyle !== unfocused[id].outlineStyle) ||
      (style.boxShadow !== "none" && style.boxShadow !== unfocused[id].boxShadow);
    assert.ok(indicated, `#${id} shows a focus indicator: ${JSON.stringify(style)} vs ${JSON.stringify(unfocused[id])}`);
    if (style.outlineStyle !== "none") {
      assert.ok(
        contrast(style.outlineColor, style.background) >= 3,
        `#${id}: the outline (${style.outlineColor}) stands out from the widget (${style.background})`,
      );
    }
    if (typing[id]) await page.keyboard.type(typing[id]);
  }
  const values = await form.locator("form").evaluate((element) =>
    Object.fromEntries([...element.elements].filter((input) => input.id).map((input) => [input.id, input.value])),
  );
  assert.deepEqual(values, {
    "first-name": "Ada",
    "last-name": "Lovelace",
    email: "ada@example.com",
    phone: "+1 212 555 0100",
    date: "2030-03-12",
    time: "10:30",
    "time-zone": "America/Chicago",
  });

  const button = await tabToNext();
  assert.deepEqual({ tag: button.tag, text: button.text }, { tag: "button", text: "Book call" }, "then the submit button");
  const buttonStyle = await focusStyle(form, "bw-alert ~ button");
  assert.ok(
    buttonStyle.focusVisible && buttonStyle.outlineStyle !== "none" && buttonStyle.outlineWidth >= 2,
    `the button shows a focus indicator: ${JSON.stringify(buttonStyle)}`,
  );
  await screenshot(page, "a11y-keyboard-filled");
  await page.keyboard.press("Enter");
  assert.match(await succeeded(form), /Tuesday, March 12, 2030 at 10:30\sAM \(America\/Chicago\)/);
  await screenshot(page, "a11y-keyboard-success");

  const requests = await stack.relay.requests();
  assert.deepEqual(
    requests.map(({ method, path, body }) => ({ method, path, body })),
    [
      {
        method: "POST",
        path: "/iclosed/v1/eventCalls",
        body: {
          eventId: 42,
          dateTime: "2030-03-12T15:30:00Z",
          timeZone: "America/Chicago",
          firstName: "Ada",
          lastName: "Lovelace",
          email: "ada@example.com",
          phoneNumber: "+12125550100",
        },
      },
    ],
  );
  await assertClean(page, problems);

  // The button the visitor pressed is gone with the form: focus must go to the news,
  // not back to the top of the page (a screen reader would read nothing, and the
  // next Tab would start over from the page).
  const after = await focused(page);
  assert.ok(
    after.inSuccessView,
    `after the booking, focus is in the success view; it is on <${after.tag}${after.id ? `#${after.id}` : ""}>` +
      `${after.inWidget ? " in the widget" : " outside the widget"}`,
  );
  const next = await tabToNext();
  assert.ok(next.inSuccessView, "and Tab reaches the success view's links next");
});

test("field errors are announced: focus, aria-invalid, aria-describedby; fixed ones are cleared", async () => {
  const { page, problems } = await stack.open(bookingPage("calcom", "book"));
  const form = await ready(widget(page));
  const controls = CONTROLS.calcom.book;
  for (const id of controls) {
    assert.equal(await form.locator(`#${id}`).getAttribute("aria-invalid"), null, `#${id} is not invalid before any input`);
  }
  // From the keyboard: Tab into the first input, Enter submits the empty form.
  await page.keyboard.press("Tab");
  assert.equal((await focused(page)).id, "first-name");
  await page.keyboard.press("Enter");
  await form.locator("[aria-invalid=true]").first().waitFor();
  const invalid = await assertAnnounced(page, form, controls);
  // Cal.com needs a name, an email and a start (a missing date is said once, at the date).
  assert.deepEqual(invalid, ["first-name", "email", "date"], "the required inputs are marked");
  await screenshot(page, "a11y-calcom-book-errors-keyboard");

  // The visitor fixes the first one where focus put them, and submits again.
  await page.keyboard.type("Ada");
  const first = form.locator("#first-name");
  assert.equal(await first.getAttribute("aria-invalid"), null, "a fixed input is no longer invalid");
  assert.doesNotMatch((await first.getAttribute("aria-describedby")) ?? "", /first-name-error/, "nor described by a message");
  await page.keyboard.press("Enter");
  await form.locator("#first-name:not([aria-invalid])").waitFor();
  const next = await assertAnnounced(page, form, controls);
  assert.deepEqual(next, ["email", "date"], "focus goes to the next input to fix");
  await assertClean(page, problems);
});

test("a failed request is announced in the role=alert region, the form kept", async () => {
  // An endpoint nobody answers on: the visitor's network fails.
  const closed = net.createServer().listen(0, "127.0.0.1");
  await once(closed, "listening");
  const { port } = closed.address();
  closed.close();
  await once(closed, "close");

  const { page } = await stack.open(bookingPage("calcom", "call", { endpoint: `http://127.0.0.1:${port}/calcom` }));
  const form = await ready(widget(page));
  const alert = form.locator("#bw-alert");
  assert.equal(await alert.getAttribute("role"), "alert", "the live region is there before anything goes wrong");
  assert.equal(await alertText(form), "");
  await fill(form, visitorFor("calcom", "call", BOOK_AT));
  await submitButton(form).click();
  await form.locator("#bw-alert:not(:empty)").waitFor();
  assert.match(await alertText(form), /could not reach the booking service/);
  assert.ok(await alert.isVisible(), "the message is shown");
  assert.equal(await form.getByLabel("Email", { exact: true }).inputValue(), "ada@example.com", "the form is kept");
  assert.ok(await submitButton(form).isEnabled(), "and can be sent again");
  assert.deepEqual(await audit(page, "a11y-calcom-call-offline"), []);
});

/** Overflow of the page and of the widget's root, and every shown part of the widget sticking out of it. */
function overflow(page) {
  return page.evaluate(() => {
    const host = document.querySelector("[data-booking-widget]");
    const root = host.shadowRoot.querySelector(".bw");
    const box = root.getBoundingClientRect();
    const outside = [...root.querySelectorAll("label, p, input, select, textarea, button, a")]
      .filter((element) => element.getClientRects().length > 0)
      .filter((element) => {
        const r = element.getBoundingClientRect();
        return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.right > window.innerWidth + 0.5;
      })
      .map((element) => element.id || element.className || element.tagName.toLowerCase());
    const page = document.scrollingElement;
    return {
      page: { scrollWidth: page.scrollWidth, clientWidth: page.clientWidth },
      widget: { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth },
      outside,
    };
  });
}

function assertReflows(seen, state) {
  assert.ok(seen.page.scrollWidth <= seen.page.clientWidth, `${state}: the page scrolls sideways ${JSON.stringify(seen.page)}`);
  assert.ok(
    seen.widget.scrollWidth <= seen.widget.clientWidth,
    `${state}: the widget scrolls sideways ${JSON.stringify(seen.widget)}`,
  );
  assert.deepEqual(seen.outside, [], `${state}: parts of the widget stick out of it`);
}

describe("reflow at 320 CSS px (WCAG 1.4.10): no sideways scrolling in any state", SIDE_BY_SIDE, () => {
  const cases = [...PROVIDERS.map((provider) => [provider, "book"]), ["calcom", "call"]];
  for (const [provider, flow] of cases) {
    test(`${provider} ${flow}`, async () => {
      const { page, problems } = await stack.open(bookingPage(provider, flow), { viewport: { width: 320, height: 640 } });
      const form = await ready(widget(page));
      assert.equal(await page.evaluate(() => window.innerWidth), 320);
      assertReflows(await overflow(page), "empty");
      await submitInvalid(page, form, CONTROLS[provider][flow]);
      assertReflows(await overflow(page), "error");
      await screenshot(page, `a11y-${provider}-${flow}-320-error`);
      await submitValid(form, provider, flow, BOOK_AT);
      assertReflows(await overflow(page), "success");
      await screenshot(page, `a11y-${provider}-${flow}-320-success`);
      await assertClean(page, problems);
    });
  }
});

test("text at 200 %: every label, hint, input and message still shows whole", async () => {
  // The widget pins its own type (16px, so a host page's huge fonts stay out), so a
  // host's font-size does not reach it; the visitor's 200 % is a zoom of the widget.
  const page1 = await stack.open(bookingPage("meetergo", "book"));
  const plain = await ready(widget(page1.page));
  const normal = await plain.locator("label[for=first-name]").evaluate((label) => label.getBoundingClientRect().height);
  await page1.context.close();

  const { page, problems } = await stack.open(bookingPage("meetergo", "book", { host: { style: "zoom: 2" } }));
  const form = await ready(widget(page));
  const zoomed = await form.locator("label[for=first-name]").evaluate((label) => label.getBoundingClientRect().height);
  assert.ok(zoomed >= 1.9 * normal, `the text is twice as large: ${zoomed}px vs ${normal}px`);

  const clipped = () =>
    form.locator(".bw").evaluate((root) =>
      [...root.querySelectorAll("label, .bw-hint, .bw-error, .bw-alert, .bw-title, input, select, textarea, button")]
        .filter((element) => element.textContent.trim() !== "" || element.matches("input, select, textarea"))
        .filter((element) => element.getClientRects().length > 0)
        .flatMap((element) => {
          const name = element.id || `${element.tagName.toLowerCase()}.${element.className}`;
          const style = getComputedStyle(element);
          const found = [];
          if (element.scrollWidth > element.clientWidth + 1 && element.tagName !== "INPUT") found.push(`${name}: cut at the side`);
          if (element.scrollHeight > element.clientHeight + 1 && element.tagName !== "TEXTAREA") found.push(`${name}: cut at the bottom`);
          if (element.matches("input, select") && element.clientHeight < parseFloat(style.lineHeight === "normal" ? style.fontSize : style.lineHeight))
            found.push(`${name}: shorter than a line of its text`);
          if (element.tagName === "INPUT" && ["date", "time"].includes(element.type)) {
            // A date or time input does not report its segments in scrollWidth: compare
            // its width with the width it takes when left to its content.
            const shown = element.getBoundingClientRect().width;
            const saved = element.style.cssText;
            element.style.width = "max-content";
            element.style.alignSelf = "flex-start";
            const needed = element.getBoundingClientRect().width;
            element.style.cssText = saved;
            if (needed > shown + 1) found.push(`${name}: its ${element.type} segments need ${needed}px, get ${shown}px`);
          }
          return found;
        }),
    );

  assert.deepEqual(await clipped(), [], "empty form");
  assertReflows(await overflow(page), "empty form at 200 %");
  await fill(form, visitorFor("meetergo", "book", BOOK_AT));
  await fill(form, { Email: "ada@" });
  await submitButton(form).click();
  await form.locator("[aria-invalid=true]").first().waitFor();
  await screenshot(page, "a11y-meetergo-book-200-error");
  assert.deepEqual(await clipped(), [], "filled form with a message");
  assertReflows(await overflow(page), "form with a message at 200 %");
  await assertClean(page, problems);
});
