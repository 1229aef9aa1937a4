//! The slot picker (`DESIGN.md` §6): a month grid after the APG date-picker pattern,
//! the chosen day's free times beside it (in place of it on narrow widths), and the
//! visitor's zone switchable next to them. What it decides (the month's layout, the
//! keyboard's moves, which day opens, the days in the visitor's zone) comes from
//! `booking_core::embed::picker`; the free times from the provider, through
//! `booking_core::embed::availability`.
//!
//! The chosen time is written into the form's date and time, in the form's zone, so
//! the form checks and sends it as if it had been typed.

use std::time::Duration;

use booking_core::embed::picker::{
    hour12, move_focus, nearest_free, CalendarDate, FreeDays, GridKey, MonthGrid, Weekday, Window, YearMonth,
};
use booking_core::embed::{
    availability_request, hold_request, read_availability, read_hold, release_request, AvailabilityError, Hold,
    HoldRefused, NoSource,
};
use booking_core::embed::{Config, Control, Failure};
use booking_core::{Timestamp, VisitorForm, ZoneOffsets};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlDivElement, HtmlElement, KeyboardEvent, MouseEvent, ShadowRoot};

use crate::fetch;
use crate::intl::{self, IntlZones};
use crate::page;

/// How many nearest free times a refusal of a taken time offers.
const NEAREST_OFFERED: usize = 3;

/// A month's free times: asked for, arrived, or failed.
enum Fetch {
    Loading,
    Loaded,
    Failed(Failure),
}

/// Everything the picker shows, in one signal: each signal value type brings its own
/// copy of the signal's code.
#[derive(Default)]
pub struct PickerState {
    /// Free start instants (unix seconds) of every month asked so far.
    slots: Vec<i64>,
    /// The same by the visitor's local day: grouped again when the times or the zone
    /// change ([`PickerState::regroup`]), not on each drawing, since grouping asks
    /// `Intl` for every time's offset.
    days: FreeDays,
    /// Months asked for, and how each went.
    months: Vec<(YearMonth, Fetch)>,
    /// The month on screen; `None` until the visitor's day is known.
    shown: Option<YearMonth>,
    /// The day with the grid's one tab stop.
    focus: Option<CalendarDate>,
    /// The day whose times show.
    day: Option<CalendarDate>,
    /// The chosen start.
    chosen: Option<i64>,
    /// On a narrow widget: the times show in place of the grid.
    times_view: bool,
    /// Said by the times: a time just taken, and the nearest free ones.
    notice: Option<(String, Vec<i64>)>,
    /// The source's answer could not be read: the typed inputs show instead.
    unreadable: bool,
    /// The days offered, from today.
    window: Option<Window>,
    /// Cal.com's hold on the chosen time, while the visitor fills in the form.
    hold: Option<Hold>,
    /// The form's zone, which the times are shown in: here rather than in a `Memo` of
    /// the form (typing a name must not redraw the picker), whose value type would
    /// bring its own copy of the memo's code.
    zone: String,
}

impl PickerState {
    /// Whether the typed date and time inputs show instead of the picker.
    pub fn typed(&self) -> bool {
        self.unreadable
    }

    fn regroup(&mut self) {
        self.days = FreeDays::group(&self.slots, &self.zone, &IntlZones);
    }

    /// The free times by local day, none in the past.
    fn free_now(&self) -> FreeDays {
        self.days.clone().not_before(page::now_seconds())
    }
}

/// The days offered, from today in `zone`.
fn window(config: &Config, zone: &str) -> Option<Window> {
    let today = CalendarDate::in_zone(page::now_seconds(), zone, &IntlZones)?;
    Some(Window::offered(today, config.days_ahead()))
}

/// Starts the picker once the form's zone is known: asks for the visitor's month.
pub fn start(state: RwSignal<PickerState>, config: &Config, form: RwSignal<VisitorForm>, host: &HtmlElement) {
    let zone = form.with_untracked(|form| form.time_zone.clone());
    let Some(window) = window(config, &zone) else {
        return;
    };
    let month = YearMonth::of(window.first());
    state.update(|state| {
        state.zone = zone.clone();
        state.window = Some(window);
        state.shown = Some(month);
        state.focus = Some(window.first());
    });
    ask(state, config.clone(), month, Some(host));
}

