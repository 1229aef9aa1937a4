// The booking widget's loader: <script type="module" src=".../embed.js"></script>.
// It starts fetching the wasm of each provider on the page (named relative to this
// file, so any CDN path works), draws each [data-booking-widget]'s form at once, then
// loads each wasm, which takes its provider's forms over and keeps what the visitor
// typed meanwhile (see README "Embed it"). No inline script and no eval: it runs under
// `script-src 'self' 'wasm-unsafe-eval'`.
//
// The form drawn here is the wasm's form without its behaviour: same markup, labels
// and names (e2e `shell.test.mjs` compares the two for every provider and flow).
// A wasm is ~70 KB; the visitor can start typing about a second earlier.

// The wasm is built once per provider (scripts/variants.mjs: booking-widget-<provider>.js
// and booking-widget-<provider>_bg.wasm), so a page downloads only its providers' code.
const BUILDS = ["iclosed", "gohighlevel", "meetergo", "calcom"];
// For a page whose widgets all name an unknown provider (a typo): any build says what
// is wrong with the embed; GoHighLevel's is the smallest (README "Performance").
const FALLBACK = "gohighlevel";

// style/widget.css, put here by scripts/embed.mjs at build time. It is adopted by
// each widget's shadow root (a constructed sheet, so `style-src` does not apply).
const sheet = new CSSStyleSheet();
sheet.replaceSync(WIDGET_CSS);

// Each input: label, type ("textarea" and "select" are elements), autocomplete,
// hint. booking_core::embed::Control holds the same.
const FIELDS = {
  "first-name": ["First name", "text", "given-name"],
  "last-name": ["Last name", "text", "family-name"],
  email: ["Email", "email", "email"],
  phone: ["Phone", "tel", "tel", "With + and the country code, like +1 212 555 0100."],
  company: ["Company", "text", "organization"],
  guests: ["Guests", "text", "off", "Email addresses of anyone else to invite, separated by commas."],
  date: ["Date", "date", "off"],
  time: ["Time", "time", "off"],
  "time-zone": ["Time zone", "select"],
  reason: ["Reason", "textarea"],
  notes: ["Notes", "textarea"],
};
const WIDE = ["guests", "time-zone", "reason", "notes"];
const WHEN = "date time time-zone";
// Control::for_flow: the inputs of each provider's flow, in order.
const FORMS = {
  "iclosed book": `first-name last-name email phone ${WHEN}`,
  "iclosed reschedule": `${WHEN} reason notes`,
  "gohighlevel book": `first-name last-name email phone company ${WHEN} notes`,
  "gohighlevel reschedule": WHEN,
  "meetergo book": `first-name last-name email phone company guests ${WHEN} notes`,
  "meetergo reschedule": WHEN,
  "calcom book": `first-name last-name email phone guests ${WHEN} notes`,
  "calcom reschedule": `email ${WHEN} reason`,
  "calcom call": "first-name last-name email phone company",
};
// The form's title and its button, per flow.
const FLOWS = {
  book: ["Book a call", "Book call"],
  reschedule: ["Move your booking", "Reschedule"],
  call: ["Get a call now", "Call me"],
};

/** The slot picker's empty box (src/view/picker.rs draws the same two elements). */
const PICKER_BOX = () =>
  element("div", { class: "bw-picker bw-wide" }, element("div", { class: "bw-picker-layout", "data-view": "month" }));

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value != null) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** A trimmed, lower-cased setting from the host or the page URL, or "". */
const setting = (value) => (value ?? "").trim().toLowerCase();

// booking_core::embed::{fragment_query, link_parameters}: a reschedule link's
// parameters sit in the fragment (#booking=…, after a fragment route's "?"), or, in
// links mailed before, in the query.
const fragment = () => new URLSearchParams(location.hash.slice(1).replace(/^[^?]*\?/, ""));
const linkParameters = () => (fragment().has("booking") ? fragment() : new URLSearchParams(location.search));

/**
 * The shadow root, styled, with the form for the host's provider and flow in a
 * `.bw[data-shell]`. An embed without a form (an unknown provider or flow, a
 * reschedule form with no booking to move) gets an empty, unstyled shell: the wasm
 * says what is wrong with the embed.
 */
