//! The embed's configuration (contract: `shared/DESIGN.md` §2): every `data-*`
//! attribute and the page URL's `booking`/`token`/`provider` parameters read into one
//! checked [`Config`], every mistake named by its attribute and all of them at once;
//! what the page URL prefills ([`VisitorForm::from_page_query`]); and the inputs each
//! provider and flow shows ([`Control`]).

use booking_core::embed::{
    Booking, Config, ConfigError, Control, Flow, HourCycle, InputKind, PickerAttributes, Provider, Settings, Theme,
    CALCOM_API, DEFAULT_DAYS, DEFAULT_DURATION_MINUTES, DEFAULT_TIMEOUT_SECONDS, MAX_DAYS,
};
use booking_core::{calcom, gohighlevel, iclosed, meetergo, VisitorForm};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

/// Reads an embed whose element carries `attributes`, on a page whose URL query is `query`.
fn read_on_page(attributes: &[(&str, &str)], query: &[(&str, &str)]) -> Result<Config, Vec<ConfigError>> {
    let attributes = pairs(attributes);
    Config::from_attributes(
        |name| {
            attributes
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        },
        &pairs(query),
    )
}

fn read(attributes: &[(&str, &str)]) -> Result<Config, Vec<ConfigError>> {
    read_on_page(attributes, &[])
}

fn config(attributes: &[(&str, &str)]) -> Config {
    read(attributes).unwrap_or_else(|errors| panic!("{attributes:?} should be a valid embed: {errors:?}"))
}

fn mistakes(attributes: &[(&str, &str)]) -> Vec<ConfigError> {
    match read(attributes) {
        Ok(config) => panic!("{attributes:?} should be refused, got {config:?}"),
        Err(errors) => errors,
    }
}

/// The attributes the mistakes name, sorted (the order is not part of the contract).
fn named(errors: &[ConfigError]) -> Vec<&'static str> {
    let mut attributes: Vec<&'static str> = errors.iter().map(|error| error.attribute).collect();
    attributes.sort_unstable();
    attributes
}

/// Exactly one mistake, naming `attribute`; returns its message.
fn only_mistake(attributes: &[(&str, &str)], attribute: &str) -> String {
    let errors = mistakes(attributes);
    assert_eq!(named(&errors), [attribute], "{attributes:?}: {errors:?}");
    errors[0].message.clone()
}

const ICLOSED: [(&str, &str); 3] = [
    ("data-provider", "iclosed"),
    ("data-endpoint", "https://relay.example.com/iclosed"),
    ("data-event-id", "42"),
];

/// `base` with `changes` applied: a value replaces the attribute, `None` removes it.
fn with(
    base: &[(&'static str, &'static str)],
    changes: &[(&'static str, Option<&'static str>)],
) -> Vec<(&'static str, &'static str)> {
    let mut attributes: Vec<(&str, &str)> = base
        .iter()
        .filter(|(key, _)| !changes.iter().any(|(name, _)| name == key))
        .copied()
        .collect();
    attributes.extend(
        changes
            .iter()
            .filter_map(|(name, value)| value.map(|value| (*name, value))),
    );
    attributes
}

// ---------------------------------------------------------------------------------------
// Config::from_attributes: what a valid embed reads to
// ---------------------------------------------------------------------------------------

#[test]
fn an_iclosed_embed_with_every_attribute_reads_to_its_config() {
    let read = config(&[
        ("data-provider", "iclosed"),
        ("data-flow", "book"),
        ("data-endpoint", "https://relay.example.com/iclosed"),
        ("data-event-id", "42"),
        ("data-theme", "dark"),
        ("data-duration", "45"),
        ("data-timeout", "20"),
        ("data-reschedule-url", "https://example.com/move-my-call"),
    ]);
    assert_eq!(
        read,
        Config {
            provider: Provider::Iclosed,
            flow: Flow::Book,
            endpoint: "https://relay.example.com/iclosed".into(),
            settings: Settings::Iclosed(
                iclosed::Settings {
                    event_id: Some(42),
                    link_prefix: None,
                }
                .into()
            ),
            booking: None,
            theme: Theme::Dark,
            duration_minutes: Some(45),
            timeout_seconds: 20,
            reschedule_url: Some("https://example.com/move-my-call".into()),
            picker: PickerAttributes {
                availability: true,
                time_zone: None,
                hour_cycle: None,
                days: None,
            },
        }
    );
    assert_eq!(read.calendar_minutes(), 45);
}

#[test]
fn the_shortest_embed_gets_the_book_flow_auto_theme_and_default_timeout() {
    let read = config(&ICLOSED);
    assert_eq!(read.flow, Flow::Book);
    assert_eq!(read.theme, Theme::Auto);
    assert_eq!(read.duration_minutes, None);
    assert_eq!(read.timeout_seconds, 15);
    assert_eq!(DEFAULT_TIMEOUT_SECONDS, 15);
    assert_eq!(read.calendar_minutes(), 30);
    assert_eq!(DEFAULT_DURATION_MINUTES, 30);
    assert_eq!(read.reschedule_url, None);
    assert_eq!(read.booking, None);
}

#[test]
fn attribute_values_are_trimmed_and_blank_ones_count_as_absent() {
    let read = config(&[
        ("data-provider", " iclosed "),
        ("data-flow", "  "),
        ("data-endpoint", " https://relay.example.com/iclosed "),
        ("data-event-id", " 42 "),
        ("data-theme", ""),
    ]);
    assert_eq!(read.flow, Flow::Book);
    assert_eq!(read.endpoint, "https://relay.example.com/iclosed");
    assert_eq!(read.theme, Theme::Auto);
    assert_eq!(
        read.settings,
        Settings::Iclosed(
            iclosed::Settings {
                event_id: Some(42),
                link_prefix: None,
            }
            .into()
        )
    );
    // A blank event id is a missing one, not a malformed one.
    let message = only_mistake(&with(&ICLOSED, &[("data-event-id", Some("   "))]), "data-event-id");
    assert!(message.contains("data-link-prefix"), "{message}");
}

