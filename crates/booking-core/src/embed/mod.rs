//! What the widget decides without a browser: its configuration from the embed's
//! `data-*` attributes (a contract, `DESIGN.md` §2), the inputs each provider and flow
//! shows, the requests a submission sends and what their replies mean, the calendar
//! file, which links it may follow, and how it asks for free times and reads them.
//!
//! The widget crate only reads the DOM, calls `fetch` and renders; every decision it
//! shows the visitor is made here and tested natively.

mod availability;
mod calendar;
mod config;
mod controls;
mod link;
pub mod picker;
mod submit;

pub use availability::{
    availability_request, hold_request, read_availability, read_hold, release_request, source, AvailabilityError, Hold,
    HoldRefused, NoSource, Source,
};
pub use calendar::calendar_file;
pub use config::{
    Booking, Built, Config, ConfigError, Flow, HourCycle, PickerAttributes, Presence, Provider, Settings, Theme,
    CALCOM_API, DEFAULT_DAYS, DEFAULT_DURATION_MINUTES, DEFAULT_TIMEOUT_SECONDS, MAX_DAYS,
};
pub use controls::{Control, InputKind};
pub use link::{followable, fragment_query, link_parameters, reschedule_link, LinkRefused};
pub use submit::{check, Failure, Method, Next, Problem, Request, Step, Submission, Success};