/// Asks for the free times of `month` (once, unless asking failed). `opening`, the
/// widget's element while the picker has not opened on a day yet: it opens on this
/// month's first free day (or asks for the next month), and the first month may have
/// been asked by embed.js already. Asked in the zone the picker shows.
fn ask(state: RwSignal<PickerState>, config: Config, month: YearMonth, opening: Option<&HtmlElement>) {
    let Some((first, last, zone)) = state.with_untracked(|state| {
        let asked = state
            .months
            .iter()
            .any(|(known, fetch)| *known == month && !matches!(fetch, Fetch::Failed(_)));
        if asked {
            return None;
        }
        let (first, last) = state.window?.fetch_range(month)?;
        Some((first, last, state.zone.clone()))
    }) else {
        return;
    };
    state.update(|state| {
        state.months.retain(|(known, _)| *known != month);
        state.months.push((month, Fetch::Loading));
    });
    let request = match availability_request(&config, &first.to_string(), &last.to_string(), &zone, &IntlZones) {
        Ok(request) => request,
        Err(why) => return no_source(state, &why),
    };
    let asked = opening.and_then(|host| fetch::asked_by_embed(host, &request));
    let opening = opening.cloned();
    spawn_local(async move {
        let reply = match asked {
            Some(answer) => fetch::read_asked(answer).await,
            None => fetch::read(&request, config.timeout_seconds).await,
        };
        let answer = match reply {
            Ok((status, body)) => read_availability(&config, status, &body, &zone, &IntlZones),
            Err(failure) => Err(AvailabilityError::Failed(failure)),
        };
        let days = match answer {
            Ok(days) => days,
            Err(AvailabilityError::NoSource(why)) => return no_source(state, &why),
            Err(AvailabilityError::Failed(failure)) => {
                let _ = state.try_update(|state| set_fetch(state, month, Fetch::Failed(failure)));
                return;
            }
        };
        let found = days.iter().any(|day| !day.slots.is_empty());
        let _ = state.try_update(|state| {
            let arrived: Vec<i64> = days.into_iter().flat_map(|day| day.slots).collect();
            state.slots = merge_sorted(&state.slots, &arrived);
            state.regroup();
            set_fetch(state, month, Fetch::Loaded);
        });
        if let Some(host) = &opening {
            if found {
                open_first_free(state);
            }
            // The month after the opening one is asked ahead, so paging to it shows its
            // times at once; an opening month without a free day goes on to it. Later
            // months are asked as the visitor pages (`go_month`).
            ask(state, config, month.add_months(1), (!found).then_some(host));
        }
    });
}

/// The free times of both sorted lists, sorted, each once. A month's answer comes
/// sorted (its days in order, their times in order), so a merge keeps the list sorted
/// without a sort (whose code costs the wasm about 3 KB).
fn merge_sorted(known: &[i64], arrived: &[i64]) -> Vec<i64> {
    let mut merged = Vec::with_capacity(known.len() + arrived.len());
    let (mut a, mut b) = (known.iter().peekable(), arrived.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next(),
            (Some(_), Some(_)) | (None, Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, None) => break,
        };
        if let Some(&slot) = next {
            if merged.last() != Some(&slot) {
                merged.push(slot);
            }
        }
    }
    merged
}

/// The free times cannot be asked or read: the visitor types a date and time, and
/// the marketer reads why in the console.
fn no_source(state: RwSignal<PickerState>, why: &NoSource) {
    warn(why);
    let _ = state.try_update(|state| state.unreadable = true);
}

/// Tells the marketer, in the console, why the visitor types a date and time.
pub fn warn(why: &NoSource) {
    page::console_warn(&format!("booking-widget: {why}"));
}

fn set_fetch(state: &mut PickerState, month: YearMonth, fetch: Fetch) {
    if let Some(entry) = state.months.iter_mut().find(|(known, _)| *known == month) {
        entry.1 = fetch;
    }
}

/// Opens the grid on the first day with a free time, with its times shown.
fn open_first_free(state: RwSignal<PickerState>) {
    state.update(|state| {
        let Some(today) = state.window.map(Window::first) else {
            return;
        };
        let Some(day) = state.free_now().opening_day(today) else {
            return;
        };
        state.shown = Some(YearMonth::of(day));
        state.focus = Some(day);
        state.day = Some(day);
    });
}

