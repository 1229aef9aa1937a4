//! The embed's `data-*` attributes (contract: `DESIGN.md` §2) and the page URL's
//! `booking`/`token`/`provider` parameters (its fragment's, or for links mailed before
//! tokens left the query, its query's: see [`super::link_parameters`]), read into one
//! checked [`Config`]. The slot picker's attributes (`DESIGN.md` §6) are checked here
//! too, so a typo in them is named like any other.

use std::convert::Infallible;
use std::fmt;
use std::ops::Deref;

use crate::rules::{is_path_segment, Listed};
use crate::time::{parse_timestamp, Timestamp};
use crate::{calcom, gohighlevel, iclosed, meetergo};

/// Where Cal.com answers when `data-endpoint` is left out: its public booking routes
/// need no secret.
pub const CALCOM_API: &str = "https://api.cal.com";
/// Meeting length of the calendar file when `data-duration` is left out.
pub const DEFAULT_DURATION_MINUTES: u32 = 30;
/// How long one request may take before the visitor is told, when `data-timeout` is
/// left out.
pub const DEFAULT_TIMEOUT_SECONDS: u32 = 15;
/// How many days ahead the slot picker offers when `data-days` is left out: about two
/// months, inside every provider's own booking window, which still cuts it shorter.
pub const DEFAULT_DAYS: u32 = 60;
/// The most `data-days` may ask: Cal.com clamps a slots query's `end` to a year ahead,
/// so more would show days no provider fills.
pub const MAX_DAYS: u32 = 365;

/// The scheduling provider behind `data-endpoint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// iClosed.
    Iclosed,
    /// GoHighLevel (LeadConnector).
    Gohighlevel,
    /// meetergo.
    Meetergo,
    /// Cal.com.
    Calcom,
}

impl Provider {
    /// Every provider, in the order the docs list them.
    pub const ALL: [Self; 4] = [Self::Iclosed, Self::Gohighlevel, Self::Meetergo, Self::Calcom];

    /// The `data-provider` value (also the relay's route prefix).
    pub fn key(self) -> &'static str {
        match self {
            Self::Iclosed => "iclosed",
            Self::Gohighlevel => "gohighlevel",
            Self::Meetergo => "meetergo",
            Self::Calcom => "calcom",
        }
    }

    /// The provider's own spelling, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Iclosed => "iClosed",
            Self::Gohighlevel => "GoHighLevel",
            Self::Meetergo => "meetergo",
            Self::Calcom => "Cal.com",
        }
    }

    /// The provider a `data-provider` value names (lower case), built or not.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|provider| provider.key() == key)
    }

    /// Whether this build has the provider (its cargo feature). The shipped wasm has
    /// one; embed.js loads, for each widget, the wasm of its provider.
    pub fn built(self) -> bool {
        match self {
            Self::Iclosed => HasIclosed::PRESENT.is_some(),
            Self::Gohighlevel => HasGohighlevel::PRESENT.is_some(),
            Self::Meetergo => HasMeetergo::PRESENT.is_some(),
            Self::Calcom => HasCalcom::PRESENT.is_some(),
        }
    }
}

/// What the visitor does with the widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flow {
    /// Book a call.
    Book,
    /// Move a booking.
    Reschedule,
    /// Ask to be called now (Cal.com's phone agent).
    Call,
}

impl Flow {
    /// The `data-flow` value.
    pub fn key(self) -> &'static str {
        match self {
            Self::Book => "book",
            Self::Reschedule => "reschedule",
            Self::Call => "call",
        }
    }
}

/// The provider's own settings, as its mapping functions take them. A variant of a
/// provider this build lacks has no values (see [`Built`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settings {
    /// `data-event-id` or `data-link-prefix`.
    Iclosed(Built<iclosed::Settings, HasIclosed>),
    /// `data-calendar-id`, `data-location-id`.
    Gohighlevel(Built<gohighlevel::Settings, HasGohighlevel>),
    /// `data-meeting-type-id`, `data-host-ids` or `data-queue-id`, `data-channel`, `data-duration`.
    Meetergo(Built<meetergo::Settings, HasMeetergo>),
    /// `data-event-type-id` or `data-event-type-slug` with `data-username` or `data-team-slug`;
    /// `data-team-id` for the call flow.
    Calcom(Built<calcom::Settings, HasCalcom>),
}