#[test]
fn iclosed_takes_a_link_prefix_instead_of_an_event_id() {
    let read = config(&with(
        &ICLOSED,
        &[("data-event-id", None), ("data-link-prefix", Some("acme/intro"))],
    ));
    assert_eq!(
        read.settings,
        Settings::Iclosed(
            iclosed::Settings {
                event_id: None,
                link_prefix: Some("acme/intro".into()),
            }
            .into()
        )
    );
}

#[test]
fn gohighlevel_reads_its_calendar_and_location() {
    let read = config(&[
        ("data-provider", "gohighlevel"),
        ("data-endpoint", "https://relay.example.com/gohighlevel"),
        ("data-calendar-id", "CVokAlI8fgw4WYWoCtQz"),
        ("data-location-id", "C2QujeCh8ZnC7al2InWR"),
    ]);
    assert_eq!(read.provider, Provider::Gohighlevel);
    assert_eq!(
        read.settings,
        Settings::Gohighlevel(
            gohighlevel::Settings {
                calendar_id: "CVokAlI8fgw4WYWoCtQz".into(),
                location_id: "C2QujeCh8ZnC7al2InWR".into(),
            }
            .into()
        )
    );
}

#[test]
fn meetergo_reads_its_host_list_channel_and_duration() {
    let read = config(&[
        ("data-provider", "meetergo"),
        ("data-endpoint", "https://relay.example.com/meetergo"),
        ("data-meeting-type-id", "mt-1"),
        ("data-host-ids", " host-1, host-2,,host-3 ,"),
        ("data-channel", "zoom"),
        ("data-duration", "45"),
    ]);
    assert_eq!(
        read.settings,
        Settings::Meetergo(
            meetergo::Settings {
                meeting_type_id: "mt-1".into(),
                host_ids: vec!["host-1".into(), "host-2".into(), "host-3".into()],
                queue_id: None,
                channel: Some(meetergo::Channel::Zoom),
                duration: Some(45),
            }
            .into()
        )
    );
    assert_eq!(read.duration_minutes, Some(45));
}

#[test]
fn meetergo_takes_a_queue_instead_of_hosts() {
    let read = config(&[
        ("data-provider", "meetergo"),
        ("data-endpoint", "https://relay.example.com/meetergo"),
        ("data-meeting-type-id", "mt-1"),
        ("data-queue-id", "queue-7"),
    ]);
    assert_eq!(
        read.settings,
        Settings::Meetergo(
            meetergo::Settings {
                meeting_type_id: "mt-1".into(),
                host_ids: vec![],
                queue_id: Some("queue-7".into()),
                channel: None,
                duration: None,
            }
            .into()
        )
    );
}

#[test]
fn calcom_names_its_event_type_by_id_or_by_slug_with_a_user_or_team() {
    let by_id = config(&[("data-provider", "calcom"), ("data-event-type-id", "7")]);
    assert_eq!(
        by_id.settings,
        Settings::Calcom(
            calcom::Settings {
                event_type_id: Some(7),
                ..calcom::Settings::default()
            }
            .into()
        )
    );
    let by_user = config(&[
        ("data-provider", "calcom"),
        ("data-event-type-slug", "intro"),
        ("data-username", "charles"),
    ]);
    assert_eq!(
        by_user.settings,
        Settings::Calcom(
            calcom::Settings {
                event_type_slug: Some("intro".into()),
                username: Some("charles".into()),
                ..calcom::Settings::default()
            }
            .into()
        )
    );
    let by_team = config(&[
        ("data-provider", "calcom"),
        ("data-event-type-slug", "intro"),
        ("data-team-slug", "engines"),
        ("data-organization-slug", "acme"),
    ]);
    assert_eq!(
        by_team.settings,
        Settings::Calcom(
            calcom::Settings {
                event_type_slug: Some("intro".into()),
                team_slug: Some("engines".into()),
                organization_slug: Some("acme".into()),
                ..calcom::Settings::default()
            }
            .into()
        )
    );
}

#[test]
fn calcom_call_flow_reads_the_team_and_its_event_type() {
    let read = config(&[
        ("data-provider", "calcom"),
        ("data-flow", "call"),
        ("data-endpoint", "https://relay.example.com/calcom"),
        ("data-team-id", "12"),
        ("data-event-type-id", "34"),
    ]);
    assert_eq!(read.flow, Flow::Call);
    assert_eq!(read.endpoint, "https://relay.example.com/calcom");
    assert_eq!(
        read.settings,
        Settings::Calcom(
            calcom::Settings {
                event_type_id: Some(34),
                team_id: Some(12),
                ..calcom::Settings::default()
            }
            .into()
        )
    );
}

#[test]
fn every_theme_is_read() {
    for (value, theme) in [
        ("light", Theme::Light),
        ("dark", Theme::Dark),
        ("auto", Theme::Auto),
        ("Dark", Theme::Dark),
    ] {
        let read = config(&with(&ICLOSED, &[("data-theme", Some(value))]));
        assert_eq!(read.theme, theme, "data-theme={value}");
    }
    assert_eq!(
        [Theme::Light.key(), Theme::Dark.key(), Theme::Auto.key()],
        ["light", "dark", "auto"]
    );
}

// ---------------------------------------------------------------------------------------
// data-endpoint
// ---------------------------------------------------------------------------------------

