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
    hour12, move_focus, nearest_free, CalendarDate, FreeDays, GridKey, MonthGrid, Window, YearMonth,
};
use booking_core::embed::{availability_request, read_availability, AvailabilityError, NoSource};
use booking_core::embed::{Config, Control, Failure};
use booking_core::{VisitorForm, ZoneOffsets};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use crate::fetch;
use crate::intl::{self, IntlZones};
use crate::page;

/// How many nearest free times a refusal of a taken time offers.
const NEAREST_OFFERED: usize = 3;

/// A month's free times: asked for, arrived, or failed.
#[derive(Clone, PartialEq)]
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
}

impl PickerState {
    /// Whether the typed date and time inputs show instead of the picker.
    pub fn typed(&self) -> bool {
        self.unreadable
    }
}

/// The days offered, from today in `zone`.
fn window(config: &Config, zone: &str) -> Option<Window> {
    let today = CalendarDate::in_zone(page::now_seconds(), zone, &IntlZones)?;
    Some(Window::offered(today, config.days_ahead()))
}

/// Starts the picker once the form's zone is known: asks for the visitor's month.
pub fn start(state: RwSignal<PickerState>, config: &Config, form: RwSignal<VisitorForm>) {
    let zone = form.with_untracked(|form| form.time_zone.clone());
    let Some(window) = window(config, &zone) else {
        return;
    };
    let month = YearMonth::of(window.first());
    state.update(|state| {
        state.window = Some(window);
        state.shown = Some(month);
        state.focus = Some(window.first());
    });
    ask(state, config.clone(), zone, month, true);
}