// Whether this build has each provider: its cargo feature, as a type. `()` when it
// does, `Infallible` (no values) when it does not.
#[cfg(feature = "iclosed")]
type HasIclosed = ();
#[cfg(not(feature = "iclosed"))]
type HasIclosed = Infallible;
#[cfg(feature = "gohighlevel")]
type HasGohighlevel = ();
#[cfg(not(feature = "gohighlevel"))]
type HasGohighlevel = Infallible;
#[cfg(feature = "meetergo")]
type HasMeetergo = ();
#[cfg(not(feature = "meetergo"))]
type HasMeetergo = Infallible;
#[cfg(feature = "calcom")]
type HasCalcom = ();
#[cfg(not(feature = "calcom"))]
type HasCalcom = Infallible;

/// A provider's settings, in a build that has the provider (its cargo feature: the
/// shipped wasm is built once per provider, so a page downloads only its provider's code).
///
/// `Has` is `()` when the feature is on and `Infallible` when it is off: a [`Settings`]
/// variant of a provider the build lacks then cannot be made, so every `match` arm for
/// it is unreachable and the compiler drops it, with everything only that arm calls
/// (the provider's request builders, validators and reply readers). The matches
/// themselves stay whole, without a `#[cfg]` per arm, and every build still
/// type-checks every provider's path. Reads as the settings through `Deref`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built<T, Has>(T, Has);

impl<T, Has: Presence> Built<T, Has> {
    /// `settings`, or `None` in a build without their provider.
    pub fn new(settings: T) -> Option<Self> {
        Has::PRESENT.map(|has| Self(settings, has))
    }
}

impl<T, Has> Deref for Built<T, Has> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// In a build with the provider (the tests have all four).
impl<T> From<T> for Built<T, ()> {
    fn from(settings: T) -> Self {
        Self(settings, ())
    }
}

/// `()` (the build has the provider) or `Infallible` (it does not); see [`Built`].
pub trait Presence: Sized {
    /// The value, if there can be one.
    const PRESENT: Option<Self>;
}

impl Presence for () {
    const PRESENT: Option<Self> = Some(());
}

impl Presence for Infallible {
    const PRESENT: Option<Self> = None;
}

/// The booking a reschedule moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// The provider's id of it.
    pub id: String,
    /// The relay's `Reschedule-Token` for it, when the relay issued one.
    pub token: Option<String>,
    /// Its time, when the reschedule link says (`at`): shown as the time being moved.
    pub start: Option<Timestamp>,
}

/// `data-theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Light colours.
    Light,
    /// Dark colours.
    Dark,
    /// The visitor's system setting (`prefers-color-scheme`).
    #[default]
    Auto,
}

impl Theme {
    /// The `data-theme` value.
    pub fn key(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
            Self::Auto => "auto",
        }
    }
}

/// `data-hour-cycle`: how times are written, when the marketer overrides the locale's
/// habit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HourCycle {
    /// `h12`: 1 to 12 with AM/PM.
    H12,
    /// `h23`: 0 to 23.
    H23,
}

impl HourCycle {
    /// The `data-hour-cycle` value, also `Intl.DateTimeFormat`'s `hourCycle`.
    pub fn key(self) -> &'static str {
        match self {
            Self::H12 => "h12",
            Self::H23 => "h23",
        }
    }
}

/// The slot picker's attributes (`DESIGN.md` §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickerAttributes {
    /// `data-availability`: `false` for `off` (typed date and time inputs only).
    pub availability: bool,
    /// `data-time-zone`: the IANA zone to start in instead of the browser's. Only its
    /// shape is checked here; the widget asks `Intl` whether it exists.
    pub time_zone: Option<String>,
    /// `data-hour-cycle`; the locale's when `None`.
    pub hour_cycle: Option<HourCycle>,
    /// `data-days`: how many days ahead to offer; [`DEFAULT_DAYS`] when `None`.
    pub days: Option<u32>,
}