#[test]
fn a_trailing_slash_is_trimmed_from_the_endpoint() {
    for (given, kept) in [
        (
            "https://relay.example.com/iclosed/",
            "https://relay.example.com/iclosed",
        ),
        ("https://relay.example.com/", "https://relay.example.com"),
        ("https://relay.example.com//", "https://relay.example.com"),
        (
            "https://relay.example.com:8443/iclosed",
            "https://relay.example.com:8443/iclosed",
        ),
    ] {
        let read = config(&with(&ICLOSED, &[("data-endpoint", Some(given))]));
        assert_eq!(read.endpoint, kept, "data-endpoint={given}");
    }
}

#[test]
fn the_local_sandbox_is_a_usable_endpoint() {
    let read = config(&with(
        &ICLOSED,
        &[("data-endpoint", Some("http://127.0.0.1:8787/iclosed"))],
    ));
    assert_eq!(read.endpoint, "http://127.0.0.1:8787/iclosed");
}

#[test]
fn a_bad_endpoint_is_a_mistake_naming_data_endpoint_and_quoting_it() {
    for bad in [
        "relay.example.com",
        "relay.example.com/iclosed",
        "javascript:alert(1)",
        "https://a b",
        "https://user@host",
        "https://user:secret@relay.example.com/iclosed",
        "https://relay.example.com/iclosed?key=1",
        "https://relay.example.com/iclosed#top",
        "https://",
        "https:///iclosed",
        "ftp://relay.example.com/iclosed",
        "//relay.example.com/iclosed",
        "/iclosed",
    ] {
        let message = only_mistake(&with(&ICLOSED, &[("data-endpoint", Some(bad))]), "data-endpoint");
        assert!(message.contains(&format!("\"{bad}\"")), "{bad}: {message}");
        assert!(
            message.contains("https://relay.example.com/iclosed"),
            "{bad}: the fix is shown: {message}"
        );
    }
}

#[test]
fn a_relay_provider_without_an_endpoint_is_a_mistake() {
    for (provider, settings) in [
        ("iclosed", &[("data-event-id", "42")][..]),
        (
            "gohighlevel",
            &[("data-calendar-id", "cal"), ("data-location-id", "loc")][..],
        ),
        (
            "meetergo",
            &[("data-meeting-type-id", "mt-1"), ("data-host-ids", "host-1")][..],
        ),
    ] {
        let mut attributes = vec![("data-provider", provider)];
        attributes.extend_from_slice(settings);
        let message = only_mistake(&attributes, "data-endpoint");
        assert!(
            message.contains(&format!("https://relay.example.com/{provider}")),
            "{provider}: {message}"
        );
    }
}

#[test]
fn calcom_bookings_default_to_calcoms_own_api_but_the_call_does_not() {
    assert_eq!(CALCOM_API, "https://api.cal.com");
    let book = config(&[("data-provider", "calcom"), ("data-event-type-id", "7")]);
    assert_eq!(book.endpoint, "https://api.cal.com");
    let call = [
        ("data-provider", "calcom"),
        ("data-flow", "call"),
        ("data-team-id", "12"),
        ("data-event-type-id", "34"),
    ];
    let message = only_mistake(&call, "data-endpoint");
    assert!(message.contains("https://relay.example.com/calcom"), "{message}");
}

// ---------------------------------------------------------------------------------------
// Mistakes, each named by its attribute
// ---------------------------------------------------------------------------------------

#[test]
fn a_missing_or_unknown_provider_is_a_mistake_naming_data_provider() {
    let message = only_mistake(&[("data-endpoint", "https://relay.example.com/x")], "data-provider");
    assert!(
        message.contains("iclosed, gohighlevel, meetergo or calcom"),
        "{message}"
    );
    let message = only_mistake(&with(&ICLOSED, &[("data-provider", Some("calendly"))]), "data-provider");
    assert!(message.contains("\"calendly\""), "{message}");
}

#[test]
fn an_unknown_flow_is_a_mistake_naming_data_flow() {
    let message = only_mistake(&with(&ICLOSED, &[("data-flow", Some("cancel"))]), "data-flow");
    assert!(message.contains("\"cancel\""), "{message}");
}

#[test]
fn only_calcom_has_a_call_flow() {
    for attributes in [
        with(&ICLOSED, &[("data-flow", Some("call"))]),
        vec![
            ("data-provider", "gohighlevel"),
            ("data-flow", "call"),
            ("data-endpoint", "https://relay.example.com/gohighlevel"),
        ],
        vec![
            ("data-provider", "meetergo"),
            ("data-flow", "call"),
            ("data-endpoint", "https://relay.example.com/meetergo"),
        ],
    ] {
        let message = only_mistake(&attributes, "data-flow");
        assert!(message.contains("no call flow"), "{attributes:?}: {message}");
    }
}

#[test]
fn each_provider_without_its_event_is_a_mistake_naming_the_attribute() {
    only_mistake(&with(&ICLOSED, &[("data-event-id", None)]), "data-event-id");
    let errors = mistakes(&[
        ("data-provider", "gohighlevel"),
        ("data-endpoint", "https://relay.example.com/g"),
    ]);
    assert_eq!(named(&errors), ["data-calendar-id", "data-location-id"]);
    only_mistake(
        &[
            ("data-provider", "meetergo"),
            ("data-endpoint", "https://relay.example.com/meetergo"),
            ("data-host-ids", "host-1"),
        ],
        "data-meeting-type-id",
    );
    only_mistake(&[("data-provider", "calcom")], "data-event-type-id");
}

#[test]
fn an_id_that_is_not_a_positive_number_is_a_mistake_naming_it() {
    for bad in ["abc", "0", "-3", "4.2"] {
        let message = only_mistake(&with(&ICLOSED, &[("data-event-id", Some(bad))]), "data-event-id");
        assert!(message.contains(&format!("\"{bad}\"")), "{message}");
        only_mistake(
            &[("data-provider", "calcom"), ("data-event-type-id", bad)],
            "data-event-type-id",
        );
    }
}

