//! The visitor's form: one labelled input per control of the provider's flow, its
//! messages as the visitor types, and the submission with its outcome.

use std::time::Duration;

use booking_core::embed::{check, Config, Control, Failure, Flow, InputKind, Problem, Submission};
use booking_core::VisitorForm;
use leptos::either::{Either, EitherOf3};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::outcome::{success_view, Done, SuccessView};
use super::picker::{self, Picker, PickerState};
use crate::fetch;
use crate::intl::{self, IntlZones};
use crate::page::{self, Draft};

/// Where the visitor is with the form, beyond what they typed. One signal for all of
/// it: each signal value type brings its own copy of the signal's code (about 2 KB of
/// wasm), and none of this changes on a keystroke after an input's first.
#[derive(Default)]
struct Progress {
    /// The inputs the visitor has edited: their messages show.
    touched: Vec<Control>,
    /// The visitor has tried to send: every message shows.
    submitted: bool,
    /// A submission is on its way.
    sending: bool,
    /// What the provider refused in the last submission, until its input is edited.
    server_problems: Vec<Problem>,
    /// The last submission's end: `Ok` once booked (the success view), `Err` when it
    /// failed (the message above the button).
    ended: Option<Result<Done, Failure>>,
}

/// The visitor's form for one provider and flow.
#[component]
pub fn BookingForm(
    /// The checked embed.
    config: Config,
    /// The element events are dispatched on.
    host: HtmlElement,
    /// Where the visitor's typing is kept across reloads.
    draft: Draft,
) -> impl IntoView {
    let controls = Control::for_flow(config.provider, config.flow);
    let form = RwSignal::new(
        draft
            .load()
            .unwrap_or_else(|| VisitorForm::from_page_query(&page::query())),
    );
    let form_ref = NodeRef::<html::Form>::new();
    // The picker replaces the date and time inputs wherever the provider's free times
    // can be asked; the marketer hears why when they cannot.
    let picker_on = config.flow != Flow::Call
        && match booking_core::embed::source(&config) {
            Ok(_) => true,
            Err(why) => {
                picker::warn(&why);
                false
            }
        };
    let picker_state = RwSignal::new(PickerState::default());
    let typed_times = Memo::new(move |_| !picker_on || picker_state.with(PickerState::typed));
    // The browser's zone and the list to choose from come in the task after the form
    // shows. The page's first `Intl.DateTimeFormat` loads the browser's locale data, and
    // with the ~400 options that was half the widget's start-up (from the compiled wasm
    // to the first input).
    let picker_config = picker_on.then(|| config.clone());
    let picker_host = host.clone();
    let zone_config = config.picker.time_zone.clone();
    set_timeout(
        move || {
            if form.with_untracked(|form| form.time_zone.is_empty()) {
                let zone = zone_config.unwrap_or_else(intl::browser_zone);
                form.update(|form| form.time_zone = zone);
            }
            if let Some(config) = &picker_config {
                picker::start(picker_state, config, form, &picker_host);
            }
            if controls.contains(&Control::TimeZone) {
                // A task later: the ~400 options took long enough (4x CPU) to hold back
                // the picker's first free times, which arrive in this task's microtasks.
                set_timeout(
                    move || form.with_untracked(|form| add_zone_options(form_ref, &form.time_zone)),
                    Duration::ZERO,
                );
            }
        },
        Duration::ZERO,
    );
    let progress = RwSignal::new(Progress::default());
    // The embed is owned by the closures that read it (this one and the submit
    // handler), not shared through a `StoredValue`: each stored type brings its own
    // copy of the arena's code.
    let problems = {
        let config = config.clone();
        Memo::new(move |_| form.with(|form| check(&config, form, &IntlZones)))
    };

    {
        // Kept when the page is hidden or left (a reload, another tab, the app
        // switcher), not on each keystroke: a sessionStorage write is synchronous, and
        // even scheduling one per keystroke was a sixth of the keystroke's time. Not
        // after a booking: its draft is cleared for good.
        let draft = draft.clone();
        let keep = move |_| {
            if progress.try_with_untracked(|progress| !matches!(progress.ended, Some(Ok(_)))) == Some(true) {
                form.try_with_untracked(|form| draft.save(form));
            }
        };
        // Both, for the page lifecycle's sake: mobile browsers may discard a hidden
        // page without `pagehide`, and desktop ones may navigate without hiding first.
        let _ = window_event_listener_untyped("visibilitychange", keep.clone());
        let _ = window_event_listener_untyped("pagehide", keep);
    }

    let message_for = move |control: Control| {
        Memo::new(move |_| {
            let (server, shown) = progress.with(|progress| {
                (
                    first_message(&progress.server_problems, Some(control)),
                    progress.submitted || progress.touched.contains(&control),
                )
            });
            server.or_else(|| {
                shown
                    .then(|| problems.with(|problems| first_message(problems, Some(control))))
                    .flatten()
            })
        })
    };

    let edit = move |control: Control, value: String| {
        form.update(|form| control.set(form, value));
        // Writing `progress` wakes every input's message, so a keystroke writes it only
        // when it changes: after an input's first keystroke, usually not.
        let stale = |progress: &Progress| {
            !progress.touched.contains(&control)
                || progress
                    .server_problems
                    .iter()
                    .any(|problem| problem.control == Some(control))
                || matches!(progress.ended, Some(Err(Failure::Rejected(_))))
        };
        if progress.with_untracked(stale) {
            progress.update(|progress| {
                if !progress.touched.contains(&control) {
                    progress.touched.push(control);
                }
                progress
                    .server_problems
                    .retain(|problem| problem.control != Some(control));
                if matches!(progress.ended, Some(Err(Failure::Rejected(_)))) {
                    progress.ended = None;
                }
            });
        }
    };
    let on_input = move |control: Control, value: String| {
        edit(control, value);
        if control == Control::TimeZone && picker_on {
            picker::follow_zone(picker_state, form, edit);
        }
    };

    let submit_label = match config.flow {
        Flow::Book => "Book call",
        Flow::Reschedule => "Reschedule",
        Flow::Call => "Call me",
    };
    let title = match config.flow {
        Flow::Book => "Book a call",
        Flow::Reschedule => "Move your booking",
        Flow::Call => "Get a call now",
    };
    // The idempotency key of the last attempt and the form it sent: a retry of the
    // same form reuses it, an edited form is a new submission.
    let mut attempt = None::<(VisitorForm, String)>;
    // The picker's own copy: the submit handler owns `config`.
    let picker_embed = config.clone();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if progress.with_untracked(|progress| progress.sending) {
            return;
        }
        progress.update(|progress| progress.submitted = true);
        let current = form.get_untracked();
        let submission = match Submission::prepare(&config, &current, &IntlZones).map(Submission::into_owned) {
            Ok(submission) => submission,
            Err(problems) => {
                focus_first_problem(form_ref, controls, &problems, typed_times.get_untracked());
                return;
            }
        };
        let key = attempt
            .as_ref()
            .filter(|(sent, _)| *sent == current)
            .map_or_else(fetch::new_key, |(_, key)| key.clone());
        attempt = Some((current.clone(), key.clone()));
        progress.update(|progress| {
            progress.sending = true;
            progress.ended = None;
            progress.server_problems.clear();
        });
        let config = config.clone();
        let host = host.clone();
        let draft = draft.clone();
        spawn_local(async move {
            let result = fetch::submit(&submission, &key, config.timeout_seconds).await;
            match result {
                Ok(booked) => {
                    draft.clear();
                    picker::booked(picker_state);
                    let name = match config.flow {
                        Flow::Book => "booked",
                        Flow::Reschedule => "rescheduled",
                        Flow::Call => "call-requested",
                    };
                    page::announce(&host, name, &submission.event_detail(&booked.success));
                    let done = success_view(&config, &current, booked);
                    progress.update(|progress| {
                        progress.sending = false;
                        progress.ended = Some(Ok(done));
                    });
                    // The form, and the button that had focus, are hidden now: focus moves
                    // to the news, so a screen reader reads it and the next Tab starts
                    // there. A task later, once the view has drawn it (an effect and a
                    // node ref in the success view cost the wasm about 1 KB brotli).
                    set_timeout(move || focus_in_widget(form_ref, ".bw-done"), Duration::ZERO);
                }
                Err(error) => {
                    if let Failure::Rejected(problems) = &error {
                        let typed = typed_times.get_untracked();
                        if let Some(taken) = problems.iter().find(|problem| !typed && is_when(problem.control)) {
                            picker::taken(picker_state, &config, taken.message.clone());
                        }
                        focus_first_problem(form_ref, controls, problems, typed);
                    }
                    // Keys sorted, as `json!` wrote them; a struct keeps `Value` out of the wasm.
                    #[derive(serde::Serialize)]
                    struct Detail {
                        flow: &'static str,
                        kind: &'static str,
                        message: String,
                        provider: &'static str,
                    }
                    let detail = Detail {
                        flow: config.flow.key(),
                        kind: error.kind(),
                        message: error.to_string(),
                        provider: config.provider.key(),
                    };
                    page::announce(
                        &host,
                        "error",
                        &booking_core::json::to_json(&detail).unwrap_or_default(),
                    );
                    progress.update(|progress| {
                        progress.sending = false;
                        if let Failure::Rejected(problems) = &error {
                            progress.server_problems = problems.clone();
                        }
                        progress.ended = Some(Err(error));
                    });
                }
            }
        });
    };

    let general = move || {
        progress.with(|progress| match &progress.ended {
            Some(Err(failure)) => Some(failure.to_string()),
            _ => first_message(&progress.server_problems, None).or_else(|| {
                progress
                    .submitted
                    .then(|| problems.with(|problems| first_message(problems, None)))
                    .flatten()
            }),
        })
    };

    view! {
        {move || {
            progress.with(|progress| match &progress.ended {
                Some(Ok(done)) => Some(done.clone()),
                _ => None,
            })
            .map(|done| view! { <SuccessView done=done /> })
        }}
        <form
            class="bw-form"
            novalidate
            node_ref=form_ref
            // Every listener is `:capture`: these events only ever target the element
            // listened on, where capture and bubble listeners both run, and tachys's
            // bubble path (`On::attach`) ships its event-delegation code even with
            // delegation off (1.7 KB brotli).
            on:submit:capture=on_submit
            aria-label=title
            hidden=move || progress.with(|progress| matches!(progress.ended, Some(Ok(_))))
        >
            <p class="bw-title">{title}</p>
            <div class="bw-fields">
                {controls
                    .iter()
                    .map(|&control| {
                        let row = move || view! {
                            <FieldRow
                                control=control
                                form=form
                                message=message_for(control)
                                on_input=on_input
                            />
                        };
                        match control {
                            // The picker stands for both the date and the time, until its
                            // source fails to answer in a shape it can read.
                            Control::Date | Control::Time if picker_on => {
                                let picker = (control == Control::Date).then(|| {
                                    let date = message_for(Control::Date);
                                    let time = message_for(Control::Time);
                                    let config = picker_embed.clone();
                                    (config, Memo::new(move |_| date.get().or_else(|| time.get())))
                                });
                                Either::Left(move || {
                                    if typed_times.get() {
                                        Either::Left(row())
                                    } else {
                                        Either::Right(picker.clone().map(|(config, message)| view! {
                                            <Picker
                                                config=config
                                                form=form
                                                state=picker_state
                                                message=message
                                                on_input=on_input
                                            />
                                        }))
                                    }
                                })
                            }
                            _ => Either::Right(row()),
                        }
                    })
                    .collect_view()}
            </div>
            <p class="bw-alert" role="alert" id="bw-alert" tabindex="-1">{general}</p>
            <button
                type="submit"
                class="bw-submit"
                disabled=move || progress.with(|progress| progress.sending)
                aria-busy=move || progress.with(|progress| progress.sending.then(|| "true".to_owned()))
            >
                {move || if progress.with(|progress| progress.sending) { "Sending…" } else { submit_label }}
            </button>
        </form>
    }
}