/// The chosen time written into the form in its zone, as the visitor would type it.
fn write_choice(form: RwSignal<VisitorForm>, chosen: i64, on_input: impl Fn(Control, String)) {
    let zone = form.with_untracked(|form| form.time_zone.clone());
    let Some(offset) = IntlZones.offset_seconds(&zone, chosen) else {
        return;
    };
    let minutes = (chosen + i64::from(offset)).rem_euclid(86_400) / 60;
    on_input(Control::Date, CalendarDate::from_unix(chosen, offset).to_string());
    let mut time = String::with_capacity(5);
    push_two_digits(&mut time, minutes / 60);
    time.push(':');
    push_two_digits(&mut time, minutes % 60);
    on_input(Control::Time, time);
}

/// After the zone changed: the times are shown in the new one, and the chosen instant
/// is the same, its local date and time in the form are not.
pub fn follow_zone(state: RwSignal<PickerState>, form: RwSignal<VisitorForm>, on_input: impl Fn(Control, String)) {
    let zone = form.with_untracked(|form| form.time_zone.clone());
    if let Some(chosen) = state
        .try_update(|state| {
            state.zone = zone;
            state.regroup();
            state.chosen
        })
        .flatten()
    {
        write_choice(form, chosen, on_input);
    }
}

/// The provider refused the chosen time as taken: that month is asked again, the
/// times say so, and the nearest free ones are offered.
pub fn taken(state: RwSignal<PickerState>, config: &Config, message: String) {
    let Some(chosen) = state.with_untracked(|state| state.chosen) else {
        return;
    };
    let month = state.with_untracked(|state| state.day.map(YearMonth::of));
    state.update(|state| {
        state.slots.retain(|slot| *slot != chosen);
        state.regroup();
        state.chosen = None;
        state.notice = Some((message, nearest_free(&state.slots, chosen, NEAREST_OFFERED)));
        if let Some(month) = month {
            state.months.retain(|(known, _)| *known != month);
        }
    });
    if let Some(month) = month {
        ask(state, config.clone(), month, None);
    }
}

/// Holds `slot` (Cal.com): other visitors are not offered it while this one fills in
/// the form. The hold on an earlier choice is released first. A time another visitor
/// holds is refused like a taken one; any other failure leaves the visitor to book
/// without a hold.
fn hold(state: RwSignal<PickerState>, config: &Config, slot: i64) {
    let Some(request) = hold_request(config, &instant(slot)) else {
        return;
    };
    release(state, config);
    let config = config.clone();
    spawn_local(async move {
        let answer = fetch::read(&request, config.timeout_seconds).await;
        let still_chosen = state.try_with_untracked(|state| state.chosen == Some(slot)) == Some(true);
        match answer.map(|(status, body)| read_hold(status, &body)) {
            Ok(Ok(held)) if still_chosen => state.update(|state| state.hold = Some(held)),
            // Chosen and left again while it was being held.
            Ok(Ok(held)) => fetch::forget(&release_request(&config, &held.uid)),
            Ok(Err(HoldRefused::Taken)) if still_chosen => taken(
                state,
                &config,
                "Another visitor is booking that time just now. Please choose another.".to_owned(),
            ),
            _ => {}
        }
    });
}

fn instant(unix_seconds: i64) -> Timestamp {
    Timestamp {
        unix_seconds,
        nanos: 0,
        offset_seconds: 0,
    }
}

/// Lets go of the hold, if there is one (the visitor chose another time, left or
/// hid the page).
fn release(state: RwSignal<PickerState>, config: &Config) {
    if let Some(held) = state.try_update_untracked(|state| state.hold.take()).flatten() {
        fetch::forget(&release_request(config, &held.uid));
    }
}

/// After a booking: the hold is spent, not released.
pub fn booked(state: RwSignal<PickerState>) {
    state.update_untracked(|state| state.hold = None);
}