#[test]
fn meetergo_needs_hosts_or_a_queue_but_not_both() {
    let base = [
        ("data-provider", "meetergo"),
        ("data-endpoint", "https://relay.example.com/meetergo"),
        ("data-meeting-type-id", "mt-1"),
    ];
    let message = only_mistake(&base, "data-host-ids");
    assert!(message.contains("data-queue-id"), "{message}");
    let message = only_mistake(
        &with(
            &base,
            &[("data-host-ids", Some("host-1")), ("data-queue-id", Some("queue-7"))],
        ),
        "data-queue-id",
    );
    assert!(message.contains("not both"), "{message}");
    // A list of nothing but commas names no host.
    only_mistake(&with(&base, &[("data-host-ids", Some(" , ,"))]), "data-host-ids");
}

#[test]
fn a_channel_meetergo_does_not_publish_is_a_mistake_naming_data_channel() {
    let base = [
        ("data-provider", "meetergo"),
        ("data-endpoint", "https://relay.example.com/meetergo"),
        ("data-meeting-type-id", "mt-1"),
        ("data-host-ids", "host-1"),
    ];
    for bad in ["skype", "Zoom"] {
        let message = only_mistake(&with(&base, &[("data-channel", Some(bad))]), "data-channel");
        assert!(message.contains(&format!("\"{bad}\"")), "{message}");
        assert!(message.contains("zoom"), "the published channels are listed: {message}");
    }
}

#[test]
fn a_calcom_slug_needs_a_username_or_team_slug() {
    let message = only_mistake(
        &[("data-provider", "calcom"), ("data-event-type-slug", "intro")],
        "data-username",
    );
    assert!(message.contains("data-team-slug"), "{message}");
}

#[test]
fn the_calcom_call_needs_the_team_id_and_event_type_id() {
    let base = [
        ("data-provider", "calcom"),
        ("data-flow", "call"),
        ("data-endpoint", "https://relay.example.com/calcom"),
    ];
    only_mistake(&with(&base, &[("data-event-type-id", Some("34"))]), "data-team-id");
    only_mistake(&with(&base, &[("data-team-id", Some("12"))]), "data-event-type-id");
    assert_eq!(named(&mistakes(&base)), ["data-event-type-id", "data-team-id"]);
}

#[test]
fn a_bad_theme_timeout_duration_or_reschedule_page_is_a_mistake_naming_it() {
    only_mistake(&with(&ICLOSED, &[("data-theme", Some("purple"))]), "data-theme");
    for bad in ["0", "-5", "abc", "1.5"] {
        only_mistake(&with(&ICLOSED, &[("data-timeout", Some(bad))]), "data-timeout");
        only_mistake(&with(&ICLOSED, &[("data-duration", Some(bad))]), "data-duration");
    }
    for bad in [
        "javascript:alert(1)",
        "http://example.com/move",
        "/move",
        "example.com/move",
    ] {
        only_mistake(
            &with(&ICLOSED, &[("data-reschedule-url", Some(bad))]),
            "data-reschedule-url",
        );
    }
}

#[test]
fn every_mistake_is_reported_at_once() {
    let errors = mistakes(&[
        ("data-provider", "iclosed"),
        ("data-endpoint", "relay.example.com"),
        ("data-theme", "purple"),
        ("data-timeout", "0"),
        ("data-duration", "soon"),
        ("data-reschedule-url", "javascript:alert(1)"),
    ]);
    assert_eq!(
        named(&errors),
        [
            "data-duration",
            "data-endpoint",
            "data-event-id",
            "data-reschedule-url",
            "data-theme",
            "data-timeout",
        ]
    );

    let errors = errors_of_meetergo_with_every_mistake();
    assert_eq!(
        named(&errors),
        ["data-channel", "data-endpoint", "data-meeting-type-id", "data-queue-id"]
    );

    let errors = mistakes(&[("data-provider", "gohighlevel"), ("data-flow", "call")]);
    assert_eq!(
        named(&errors),
        ["data-endpoint", "data-flow"],
        "a call flow for GoHighLevel and no endpoint: {errors:?}"
    );
}

fn errors_of_meetergo_with_every_mistake() -> Vec<ConfigError> {
    mistakes(&[
        ("data-provider", "meetergo"),
        ("data-endpoint", "https://a b"),
        ("data-host-ids", "host-1"),
        ("data-queue-id", "queue-7"),
        ("data-channel", "skype"),
    ])
}

#[test]
fn an_unknown_provider_or_flow_does_not_hide_the_other_mistakes() {
    let errors = mistakes(&[
        ("data-provider", "calendly"),
        ("data-endpoint", "relay.example.com"),
        ("data-theme", "purple"),
        ("data-timeout", "0"),
    ]);
    assert_eq!(
        named(&errors),
        ["data-endpoint", "data-provider", "data-theme", "data-timeout"]
    );
    let errors = mistakes(&with(
        &ICLOSED,
        &[
            ("data-flow", Some("cancel")),
            ("data-endpoint", Some("relay.example.com")),
        ],
    ));
    assert_eq!(named(&errors), ["data-endpoint", "data-flow"]);
}

#[test]
fn a_calcom_event_type_named_two_ways_is_a_configuration_mistake() {
    let related = [
        "data-event-type-id",
        "data-event-type-slug",
        "data-team-slug",
        "data-username",
    ];
    for attributes in [
        vec![
            ("data-provider", "calcom"),
            ("data-event-type-id", "7"),
            ("data-event-type-slug", "intro"),
            ("data-username", "charles"),
        ],
        vec![
            ("data-provider", "calcom"),
            ("data-event-type-slug", "intro"),
            ("data-username", "charles"),
            ("data-team-slug", "engines"),
        ],
        vec![
            ("data-provider", "calcom"),
            ("data-event-type-id", "7"),
            ("data-username", "charles"),
        ],
    ] {
        let errors = match read(&attributes) {
            Ok(config) => panic!("{attributes:?} names the event type two ways, yet reads to {config:?}"),
            Err(errors) => errors,
        };
        assert!(
            errors.iter().all(|error| related.contains(&error.attribute)),
            "{attributes:?}: {errors:?}"
        );
    }
}

