// Book, then reschedule from the success view's link, for each provider; Cal.com's
// call-me. The wire JSON is read back from the sandbox: the instant the provider gets
// is computed from the zone the visitor chose, on the days clocks change.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { startStack } from "../lib/stack.mjs";
import {
  ADA,
  PROVIDERS,
  assertClean,
  embed,
  hostPage,
  ready,
  screenshot,
  submitButton,
  succeeded,
  visitorFor,
  widget,
  widgetAttributes,
  fill,
  alertText,
} from "../lib/widget.mjs";

let stack;
before(async () => (stack = await startStack()));
after(() => stack?.stop());
beforeEach(() => stack.relay.reset());

// 10 March 2030 is New York's first day of daylight time (UTC−4 from 03:00);
// 31 March 2030 is Berlin's (UTC+2 from 03:00).
const BOOK_AT = { date: "2030-03-10", time: "10:30", zone: "America/New_York" };
const MOVE_TO = { date: "2030-03-31", time: "09:00", zone: "Europe/Berlin" };
/** The relay's reschedule token: v1.<key id>.<expiry>.<nonce>.<mac>. */
const TOKEN = /^v1\.[0-9a-f]{8}\.\d+\.[0-9a-f]{32}\.[0-9a-f]{64}$/;

/** What each provider must receive, by path, for Ada booking BOOK_AT and moving to MOVE_TO. */
const EXPECTED = {
  iclosed: {
    book: [
      {
        method: "POST",
        path: "/iclosed/v1/eventCalls",
        body: {
          eventId: 42,
          dateTime: "2030-03-10T14:30:00Z",
          timeZone: "America/New_York",
          firstName: "Ada",
          lastName: "Lovelace",
          email: "ada@example.com",
          phoneNumber: "+12125550100",
        },
      },
    ],
    reschedule: (id) => ({
      method: "PUT",
      path: "/iclosed/v1/eventCalls/reschedule",
      body: { id: Number(id), dateTime: "2030-03-31T07:00:00Z", timeZone: "Europe/Berlin" },
    }),
  },
  gohighlevel: {
    book: [
      {
        method: "POST",
        path: "/gohighlevel/contacts/upsert",
        body: {
          locationId: "C2QujeCh8ZnC7al2InWR",
          firstName: "Ada",
          lastName: "Lovelace",
          email: "ada@example.com",
          phone: "+12125550100",
          timezone: "America/New_York",
        },
      },
      {
        method: "POST",
        path: "/gohighlevel/calendars/events/appointments",
        body: {
          calendarId: "CVokAlI8fgw4WYWoCtQz",
          locationId: "C2QujeCh8ZnC7al2InWR",
          startTime: "2030-03-10T10:30:00-04:00",
        },
      },
    ],
    reschedule: (id) => ({
      method: "PUT",
      path: `/gohighlevel/calendars/events/appointments/${id}`,
      body: { startTime: "2030-03-31T09:00:00+02:00" },
    }),
  },
  meetergo: {
    book: [
      {
        method: "POST",
        path: "/meetergo/v4/booking",
        body: {
          meetingTypeId: "demo-meeting-type",
          hostIds: ["demo-host"],
          channel: "zoom",
          duration: 30,
          start: "2030-03-10T10:30:00-04:00",
          attendee: {
            email: "ada@example.com",
            firstname: "Ada",
            lastname: "Lovelace",
            fullname: "Ada Lovelace",
            phone: "+12125550100",
            timezone: "America/New_York",
            receiveReminders: true,
            notes: {},
          },
        },
      },
    ],
    reschedule: (id) => ({
      method: "POST",
      path: `/meetergo/v4/appointment/${id}/reschedule`,
      body: { start: "2030-03-31T09:00:00+02:00" },
    }),
  },
  calcom: {
    book: [
      {
        method: "POST",
        path: "/calcom/v2/bookings",
        body: {
          eventTypeId: 1001,
          start: "2030-03-10T14:30:00Z",
          attendee: {
            name: "Ada Lovelace",
            email: "ada@example.com",
            phoneNumber: "+12125550100",
            timeZone: "America/New_York",
          },
        },
      },
    ],
    reschedule: (id) => ({
      method: "POST",
      path: `/calcom/v2/bookings/${id}/reschedule`,
      body: { start: "2030-03-31T07:00:00Z", rescheduledBy: "ada@example.com" },
    }),
  },
};