/// One widget's checked configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `data-provider`.
    pub provider: Provider,
    /// `data-flow`; a book widget opened from a reschedule link moves that booking instead.
    pub flow: Flow,
    /// `data-endpoint` without a trailing `/`; the provider's path is appended to it.
    pub endpoint: String,
    /// The provider's settings.
    pub settings: Settings,
    /// The booking to move (reschedule flow only).
    pub booking: Option<Booking>,
    /// `data-theme`.
    pub theme: Theme,
    /// `data-duration`: meeting length in minutes (meetergo's `duration`, GoHighLevel's
    /// end time, the calendar file's length), when set.
    pub duration_minutes: Option<u32>,
    /// `data-timeout`: seconds one request may take.
    pub timeout_seconds: u32,
    /// `data-reschedule-url`: the page the success view's reschedule link opens.
    pub reschedule_url: Option<String>,
    /// `data-availability`, `data-time-zone`, `data-hour-cycle`, `data-days`.
    pub picker: PickerAttributes,
}

/// A mistake in the embed: the attribute to change and how, for the marketer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The attribute (`data-event-id`) or URL parameter (`booking=`).
    pub attribute: &'static str,
    /// What is wrong and the fix.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.attribute, self.message)
    }
}

impl Config {
    /// The meeting's length for the calendar file.
    pub fn calendar_minutes(&self) -> u32 {
        self.duration_minutes.unwrap_or(DEFAULT_DURATION_MINUTES)
    }

    /// How many days ahead the slot picker offers.
    pub fn days_ahead(&self) -> u32 {
        self.picker.days.unwrap_or(DEFAULT_DAYS)
    }
}

/// Collects every mistake of one embed, so the marketer fixes them in one go.
#[derive(Default)]
struct Problems(Vec<ConfigError>);

impl Problems {
    fn push(&mut self, attribute: &'static str, message: impl Into<String>) {
        self.0.push(ConfigError {
            attribute,
            message: message.into(),
        });
    }
}