/// The hold's countdown, once a second; holds let go when the page is hidden or
/// left, and taken again when the visitor comes back to a time still chosen.
fn keep_holds_fresh(state: RwSignal<PickerState>, config: &Config, root: NodeRef<html::Div>) {
    let tick = move || {
        let Some(until) = state
            .try_with_untracked(|state| state.hold.as_ref().map(|held| held.until))
            .flatten()
        else {
            return;
        };
        let left = until - page::now_seconds();
        if left <= 0 {
            state.update(|state| {
                state.hold = None;
                state.notice = Some((
                    "The hold on this time ran out; you can still book it while it is free.".to_owned(),
                    Vec::new(),
                ));
            });
        } else if let Some(shown) = root
            .get_untracked()
            .and_then(|root| root.query_selector(".bw-hold-left").ok().flatten())
        {
            shown.set_text_content(Some(&minutes_seconds(left)));
        }
    };
    if let Ok(interval) = set_interval_with_handle(tick, Duration::from_secs(1)) {
        on_cleanup(move || interval.clear());
    }
    // One listener for both events (one closure type in the wasm, not two).
    let on_page = {
        let config = config.clone();
        move |event: web_sys::Event| {
            let hidden = event.type_() == "pagehide"
                || web_sys::window()
                    .and_then(|window| window.document())
                    .is_some_and(|document| document.hidden());
            if hidden {
                release(state, &config);
            } else if let Some(chosen) = state
                .try_with_untracked(|state| state.chosen.filter(|_| state.hold.is_none()))
                .flatten()
            {
                hold(state, &config, chosen);
            }
        }
    };
    let _ = window_event_listener_untyped("visibilitychange", on_page.clone());
    let _ = window_event_listener_untyped("pagehide", on_page);
}

