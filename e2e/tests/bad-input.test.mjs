// Bad input, rule family by rule family, for each provider the family applies to: the
// message shows by the input (aria-invalid, aria-describedby → its `-error`), a submit
// sends nothing (neither the browser's network log nor the sandbox sees a request),
// focus lands on the first input to fix, what was typed stays, and once fixed the
// message goes and the booking goes through. Messages are matched by fragments of
// booking-core's own texts (`rules.rs`, `time.rs`, each provider's `validate.rs`).
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { startStack } from "../lib/stack.mjs";
import {
  ADA,
  alertText,
  assertClean,
  embed,
  field,
  fill,
  hostPage,
  messageBy,
  ready,
  screenshot,
  submitButton,
  succeeded,
  values,
  widget,
  widgetAttributes,
} from "../lib/widget.mjs";

let stack;
/** The browser contexts a test opened, closed after it so that idle widgets cost nothing. */
let contexts = [];
before(async () => (stack = await startStack()));
after(() => stack?.stop());
beforeEach(() => stack.relay.reset());
afterEach(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  contexts = [];
});

// Fragments of booking-core's messages (specific enough that no two families share one).
const EMAIL = /Enter an email like name@example\.com/; // rules::EMAIL_MESSAGE
const EMAIL_OR_PHONE = /Enter your email or phone number/; // iClosed, GoHighLevel, Cal.com
const EMAIL_REQUIRED = /^Enter your email\.$/; // meetergo (whole: the line above starts the same)
const NAME_REQUIRED = /Enter your name/; // Cal.com attendee.name
const PHONE = /Enter a phone number, like \+1 212 555 0100/; // iClosed, GoHighLevel
const E164 = /with \+ and the country code, like \+1 212 555 0100/; // rules::E164_MESSAGE (Cal.com)
const CALL_NUMBER_REQUIRED = /Enter the number we should call/; // Cal.com phone call
const CALL_NUMBER = /Enter the number with \+ and the country code/; // Cal.com phone call pattern
const TOO_LONG_255 = /Use at most 255 characters/; // iClosed email maxLength
const DATE = /^Choose a date\.$/; // time::TimeError::InvalidDate (whole: short)
const TIME = /^Choose a time\.$/; // time::TimeError::InvalidTime (whole: "Choose a time zone" starts the same)
const ZONE = /Choose a time zone from the list/; // time::TimeError::UnknownZone
/** time::TimeError::Nonexistent, for a New York or Berlin spring-forward night (02:00 → 03:00). */
const gap = (wall, zone) =>
  new RegExp(`${wall} does not exist in ${zone}: that night the clocks jump from 02:00 to 03:00`);

const NY = "America/New_York";
const WHEN = { Date: "2030-03-12", Time: "10:30", "Time zone": NY };
const ADA_BOOKS = { ...ADA, ...WHEN };

