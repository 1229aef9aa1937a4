//! A build with one provider, as the shipped wasm is built (one per provider): it says
//! which provider it lacks instead of failing. Runs only without the `calcom` feature:
//! `cargo test -p booking-core --no-default-features --features iclosed --test one_provider`
//! (scripts/test).
#![cfg(all(feature = "iclosed", not(feature = "calcom")))]

use booking_core::embed::{Config, Provider};

fn config(attributes: &[(&str, &str)]) -> Result<Config, Vec<booking_core::embed::ConfigError>> {
    Config::from_attributes(
        |name| {
            attributes
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        },
        &[],
    )
}

#[test]
fn a_provider_the_build_lacks_is_a_config_error_naming_its_build() {
    assert!(Provider::Iclosed.built());
    assert!(!Provider::Calcom.built());
    let errors = config(&[
        ("data-provider", "calcom"),
        ("data-event-type-id", "1001"),
        ("data-theme", "purple"),
    ])
    .unwrap_err();
    let attributes: Vec<_> = errors.iter().map(|error| error.attribute).collect();
    // The other attributes are still checked, so the marketer fixes everything at once.
    assert_eq!(attributes, ["data-provider", "data-theme"]);
    assert!(
        errors[0].message.contains("booking-widget-calcom.js"),
        "{}",
        errors[0].message
    );
}

#[test]
fn the_provider_the_build_has_still_configures() {
    let config = config(&[
        ("data-provider", "iclosed"),
        ("data-endpoint", "https://relay.example.com/iclosed"),
        ("data-event-id", "42"),
    ])
    .expect("iClosed is in this build");
    assert_eq!(config.provider, Provider::Iclosed);
}