/// The picker: a month grid and the chosen day's times.
///
/// Drawn as HTML text from its state by [`draw`], with one click and one keydown
/// listener for all of it, rather than as Leptos views: the grid's forty-two cells and
/// the times are the same few elements over and over, and a view per cell, with an
/// attribute closure per state, cost the wasm more than a third of its size.
#[component]
pub fn Picker(
    /// The embed (the source to ask).
    config: Config,
    /// The form the chosen time is written into.
    form: RwSignal<VisitorForm>,
    /// What the picker shows.
    state: RwSignal<PickerState>,
    /// The form's message for the date and time.
    message: Memo<Option<String>>,
    /// The form's edit handler: a choice is an edit of the date and the time.
    on_input: impl Fn(Control, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let looks = Looks {
        hour12: hour12(config.picker.hour_cycle, intl::locale_hour12()),
        week_start: intl::week_start(),
        // The time being moved, when the reschedule link says.
        current: config
            .booking
            .as_ref()
            .and_then(|booking| booking.start)
            .map(|start| start.unix_seconds),
    };
    let weekdays = intl::weekday_names(looks.week_start);
    let root = NodeRef::<html::Div>::new();
    // Through the element's `innerHTML` binding, the render effect every reactive
    // attribute uses, rather than an `Effect` of its own (whose code is its own ~2 KB).
    let picker_html = move || {
        let message = message.get();
        let html = state.with(|state| draw(state, &weekdays, looks, message.as_deref()));
        // Focus was in the picker: it goes back where it was, or to the grid's new tab
        // stop, once the new HTML is in. In a microtask, which runs before the next key
        // press is handled: a timeout let a quick Tab start from the page's top.
        if let Some(selector) = root.get_untracked().and_then(|root| focused_key(&root)) {
            spawn_local(async move {
                if let Some(root) = root.get_untracked() {
                    focus(&root, &selector);
                }
            });
        }
        html
    };

    let on_click = {
        let config = config.clone();
        move |event: MouseEvent| {
            let Some(target) = target_with(&event, "[data-action],[data-date],[data-start]") else {
                return;
            };
            if target.get_attribute("aria-disabled").is_some() {
                return;
            }
            if let Some(date) = target
                .get_attribute("data-date")
                .and_then(|date| CalendarDate::parse(&date))
            {
                choose_day(state, date);
            } else if let Some(start) = target.get_attribute("data-start").and_then(|start| start.parse().ok()) {
                state.update(|state| {
                    state.chosen = Some(start);
                    state.notice = None;
                });
                write_choice(form, start, on_input);
                hold(state, &config, start);
            } else {
                match target.get_attribute("data-action").as_deref() {
                    Some("previous") => go_month(state, &config, -1),
                    Some("next") => go_month(state, &config, 1),
                    Some("next-free") => {
                        let next = state.with_untracked(|state| next_free(state, &state.free_now()));
                        if let Some(day) = next {
                            state.update(|state| state.shown = Some(YearMonth::of(day)));
                            choose_day(state, day);
                        }
                    }
                    Some("retry") => {
                        if let Some(month) = state.with_untracked(|state| state.shown) {
                            // Still to open on a first free day: the retry goes on looking.
                            let host = root
                                .get_untracked()
                                .and_then(|root| root.get_root_node().dyn_into::<ShadowRoot>().ok())
                                .and_then(|shadow| shadow.host().dyn_into::<HtmlElement>().ok())
                                .filter(|_| state.with_untracked(|state| state.day.is_none()));
                            ask(state, config.clone(), month, host.as_ref());
                        }
                    }
                    Some("change-date") => state.update(|state| state.times_view = false),
                    _ => {}
                }
            }
        }
    };
    if hold_request(&config, &instant(0)).is_some() {
        keep_holds_fresh(state, &config, root);
    }
    let on_key = move |event: KeyboardEvent| {
        let on_day = target_with(&event, ".bw-day").is_some();
        let modified = event.ctrl_key() || event.alt_key() || event.meta_key();
        let Some(key) = GridKey::from_key(&event.key(), event.shift_key()).filter(|_| on_day && !modified) else {
            return;
        };
        event.prevent_default();
        let Some((from, window)) = state.with_untracked(|state| Some((state.focus?, state.window?))) else {
            return;
        };
        let to = move_focus(from, key, looks.week_start, window);
        if YearMonth::of(to) == YearMonth::of(from) {
            // Within the month the tab stop moves here and now, without a new drawing:
            // a key pressed while the grid was being drawn again would find no focus.
            if let Some(root) = root.get_untracked() {
                move_tab_stop(&root, from, to);
            }
            state.update_untracked(|state| state.focus = Some(to));
        } else {
            let months = (to.year() - from.year()) * 12 + i32::from(to.month()) - i32::from(from.month());
            go_month(state, &config, months);
            state.update(|state| state.focus = Some(to));
        }
    };

    view! {
        <div
            class="bw-picker bw-wide"
            node_ref=root
            inner_html=picker_html
            on:click:capture=on_click
            on:keydown:capture=on_key
        ></div>
    }
}

/// How times and weeks are written for this visitor, and the time a reschedule moves.
#[derive(Clone, Copy)]
struct Looks {
    hour12: bool,
    week_start: Weekday,
    current: Option<i64>,
}

/// Shows `day`'s times (in place of the grid on a narrow widget).
fn choose_day(state: RwSignal<PickerState>, day: CalendarDate) {
    state.update(|state| {
        state.day = Some(day);
        state.focus = Some(day);
        state.times_view = true;
        state.notice = None;
    });
}

/// Pages `months` forward (or back), asking for that month and the one after it.
fn go_month(state: RwSignal<PickerState>, config: &Config, months: i32) {
    let Some(month) = state.with_untracked(|state| state.shown.map(|shown| shown.add_months(months))) else {
        return;
    };
    state.update(|state| {
        state.shown = Some(month);
        if let Some(window) = state.window {
            let focus = state.focus.map_or(month.first_day(), |focus| focus.add_months(months));
            state.focus = Some(window.clamp(focus));
        }
    });
    ask(state, config.clone(), month, None);
    ask(state, config.clone(), month.add_months(1), None);
}

/// The picker's HTML for `state`. Every text in it is escaped: the provider's message
/// and `Intl`'s names are text, never markup. Written piece by piece rather than with
/// `format!`: each `format!` call is its own argument-building code in the wasm.
fn draw(state: &PickerState, weekdays: &[(String, String)], looks: Looks, message: Option<&str>) -> String {
    let (Some(month), Some(window)) = (state.shown, state.window) else {
        // The box embed.js draws, of the final size, until the visitor's day is known.
        return r#"<div class="bw-picker-layout" data-view="month"></div>"#.to_owned();
    };
    let zone = &state.zone;
    let days = state.free_now();
    let fetch = state
        .months
        .iter()
        .find(|(known, _)| *known == month)
        .map(|(_, fetch)| fetch);
    let loaded = matches!(fetch, Some(Fetch::Loaded));
    let mut html = String::with_capacity(8_192);
    let disabled = |off: bool| if off { r#" aria-disabled="true""# } else { "" };
    html += r#"<div class="bw-picker-layout" data-view=""#;
    html += if state.times_view { "times" } else { "month" };
    html += r#""><div class="bw-month"><div class="bw-month-bar"><button type="button" class="bw-nav" data-action="previous" aria-label="Previous month""#;
    html += disabled(month <= YearMonth::of(window.first()));
    html += r#">‹</button><p class="bw-month-title" id="bw-month-title">"#;
    push_escaped(&mut html, &intl::date_label(month.year(), month.month(), 1, false));
    html += r#"</p><button type="button" class="bw-nav" data-action="next" aria-label="Next month""#;
    html += disabled(month >= YearMonth::of(window.last()));
    html += r#">›</button></div><table class="bw-grid" role="grid" aria-labelledby="bw-month-title""#;
    html += if loaded { "" } else { r#" aria-busy="true""# };
    html += "><thead><tr>";
    for (short, long) in weekdays {
        html += r#"<th scope="col" abbr=""#;
        push_escaped(&mut html, long);
        html += r#"">"#;
        push_escaped(&mut html, short);
        html += "</th>";
    }
    html += "</tr></thead><tbody>";
    let grid = MonthGrid::new(month, looks.week_start);
    // Always six rows: the grid keeps its size from month to month.
    for row in 0..6 {
        html += "<tr>";
        for cell in grid.weeks().get(row).copied().unwrap_or([None; 7]) {
            let Some(date) = cell else {
                html += "<td></td>";
                continue;
            };
            let free = loaded && window.contains(date) && days.is_free(date);
            html += if state.day == Some(date) {
                r#"<td aria-selected="true">"#
            } else {
                "<td>"
            };
            html += r#"<button type="button" class="bw-day" data-date=""#;
            html += &date.to_string();
            html += if state.focus == Some(date) {
                r#"" tabindex="0""#
            } else {
                r#"" tabindex="-1""#
            };
            html += r#" aria-label=""#;
            push_escaped(
                &mut html,
                &intl::date_label(date.year(), date.month(), date.day(), true),
            );
            html += "\"";
            html += disabled(!free);
            html += ">";
            html += &date.day().to_string();
            html += "</button></td>";
        }
        html += "</tr>";
    }
    html += r#"</tbody></table><p class="bw-picker-status" role="status">"#;
    match fetch {
        Some(Fetch::Loading) | None => html += "Loading free times…",
        Some(Fetch::Failed(failure)) => {
            push_escaped(&mut html, &failure.to_string());
            html += r#" The free times could not be loaded. <button type="button" class="bw-text-button" data-action="retry">Try again</button>"#;
        }
        Some(Fetch::Loaded) if !days.as_slice().iter().any(|(day, _)| YearMonth::of(*day) == month) => {
            html += "No free times this month.";
            if next_free(state, &days).is_some() {
                html += r#" <button type="button" class="bw-text-button" data-action="next-free">Show the next free day</button>"#;
            }
        }
        Some(Fetch::Loaded) => {}
    }
    html += "</p>";
    if let Some(current) = looks.current {
        html += r#"<p class="bw-current">Your booking now: "#;
        push_escaped(
            &mut html,
            &intl::describe_instant(current as f64 * 1000.0, zone).unwrap_or_default(),
        );
        html += "</p>";
    }
    html += r#"</div><div class="bw-times" id="date" tabindex="-1" role="group" aria-labelledby="bw-times-title" aria-describedby="date-error"><p class="bw-times-title" id="bw-times-title">"#;
    if let Some(day) = state.day {
        html += "Times on ";
        push_escaped(&mut html, &intl::date_label(day.year(), day.month(), day.day(), true));
    }
    html += r#"</p><button type="button" class="bw-text-button bw-change-date" data-action="change-date">Change date</button><div class="bw-time-list">"#;
    for &slot in state.day.map_or(&[][..], |day| days.times_on(day)) {
        // The provider offers the time being moved as free (it is not taken by
        // itself); it is shown, and cannot be chosen.
        let current = looks.current == Some(slot);
        html += r#"<button type="button" class="bw-time" data-start=""#;
        html += &slot.to_string();
        html += if state.chosen == Some(slot) {
            r#"" aria-pressed="true""#
        } else {
            r#"" aria-pressed="false""#
        };
        html += disabled(current);
        html += ">";
        push_escaped(&mut html, &intl::time_label(zone, looks.hour12, slot));
        html += if current { " (now)</button>" } else { "</button>" };
    }
    html += "</div>";
    if let Some(held) = &state.hold {
        html += r#"<p class="bw-hold">This time is held for you for <span class="bw-hold-left">"#;
        html += &minutes_seconds(held.until - page::now_seconds());
        html += "</span>.</p>";
    }
    html += r#"<p class="bw-notice" role="status">"#;
    if let Some((notice, nearest)) = &state.notice {
        push_escaped(&mut html, notice);
        for (index, slot) in nearest.iter().enumerate() {
            html += if index == 0 { " Nearest free times: " } else { ", " };
            push_escaped(&mut html, &intl::time_label(zone, looks.hour12, *slot));
        }
        if !nearest.is_empty() {
            html += ".";
        }
    }
    html += r#"</p><p class="bw-error" id="date-error">"#;
    push_escaped(&mut html, message.unwrap_or_default());
    html += "</p></div></div>";
    html
}

/// A hold's time left, `m:ss` (none left: `0:00`).
fn minutes_seconds(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let mut text = (seconds / 60).to_string();
    text.push(':');
    push_two_digits(&mut text, seconds % 60);
    text
}

/// `number` (0 to 99) as two digits: `07`.
fn push_two_digits(out: &mut String, number: i64) {
    out.push(char::from(b'0' + (number / 10) as u8));
    out.push(char::from(b'0' + (number % 10) as u8));
}

/// The first free day after the month on screen.
fn next_free(state: &PickerState, days: &FreeDays) -> Option<CalendarDate> {
    days.next_free_day(state.shown?.last_day())
}

/// `text` appended to `html`, safe inside an element or a quoted attribute.
fn push_escaped(html: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '&' => *html += "&amp;",
            '<' => *html += "&lt;",
            '>' => *html += "&gt;",
            '"' => *html += "&quot;",
            other => html.push(other),
        }
    }
}

/// The closest element to `event`'s target matching `selector`.
fn target_with(event: &web_sys::Event, selector: &str) -> Option<Element> {
    event
        .target()?
        .dyn_into::<Element>()
        .ok()?
        .closest(selector)
        .ok()
        .flatten()
}

/// What to focus again once the picker is drawn anew, when focus was in it: the
/// grid's tab stop (it may have moved), or the same time or control.
fn focused_key(root: &HtmlDivElement) -> Option<String> {
    let active = root.get_root_node().dyn_into::<ShadowRoot>().ok()?.active_element()?;
    if !root.contains(Some(&active)) {
        return None;
    }
    if active.class_list().contains("bw-day") {
        return Some(r#".bw-day[tabindex="0"]"#.to_owned());
    }
    ["data-start", "data-action"].into_iter().find_map(|name| {
        let value = active.get_attribute(name)?;
        Some(format!(r#"[{name}="{value}"]"#))
    })
}

/// The grid's one tab stop moved from `from` to `to`, and focus with it.
fn move_tab_stop(root: &HtmlDivElement, from: CalendarDate, to: CalendarDate) {
    let day = |date: CalendarDate| {
        root.query_selector(&format!(r#".bw-day[data-date="{date}"]"#))
            .ok()
            .flatten()
    };
    if let (Some(old), Some(new)) = (day(from), day(to)) {
        let _ = old.set_attribute("tabindex", "-1");
        let _ = new.set_attribute("tabindex", "0");
        if let Ok(new) = new.dyn_into::<HtmlElement>() {
            let _ = new.focus();
        }
    }
}

fn focus(root: &HtmlDivElement, selector: &str) {
    let found = root.query_selector(selector).ok().flatten();
    if let Some(element) = found.and_then(|element| element.dyn_into::<HtmlElement>().ok()) {
        let _ = element.focus();
    }
}