/// One labelled input with its hint and message.
#[component]
fn FieldRow(
    /// Which input.
    control: Control,
    /// The form it edits.
    form: RwSignal<VisitorForm>,
    /// The message shown by it, if any.
    message: Memo<Option<String>>,
    /// Called with each edit.
    on_input: impl Fn(Control, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = control.name();
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let hint = control.hint();
    // The hint, when there is one, and the message while it shows.
    let described_by = {
        let quiet = hint.map(|_| hint_id.clone());
        let with_message = match &quiet {
            Some(hint_id) => format!("{hint_id} {error_id}"),
            None => error_id.clone(),
        };
        move || {
            if message.with(Option::is_some) {
                Some(with_message.clone())
            } else {
                quiet.clone()
            }
        }
    };
    let invalid = move || message.with(Option::is_some).then(|| "true".to_owned());
    // Written once (the restored draft); after that only the visitor changes it. Written
    // on each edit, it would clear a date or time input mid-typing: those read "" until
    // complete, and setting "" back wipes the segments already typed.
    let value = form.with_untracked(|form| control.value(form));
    let input_handler = move |event| on_input(control, event_target_value(&event));
    let wide = matches!(
        control,
        Control::Notes | Control::Reason | Control::Guests | Control::TimeZone
    );

    let input = match control.kind() {
        InputKind::Input(kind) => EitherOf3::A(view! {
            <input
                id=id
                name=id
                type=kind
                autocomplete=control.autocomplete()
                prop:value=value
                on:input:capture=input_handler
                aria-invalid=invalid
                aria-describedby=described_by
            />
        }),
        InputKind::TextArea => EitherOf3::B(view! {
            <textarea
                id=id
                name=id
                rows="3"
                prop:value=value
                on:input:capture=input_handler
                aria-invalid=invalid
                aria-describedby=described_by
            ></textarea>
        }),
        InputKind::TimeZoneSelect => EitherOf3::C(view! {
            // Its options come later, from `add_zone_options`.
            <select id=id name=id on:change:capture=input_handler aria-invalid=invalid aria-describedby=described_by></select>
        }),
    };

    view! {
        <div class="bw-field" class:bw-wide=wide>
            <label for=id>{control.label()}</label>
            {hint.map(|hint| view! { <p class="bw-hint" id=hint_id>{hint}</p> })}
            {input}
            // Always one text node, its text changed in place: toggling between a text
            // node and none cost each keystroke three DOM calls. `:empty` hides it.
            <p class="bw-error" id=error_id>{move || message.get().unwrap_or_default()}</p>
        </div>
    }
}

fn first_message(problems: &[Problem], control: Option<Control>) -> Option<String> {
    problems
        .iter()
        .find(|problem| problem.control == control)
        .map(|problem| problem.message.clone())
}

/// Fills the zone picker, once, with every zone the browser knows, `chosen` selected.
/// Written to the DOM here rather than rendered from a signal: the list is set once and
/// never re-rendered, and the signal and list rendering for it cost the wasm about
/// 1 KB brotli.
fn add_zone_options(form_ref: NodeRef<html::Form>, chosen: &str) {
    let Some(form) = form_ref.get_untracked() else { return };
    let Ok(Some(select)) = form.query_selector(&format!("#{}", Control::TimeZone.name())) else {
        return;
    };
    let document = document();
    for zone in intl::zone_names(chosen) {
        let Ok(option) = document.create_element("option") else {
            return;
        };
        let _ = option.set_attribute("value", &zone);
        if zone == chosen {
            let _ = option.set_attribute("selected", "");
        }
        option.set_text_content(Some(&zone));
        let _ = select.append_child(&option);
    }
}

/// Whether `control` is one the picker stands for.
fn is_when(control: Option<Control>) -> bool {
    matches!(control, Some(Control::Date | Control::Time))
}

/// Moves focus to the first input (in the order shown) with a problem, or to the
/// form's alert when no input can fix it. The picker's times (`#date`) stand for the
/// date and time unless they are `typed`.
fn focus_first_problem(form_ref: NodeRef<html::Form>, controls: &[Control], problems: &[Problem], typed: bool) {
    let target = controls
        .iter()
        .find(|control| problems.iter().any(|problem| problem.control == Some(**control)))
        .map_or("bw-alert", |control| {
            if !typed && is_when(Some(*control)) {
                Control::Date.name()
            } else {
                control.name()
            }
        });
    focus_in_widget(form_ref, &format!("#{target}"));
}

/// Moves focus to what `selector` finds in the widget (the form and what is beside it).
fn focus_in_widget(form_ref: NodeRef<html::Form>, selector: &str) {
    let found = form_ref
        .get_untracked()
        .and_then(|form| form.parent_element())
        .and_then(|widget| widget.query_selector(selector).ok().flatten());
    if let Some(element) = found.and_then(|element| element.dyn_into::<HtmlElement>().ok()) {
        let _ = element.focus();
    }
}