function drawShell(host) {
  if (host.shadowRoot) return;
  const provider = setting(host.getAttribute("data-provider"));
  const build = buildOf(provider);
  // A build that has loaded already mounted what it found; so does embed.js without
  // the wasm, for a widget added later.
  if (ready.has(build)) return;
  load(build);
  const root = host.attachShadow({ mode: "open" });
  root.adoptedStyleSheets = [sheet];
  // Names the build that takes the widget over (src/lib.rs `is_ours`).
  const shell = element("div", { "data-shell": build });
  root.append(shell);

  let flow = setting(host.getAttribute("data-flow")) || "book";
  // Config::from_attributes: a booking to move makes a booking form a reschedule form.
  const query = linkParameters();
  const named = setting(query.get("provider"));
  const moving =
    setting(host.getAttribute("data-booking-id")) || (!named || named === provider ? setting(query.get("booking")) : "");
  if (flow === "book" && moving) flow = "reschedule";
  const names = (flow !== "reschedule" || moving) && FORMS[`${provider} ${flow}`];
  if (!names) return;

  const [title, button] = FLOWS[flow];
  // Config::availability_source: where free times can be asked, the wasm's slot picker
  // stands for the date and the time. Its box is drawn now, at its final size, so
  // nothing moves when the times arrive.
  const has = (name) => setting(host.getAttribute(name)) !== "";
  const picker =
    flow !== "call" &&
    setting(host.getAttribute("data-availability")) !== "off" &&
    (provider !== "iclosed" || has("data-link-prefix")) &&
    (provider !== "gohighlevel" || has("data-calendar-id"));
  const fields = names.split(" ").map((name) => {
    if (picker && name === "date") return PICKER_BOX();
    if (picker && name === "time") return "";
    const [label, type, autocomplete, hint] = FIELDS[name];
    const hintId = hint && `${name}-hint`;
    const common = { id: name, name, "aria-describedby": hintId };
    const input =
      type === "select"
        ? element("select", common)
        : type === "textarea"
          ? element("textarea", { ...common, rows: 3 })
          : element("input", { ...common, type, autocomplete });
    return element(
      "div",
      { class: WIDE.includes(name) ? "bw-field bw-wide" : "bw-field" },
      element("label", { for: name }, label),
      ...(hint ? [element("p", { class: "bw-hint", id: hintId }, hint)] : []),
      input,
      element("p", { class: "bw-error", id: `${name}-error` }),
    );
  });
  const form = element(
    "form",
    { class: "bw-form", novalidate: "", "aria-label": title },
    element("p", { class: "bw-title" }, title),
    element("div", { class: "bw-fields" }, ...fields),
    element("p", { class: "bw-alert", role: "alert", id: "bw-alert", tabindex: -1 }),
    element("button", { type: "submit", class: "bw-submit" }, button),
  );
  shell.className = "bw";
  // What the wasm needs to carry on: which inputs the visitor changed, and whether
  // they asked to send (it sends once it has checked the form).
  form.addEventListener("input", (event) => event.target.setAttribute("data-edited", ""));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    form.setAttribute("data-submitted", "");
  });
  shell.append(form);
  if (picker) {
    // The booking being moved, as the wasm reads it (not lower-cased: ids are sent as
    // they are). A task later: the page's first Intl.DateTimeFormat loads the
    // browser's locale data, which must not hold back the form's first paint.
    const raw = (value) => (value ?? "").trim();
    const booking = moving && (raw(host.getAttribute("data-booking-id")) || raw(query.get("booking")));
    setTimeout(() => askFirstMonth(host, provider, booking));
  }
}

/**
 * The first month's free times, asked at once, in parallel with the wasm download:
 * exactly the request booking_core::embed::availability_request writes for the month
 * of today in the widget's zone (up to today + data-days), so the wasm takes the
 * answer instead of asking again (src/fetch.rs `asked_by_embed`, which compares URL
 * and body; any difference, and the wasm asks itself). e2e `picker.test.mjs` checks
 * that every provider's page asks once.
 */
function askFirstMonth(host, provider, moving) {
  const get = (name) => (host.getAttribute(name) ?? "").trim();
  const zone = get("data-time-zone") || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const endpoint = (get("data-endpoint") || "https://api.cal.com").replace(/\/$/, "");
  const days = Number(get("data-days") || 60);
  let today;
  try {
    today = dayIn(zone, Date.now());
  } catch {
    return; // a zone Intl does not know: the wasm says so
  }
  const [year, month] = today.split("-").map(Number);
  const monthEnd = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  const windowEnd = new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const last = monthEnd < windowEnd ? monthEnd : windowEnd;
  const query = (pairs) =>
    pairs
      .filter(([, value]) => value)
      .map(([name, value], index) => `${index ? "&" : "?"}${name}=${encode(value)}`)
      .join("");
  const headers = {};
  let path;
  let body = "";
  if (provider === "calcom") {
    headers["cal-api-version"] = "2024-09-04";
    path = `/v2/slots${query([
      ["start", today],
      ["end", last],
      ["eventTypeId", get("data-event-type-id")],
      ["eventTypeSlug", get("data-event-type-slug")],
      ["username", get("data-username")],
      ["teamSlug", get("data-team-slug")],
      ["organizationSlug", get("data-organization-slug")],
      ["timeZone", zone],
      ["bookingUidToReschedule", moving],
    ])}`;
  } else if (provider === "gohighlevel") {
    headers.version = "2021-04-15";
    const from = midnight(today, zone);
    const next = midnight(new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10), zone);
    const to = Math.min(next - 1, from + 31 * 86_400_000);
    path = `/calendars/${encode(get("data-calendar-id"))}/free-slots${query([
      ["startDate", String(from)],
      ["endDate", String(to)],
      ["timezone", zone],
    ])}`;
  } else if (provider === "meetergo") {
    const hosts = get("data-host-ids").split(",").map((id) => id.trim()).filter(Boolean).join(",");
    path = `/v4/booking-availability${query([
      ["meetingTypeId", get("data-meeting-type-id")],
      ["start", today],
      ["end", last],
      ["timezone", zone],
      ["hostIds", hosts],
      ["queueId", get("data-queue-id")],
      ["existingAppointmentId", moving],
    ])}`;
  } else {
    path = "/v1/events/eventDates";
    headers["content-type"] = "application/json";
    body = JSON.stringify({ linkPrefix: get("data-link-prefix"), timeZone: zone, currentDate: today });
  }
  const url = `${endpoint}${path}`;
  const answer = fetch(url, { method: body ? "POST" : "GET", headers, body: body || undefined });
  // Handled here too: an answer the wasm does not take must not log an error.
  answer.catch(() => {});
  host.bookingWidgetFirstMonth = { url, body, answer };
}