/** The requests without what differs per run (keys, ids the sandbox made up). */
function shape(requests) {
  return requests.map(({ method, path, body }) => {
    const { contactId, ...rest } = body;
    if (path.endsWith("/appointments")) assert.match(contactId, /^\w+$/, "the appointment names the upserted contact");
    return { method, path, body: rest };
  });
}

async function bookingPage(provider, flow = "book") {
  return stack.page(hostPage({ body: embed(widgetAttributes(provider, flow, stack.endpoint(provider))) }));
}

describe("each provider: book, then reschedule from the confirmation link", () => {
  for (const provider of PROVIDERS) {
    test(provider, async () => {
      const { page, problems } = await stack.open(await bookingPage(provider));
      const form = await ready(widget(page));
      await screenshot(page, `${provider}-book-empty`);
      await fill(form, visitorFor(provider, "book", BOOK_AT));
      await submitButton(form).click();
      const booked = await succeeded(form);
      assert.match(booked, /Your call is booked/);
      assert.match(booked, /Sunday, March 10, 2030 at 10:30\sAM \(America\/New_York\)/);
      await screenshot(page, `${provider}-book-success`);

      const requests = await stack.relay.requests();
      assert.deepEqual(shape(requests), EXPECTED[provider].book);
      const keys = requests.map((request) => request.headers["idempotency-key"]);
      assert.ok(keys.every((key) => /^[0-9a-f-]{36}(-contact)?$/.test(key)), `idempotency keys: ${keys}`);

      const link = new URL(await form.getByRole("link", { name: "Reschedule" }).getAttribute("href"));
      // Booking, token and provider ride in the fragment, which no server and no
      // Referer sees (issue 14, finding 8), not in the query.
      assert.equal(link.search, "", "nothing in the query");
      const params = new URLSearchParams(link.hash.slice(1));
      assert.equal(params.get("provider"), provider);
      const bookingId = params.get("booking");
      assert.ok(bookingId, "the reschedule link names the booking");
      assert.match(params.get("token"), TOKEN, "and carries the relay's token");

      // Followed on the page itself: only the fragment changes, and embed.js loads
      // the page again so the widget reads it.
      await Promise.all([page.waitForEvent("load"), form.getByRole("link", { name: "Reschedule" }).click()]);
      assert.equal(page.url(), link.href);
      const move = await ready(widget(page));
      assert.equal(await submitButton(move).textContent(), "Reschedule");
      await fill(move, visitorFor(provider, "reschedule", MOVE_TO));
      await screenshot(page, `${provider}-reschedule-filled`);
      await submitButton(move).click();
      const moved = await succeeded(move);
      assert.match(moved, /Your call is moved/);
      assert.match(moved, /Sunday, March 31, 2030 at 9:00\sAM \(Europe\/Berlin\)/);
      await screenshot(page, `${provider}-reschedule-success`);

      const all = await stack.relay.requests();
      assert.equal(all.length, requests.length + 1, "one more request: the reschedule");
      assert.deepEqual(shape(all.slice(-1)), [EXPECTED[provider].reschedule(bookingId)]);
      await assertClean(page, problems);
    });
  }
});

test("a link mailed before tokens left the query (?booking=&token=&provider=) still moves the booking", async () => {
  const { page, problems } = await stack.open(await bookingPage("iclosed"));
  const form = await ready(widget(page));
  await fill(form, visitorFor("iclosed", "book", BOOK_AT));
  await submitButton(form).click();
  await succeeded(form);
  const link = new URL(await form.getByRole("link", { name: "Reschedule" }).getAttribute("href"));
  const old = new URL(link.href);
  old.hash = "";
  old.search = link.hash.slice(1);
  await page.goto("about:blank");
  await page.goto(old.href);
  const move = await ready(widget(page));
  assert.equal(await submitButton(move).textContent(), "Reschedule");
  await fill(move, visitorFor("iclosed", "reschedule", MOVE_TO));
  await submitButton(move).click();
  assert.match(await succeeded(move), /Your call is moved/);
  // The token worked once: the same link again is refused.
  await page.goto("about:blank");
  await page.goto(old.href);
  const again = await ready(widget(page));
  await fill(again, visitorFor("iclosed", "reschedule", { ...MOVE_TO, time: "10:00" }));
  await submitButton(again).click();
  await again.locator("#bw-alert:not(:empty)").waitFor();
  assert.match(await alertText(again), /reschedule link is not valid/);
  assert.deepEqual(problems.filter((problem) => !/status of 403/.test(problem)), []);
});