#[test]
fn a_config_error_displays_as_attribute_then_message() {
    let errors = mistakes(&with(&ICLOSED, &[("data-theme", Some("purple"))]));
    assert_eq!(
        errors[0].to_string(),
        "data-theme: \"purple\" is not a theme. Use light, dark or auto."
    );
}

// ---------------------------------------------------------------------------------------
// Reschedule: data-booking-id, or the page URL's booking= (fragment, or an old link's query)
// ---------------------------------------------------------------------------------------

#[test]
fn a_reschedule_embed_reads_its_booking_and_token_from_attributes() {
    let read = config(&[
        ("data-provider", "iclosed"),
        ("data-flow", "reschedule"),
        ("data-endpoint", "https://relay.example.com/iclosed"),
        ("data-booking-id", "9001"),
        ("data-reschedule-token", "tok.en"),
    ]);
    assert_eq!(read.flow, Flow::Reschedule);
    assert_eq!(
        read.booking,
        Some(Booking {
            id: "9001".into(),
            token: Some("tok.en".into()),
            start: None,
        })
    );
    // A reschedule needs no event id.
    assert_eq!(
        read.settings,
        Settings::Iclosed(
            iclosed::Settings {
                event_id: None,
                link_prefix: None,
            }
            .into()
        )
    );
}

#[test]
fn a_reschedule_embed_reads_its_booking_from_the_page_url() {
    let attributes = [
        ("data-provider", "calcom"),
        ("data-flow", "reschedule"),
        ("data-endpoint", "https://relay.example.com/calcom"),
    ];
    let read = read_on_page(&attributes, &[("booking", "booking_uid_123"), ("token", "t0k")]).unwrap();
    assert_eq!(
        read.booking,
        Some(Booking {
            id: "booking_uid_123".into(),
            token: Some("t0k".into()),
            start: None,
        })
    );
    let read = read_on_page(&attributes, &[("booking", "booking_uid_123")]).unwrap();
    assert_eq!(
        read.booking,
        Some(Booking {
            id: "booking_uid_123".into(),
            token: None,
            start: None,
        })
    );
}

#[test]
fn a_reschedule_link_names_the_time_being_moved_and_a_broken_one_is_left_out() {
    let attributes = [
        ("data-provider", "meetergo"),
        ("data-flow", "reschedule"),
        ("data-endpoint", "https://relay.example.com/meetergo"),
    ];
    let read = read_on_page(&attributes, &[("booking", "b-1"), ("at", "2027-03-09T14:30:00Z")]).unwrap();
    let start = read.booking.and_then(|booking| booking.start).expect("the link's time");
    assert_eq!(start.to_utc_z(), "2027-03-09T14:30:00Z");
    for broken in ["", "tomorrow", "2027-02-30T10:00:00Z"] {
        let read = read_on_page(&attributes, &[("booking", "b-1"), ("at", broken)]).unwrap();
        assert_eq!(read.booking.and_then(|booking| booking.start), None, "{broken:?}");
    }
}

#[test]
fn data_booking_id_wins_over_the_page_url() {
    let read = read_on_page(
        &[
            ("data-provider", "calcom"),
            ("data-flow", "reschedule"),
            ("data-booking-id", "from-attribute"),
        ],
        &[("booking", "from-url"), ("token", "url-token")],
    )
    .unwrap();
    assert_eq!(
        read.booking,
        Some(Booking {
            id: "from-attribute".into(),
            token: None,
            start: None,
        })
    );
}

#[test]
fn a_book_widget_opened_from_a_reschedule_link_moves_that_booking() {
    let book = [("data-provider", "calcom"), ("data-event-type-id", "7")];
    for query in [
        &[("booking", "booking_uid_123"), ("token", "t0k")][..],
        &[("booking", "booking_uid_123"), ("token", "t0k"), ("provider", "calcom")][..],
    ] {
        let read = read_on_page(&book, query).unwrap();
        assert_eq!(read.flow, Flow::Reschedule, "{query:?}");
        assert_eq!(
            read.booking,
            Some(Booking {
                id: "booking_uid_123".into(),
                token: Some("t0k".into()),
                start: None,
            }),
            "{query:?}"
        );
    }
}

#[test]
fn a_book_widget_ignores_a_reschedule_link_for_another_provider() {
    let read = read_on_page(
        &[("data-provider", "calcom"), ("data-event-type-id", "7")],
        &[("booking", "9001"), ("token", "t0k"), ("provider", "iclosed")],
    )
    .unwrap();
    assert_eq!(read.flow, Flow::Book);
    assert_eq!(read.booking, None);
}

#[test]
fn a_call_widget_ignores_the_page_urls_booking() {
    let read = read_on_page(
        &[
            ("data-provider", "calcom"),
            ("data-flow", "call"),
            ("data-endpoint", "https://relay.example.com/calcom"),
            ("data-team-id", "12"),
            ("data-event-type-id", "34"),
        ],
        &[("booking", "booking_uid_123"), ("provider", "calcom")],
    )
    .unwrap();
    assert_eq!(read.flow, Flow::Call);
    assert_eq!(read.booking, None);
}

#[test]
fn a_reschedule_without_a_booking_is_a_mistake_naming_data_booking_id() {
    for provider in ["iclosed", "gohighlevel", "meetergo", "calcom"] {
        let endpoint = format!("https://relay.example.com/{provider}");
        let attributes = [
            ("data-provider", provider),
            ("data-flow", "reschedule"),
            ("data-endpoint", endpoint.as_str()),
        ];
        let message = only_mistake(&attributes, "data-booking-id");
        assert!(message.contains("booking="), "{provider}: {message}");
        // A URL that names another provider's booking does not count.
        let errors = read_on_page(&attributes, &[("booking", "9001"), ("provider", "other")]).unwrap_err();
        assert_eq!(named(&errors), ["data-booking-id"], "{provider}");
    }
}