/** `YYYY-MM-DD` of the instant `at` on the clocks of `zone`. */
const dayIn = (zone, at) => new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(at);

/** The instant (ms) `date` starts in `zone`: its midnight, found from the zone's offset. */
function midnight(date, zone) {
  const offset = (at) => {
    const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(at)
      .find((part) => part.type === "timeZoneName").value;
    const [, sign, hours = "0", minutes = "0"] = name.match(/^GMT(?:([+\-\u2212])(\d+)(?::(\d+))?)?$/) ?? [];
    return (sign && sign !== "+" ? -1 : 1) * (hours * 3_600_000 + minutes * 60_000);
  };
  const local = Date.parse(`${date}T00:00:00Z`);
  const first = local - offset(local);
  return local - offset(first);
}

/** booking_core's query encoding: everything but RFC 3986's unreserved characters. */
const encode = (text) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Once the wasm has rendered its form beside the shell: the shell goes, and what the
 * visitor did there is done again in the wasm's form, as they did it (an `input`
 * event per changed input, so it is checked and kept like typing; focus and caret
 * where they were; the form sent if they had sent it).
 */
function handOver(root) {
  const shell = root?.querySelector("[data-shell]");
  if (!shell) return;
  const focused = root.activeElement;
  const caret = focused?.selectionStart != null && [focused.selectionStart, focused.selectionEnd];
  shell.remove();
  for (const typed of shell.querySelectorAll("[data-edited]")) {
    const input = root.getElementById(typed.id);
    if (!input) continue;
    input.value = typed.value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  const input = focused && root.getElementById(focused.id);
  input?.focus();
  if (caret) input?.setSelectionRange(...caret);
  // Sent a task later: the wasm fills in the browser's time zone in the task after it
  // mounts, and a form sent before that would be refused for want of one.
  const form = root.querySelector("form");
  if (form && shell.querySelector("form[data-submitted]")) setTimeout(() => form.requestSubmit());
}

/**
 * The build for a `data-provider`: its own, or for a provider no build has, one the
 * page loads anyway (the first started), else FALLBACK.
 */
const buildOf = (provider) => (BUILDS.includes(provider) ? provider : (started.values().next().value ?? FALLBACK));

/** The shells of the widgets `build` takes over. */
const shellsOf = (build) =>
  [...widgets()].map((host) => host.shadowRoot?.querySelector(`[data-shell="${build}"]`)).filter(Boolean);

// The builds started, in order, and those that have taken their forms over; how many
// are still loading.
const started = new Set();
const ready = new Set();
let loading = 0;

/**
 * Starts fetching `build`'s wasm at once, then imports its glue and runs it (after the
 * forms are drawn: the import is a task later), and hands its forms over.
 */
async function load(build) {
  if (started.has(build)) return;
  started.add(build);
  loading++;
  const wasm = fetch(new URL(`booking-widget-${build}_bg.wasm`, import.meta.url));
  try {
    const { default: init } = await import(`./booking-widget-${build}.js`);
    await init({ module_or_path: wasm });
    ready.add(build);
    shellsOf(build).forEach((shell) => handOver(shell.getRootNode()));
  } catch (error) {
    for (const shell of shellsOf(build)) {
      const alert = shell.querySelector("#bw-alert");
      if (alert) alert.textContent = "This form could not load. Please reload the page to try again.";
    }
    throw error;
  } finally {
    if (--loading === 0) added.disconnect();
  }
}

const widgets = () => document.querySelectorAll("[data-booking-widget]");
// The widgets with a known provider first, so one with a mistake joins a build the
// page loads anyway.
const known = (host) => BUILDS.includes(setting(host.getAttribute("data-provider")));
const drawAll = () => [...widgets()].sort((a, b) => known(b) - known(a)).forEach(drawShell);
// Widgets a page script adds while a wasm loads (or, on a page with none yet, whenever)
// get their form and their build as well.
const added = new MutationObserver(drawAll);
drawAll();
added.observe(document, { childList: true, subtree: true });
// The success view's reschedule link is this page with a new fragment, which browsers
// follow without loading the page again: load it, so the widgets read the booking.
addEventListener("hashchange", () => fragment().has("booking") && widgets().length && location.reload());
