//! The widget's views, one module per part: the form ([`form`]), the slot picker in
//! it ([`picker`]), and what it shows once a booking is made ([`outcome`]). Every decision they show (which inputs, which
//! messages, what a reply means) comes from `booking_core::embed`; these only render
//! and wire events.

mod form;
mod outcome;
mod picker;

use booking_core::embed::{Config, ConfigError};
use leptos::either::Either;
use leptos::prelude::*;
use web_sys::HtmlElement;

use crate::page::{self, Draft};
use form::BookingForm;

/// One widget: its form, or what is wrong with its embed.
#[component]
pub fn Widget(
    /// The embed's configuration, or every mistake in it.
    config: Result<Config, Vec<ConfigError>>,
    /// The element the widget is mounted on (events are dispatched there).
    host: HtmlElement,
    /// Its place among the page's widgets (names its draft when it has no `id`).
    index: usize,
) -> impl IntoView {
    // `Either`, not `.into_any()`, wherever a view has several shapes: `into_any` turns
    // the view into its owned twin (`Arc<str>` for `&str`, shared closures), a second
    // copy of all its rendering code (6 KB brotli for the form).
    match config {
        Ok(config) => {
            let draft = Draft::of(&host, &config, index);
            Either::Left(view! { <BookingForm config=config host=host draft=draft /> })
        }
        Err(errors) => Either::Right(view! { <ConfigErrors errors=errors /> }),
    }
}

/// An embed mistake, for the marketer: in the widget and in the console.
#[component]
fn ConfigErrors(
    /// Every mistake found.
    errors: Vec<ConfigError>,
) -> impl IntoView {
    for error in &errors {
        page::console_error(&format!("booking-widget: {error}"));
    }
    view! {
        <div class="bw-config" role="alert">
            <p class="bw-config-title">"This booking form is not set up correctly."</p>
            <ul>
                {errors
                    .into_iter()
                    .map(|error| view! { <li><code>{error.attribute}</code>" "{error.message}</li> })
                    .collect_view()}
            </ul>
        </div>
    }
}
