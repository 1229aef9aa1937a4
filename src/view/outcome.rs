//! What the widget shows once the provider has booked: when, the calendar file, the
//! reschedule link, and the provider's own page when it is safe to follow.

use booking_core::embed::{calendar_file, reschedule_link, Config, Flow};
use booking_core::{Timestamp, VisitorForm};
use leptos::either::Either;
use leptos::prelude::*;

use crate::fetch::{self, Booked};
use crate::intl;
use crate::page;

/// How long the success view shows before the visitor is taken to a provider's page.
const REDIRECT_DELAY_MS: i32 = 4_000;

/// What the success view shows.
#[derive(Clone)]
pub struct Done {
    headline: &'static str,
    detail: &'static str,
    when: Option<String>,
    booking_id: Option<String>,
    calendar: Option<String>,
    reschedule: Option<String>,
    /// The provider's page: `Ok` when it will be followed, `Err` when refused.
    provider_page: Option<Result<String, ()>>,
}

/// The booked view: when, what the provider said (as text), the calendar file, the
/// reschedule link, and the provider's page if it is safe to follow.
#[component]
pub fn SuccessView(
    /// What to show.
    done: Done,
) -> impl IntoView {
    view! {
        <div class="bw-done" role="status" tabindex="-1">
            <p class="bw-title">{done.headline}</p>
            <p>{done.detail}</p>
            {done.when.map(|when| view! { <p class="bw-when">{when}</p> })}
            {done.booking_id.map(|id| view! { <p class="bw-ref">"Reference: "<span class="bw-id">{id}</span></p> })}
            <p class="bw-actions">
                {done.calendar.map(|url| view! { <a class="bw-button" href=url download="booking.ics">"Add to calendar"</a> })}
                {done.reschedule.map(|url| view! { <a class="bw-link" href=url>"Reschedule"</a> })}
            </p>
            {done.provider_page.map(|page| match page {
                Ok(url) => Either::Left(view! {
                    <p class="bw-next">
                        "Taking you to your confirmation page… "
                        <a href=url>"Go now"</a>
                    </p>
                }),
                Err(()) => Either::Right(view! {
                    <p class="bw-next">
                        "The booking service sent a confirmation page that is not a secure web address, so we did not open it."
                    </p>
                }),
            })}
        </div>
    }
}

/// The success view's content for `booked`, and the move to the provider's page.
pub fn success_view(config: &Config, form: &VisitorForm, booked: Booked) -> Done {
    let Booked { success, token } = booked;
    let (headline, detail) = success.message(config.flow);
    let zone = form.time_zone.trim();
    let when = success.start.and_then(|start| {
        let described = intl::describe_instant(start.unix_millis() as f64, zone)?;
        Some(format!("{described} ({zone})"))
    });
    let calendar = success.start.and_then(|start| {
        let uid = success.outcome.booking_id.clone().unwrap_or_else(fetch::new_key);
        let now = Timestamp {
            unix_seconds: page::now_seconds(),
            nanos: 0,
            offset_seconds: 0,
        };
        let summary = format!("Call ({})", config.provider.name());
        page::calendar_url(&calendar_file(&uid, &start, config.calendar_minutes(), &summary, &now))
    });
    let reschedule = success
        .outcome
        .booking_id
        .as_deref()
        .filter(|_| config.flow != Flow::Call)
        .map(|id| {
            let page = config.reschedule_url.clone().unwrap_or_else(page::current_page);
            reschedule_link(&page, config.provider, id, token.as_deref(), success.start.as_ref())
        });
    let provider_page = success.outcome.link.as_deref().map(|link| {
        if page::follow_later(link, REDIRECT_DELAY_MS) {
            Ok(link.to_owned())
        } else {
            Err(())
        }
    });
    Done {
        headline,
        detail,
        when,
        booking_id: success.outcome.booking_id,
        calendar,
        reschedule,
        provider_page,
    }
}