#[test]
fn an_iclosed_booking_to_move_must_be_a_number() {
    let attributes = [
        ("data-provider", "iclosed"),
        ("data-flow", "reschedule"),
        ("data-endpoint", "https://relay.example.com/iclosed"),
    ];
    let message = only_mistake(
        &with(&attributes, &[("data-booking-id", Some("abc"))]),
        "data-booking-id",
    );
    assert!(message.contains("\"abc\""), "{message}");
    // From a link too: a book widget turned reschedule widget by booking=.
    let errors = read_on_page(&with(&ICLOSED, &[]), &[("booking", "call-9001")]).unwrap_err();
    assert_eq!(named(&errors), ["data-booking-id"]);
    let read = config(&with(&attributes, &[("data-booking-id", Some("9001"))]));
    assert_eq!(read.booking.unwrap().id, "9001");
}

// ---------------------------------------------------------------------------------------
// VisitorForm::from_page_query
// ---------------------------------------------------------------------------------------

fn prefill(query: &[(&str, &str)]) -> VisitorForm {
    VisitorForm::from_page_query(&pairs(query))
}

#[test]
fn the_page_url_prefills_the_visitors_details() {
    let form = prefill(&[
        ("first_name", " Ada "),
        ("last_name", "Lovelace"),
        ("email", "ada@example.com "),
        ("phone", "+44 20 7946 0958"),
        ("notes", "About the engine"),
    ]);
    assert_eq!(
        form,
        VisitorForm {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.com".into(),
            phone: "+44 20 7946 0958".into(),
            notes: "About the engine".into(),
            ..VisitorForm::default()
        }
    );
}

#[test]
fn a_full_name_splits_at_its_first_space() {
    for (name, first, last) in [
        ("Ada Lovelace", "Ada", "Lovelace"),
        ("Ada King Lovelace", "Ada", "King Lovelace"),
        ("  Ada   Lovelace ", "Ada", "Lovelace"),
        ("Ada", "Ada", ""),
        ("", "", ""),
    ] {
        let form = prefill(&[("name", name)]);
        assert_eq!(
            (form.first_name.as_str(), form.last_name.as_str()),
            (first, last),
            "name={name:?}"
        );
    }
}

#[test]
fn utm_parameters_are_kept_by_their_full_name() {
    let form = prefill(&[
        ("utm_source", "newsletter"),
        ("utm_campaign", " spring "),
        ("utm_medium", ""),
    ]);
    assert_eq!(
        form.utm,
        booking_core::Utm::from([
            ("utm_campaign".to_owned(), "spring".to_owned()),
            ("utm_source".to_owned(), "newsletter".to_owned()),
        ])
    );
}

#[test]
fn a_long_utm_value_is_cut_to_500_utf16_units_never_inside_a_character() {
    let form = prefill(&[("utm_content", &"x".repeat(600)), ("utm_term", &"y".repeat(500))]);
    assert_eq!(form.utm["utm_content"], "x".repeat(500));
    assert_eq!(form.utm["utm_term"], "y".repeat(500), "exactly 500 is kept whole");

    // One unit, then two per emoji: 1 + 249 × 2 = 499 fit, the 250th emoji would need 501.
    let long = format!("a{}", "😀".repeat(300));
    let form = prefill(&[("utm_content", &long)]);
    let kept = &form.utm["utm_content"];
    assert_eq!(*kept, format!("a{}", "😀".repeat(249)));
    assert_eq!(kept.encode_utf16().count(), 499);
}

#[test]
fn a_utm_key_longer_than_40_characters_is_dropped() {
    let forty = format!("utm_{}", "k".repeat(36));
    let forty_one = format!("utm_{}", "k".repeat(37));
    let form = prefill(&[(&forty, "kept"), (&forty_one, "dropped")]);
    assert_eq!(form.utm, booking_core::Utm::from([(forty, "kept".to_owned())]));
}

#[test]
fn a_utm_key_of_40_non_ascii_characters_is_kept() {
    let forty = format!("utm_{}", "é".repeat(36));
    assert_eq!(forty.encode_utf16().count(), 40);
    let form = prefill(&[(&forty, "kept")]);
    assert_eq!(form.utm, booking_core::Utm::from([(forty, "kept".to_owned())]));
}

#[test]
fn at_most_ten_utm_keys_are_kept_the_first_ten() {
    let keys: Vec<String> = (0..12).map(|i| format!("utm_k{i:02}")).collect();
    let query: Vec<(&str, &str)> = keys.iter().map(|key| (key.as_str(), "v")).collect();
    let form = prefill(&query);
    assert_eq!(form.utm.keys().cloned().collect::<Vec<_>>(), keys[..10].to_vec());
}

#[test]
fn other_query_parameters_are_ignored() {
    let form = prefill(&[
        ("booking", "9001"),
        ("token", "t0k"),
        ("provider", "iclosed"),
        ("UTM_SOURCE", "shouting"),
        ("utmsource", "no underscore"),
        ("gclid", "abc"),
        ("guests", "eve@example.com"),
        ("date", "2026-03-08"),
        ("time_zone", "Europe/Berlin"),
    ]);
    assert_eq!(form, VisitorForm::default());
}

// ---------------------------------------------------------------------------------------
// Control
// ---------------------------------------------------------------------------------------

const ALL_CONTROLS: [Control; 11] = [
    Control::FirstName,
    Control::LastName,
    Control::Email,
    Control::Phone,
    Control::Company,
    Control::Guests,
    Control::Date,
    Control::Time,
    Control::TimeZone,
    Control::Reason,
    Control::Notes,
];