/// Asks for the free times of `month` (once, unless asking failed); `opening`: the
/// picker has not opened on a day yet, and opens on this month's first free day (or
/// asks for the next month).
fn ask(state: RwSignal<PickerState>, config: Config, zone: String, month: YearMonth, opening: bool) {
    let Some((first, last)) = state.with_untracked(|state| {
        let asked = state
            .months
            .iter()
            .any(|(known, fetch)| *known == month && !matches!(fetch, Fetch::Failed(_)));
        if asked {
            return None;
        }
        state.window?.fetch_range(month)
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
    spawn_local(async move {
        let answer = match fetch::read(&request, config.timeout_seconds).await {
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
            state.slots.extend(days.into_iter().flat_map(|day| day.slots));
            state.slots.sort_unstable();
            state.slots.dedup();
            set_fetch(state, month, Fetch::Loaded);
        });
        let next = month.add_months(1);
        if opening && found {
            open_first_free(state, &zone);
        }
        // The next month is asked ahead: paging to it shows its times at once, and
        // an opening month without a free day goes on to it.
        ask(state, config, zone, next, opening && !found);
    });
}

/// The free times cannot be asked or read: the visitor types a date and time, and
/// the marketer reads why in the console.
fn no_source(state: RwSignal<PickerState>, why: &NoSource) {
    page::console_warn(&format!("booking-widget: {why}"));
    let _ = state.try_update(|state| state.unreadable = true);
}

fn set_fetch(state: &mut PickerState, month: YearMonth, fetch: Fetch) {
    if let Some(entry) = state.months.iter_mut().find(|(known, _)| *known == month) {
        entry.1 = fetch;
    }
}

/// Opens the grid on the first day with a free time, with its times shown.
fn open_first_free(state: RwSignal<PickerState>, zone: &str) {
    state.update(|state| {
        let Some(today) = state.window.map(Window::first) else {
            return;
        };
        let Some(day) = free_days(&state.slots, zone).opening_day(today) else {
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
    on_input(Control::Time, format!("{:02}:{:02}", minutes / 60, minutes % 60));
}

/// After the zone changed: the chosen instant is the same, its local date and time
/// in the form are not.
pub fn follow_zone(state: RwSignal<PickerState>, form: RwSignal<VisitorForm>, on_input: impl Fn(Control, String)) {
    if let Some(chosen) = state.with_untracked(|state| state.chosen) {
        write_choice(form, chosen, on_input);
    }
}

/// The provider refused the chosen time as taken: that month is asked again, the
/// times say so, and the nearest free ones are offered.
pub fn taken(state: RwSignal<PickerState>, config: &Config, form: RwSignal<VisitorForm>, message: String) {
    let zone = form.with_untracked(|form| form.time_zone.clone());
    let Some(chosen) = state.with_untracked(|state| state.chosen) else {
        return;
    };
    let month = state.with_untracked(|state| state.day.map(YearMonth::of));
    state.update(|state| {
        state.slots.retain(|slot| *slot != chosen);
        state.chosen = None;
        state.notice = Some((message, nearest_free(&state.slots, chosen, NEAREST_OFFERED)));
        if let Some(month) = month {
            state.months.retain(|(known, _)| *known != month);
        }
    });
    if let Some(month) = month {
        ask(state, config.clone(), zone, month, false);
    }
}

/// The picker: a month grid and the chosen day's times.
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
    let hour12 = hour12(config.picker.hour_cycle, intl::locale_hour12());
    let week_start = intl::week_start();
    let weekdays = intl::weekday_names(week_start);
    let zone = move || form.with(|form| form.time_zone.clone());
    let days = Memo::new(move |_| {
        let zone = zone();
        state.with(|state| free_days(&state.slots, &zone))
    });
    let shown_month = move || state.with(|state| state.shown);
    let fetch_of = move |month: YearMonth| {
        state.with(|state| {
            state
                .months
                .iter()
                .find(|(known, _)| *known == month)
                .map(|(_, fetch)| fetch.clone())
        })
    };

    let choose_day = move |day: CalendarDate| {
        state.update(|state| {
            state.day = Some(day);
            state.focus = Some(day);
            state.times_view = true;
            state.notice = None;
        });
    };
    let go_month = {
        let config = config.clone();
        move |months: i32| {
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
            ask(state, config.clone(), zone_now(form), month, false);
            ask(state, config.clone(), zone_now(form), month.add_months(1), false);
        }
    };
    let on_key = {
        let go_month = go_month.clone();
        move |event: KeyboardEvent| {
            let Some(key) = GridKey::from_key(&event.key(), event.shift_key()) else {
                return;
            };
            event.prevent_default();
            let Some((focus, window)) = state.with_untracked(|state| Some((state.focus?, state.window?))) else {
                return;
            };
            let next = move_focus(focus, key, week_start, window);
            if YearMonth::of(next) != YearMonth::of(focus) {
                let months = (next.year() - focus.year()) * 12 + i32::from(next.month()) - i32::from(focus.month());
                go_month(months);
            }
            state.update(|state| state.focus = Some(next));
            focus_day(next);
        }
    };
    let can_go_back = move || state.with(|state| Some(state.shown? > YearMonth::of(state.window?.first())));
    let can_go_on = move || state.with(|state| Some(state.shown? < YearMonth::of(state.window?.last())));
    let title = move || {
        shown_month()
            .map(|month| intl::date_label(month.year(), month.month(), 1, false))
            .unwrap_or_default()
    };

    let grid_rows = {
        move || {
            let Some(month) = shown_month() else {
                return Vec::new();
            };
            let loading = !matches!(fetch_of(month), Some(Fetch::Loaded));
            let (focus, day) = state.with(|state| (state.focus, state.day));
            let window = state.with(|state| state.window);
            let mut weeks = MonthGrid::new(month, week_start).weeks().to_vec();
            // Always six rows: the grid keeps its size from month to month.
            weeks.resize(6, [None; 7]);
            weeks
                .into_iter()
                .map(|week| {
                    let cells = week
                        .into_iter()
                        .map(|cell| match cell {
                            None => view! { <td></td> }.into_any(),
                            Some(date) => {
                                let free = !loading
                                    && window.is_some_and(|window| window.contains(date))
                                    && days.with(|days| days.is_free(date));
                                let name = intl::date_label(date.year(), date.month(), date.day(), true);
                                let selected = day == Some(date);
                                view! {
                                    <td aria-selected=selected.then_some("true")>
                                        <button
                                            type="button"
                                            class="bw-day"
                                            data-date=date.to_string()
                                            tabindex=if focus == Some(date) { "0" } else { "-1" }
                                            aria-label=name
                                            aria-disabled=(!free).then_some("true")
                                            on:click:capture=move |_| {
                                                if free {
                                                    choose_day(date)
                                                }
                                            }
                                        >
                                            {date.day()}
                                        </button>
                                    </td>
                                }
                                .into_any()
                            }
                        })
                        .collect_view();
                    view! { <tr>{cells}</tr> }
                })
                .collect_view()
        }
    };

    let times = move || {
        let day = state.with(|state| state.day)?;
        let slots = days.with(|days| days.times_on(day).to_vec());
        let chosen = state.with(|state| state.chosen);
        let zone = zone();
        Some(
            slots
                .into_iter()
                .map(|slot| {
                    let pressed = if chosen == Some(slot) { "true" } else { "false" };
                    view! {
                        <button
                            type="button"
                            class="bw-time"
                            aria-pressed=pressed
                            on:click:capture=move |_| {
                                state.update(|state| {
                                    state.chosen = Some(slot);
                                    state.notice = None;
                                });
                                write_choice(form, slot, on_input);
                            }
                        >
                            {intl::time_label(&zone, hour12, slot)}
                        </button>
                    }
                })
                .collect_view(),
        )
    };
    let times_title = move || {
        let day = state.with(|state| state.day)?;
        Some(format!(
            "Times on {}",
            intl::date_label(day.year(), day.month(), day.day(), true)
        ))
    };
    let free_in = move |month: YearMonth| {
        days.with(|days| {
            days.next_free_day(month.first_day().add_days(-1))
                .is_some_and(|day| YearMonth::of(day) == month)
        })
    };
    let status = move || {
        let month = shown_month()?;
        match fetch_of(month)? {
            Fetch::Loading => Some("Loading free times…".to_owned()),
            Fetch::Failed(failure) => Some(format!("{failure} The free times could not be loaded.")),
            Fetch::Loaded => (!free_in(month)).then(|| "No free times this month.".to_owned()),
        }
    };
    let next_free = move || {
        let month = shown_month()?;
        (!free_in(month))
            .then(|| days.with(|days| days.next_free_day(month.last_day())))
            .flatten()
    };
    let notice = move || {
        let (message, nearest) = state.with(|state| state.notice.clone())?;
        let zone = zone();
        let offered: Vec<String> = nearest
            .iter()
            .map(|slot| intl::time_label(&zone, hour12, *slot))
            .collect();
        Some(if offered.is_empty() {
            message
        } else {
            format!("{message} Nearest free times: {}.", offered.join(", "))
        })
    };

    view! {
        <div class="bw-picker bw-wide">
        <div class="bw-picker-layout" data-view=move || if state.with(|state| state.times_view) { "times" } else { "month" }>
            <div class="bw-month">
                <div class="bw-month-bar">
                    <button
                        type="button"
                        class="bw-nav"
                        aria-label="Previous month"
                        aria-disabled=move || (can_go_back() != Some(true)).then_some("true")
                        on:click:capture={
                            let go_month = go_month.clone();
                            move |_| if can_go_back() == Some(true) { go_month(-1) }
                        }
                    >
                        "‹"
                    </button>
                    <p class="bw-month-title" id="bw-month-title" aria-live="polite">{title}</p>
                    <button
                        type="button"
                        class="bw-nav"
                        aria-label="Next month"
                        aria-disabled=move || (can_go_on() != Some(true)).then_some("true")
                        on:click:capture=move |_| if can_go_on() == Some(true) { go_month(1) }
                    >
                        "›"
                    </button>
                </div>
                <table
                    class="bw-grid"
                    role="grid"
                    aria-labelledby="bw-month-title"
                    aria-busy=move || shown_month().is_some_and(|month| fetch_of(month) != Some(Fetch::Loaded)).then_some("true")
                    on:keydown:capture=on_key
                >
                    <thead>
                        <tr>
                            {weekdays
                                .into_iter()
                                .map(|(short, long)| view! { <th scope="col" abbr=long>{short}</th> })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>{grid_rows}</tbody>
                </table>
                <p class="bw-picker-status" role="status">
                    {status}
                    {move || next_free().map(|day| view! {
                        " "
                        <button type="button" class="bw-text-button" on:click:capture=move |_| {
                            state.update(|state| state.shown = Some(YearMonth::of(day)));
                            choose_day(day);
                        }>"Show the next free day"</button>
                    })}
                </p>
            </div>
            <div class="bw-times" id="date" tabindex="-1" role="group" aria-labelledby="bw-times-title" aria-describedby="date-error">
                <p class="bw-times-title" id="bw-times-title">{times_title}</p>
                <button
                    type="button"
                    class="bw-text-button bw-change-date"
                    on:click:capture=move |_| {
                        state.update(|state| state.times_view = false);
                        if let Some(day) = state.with_untracked(|state| state.day) {
                            focus_day(day);
                        }
                    }
                >
                    "Change date"
                </button>
                <div class="bw-time-list">{times}</div>
                <p class="bw-notice" role="status">{notice}</p>
                <p class="bw-error" id="date-error">{move || message.get().unwrap_or_default()}</p>
            </div>
        </div>
        </div>
    }
}

/// The free times in the visitor's days, none in the past.
fn free_days(slots: &[i64], zone: &str) -> FreeDays {
    FreeDays::group(slots, zone, &IntlZones).not_before(page::now_seconds())
}

fn zone_now(form: RwSignal<VisitorForm>) -> String {
    form.with_untracked(|form| form.time_zone.clone())
}

/// Moves focus to `day`'s button once the grid has drawn it.
fn focus_day(day: CalendarDate) {
    set_timeout(
        move || {
            let selector = format!(".bw-day[data-date=\"{day}\"]");
            // The grid lives in a shadow root: ask each widget's root.
            let Some(document) = web_sys::window().and_then(|window| window.document()) else {
                return;
            };
            let Ok(hosts) = document.query_selector_all(crate::SELECTOR) else {
                return;
            };
            for index in 0..hosts.length() {
                let found = hosts
                    .get(index)
                    .and_then(|host| host.dyn_into::<HtmlElement>().ok())
                    .and_then(|host| host.shadow_root())
                    .and_then(|root| root.active_element().map(|_| root))
                    .and_then(|root| root.query_selector(&selector).ok().flatten());
                if let Some(button) = found.and_then(|found| found.dyn_into::<HtmlElement>().ok()) {
                    let _ = button.focus();
                    return;
                }
            }
        },
        Duration::ZERO,
    );
}