/** Requests the browser sent to the relay, from the moment the page was opened. */
function watch(page) {
  const sent = [];
  page.on("request", (request) => {
    if (request.url().startsWith(stack.relay.url)) sent.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  return sent;
}

/** A host page with one widget per entry of `widgets` ([provider, flow, extra attributes]). */
async function openPage(widgets, { timezoneId } = {}) {
  const body = widgets
    .map(([provider, flow, extra]) => embed(widgetAttributes(provider, flow, stack.endpoint(provider), extra)))
    .join("\n");
  const { page, problems, context } = await stack.open(stack.page(hostPage({ body })), { timezoneId });
  contexts.push(context);
  const sent = watch(page);
  const forms = [];
  for (let index = 0; index < widgets.length; index++) forms.push(await ready(widget(page, index)));
  return { page, problems, sent, forms };
}

async function openWidget(provider, flow = "book", extra = {}) {
  const { forms, ...rest } = await openPage([[provider, flow, extra]]);
  return { ...rest, form: forms[0] };
}

/**
 * Every message the widget shows, by label, checked against `expected` ({label: RegExp}):
 * exactly these inputs have one (and `aria-invalid="true"`), every other input has none
 * (no `aria-invalid`, no `-error` in its `aria-describedby`, an empty `-error` element).
 */
async function expectMessages(form, expected, note = "") {
  // One look at every input (a round trip per input would make the file slow) …
  const inputs = await form.evaluate((host) =>
    [...host.shadowRoot.querySelectorAll("form label")].map((label) => {
      const input = host.shadowRoot.getElementById(label.htmlFor);
      const described = (input.getAttribute("aria-describedby") ?? "").split(/\s+/);
      return {
        label: label.textContent,
        invalid: input.getAttribute("aria-invalid"),
        describedByError: described.includes(`${input.id}-error`),
        errorText: (host.shadowRoot.getElementById(`${input.id}-error`)?.textContent ?? "").trim(),
      };
    }),
  );
  const shown = {};
  for (const { label, invalid, describedByError, errorText } of inputs) {
    if (errorText) shown[label] = errorText;
    assert.equal(invalid, errorText ? "true" : null, `${note}${label} ("${errorText}"): aria-invalid`);
    assert.equal(describedByError, Boolean(errorText), `${note}${label} ("${errorText}"): aria-describedby`);
  }
  assert.deepEqual(
    Object.keys(shown).sort(),
    Object.keys(expected).sort(),
    `${note}inputs with a message: ${JSON.stringify(shown)}`,
  );
  // … then each expected message as a visitor's screen reader reaches it from its input.
  for (const [label, pattern] of Object.entries(expected)) {
    assert.match(await messageBy(form, label), pattern, `${note}the message by ${label}`);
  }
}

/**
 * Clicks submit on a form that breaks rules: focus is on the input with id `focus`, the
 * messages are `messages`, `kept` ({label: value}) is still in the form, and nothing
 * left the browser: the page sent no request to the relay, and the sandbox still holds
 * `relayCount` requests (it keeps only the requests it accepts, so the browser's own
 * record is what shows that no refused request went out either).
 */
async function refuses({ page, form, sent }, { messages, focus, kept, relayCount = 0, note = "" }) {
  const sentBefore = sent.length;
  await submitButton(form).click();
  // The submit handler and anything it spawned have run once a frame has passed.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  assert.equal(
    await form.evaluate((host) => host.shadowRoot.activeElement?.id ?? null),
    focus,
    `${note}focus is on the first input to fix`,
  );
  await expectMessages(form, messages, note);
  assert.equal(await alertText(form), "", `${note}no general alert: every problem sits by its input`);
  assert.equal(await submitButton(form).isEnabled(), true, `${note}the button is not waiting on a request`);
  if (kept) assert.deepEqual(await values(form, Object.keys(kept)), kept, `${note}what was typed is kept`);
  // Checked last, so that a request the widget had sent would have had time to show.
  assert.deepEqual(sent.slice(sentBefore), [], `${note}the browser sent nothing to the relay`);
  assert.equal((await stack.relay.requests()).length, relayCount, `${note}the sandbox got no request`);
}

/**
 * Types `date` (YYYY-MM-DD) into the emptied date input key by key, as a visitor does
 * (en-US shows mm/dd/yyyy, and each part moves on to the next when it is full). On the
 * way the input can hold a whole date and then none again (02/29/0020 on the way to
 * 02/29/2032): the widget must not write that "" back, which would wipe the parts typed.
 */
async function typeDate(page, form, date) {
  const [year, month, day] = date.split("-");
  const input = field(form, "Date");
  await input.fill("");
  await input.evaluate((element) => element.blur());
  await input.focus(); // the month
  await page.keyboard.type(`${month}${day}${year}`);
  return input;
}

/** The requests of a successful submission after `before` earlier ones. */
async function booked(form, before = 0) {
  await submitButton(form).click();
  const text = await succeeded(form);
  const requests = await stack.relay.requests();
  return { text, requests: requests.slice(before) };
}

/** Books straight against the sandbox, as an earlier visit did: the id and the relay's token. */
async function bookDirect(provider) {
  const post = async (path, body, headers = {}) => {
    const reply = await fetch(`${stack.relay.url}/${provider}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    assert.ok(reply.ok, `${provider}${path} answered ${reply.status}`);
    return { body: await reply.json(), token: reply.headers.get("reschedule-token") };
  };
  let made;
  switch (provider) {
    case "iclosed": {
      made = await post("/v1/eventCalls", {
        eventId: 42,
        dateTime: "2030-03-12T14:30:00Z",
        timeZone: NY,
        email: ADA.Email,
      });
      return { id: String(made.body.data.eventCall.data.id), token: made.token, count: 1 };
    }
    case "gohighlevel": {
      const location = { locationId: "C2QujeCh8ZnC7al2InWR" };
      const contact = await post("/contacts/upsert", { ...location, email: ADA.Email }, { version: "2021-07-28" });
      made = await post(
        "/calendars/events/appointments",
        {
          ...location,
          calendarId: "CVokAlI8fgw4WYWoCtQz",
          contactId: contact.body.contact.id,
          startTime: "2030-03-12T10:30:00-04:00",
        },
        { version: "2021-04-15" },
      );
      return { id: made.body.id, token: made.token, count: 2 };
    }
    case "meetergo": {
      made = await post("/v4/booking", {
        meetingTypeId: "demo-meeting-type",
        hostIds: ["demo-host"],
        start: "2030-03-12T10:30:00-04:00",
        attendee: { email: ADA.Email, receiveReminders: true, notes: {} },
      });
      return { id: made.body.appointmentId, token: made.token, count: 1 };
    }
    case "calcom": {
      made = await post(
        "/v2/bookings",
        {
          eventTypeId: 1001,
          start: "2030-03-12T14:30:00Z",
          attendee: { name: "Ada Lovelace", email: ADA.Email, timeZone: NY },
        },
        { "cal-api-version": "2024-08-13" },
      );
      return { id: made.body.data.uid, token: made.token, count: 1 };
    }
  }
  throw new Error(provider);
}

async function openReschedule(provider) {
  const booking = await bookDirect(provider);
  // Versioned: v1.<key id>.<expiry>.<nonce>.<mac> (crates/booking-relay/src/token.rs).
  assert.match(booking.token, /^v1\.[0-9a-f]{8}\.\d+\.[0-9a-f]{32}\.[0-9a-f]{64}$/);
  const opened = await openWidget(provider, "reschedule", {
    "data-booking-id": booking.id,
    "data-reschedule-token": booking.token,
  });
  assert.equal(await submitButton(opened.form).textContent(), "Reschedule");
  return { ...opened, booking };
}

describe("several rules broken at once: every message shows, then fixed, it books", () => {
  test("iclosed: iClosed's email pattern, its phone rule and a spring-forward time", async () => {
    const opened = await openWidget("iclosed");
    const { page, problems, form } = opened;
    const typed = {
      ...ADA_BOOKS,
      Email: "ada..lovelace@example.com",
      Phone: "555 01",
      Date: "2030-03-10",
      Time: "02:30",
    };
    await fill(form, typed);
    const messages = { Email: EMAIL, Phone: PHONE, Time: gap("2030-03-10 02:30", NY) };
    await expectMessages(form, messages, "while typing: ");
    await refuses(opened, { messages, focus: "email", kept: typed });
    await screenshot(page, "iclosed-errors");

    await fill(form, { Email: "ada.lovelace@example.com", Phone: "+1 212 555 0100", Time: "03:30" });
    await expectMessages(form, {});
    const { requests } = await booked(form);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].path, "/iclosed/v1/eventCalls");
    assert.equal(requests[0].body.email, "ada.lovelace@example.com");
    assert.equal(requests[0].body.phoneNumber, "+12125550100");
    assert.equal(requests[0].body.dateTime, "2030-03-10T07:30:00Z", "03:30 EDT, just after the jump");
    await assertClean(page, problems);
  });

  test("gohighlevel: an email without a dot in its domain, a phone with letters, a spring-forward time", async () => {
    const opened = await openWidget("gohighlevel");
    const { page, problems, form } = opened;
    const typed = {
      ...ADA_BOOKS,
      Email: "ada@example",
      Phone: "call me",
      Company: "Engines",
      Date: "2030-03-10",
      Time: "02:30",
    };
    await fill(form, typed);
    const messages = { Email: EMAIL, Phone: PHONE, Time: gap("2030-03-10 02:30", NY) };
    await expectMessages(form, messages, "while typing: ");
    await refuses(opened, { messages, focus: "email", kept: typed });
    await screenshot(page, "gohighlevel-errors");

    await fill(form, { Email: "ada@example.com", Phone: "+1 212 555 0100", Time: "03:30" });
    await expectMessages(form, {});
    const { requests } = await booked(form);
    assert.deepEqual(
      requests.map((request) => request.path),
      ["/gohighlevel/contacts/upsert", "/gohighlevel/calendars/events/appointments"],
    );
    assert.equal(requests[0].body.email, "ada@example.com");
    assert.equal(requests[0].body.phone, "+12125550100");
    assert.equal(requests[1].body.startTime, "2030-03-10T03:30:00-04:00");
    await assertClean(page, problems);
  });

  test("meetergo: an email with a space, a guest that is no address, a spring-forward time", async () => {
    const opened = await openWidget("meetergo");
    const { page, problems, form } = opened;
    const typed = {
      ...ADA_BOOKS,
      Email: "ada lovelace@example.com",
      Guests: "grace@example.com, charles@",
      Date: "2030-03-10",
      Time: "02:30",
    };
    await fill(form, typed);
    const messages = { Email: EMAIL, Guests: EMAIL, Time: gap("2030-03-10 02:30", NY) };
    await expectMessages(form, messages, "while typing: ");
    await refuses(opened, { messages, focus: "email", kept: typed });
    await screenshot(page, "meetergo-errors");

    await fill(form, {
      Email: "ada.lovelace@example.com",
      Guests: "grace@example.com, charles@example.com",
      Time: "03:30",
    });
    await expectMessages(form, {});
    const { requests } = await booked(form);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].path, "/meetergo/v4/booking");
    assert.equal(requests[0].body.attendee.email, "ada.lovelace@example.com");
    assert.deepEqual(requests[0].body.attendee.bringalongEmails, ["grace@example.com", "charles@example.com"]);
    assert.equal(requests[0].body.start, "2030-03-10T03:30:00-04:00");
    await assertClean(page, problems);
  });

  test("calcom: no name, a bad email, a phone without +, a bad guest and a spring-forward time", async () => {
    const opened = await openWidget("calcom");
    const { page, problems, form } = opened;
    const typed = {
      Email: "ada@example",
      Phone: "212 555 0100",
      Guests: "grace@example.com;charles@example.com",
      Date: "2030-03-10",
      Time: "02:30",
      "Time zone": NY,
    };
    await fill(form, typed);
    // The untouched name is not flagged while typing; it is once the visitor submits.
    const typing = { Email: EMAIL, Phone: E164, Guests: EMAIL, Time: gap("2030-03-10 02:30", NY) };
    await expectMessages(form, typing, "while typing: ");
    const messages = { "First name": NAME_REQUIRED, ...typing };
    await refuses(opened, { messages, focus: "first-name", kept: { ...typed, "First name": "", "Last name": "" } });
    await screenshot(page, "calcom-errors");

    await fill(form, {
      "First name": "Ada",
      "Last name": "Lovelace",
      Email: "ada@example.com",
      Phone: "+1 212 555 0100",
      Guests: "grace@example.com,charles@example.com",
      Time: "03:30",
    });
    await expectMessages(form, {});
    const { requests } = await booked(form);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].path, "/calcom/v2/bookings");
    assert.deepEqual(requests[0].body.attendee, {
      name: "Ada Lovelace",
      email: "ada@example.com",
      phoneNumber: "+12125550100",
      timeZone: NY,
    });
    assert.deepEqual(requests[0].body.guests, ["grace@example.com", "charles@example.com"]);
    assert.equal(requests[0].body.start, "2030-03-10T07:30:00Z");
    await assertClean(page, problems);
  });
});

describe("required fields left empty", () => {
  test("iclosed: email or phone, and a date; a phone alone is enough", async () => {
    const opened = await openWidget("iclosed");
    const { page, problems, form } = opened;
    await expectMessages(form, {}, "untouched: ");
    await refuses(opened, { messages: { Email: EMAIL_OR_PHONE, Date: DATE }, focus: "email" });
    await fill(form, { Phone: "+1 212 555 0100", ...WHEN });
    await expectMessages(form, {});
    const { requests } = await booked(form);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].body.phoneNumber, "+12125550100");
    assert.equal("email" in requests[0].body, false, "no email on the wire");
    await assertClean(page, problems);
  });

  test("gohighlevel: email or phone, and a date; a phone alone is enough", async () => {
    const opened = await openWidget("gohighlevel");
    const { page, problems, form } = opened;
    await refuses(opened, { messages: { Email: EMAIL_OR_PHONE, Date: DATE }, focus: "email" });
    await fill(form, { Phone: "+1 212 555 0100", ...WHEN });
    await expectMessages(form, {});
    const { requests } = await booked(form);
    assert.equal(requests.length, 2);
    assert.equal(requests[0].body.phone, "+12125550100");
    assert.equal("email" in requests[0].body, false, "no email on the wire");
    await assertClean(page, problems);
  });

  test("meetergo: the email is required even with a phone", async () => {
    const opened = await openWidget("meetergo");
    const { page, problems, form } = opened;
    await refuses(opened, { messages: { Email: EMAIL_REQUIRED, Date: DATE }, focus: "email" });
    const typed = { "First name": "Ada", Phone: "+1 212 555 0100", ...WHEN };
    await fill(form, typed);
    await refuses(opened, { messages: { Email: EMAIL_REQUIRED }, focus: "email", kept: typed, note: "with a phone: " });
    await fill(form, { Email: ADA.Email });
    await expectMessages(form, {});
    const { requests } = await booked(form);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].body.attendee.email, ADA.Email);
    await assertClean(page, problems);
  });

  test("calcom: a name, email or phone, and a date; a last name and a phone are enough", async () => {
    const opened = await openWidget("calcom");
    const { page, problems, form } = opened;
    await refuses(opened, {
      messages: { "First name": NAME_REQUIRED, Email: EMAIL_OR_PHONE, Date: DATE },
      focus: "first-name",
    });
    await fill(form, { "Last name": "Lovelace", Phone: "+1 212 555 0100", ...WHEN });
    await expectMessages(form, {});
    const { requests } = await booked(form);
    assert.equal(requests.length, 1);
    assert.deepEqual(requests[0].body.attendee, { name: "Lovelace", phoneNumber: "+12125550100", timeZone: NY });
    await assertClean(page, problems);
  });

  test("the time, once the date is chosen (iclosed)", async () => {
    const opened = await openWidget("iclosed");
    const { page, problems, form } = opened;
    const typed = { ...ADA, Date: "2030-03-12" };
    await fill(form, typed);
    await refuses(opened, { messages: { Time: TIME }, focus: "time", kept: typed });
    await fill(form, { Time: "10:30" });
    await expectMessages(form, {});
    const { requests } = await booked(form);
    assert.equal(requests[0].body.dateTime, "2030-03-12T14:30:00Z");
    await assertClean(page, problems);
  });
});

test("email: iClosed's own published pattern, where Cal.com's check differs", async () => {
  const opened = await openPage([
    ["iclosed", "book"],
    ["calcom", "book"],
  ]);
  const { page, problems, sent } = opened;
  const [iclosed, calcom] = opened.forms;
  await fill(iclosed, { ...ADA_BOOKS, Email: "" });
  await fill(calcom, { ...ADA_BOOKS, Email: "" });
  // Each has an @ and a dot after it (what a naive check asks), and each is a valid
  // address to the WHATWG check Cal.com uses; iClosed's pattern refuses them all.
  for (const email of ["ada.@example.com", ".ada@example.com", "ada..lovelace@example.com", "ada@example.c0m"]) {
    await fill(iclosed, { Email: email });
    await refuses(
      { page, form: iclosed, sent },
      { messages: { Email: EMAIL }, focus: "email", kept: { ...ADA_BOOKS, Email: email }, note: `iClosed, ${email}: ` },
    );
    await fill(calcom, { Email: email });
    await expectMessages(calcom, {}, `Cal.com, ${email}: `);
  }
  // iClosed lets a label end in a hyphen; WHATWG (Cal.com) does not.
  await fill(iclosed, { Email: "ada@example-.com" });
  await expectMessages(iclosed, {}, "iClosed, ada@example-.com: ");
  await fill(calcom, { Email: "ada@example-.com" });
  await expectMessages(calcom, { Email: EMAIL }, "Cal.com, ada@example-.com: ");
  await refuses(
    { page, form: calcom, sent },
    {
      messages: { Email: EMAIL },
      focus: "email",
      kept: { ...ADA_BOOKS, Email: "ada@example-.com" },
      note: "Cal.com: ",
    },
  );

  // Apostrophe, plus and a multi-label domain are in iClosed's pattern.
  await fill(iclosed, { Email: "o'brien+tag@mail.example.co.uk" });
  await expectMessages(iclosed, {});
  const fromIclosed = await booked(iclosed);
  assert.equal(fromIclosed.requests.length, 1);
  assert.equal(fromIclosed.requests[0].body.email, "o'brien+tag@mail.example.co.uk");

  await fill(calcom, { Email: "ada..lovelace@example.com" });
  await expectMessages(calcom, {});
  const fromCalcom = await booked(calcom, 1);
  assert.equal(fromCalcom.requests.length, 1);
  assert.equal(fromCalcom.requests[0].body.attendee.email, "ada..lovelace@example.com");
  await assertClean(page, problems);
});

test("length: iClosed's email takes 255 characters, not 256", async () => {
  const opened = await openWidget("iclosed");
  const { page, problems, form } = opened;
  const domain = "@example.com";
  const over = `${"a".repeat(256 - domain.length)}${domain}`;
  const at = `${"a".repeat(255 - domain.length)}${domain}`;
  assert.equal([...over].length, 256);
  assert.equal([...at].length, 255);
  await fill(form, { ...ADA_BOOKS, Email: over });
  await expectMessages(form, { Email: TOO_LONG_255 });
  await refuses(opened, { messages: { Email: TOO_LONG_255 }, focus: "email", kept: { ...ADA_BOOKS, Email: over } });
  await fill(form, { Email: at });
  await expectMessages(form, {});
  const { requests } = await booked(form);
  assert.equal(requests.length, 1);
  assert.equal(requests[0].body.email, at);
  await assertClean(page, problems);
});

test("length: Cal.com metadata from the page URL is cut to its limits (key 40, value 500), not refused", async () => {
  const value500 = "v".repeat(500);
  const value501 = "w".repeat(501);
  const key40 = `utm_${"k".repeat(36)}`;
  const key41 = `utm_${"x".repeat(37)}`;
  const query = new URLSearchParams({
    utm_source: value500,
    utm_medium: value501,
    [key40]: "kept",
    [key41]: "dropped",
  });
  const body = embed(widgetAttributes("calcom", "book", stack.endpoint("calcom")));
  const url = `${stack.page(hostPage({ body }))}?${query}`;
  const { page, problems, context } = await stack.open(url);
  contexts.push(context);
  const form = await ready(widget(page));
  await fill(form, ADA_BOOKS);
  await expectMessages(form, {});
  const { requests } = await booked(form);
  assert.deepEqual(requests[0].body.metadata, {
    utm_source: value500,
    utm_medium: value501.slice(0, 500),
    [key40]: "kept",
  });
  await assertClean(page, problems);
});

test("phone: iClosed and GoHighLevel take any phone number of 7 to 15 digits, Cal.com only E.164", async () => {
  const opened = await openPage([
    ["iclosed", "book"],
    ["gohighlevel", "book"],
    ["calcom", "book"],
  ]);
  const { page, problems, sent } = opened;
  const forms = { iclosed: opened.forms[0], gohighlevel: opened.forms[1], calcom: opened.forms[2] };
  for (const form of Object.values(forms)) await fill(form, { ...ADA_BOOKS, Phone: "" });
  const cases = [
    // [typed, iClosed and GoHighLevel, Cal.com]
    ["(212) 555-0100", null, E164], // no country code
    ["555 010", PHONE, E164], // 6 digits
    ["+1 212 555 0100 ext 2", PHONE, E164], // letters
    ["+1234567890123456", PHONE, E164], // 16 digits
  ];
  for (const [phone, lenient, strict] of cases) {
    for (const [provider, form] of Object.entries(forms)) {
      const expected = provider === "calcom" ? strict : lenient;
      await fill(form, { Phone: phone });
      const note = `${provider}, ${phone}: `;
      if (!expected) {
        await expectMessages(form, {}, note);
        continue;
      }
      await refuses(
        { page, form, sent },
        { messages: { Phone: expected }, focus: "phone", kept: { ...ADA_BOOKS, Phone: phone }, note },
      );
    }
  }
  // At the edges: 7 digits without a country code where any number goes; 15 digits for E.164.
  await fill(forms.iclosed, { Phone: "(212) 555-0100" });
  await fill(forms.gohighlevel, { Phone: "555 0100" });
  await fill(forms.calcom, { Phone: "+123 456 789 012 345" });
  for (const form of Object.values(forms)) await expectMessages(form, {});
  const iclosed = await booked(forms.iclosed, 0);
  assert.equal(iclosed.requests[0].body.phoneNumber, "(212) 555-0100");
  const gohighlevel = await booked(forms.gohighlevel, 1);
  assert.equal(gohighlevel.requests[0].body.phone, "555 0100");
  const calcom = await booked(forms.calcom, 3);
  assert.equal(calcom.requests[0].body.attendee.phoneNumber, "+123456789012345");
  assert.equal((await stack.relay.requests()).length, 4);
  await assertClean(page, problems);
});

test("phone: Cal.com's call-me needs the number to call, with + and the country code", async () => {
  const opened = await openWidget("calcom", "call");
  const { page, problems, form } = opened;
  assert.equal(await submitButton(form).textContent(), "Call me");
  await refuses(opened, { messages: { Phone: CALL_NUMBER_REQUIRED }, focus: "phone" });
  const typed = { ...ADA, Email: "ada@example", Phone: "212 555 0100" };
  await fill(form, typed);
  await refuses(opened, { messages: { Email: EMAIL, Phone: CALL_NUMBER }, focus: "email", kept: typed });
  await fill(form, { Email: ADA.Email, Phone: "+1 212 555 0100" });
  await expectMessages(form, {});
  assert.match(await booked(form).then(({ text }) => text), /We are calling you/);
  const [request, ...rest] = await stack.relay.requests();
  assert.deepEqual(rest, []);
  assert.equal(request.body.numberToCall, "+12125550100");
  await assertClean(page, problems);
});

test("guests: meetergo and Cal.com flag a guest that is not an address, and take a list with blanks", async () => {
  const opened = await openPage([
    ["meetergo", "book"],
    ["calcom", "book"],
  ]);
  const { page, problems, sent } = opened;
  const [meetergo, calcom] = opened.forms;
  for (const guests of ["grace@example.com, charles", "grace@example.com charles@example.com"]) {
    for (const [name, form] of [
      ["meetergo", meetergo],
      ["calcom", calcom],
    ]) {
      const typed = { ...ADA_BOOKS, Guests: guests };
      await fill(form, typed);
      await refuses(
        { page, form, sent },
        { messages: { Guests: EMAIL }, focus: "guests", kept: typed, note: `${name}, ${guests}: ` },
      );
    }
  }
  const list = " grace@example.com , ,charles@example.com";
  await fill(meetergo, { Guests: list });
  await fill(calcom, { Guests: list });
  for (const form of [meetergo, calcom]) {
    await expectMessages(form, {});
    assert.deepEqual(await values(form, ["Guests"]), { Guests: list }, "the list reads as typed");
  }
  const fromMeetergo = await booked(meetergo);
  const guests = ["grace@example.com", "charles@example.com"];
  assert.deepEqual(fromMeetergo.requests[0].body.attendee.bringalongEmails, guests);
  const fromCalcom = await booked(calcom, 1);
  assert.deepEqual(fromCalcom.requests[0].body.guests, guests);
  await assertClean(page, problems);
});

test("date: a day that does not exist (30 Feb, 29 Feb 2031) is refused, 29 Feb 2032 books (gohighlevel)", async () => {
  const opened = await openWidget("gohighlevel");
  const { page, problems, form } = opened;
  const { Date: _date, ...typed } = ADA_BOOKS;
  await fill(form, typed);
  await expectMessages(form, {});
  for (const date of ["2030-02-30", "2031-02-29"]) {
    const input = await typeDate(page, form, date);
    // The browser shows what was typed but gives the page no value for it.
    assert.equal(await input.evaluate((element) => element.validity.badInput), true, `${date} is a bad date`);
    assert.equal(await input.inputValue(), "");
    await expectMessages(form, { Date: DATE }, `${date}: `);
    await refuses(opened, { messages: { Date: DATE }, focus: "date", kept: typed, note: `${date}: ` });
    assert.equal(await input.evaluate((element) => element.validity.badInput), true, `${date} is still typed in`);
  }
  await typeDate(page, form, "2032-02-29");
  assert.equal(await field(form, "Date").inputValue(), "2032-02-29");
  await expectMessages(form, {});
  const { requests } = await booked(form);
  assert.equal(requests[1].body.startTime, "2032-02-29T10:30:00-05:00");
  await assertClean(page, problems);
});

test("time: the spring-forward gap is explained in the chosen zone, its edges book (meetergo)", async () => {
  const opened = await openWidget("meetergo");
  const { page, problems, form } = opened;
  await fill(form, { ...ADA_BOOKS, Date: "2030-03-10", Time: "01:59" });
  await expectMessages(form, {}, "01:59: ");
  for (const time of ["02:00", "02:30", "02:59"]) {
    const typed = { ...ADA_BOOKS, Date: "2030-03-10", Time: time };
    await fill(form, { Time: time });
    const messages = { Time: gap(`2030-03-10 ${time}`, NY) };
    await refuses(opened, { messages, focus: "time", kept: typed, note: `${time}: ` });
  }
  // 31 March 2030 02:30 exists in New York; in Berlin it is the spring-forward night.
  await fill(form, { Date: "2030-03-31", Time: "02:30" });
  await expectMessages(form, {}, "New York, 31 March: ");
  const typed = { ...ADA_BOOKS, Date: "2030-03-31", Time: "02:30", "Time zone": "Europe/Berlin" };
  await fill(form, { "Time zone": "Europe/Berlin" });
  const messages = { Time: gap("2030-03-31 02:30", "Europe/Berlin") };
  await refuses(opened, { messages, focus: "time", kept: typed, note: "Berlin: " });

  await fill(form, { Date: "2030-03-10", Time: "03:00", "Time zone": NY });
  await expectMessages(form, {});
  const { requests } = await booked(form);
  assert.equal(requests[0].body.start, "2030-03-10T03:00:00-04:00");
  assert.equal(requests[0].body.attendee.timezone, NY);
  await assertClean(page, problems);
});

test("time zone: a zone the browser does not know (from a draft) is flagged; choosing one books (calcom)", async () => {
  const opened = await openWidget("calcom");
  const { page, problems, form } = opened;
  const typed = { ...ADA_BOOKS, Date: "2030-03-31", Time: "09:00" };
  await fill(form, typed);
  // What the widget keeps for the tab, with a zone name no time zone database has:
  // changed as the reloaded page starts, after the widget kept its draft on leaving.
  const key = "booking-widget:calcom:book:0";
  await page.addInitScript((key) => {
    const draft = JSON.parse(sessionStorage.getItem(key));
    if (draft) sessionStorage.setItem(key, JSON.stringify({ ...draft, time_zone: "Mars/Olympus_Mons" }));
  }, key);
  await page.reload();
  const restored = await ready(widget(page));
  const reopened = { ...opened, form: restored };
  const kept = { ...typed, "Time zone": "Mars/Olympus_Mons" };
  assert.deepEqual(await values(restored, Object.keys(kept)), kept, "the draft is restored");
  await refuses(reopened, { messages: { "Time zone": ZONE }, focus: "time-zone", kept });
  await fill(restored, { "Time zone": "Europe/Berlin" });
  await expectMessages(restored, {});
  const { requests } = await booked(restored);
  assert.equal(requests[0].body.start, "2030-03-31T07:00:00Z");
  assert.equal(requests[0].body.attendee.timeZone, "Europe/Berlin");
  await assertClean(page, problems);
});

describe("reschedule flows", () => {
  test("iclosed: a date and time are needed; reason and notes have no published limit", async () => {
    const opened = await openReschedule("iclosed");
    const { page, problems, form, booking } = opened;
    await refuses(opened, { messages: { Date: DATE }, focus: "date", relayCount: booking.count });
    const reason = "r".repeat(3000);
    const notes = "n".repeat(3000);
    const typed = { Date: "2030-03-10", Time: "02:30", "Time zone": NY, Reason: reason, Notes: notes };
    await fill(form, typed);
    const messages = { Time: gap("2030-03-10 02:30", NY) };
    await refuses(opened, { messages, focus: "time", kept: typed, relayCount: booking.count });
    await fill(form, { Time: "03:30" });
    await expectMessages(form, {});
    const { text, requests } = await booked(form, booking.count);
    assert.match(text, /Your call is moved/);
    assert.deepEqual(requests.map(({ method, path, body }) => ({ method, path, body })), [
      {
        method: "PUT",
        path: "/iclosed/v1/eventCalls/reschedule",
        body: {
          id: Number(booking.id),
          dateTime: "2030-03-10T07:30:00Z",
          timeZone: NY,
          rescheduleReason: reason,
          notes,
        },
      },
    ]);
    await assertClean(page, problems);
  });

  test("gohighlevel: a day that does not exist is refused", async () => {
    const opened = await openReschedule("gohighlevel");
    const { page, problems, form, booking } = opened;
    await fill(form, { Time: "09:00", "Time zone": NY });
    await typeDate(page, form, "2030-02-30");
    await refuses(opened, {
      messages: { Date: DATE },
      focus: "date",
      kept: { Time: "09:00", "Time zone": NY },
      relayCount: booking.count,
    });
    await typeDate(page, form, "2030-03-01");
    await expectMessages(form, {});
    const { requests } = await booked(form, booking.count);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].method, "PUT");
    assert.equal(requests[0].path, `/gohighlevel/calendars/events/appointments/${booking.id}`);
    assert.equal(requests[0].body.startTime, "2030-03-01T09:00:00-05:00");
    await assertClean(page, problems);
  });

  test("meetergo: a time is needed", async () => {
    const opened = await openReschedule("meetergo");
    const { page, problems, form, booking } = opened;
    const typed = { Date: "2030-03-31", "Time zone": "Europe/Berlin" };
    await fill(form, typed);
    await refuses(opened, { messages: { Time: TIME }, focus: "time", kept: typed, relayCount: booking.count });
    await fill(form, { Time: "09:00" });
    await expectMessages(form, {});
    const { requests } = await booked(form, booking.count);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].path, `/meetergo/v4/appointment/${booking.id}/reschedule`);
    assert.equal(requests[0].body.start, "2030-03-31T09:00:00+02:00");
    await assertClean(page, problems);
  });

  test("calcom: the Email, when given, must be an address; a date is needed", async () => {
    const opened = await openReschedule("calcom");
    const { page, problems, form, booking } = opened;
    // rescheduledBy is optional (Cal.com v2): an empty Email is not flagged, the date is.
    await refuses(opened, { messages: { Date: DATE }, focus: "date", relayCount: booking.count, note: "empty: " });
    await fill(form, { Email: "ada@example" });
    await refuses(opened, {
      messages: { Email: EMAIL, Date: DATE },
      focus: "email",
      kept: { Email: "ada@example" },
      relayCount: booking.count,
    });
    await fill(form, { Email: ADA.Email, Date: "2030-03-31", Time: "09:00", "Time zone": "Europe/Berlin" });
    await expectMessages(form, {});
    const { requests } = await booked(form, booking.count);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].path, `/calcom/v2/bookings/${booking.id}/reschedule`);
    assert.deepEqual(requests[0].body, { start: "2030-03-31T07:00:00Z", rescheduledBy: ADA.Email });
    await assertClean(page, problems);
  });
});