impl Config {
    /// Reads one embed. `attribute` answers `data-*` names (trimmed, blank is absent);
    /// `page_query` is the page URL's decoded reschedule parameters
    /// ([`super::link_parameters`] of its fragment and its query). Every mistake is
    /// returned, not only the first.
    pub fn from_attributes(
        attribute: impl Fn(&str) -> Option<String>,
        page_query: &[(String, String)],
    ) -> Result<Self, Vec<ConfigError>> {
        let get = |name: &str| {
            attribute(name)
                .map(|value| value.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut problems = Problems::default();

        let provider = match get("data-provider") {
            None => {
                problems.push("data-provider", "Set it to iclosed, gohighlevel, meetergo or calcom.");
                None
            }
            Some(key) => match Provider::from_key(&key.to_ascii_lowercase()) {
                None => {
                    problems.push(
                        "data-provider",
                        format!(
                            "\"{key}\" is not a provider this widget knows. Use iclosed, gohighlevel, meetergo or calcom."
                        ),
                    );
                    None
                }
                // embed.js loads each widget's own build, so only a page that loads a
                // provider's wasm by hand gets here.
                Some(provider) if !provider.built() => {
                    problems.push(
                        "data-provider",
                        format!(
                            "This build of the widget has no {}. Load the widget with embed.js, which loads \
                             booking-widget-{}.js for it.",
                            provider.name(),
                            provider.key()
                        ),
                    );
                    None
                }
                Some(provider) => Some(provider),
            },
        };
        let declared_flow = match get("data-flow").map(|flow| flow.to_ascii_lowercase()).as_deref() {
            None | Some("book") => Some(Flow::Book),
            Some("reschedule") => Some(Flow::Reschedule),
            Some("call") => Some(Flow::Call),
            Some(other) => {
                problems.push(
                    "data-flow",
                    format!("\"{other}\" is not a flow. Use book, reschedule or call (call: Cal.com only)."),
                );
                None
            }
        };
        let (Some(provider), Some(declared_flow)) = (provider, declared_flow) else {
            // Without a provider or flow the settings cannot be judged; what does not
            // depend on them still can, so the marketer fixes everything in one go.
            if let Some(url) = get("data-endpoint") {
                let _ = parse_endpoint(&url).map_err(|message| problems.push("data-endpoint", message));
            }
            positive_number(&get, "data-duration", &mut problems);
            positive_number(&get, "data-timeout", &mut problems);
            theme(&get, &mut problems);
            picker(&get, &mut problems);
            return Err(problems.0);
        };
        if declared_flow == Flow::Call && provider != Provider::Calcom {
            problems.push(
                "data-flow",
                format!(
                    "{} has no call flow. Use book or reschedule, or the calcom provider for calls.",
                    provider.name()
                ),
            );
        }

        let booking = booking_to_move(provider, declared_flow, &get, page_query);
        let flow = if booking.is_some() && declared_flow == Flow::Book {
            Flow::Reschedule
        } else {
            declared_flow
        };
        if flow == Flow::Reschedule {
            match &booking {
                None => problems.push(
                    "data-booking-id",
                    "This form moves an existing booking. Open it from the reschedule link of your confirmation \
                     (the page address then carries booking=…), or set data-booking-id.",
                ),
                Some(booking)
                    if provider == Provider::Iclosed
                        && !(booking.id.bytes().all(|b| b.is_ascii_digit()) && booking.id.parse::<i64>().is_ok()) =>
                {
                    problems.push(
                        "data-booking-id",
                        format!("iClosed call ids are numbers; \"{}\" is not.", booking.id),
                    )
                }
                // The id becomes a segment of the request's path.
                Some(booking) if !is_path_segment(&booking.id) => problems.push(
                    "data-booking-id",
                    format!(
                        "\"{}\" is not a booking id: use the id from your confirmation.",
                        booking.id
                    ),
                ),
                Some(_) => {}
            }
        }

        let endpoint = match get("data-endpoint") {
            Some(url) => parse_endpoint(&url)
                .map_err(|message| problems.push("data-endpoint", message))
                .ok(),
            None if provider == Provider::Calcom && flow != Flow::Call => Some(CALCOM_API.to_owned()),
            None => {
                problems.push(
                    "data-endpoint",
                    format!(
                        "Set it to your relay's address for {}, like https://relay.example.com/{}.",
                        provider.name(),
                        provider.key()
                    ),
                );
                None
            }
        };

        let duration = positive_number(&get, "data-duration", &mut problems);
        let timeout_seconds = positive_number(&get, "data-timeout", &mut problems).unwrap_or(DEFAULT_TIMEOUT_SECONDS);
        // `None` only in a build without the provider, refused above already.
        let settings = match provider {
            Provider::Iclosed => settings_for_iclosed(flow, &get, &mut problems),
            Provider::Gohighlevel => settings_for_gohighlevel(flow, &get, &mut problems),
            Provider::Meetergo => settings_for_meetergo(flow, duration, &get, &mut problems),
            Provider::Calcom => settings_for_calcom(flow, &get, &mut problems),
        };
        let theme = theme(&get, &mut problems);
        let picker = picker(&get, &mut problems);
        let reschedule_url = get("data-reschedule-url").and_then(|url| {
            super::link::followable(&url)
                .map(str::to_owned)
                .map_err(|_| {
                    problems.push(
                        "data-reschedule-url",
                        "Use the full https:// address of the page with your reschedule widget.",
                    )
                })
                .ok()
        });

        match (endpoint, settings) {
            (Some(endpoint), Some(settings)) if problems.0.is_empty() => Ok(Self {
                provider,
                flow,
                endpoint,
                settings,
                booking,
                theme,
                duration_minutes: duration,
                timeout_seconds,
                reschedule_url,
                picker,
            }),
            _ => Err(problems.0),
        }
    }
}

/// The booking a reschedule moves: `data-booking-id` (with `data-reschedule-token`), or
/// the page URL's `booking=` (with `token=`) when its `provider` names this provider
/// or is absent. The call flow moves nothing.
fn booking_to_move(
    provider: Provider,
    flow: Flow,
    get: &impl Fn(&str) -> Option<String>,
    page_query: &[(String, String)],
) -> Option<Booking> {
    if flow == Flow::Call {
        return None;
    }
    if let Some(id) = get("data-booking-id") {
        return Some(Booking {
            id,
            token: get("data-reschedule-token"),
            start: None,
        });
    }
    let param = |name: &str| {
        page_query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    let for_us = param("provider").is_none_or(|named| named.eq_ignore_ascii_case(provider.key()));
    let id = param("booking").filter(|_| for_us)?;
    Some(Booking {
        id,
        token: param("token"),
        start: param("at").as_deref().and_then(parse_timestamp),
    })
}

/// `data-endpoint`: an absolute `https://` (or `http://`) address with no query or
/// fragment; the provider's path is appended to it, so a trailing `/` is dropped.
fn parse_endpoint(url: &str) -> Result<String, String> {
    const FIX: &str = "Use the full address of your relay or provider, like https://relay.example.com/iclosed.";
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("\"{url}\" is not a web address. {FIX}"))?;
    let host = rest.split('/').next().unwrap_or_default();
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '\\' | '"' | '<' | '>');
    if host.is_empty() || host.contains('@') || url.chars().any(bad_char) {
        return Err(format!("\"{url}\" is not a usable address. {FIX}"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn theme(get: &impl Fn(&str) -> Option<String>, problems: &mut Problems) -> Theme {
    match get("data-theme").map(|theme| theme.to_ascii_lowercase()).as_deref() {
        None | Some("auto") => Theme::Auto,
        Some("light") => Theme::Light,
        Some("dark") => Theme::Dark,
        Some(other) => {
            problems.push(
                "data-theme",
                format!("\"{other}\" is not a theme. Use light, dark or auto."),
            );
            Theme::Auto
        }
    }
}

/// The slot picker's attributes; none depends on the provider.
fn picker(get: &impl Fn(&str) -> Option<String>, problems: &mut Problems) -> PickerAttributes {
    let availability = match get("data-availability")
        .map(|value| value.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("on") => true,
        Some("off") => false,
        Some(other) => {
            problems.push(
                "data-availability",
                format!(
                    "\"{other}\" is not a setting. Use off to let visitors type a date and time instead of \
                     picking a free one, or leave it out."
                ),
            );
            true
        }
    };
    let time_zone = get("data-time-zone").and_then(|zone| {
        if is_zone_name(&zone) {
            Some(zone)
        } else {
            problems.push(
                "data-time-zone",
                format!("\"{zone}\" is not a time zone name. Use an IANA name like Europe/Berlin or America/New_York."),
            );
            None
        }
    });
    let hour_cycle = match get("data-hour-cycle")
        .map(|value| value.to_ascii_lowercase())
        .as_deref()
    {
        None => None,
        Some("h12") => Some(HourCycle::H12),
        Some("h23") => Some(HourCycle::H23),
        Some(other) => {
            problems.push(
                "data-hour-cycle",
                format!(
                    "\"{other}\" is not an hour cycle. Use h12 (2:30 PM) or h23 (14:30), or leave it out for the \
                     visitor's usual one."
                ),
            );
            None
        }
    };
    let days = get("data-days").and_then(|text| match text.parse::<u32>() {
        Ok(days) if (1..=MAX_DAYS).contains(&days) => Some(days),
        _ => {
            problems.push(
                "data-days",
                format!("\"{text}\" is not a number of days from 1 to {MAX_DAYS}. Leave it out for {DEFAULT_DAYS}."),
            );
            None
        }
    });
    PickerAttributes {
        availability,
        time_zone,
        hour_cycle,
        days,
    }
}

/// Whether `zone` has the shape of an IANA zone name (`UTC`, `Europe/Berlin`,
/// `America/Argentina/Buenos_Aires`, `Etc/GMT+5`): whether it exists is the browser's
/// `Intl` to say, and its tables differ from any list this crate could carry.
fn is_zone_name(zone: &str) -> bool {
    zone.len() <= 64
        && zone.split('/').all(|part| {
            part.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+'))
        })
}

fn positive_number(
    get: &impl Fn(&str) -> Option<String>,
    attribute: &'static str,
    problems: &mut Problems,
) -> Option<u32> {
    let text = get(attribute)?;
    match text.parse::<u32>() {
        Ok(number) if number > 0 => Some(number),
        _ => {
            problems.push(attribute, format!("\"{text}\" is not a whole number of at least 1."));
            None
        }
    }
}

fn id_number(get: &impl Fn(&str) -> Option<String>, attribute: &'static str, problems: &mut Problems) -> Option<i64> {
    let text = get(attribute)?;
    match text.parse::<i64>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            problems.push(
                attribute,
                format!("\"{text}\" is not an id: use the number from your dashboard."),
            );
            None
        }
    }
}

fn settings_for_iclosed(
    flow: Flow,
    get: &impl Fn(&str) -> Option<String>,
    problems: &mut Problems,
) -> Option<Settings> {
    let settings = iclosed::Settings {
        event_id: id_number(get, "data-event-id", problems),
        link_prefix: get("data-link-prefix"),
    };
    if flow == Flow::Book && get("data-event-id").is_none() && settings.link_prefix.is_none() {
        problems.push(
            "data-event-id",
            "iClosed needs the event to book: set data-event-id (a number) or data-link-prefix.",
        );
    }
    Built::new(settings).map(Settings::Iclosed)
}

fn settings_for_gohighlevel(
    flow: Flow,
    get: &impl Fn(&str) -> Option<String>,
    problems: &mut Problems,
) -> Option<Settings> {
    let mut required = |attribute: &'static str, what: &str| {
        let value = get(attribute);
        if flow == Flow::Book && value.is_none() {
            problems.push(attribute, format!("GoHighLevel needs the {what} to book into."));
        }
        value.unwrap_or_default()
    };
    Built::new(gohighlevel::Settings {
        calendar_id: required("data-calendar-id", "calendar's id"),
        location_id: required("data-location-id", "location (sub-account) id"),
    })
    .map(Settings::Gohighlevel)
}

fn settings_for_meetergo(
    flow: Flow,
    duration: Option<u32>,
    get: &impl Fn(&str) -> Option<String>,
    problems: &mut Problems,
) -> Option<Settings> {
    let host_ids: Vec<String> = get("data-host-ids")
        .map(|ids| {
            ids.split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let queue_id = get("data-queue-id");
    let meeting_type_id = get("data-meeting-type-id");
    if flow == Flow::Book {
        if meeting_type_id.is_none() {
            problems.push("data-meeting-type-id", "meetergo needs the meeting type to book.");
        }
        match (host_ids.is_empty(), queue_id.is_none()) {
            (true, true) => problems.push(
                "data-host-ids",
                "meetergo needs who hosts: set data-host-ids (comma-separated) or data-queue-id.",
            ),
            (false, false) => problems.push("data-queue-id", "Set data-host-ids or data-queue-id, not both."),
            _ => {}
        }
    }
    let channel = get("data-channel").and_then(|text| {
        let channel = meetergo::Channel::from_wire(&text);
        if channel.unlisted().is_some() {
            let published = meetergo::Channel::PUBLISHED.join(", ");
            problems.push(
                "data-channel",
                format!("\"{text}\" is not a meetergo channel. Use one of: {published}."),
            );
            return None;
        }
        Some(channel)
    });
    Built::new(meetergo::Settings {
        meeting_type_id: meeting_type_id.unwrap_or_default(),
        host_ids,
        queue_id,
        channel,
        duration,
    })
    .map(Settings::Meetergo)
}

fn settings_for_calcom(flow: Flow, get: &impl Fn(&str) -> Option<String>, problems: &mut Problems) -> Option<Settings> {
    let settings = calcom::Settings {
        event_type_id: id_number(get, "data-event-type-id", problems),
        event_type_slug: get("data-event-type-slug"),
        username: get("data-username"),
        team_slug: get("data-team-slug"),
        organization_slug: get("data-organization-slug"),
        team_id: id_number(get, "data-team-id", problems),
    };
    let given = |attribute: &str| get(attribute).is_some();
    match flow {
        Flow::Call => {
            for (attribute, what) in [
                ("data-team-id", "team's id"),
                ("data-event-type-id", "team event type's id"),
            ] {
                if !given(attribute) {
                    problems.push(attribute, format!("Cal.com's phone call needs the {what}."));
                }
            }
        }
        Flow::Book => {
            let by_slug = settings.event_type_slug.is_some();
            let (user, team) = (settings.username.is_some(), settings.team_slug.is_some());
            if given("data-event-type-id") {
                if by_slug || user || team || settings.organization_slug.is_some() {
                    problems.push(
                        "data-event-type-id",
                        "Name the event type one way: data-event-type-id alone, or data-event-type-slug with \
                         data-username or data-team-slug.",
                    );
                }
            } else if !by_slug {
                problems.push(
                    "data-event-type-id",
                    "Cal.com needs the event type: set data-event-type-id, or data-event-type-slug with \
                     data-username or data-team-slug.",
                );
            } else if user && team {
                problems.push("data-team-slug", "Set data-username or data-team-slug, not both.");
            } else if !user && !team {
                problems.push(
                    "data-username",
                    "With data-event-type-slug, also set data-username or data-team-slug.",
                );
            }
        }
        Flow::Reschedule => {}
    }
    Built::new(settings).map(Settings::Calcom)
}