#[test]
fn each_provider_and_flow_shows_exactly_the_inputs_its_api_takes() {
    use Control::*;
    let table: [(Provider, Flow, &[Control]); 9] = [
        (
            Provider::Iclosed,
            Flow::Book,
            &[FirstName, LastName, Email, Phone, Date, Time, TimeZone],
        ),
        (
            Provider::Iclosed,
            Flow::Reschedule,
            &[Date, Time, TimeZone, Reason, Notes],
        ),
        (
            Provider::Gohighlevel,
            Flow::Book,
            &[FirstName, LastName, Email, Phone, Company, Date, Time, TimeZone, Notes],
        ),
        (Provider::Gohighlevel, Flow::Reschedule, &[Date, Time, TimeZone]),
        (
            Provider::Meetergo,
            Flow::Book,
            &[
                FirstName, LastName, Email, Phone, Company, Guests, Date, Time, TimeZone, Notes,
            ],
        ),
        (Provider::Meetergo, Flow::Reschedule, &[Date, Time, TimeZone]),
        (
            Provider::Calcom,
            Flow::Book,
            &[FirstName, LastName, Email, Phone, Guests, Date, Time, TimeZone, Notes],
        ),
        (
            Provider::Calcom,
            Flow::Reschedule,
            &[Email, Date, Time, TimeZone, Reason],
        ),
        (
            Provider::Calcom,
            Flow::Call,
            &[FirstName, LastName, Email, Phone, Company],
        ),
    ];
    for (provider, flow, controls) in table {
        assert_eq!(Control::for_flow(provider, flow), controls, "{provider:?} {flow:?}");
    }
}

#[test]
fn labels_are_plain_english() {
    let labels: Vec<&str> = ALL_CONTROLS.iter().map(|control| control.label()).collect();
    assert_eq!(
        labels,
        [
            "First name",
            "Last name",
            "Email",
            "Phone",
            "Company",
            "Guests",
            "Date",
            "Time",
            "Time zone",
            "Reason",
            "Notes",
        ]
    );
}

#[test]
fn names_are_distinct_and_safe_in_html_ids() {
    let names: Vec<&str> = ALL_CONTROLS.iter().map(|control| control.name()).collect();
    assert_eq!(
        names,
        [
            "first-name",
            "last-name",
            "email",
            "phone",
            "company",
            "guests",
            "date",
            "time",
            "time-zone",
            "reason",
            "notes",
        ]
    );
}

#[test]
fn inputs_have_the_type_and_autofill_hint_browsers_understand() {
    assert_eq!(Control::Email.kind(), InputKind::Input("email"));
    assert_eq!(Control::Phone.kind(), InputKind::Input("tel"));
    assert_eq!(Control::Date.kind(), InputKind::Input("date"));
    assert_eq!(Control::Time.kind(), InputKind::Input("time"));
    assert_eq!(Control::TimeZone.kind(), InputKind::TimeZoneSelect);
    assert_eq!(Control::Notes.kind(), InputKind::TextArea);
    assert_eq!(Control::Reason.kind(), InputKind::TextArea);
    assert_eq!(Control::Guests.kind(), InputKind::Input("text"));
    assert_eq!(Control::FirstName.autocomplete(), "given-name");
    assert_eq!(Control::LastName.autocomplete(), "family-name");
    assert_eq!(Control::Email.autocomplete(), "email");
    assert_eq!(Control::Phone.autocomplete(), "tel");
    assert_eq!(Control::Company.autocomplete(), "organization");
    assert_eq!(Control::Guests.autocomplete(), "off");
    assert!(Control::Phone.hint().is_some_and(|hint| hint.contains("country code")));
}

#[test]
fn guests_round_trip_exactly_as_typed() {
    for typed in ["a@x.com, b@y.com,", "a@x.com,b@y.com", " a@x.com ", ",,", ""] {
        let mut form = VisitorForm::default();
        Control::Guests.set(&mut form, typed.to_owned());
        assert_eq!(Control::Guests.value(&form), typed);
    }
    let mut form = VisitorForm::default();
    Control::Guests.set(&mut form, "a@x.com, b@y.com,".to_owned());
    assert_eq!(
        form.guest_list(),
        Some(vec!["a@x.com".to_owned(), "b@y.com".to_owned()])
    );
}

#[test]
fn each_text_input_stores_into_its_own_field_as_typed() {
    for control in ALL_CONTROLS.into_iter().filter(|control| *control != Control::Guests) {
        let mut form = VisitorForm::default();
        let typed = format!(" typed into {} ", control.name());
        control.set(&mut form, typed.clone());
        assert_eq!(control.value(&form), typed, "{control:?}");
        let stored = match control {
            Control::FirstName => &form.first_name,
            Control::LastName => &form.last_name,
            Control::Email => &form.email,
            Control::Phone => &form.phone,
            Control::Company => &form.company,
            Control::Date => &form.date,
            Control::Time => &form.time,
            Control::TimeZone => &form.time_zone,
            Control::Reason => &form.reason,
            Control::Notes => &form.notes,
            Control::Guests => unreachable!(),
        };
        assert_eq!(*stored, typed, "{control:?}");
        // Nothing else changed.
        let mut cleared = form.clone();
        control.set(&mut cleared, String::new());
        assert_eq!(cleared, VisitorForm::default(), "{control:?}");
    }
}

#[test]
fn a_booking_id_that_is_not_one_path_segment_is_refused() {
    let calcom = [("data-provider", "calcom"), ("data-flow", "reschedule")];
    for id in ["a/../../v2/me", "..", "a?b", "a b", "a%2F"] {
        let errors = read_on_page(&calcom, &[("booking", id)]).expect_err(id);
        assert_eq!(named(&errors), ["data-booking-id"], "{id}");
    }
    let config = read_on_page(&calcom, &[("booking", "bk_Ab-9.x~")]).unwrap();
    assert_eq!(config.booking.unwrap().id, "bk_Ab-9.x~");
}