test("Cal.com call-me: the team's phone-call endpoint gets the visitor's number", async () => {
  const { page, problems } = await stack.open(await bookingPage("calcom", "call"));
  const form = await ready(widget(page));
  assert.equal(await submitButton(form).textContent(), "Call me");
  await fill(form, { ...visitorFor("calcom", "call", BOOK_AT), Company: "Analytical Engines" });
  await submitButton(form).click();
  assert.match(await succeeded(form), /We are calling you/);
  await screenshot(page, "calcom-call-success");
  const [request, ...rest] = await stack.relay.requests();
  assert.deepEqual(rest, []);
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/calcom/v2/teams/7/event-types/1001/create-phone-call");
  // No calApiKey and no yourPhoneNumber: the relay adds those; the browser never has them.
  assert.deepEqual(request.body, {
    numberToCall: "+12125550100",
    guestName: "Ada Lovelace",
    guestEmail: "ada@example.com",
    guestCompany: "Analytical Engines",
  });
  assert.equal(await form.getByRole("link", { name: "Reschedule" }).count(), 0, "a call has nothing to move");
  await assertClean(page, problems);
});

test("a time the autumn change makes ambiguous books the earlier instant", async () => {
  // 3 November 2030, New York: 01:30 happens twice, first at UTC−4.
  const { page, problems } = await stack.open(await bookingPage("iclosed"));
  const form = await ready(widget(page));
  await fill(form, visitorFor("iclosed", "book", { date: "2030-11-03", time: "01:30", zone: "America/New_York" }));
  await submitButton(form).click();
  await succeeded(form);
  const [request] = await stack.relay.requests();
  assert.equal(request.body.dateTime, "2030-11-03T05:30:00Z");
  await assertClean(page, problems);
});

test("the time zone starts as the browser's", async () => {
  const { page, problems } = await stack.open(await bookingPage("calcom"), { timezoneId: "Asia/Tokyo" });
  const form = await ready(widget(page));
  assert.equal(await form.getByLabel("Time zone", { exact: true }).inputValue(), "Asia/Tokyo");
  await fill(form, { ...ADA, Date: "2030-03-10", Time: "10:30" });
  await submitButton(form).click();
  await succeeded(form);
  const [request] = await stack.relay.requests();
  assert.equal(request.body.start, "2030-03-10T01:30:00Z");
  assert.equal(request.body.attendee.timeZone, "Asia/Tokyo");
  await assertClean(page, problems);
});

test("a legacy zone name Chrome reports (Asia/Calcutta) books like its current name", async () => {
  const { page, problems } = await stack.open(await bookingPage("calcom"), { timezoneId: "Asia/Calcutta" });
  const form = await ready(widget(page));
  await fill(form, { ...ADA, Date: "2030-03-10", Time: "10:30" });
  await submitButton(form).click();
  await succeeded(form);
  const [request] = await stack.relay.requests();
  assert.equal(request.body.start, "2030-03-10T05:00:00Z");
  await assertClean(page, problems);
});

test("a reschedule link with a forged token is refused with a plain message", async () => {
  const { page, problems } = await stack.open(await bookingPage("iclosed"));
  const form = await ready(widget(page));
  await fill(form, visitorFor("iclosed", "book", BOOK_AT));
  await submitButton(form).click();
  await succeeded(form);
  const link = new URL(await form.getByRole("link", { name: "Reschedule" }).getAttribute("href"));
  const params = new URLSearchParams(link.hash.slice(1));
  params.set("token", params.get("token").replace(/[0-9a-f]{64}$/, "0".repeat(64)));
  link.hash = params.toString();
  await page.goto("about:blank");
  await page.goto(link.href);
  const move = await ready(widget(page));
  await fill(move, visitorFor("iclosed", "reschedule", MOVE_TO));
  await submitButton(move).click();
  await move.locator("#bw-alert:not(:empty)").waitFor();
  assert.match(await alertText(move), /reschedule link is not valid/);
  assert.equal(await move.getByLabel("Date", { exact: true }).inputValue(), "2030-03-31", "the form is kept");
  assert.equal((await stack.relay.requests()).length, 1, "only the booking reached the provider");
  await screenshot(page, "iclosed-reschedule-forged-token");
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  // The 403 shows in the console as a failed resource load; nothing else may.
  assert.deepEqual(problems.filter((problem) => !/status of 403/.test(problem)), []);
});