// ---------------------------------------------------------------------------------------
// The slot picker's attributes (DESIGN.md §6)
// ---------------------------------------------------------------------------------------

#[test]
fn without_picker_attributes_free_times_are_on_in_the_browsers_zone_and_locales_hours_for_sixty_days() {
    let read = config(&ICLOSED);
    assert_eq!(
        read.picker,
        PickerAttributes {
            availability: true,
            time_zone: None,
            hour_cycle: None,
            days: None,
        }
    );
    assert_eq!(read.days_ahead(), 60);
    assert_eq!(DEFAULT_DAYS, 60);
    assert_eq!(MAX_DAYS, 365);
}

#[test]
fn every_picker_attribute_is_read() {
    let read = config(&with(
        &ICLOSED,
        &[
            ("data-availability", Some("off")),
            ("data-time-zone", Some("America/Argentina/Buenos_Aires")),
            ("data-hour-cycle", Some("h12")),
            ("data-days", Some("14")),
        ],
    ));
    assert_eq!(
        read.picker,
        PickerAttributes {
            availability: false,
            time_zone: Some("America/Argentina/Buenos_Aires".into()),
            hour_cycle: Some(HourCycle::H12),
            days: Some(14),
        }
    );
    assert_eq!(read.days_ahead(), 14);
}

#[test]
fn data_availability_takes_on_or_off_in_any_case_and_nothing_else() {
    for (value, on) in [("on", true), ("ON", true), (" off ", false), ("Off", false), ("", true)] {
        let read = config(&with(&ICLOSED, &[("data-availability", Some(value))]));
        assert_eq!(read.picker.availability, on, "{value:?}");
    }
    for value in ["false", "no", "0", "disabled", "of"] {
        let message = only_mistake(
            &with(&ICLOSED, &[("data-availability", Some(value))]),
            "data-availability",
        );
        assert!(message.contains(&format!("\"{value}\"")), "{message}");
        assert!(message.contains("Use off"), "{message}");
    }
}

#[test]
fn data_time_zone_takes_anything_shaped_like_an_iana_name() {
    for zone in [
        "UTC",
        "Europe/Berlin",
        "America/Argentina/Buenos_Aires",
        "Etc/GMT+5",
        "Etc/GMT-14",
        "America/Port-au-Prince",
        "EST5EDT",
        // The shape only: whether it exists is the browser's Intl to say.
        "Mars/Olympus_Mons",
    ] {
        let read = config(&with(&ICLOSED, &[("data-time-zone", Some(zone))]));
        assert_eq!(read.picker.time_zone.as_deref(), Some(zone));
    }
    for zone in [
        "Berlin time",
        "+02:00",
        "GMT +2",
        "Europe//Berlin",
        "/Europe/Berlin",
        "Europe/Berlin/",
        "../etc/passwd",
        "Europe/Berlin?x=1",
        "2024/Zone",
        "Europe/Zürich",
    ] {
        let message = only_mistake(&with(&ICLOSED, &[("data-time-zone", Some(zone))]), "data-time-zone");
        assert!(message.contains("Europe/Berlin"), "{zone}: {message}");
    }
    let too_long: &'static str = Box::leak(format!("Europe/{}", "A".repeat(60)).into_boxed_str());
    only_mistake(&with(&ICLOSED, &[("data-time-zone", Some(too_long))]), "data-time-zone");
}

#[test]
fn data_hour_cycle_takes_h12_or_h23() {
    for (value, cycle) in [
        ("h12", HourCycle::H12),
        ("H23", HourCycle::H23),
        (" h23", HourCycle::H23),
    ] {
        let read = config(&with(&ICLOSED, &[("data-hour-cycle", Some(value))]));
        assert_eq!(read.picker.hour_cycle, Some(cycle), "{value}");
    }
    assert_eq!(HourCycle::H12.key(), "h12");
    assert_eq!(HourCycle::H23.key(), "h23");
    for value in ["h24", "h11", "12", "24h", "am/pm"] {
        let message = only_mistake(&with(&ICLOSED, &[("data-hour-cycle", Some(value))]), "data-hour-cycle");
        assert!(message.contains("h12") && message.contains("h23"), "{message}");
    }
}

#[test]
fn data_days_is_a_whole_number_from_1_to_365() {
    for (value, days) in [("1", 1), ("60", 60), ("365", 365), (" 30 ", 30)] {
        let read = config(&with(&ICLOSED, &[("data-days", Some(value))]));
        assert_eq!(read.picker.days, Some(days), "{value}");
        assert_eq!(read.days_ahead(), days);
    }
    for value in ["0", "366", "-1", "1.5", "two", "1e2", "99999999999"] {
        let message = only_mistake(&with(&ICLOSED, &[("data-days", Some(value))]), "data-days");
        assert!(message.contains("1 to 365"), "{message}");
    }
}

#[test]
fn picker_mistakes_are_reported_with_every_other_one_even_without_a_provider() {
    let errors = mistakes(&[
        ("data-availability", "maybe"),
        ("data-time-zone", "Berlin time"),
        ("data-hour-cycle", "h24"),
        ("data-days", "0"),
    ]);
    assert_eq!(
        named(&errors),
        [
            "data-availability",
            "data-days",
            "data-hour-cycle",
            "data-provider",
            "data-time-zone"
        ]
    );
    let errors = mistakes(&with(
        &ICLOSED,
        &[
            ("data-event-id", Some("x")),
            ("data-days", Some("400")),
            ("data-hour-cycle", Some("h1")),
        ],
    ));
    assert_eq!(named(&errors), ["data-days", "data-event-id", "data-hour-cycle"]);
}
