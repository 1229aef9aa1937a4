//! The operator's configuration (TOML) and secrets (environment only). Every mistake
//! is refused at start-up with the setting's name and the fix.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use booking_core::calcom::{matches_phone_call_number, TemplateType};
use booking_core::meetergo::Channel;
use serde::Deserialize;

use crate::client::{parse_proxy, ForwardedHeader, Proxies};
use crate::ops::Provider;
use crate::sandbox::SandboxSettings;

/// Environment variable of each provider's secret.
pub fn secret_variable(provider: Provider) -> &'static str {
    match provider {
        Provider::Iclosed => "ICLOSED_API_KEY",
        Provider::Gohighlevel => "GOHIGHLEVEL_API_TOKEN",
        Provider::Meetergo => "MEETERGO_API_KEY",
        Provider::Calcom => "CALCOM_API_KEY",
    }
}

/// Environment variable of the key that signs reschedule tokens (serve mode).
pub const TOKEN_KEY_VARIABLE: &str = "RELAY_TOKEN_KEY";

/// Environment variable of the key being rotated out: its tokens are still accepted,
/// nothing new is signed with it (optional).
pub const PREVIOUS_TOKEN_KEY_VARIABLE: &str = "RELAY_TOKEN_KEY_PREVIOUS";

/// The shortest token key accepted, in bytes.
pub const TOKEN_KEY_MIN_LENGTH: usize = 32;

/// The config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Exact origins (`https://www.example.com`) whose pages may call the relay in serve
    /// mode. The sandbox answers any origin.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// The reverse proxies in front of the relay (CIDR ranges or addresses). A request
    /// from one of them is counted against the client it names in
    /// [`Config::forwarded_header`], not against the proxy.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// The header the trusted proxies append the client's address to.
    #[serde(default)]
    pub forwarded_header: ForwardedHeader,
    /// Limits and timeouts.
    #[serde(default)]
    pub limits: Limits,
    /// Reschedule tokens.
    #[serde(default)]
    pub tokens: TokenSettings,
    /// iClosed; present means configured (serve needs its secret).
    pub iclosed: Option<IclosedPolicy>,
    /// GoHighLevel.
    pub gohighlevel: Option<GohighlevelPolicy>,
    /// meetergo.
    pub meetergo: Option<MeetergoPolicy>,
    /// Cal.com.
    pub calcom: Option<CalcomPolicy>,
    /// The sandbox's host: its zone, days and hours (sandbox mode only).
    pub sandbox: Option<SandboxSettings>,
}

/// Limits and timeouts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub body_bytes: usize,
    /// Requests per second per client, sustained.
    pub requests_per_second: u32,
    /// Requests a client may send at once before the rate applies.
    pub burst: u32,
    /// How long a visitor waits for a provider, in milliseconds (then `504`).
    pub upstream_timeout_ms: u64,
    /// How long a write with an `Idempotency-Key` may go on after its visitor got the
    /// `504`, in milliseconds: its real answer is kept for the retry. Past it the outcome
    /// is unknown for good. At least [`Limits::upstream_timeout_ms`].
    pub upstream_deadline_ms: u64,
    /// Largest provider reply read, in bytes; a larger one is `502`.
    pub upstream_reply_bytes: usize,
    /// How long a write's first answer is kept for replays of its `Idempotency-Key`, in hours.
    pub idempotency_retention_hours: u64,
    /// How long a client has to send a request's headers, in milliseconds, counted from
    /// the connection's start or the previous answer (so it also ends idle keep-alives).
    pub header_read_timeout_ms: u64,
    /// How long a client has to send a whole request body, in milliseconds (then `408`).
    pub body_read_timeout_ms: u64,
    /// A connection on which no byte moves and no request is being answered for this
    /// long, in milliseconds, is closed (a client that stops reading its answer).
    pub idle_timeout_ms: u64,
    /// Open connections at most; beyond it the relay accepts no more until one closes.
    pub max_connections: u32,
    /// Requests being answered at once, at most; beyond it `503` with `Retry-After`.
    pub max_in_flight: u32,
    /// Requests per second over all clients together, sustained (then `429`).
    pub global_requests_per_second: u32,
    /// Requests all clients together may send at once before the global rate applies.
    pub global_burst: u32,
    /// Cal.com phone calls to one number per UTC day (then `429`). Serve mode only.
    pub calls_per_number_per_day: u32,
    /// Cal.com phone calls one site (`Origin`; without one, one client) may ask for per
    /// UTC day (then `429`). Serve mode only.
    pub calls_per_origin_per_day: u32,
    /// Most `Idempotency-Key`s kept at once; when full, the oldest kept answer is forgotten.
    pub idempotency_max_keys: usize,
    /// How long an availability answer is reused for the same query, in milliseconds
    /// (`0`: never; concurrent identical queries then each call the provider). At most
    /// [`Limits::MAX_AVAILABILITY_CACHE_MS`]. See [`crate::cache`].
    pub availability_cache_ms: u64,
    /// Most availability answers kept at once (and never more than
    /// [`crate::cache::MAX_BYTES`] of them); when full, the oldest is forgotten.
    pub availability_cache_max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_bytes: 64 * 1024,
            requests_per_second: 10,
            burst: 40,
            upstream_timeout_ms: 10_000,
            upstream_deadline_ms: 60_000,
            upstream_reply_bytes: 2 * 1024 * 1024,
            idempotency_retention_hours: 24,
            header_read_timeout_ms: 10_000,
            body_read_timeout_ms: 10_000,
            idle_timeout_ms: 60_000,
            max_connections: 512,
            max_in_flight: 256,
            global_requests_per_second: 1_000,
            global_burst: 2_000,
            calls_per_number_per_day: 3,
            calls_per_origin_per_day: 200,
            idempotency_max_keys: 100_000,
            availability_cache_ms: 5_000,
            availability_cache_max_entries: 10_000,
        }
    }
}

impl Limits {
    /// The longest an availability answer may be reused: past a minute, visitors
    /// would be offered times others took long ago, and refused one after another.
    pub const MAX_AVAILABILITY_CACHE_MS: u64 = 60_000;

    /// [`Limits::availability_cache_ms`] as a duration.
    pub fn availability_cache(&self) -> Duration {
        Duration::from_millis(self.availability_cache_ms)
    }

    /// [`Limits::upstream_timeout_ms`] as a duration.
    pub fn upstream_timeout(&self) -> Duration {
        Duration::from_millis(self.upstream_timeout_ms)
    }

    /// [`Limits::upstream_deadline_ms`] as a duration.
    pub fn upstream_deadline(&self) -> Duration {
        Duration::from_millis(self.upstream_deadline_ms)
    }

    /// [`Limits::idempotency_retention_hours`] as a duration.
    pub fn idempotency_retention(&self) -> Duration {
        Duration::from_secs(self.idempotency_retention_hours * 3_600)
    }

    /// [`Limits::header_read_timeout_ms`] as a duration.
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_millis(self.header_read_timeout_ms)
    }

    /// [`Limits::body_read_timeout_ms`] as a duration.
    pub fn body_read_timeout(&self) -> Duration {
        Duration::from_millis(self.body_read_timeout_ms)
    }

    /// [`Limits::idle_timeout_ms`] as a duration.
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_millis(self.idle_timeout_ms)
    }
}

/// Reschedule tokens (`[tokens]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenSettings {
    /// How long a reschedule link works after it is issued, in days.
    pub lifetime_days: u64,
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self { lifetime_days: 30 }
    }
}

impl TokenSettings {
    /// The longest lifetime accepted, in days: a link that works for years is one that
    /// leaks for years.
    pub const MAX_LIFETIME_DAYS: u64 = 366;

    /// [`TokenSettings::lifetime_days`] as a duration.
    pub fn lifetime(&self) -> Duration {
        Duration::from_secs(self.lifetime_days * 86_400)
    }
}

/// iClosed: the event every call books.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IclosedPolicy {
    /// Overrides the provider's base URL (tests).
    pub base_url: Option<String>,
    /// Fixed `eventId`.
    pub event_id: Option<i64>,
    /// Fixed `linkPrefix` (when no `event_id`).
    pub link_prefix: Option<String>,
}

/// GoHighLevel: the calendar and sub-account.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GohighlevelPolicy {
    /// Overrides the provider's base URL (tests).
    pub base_url: Option<String>,
    /// Fixed `calendarId`.
    pub calendar_id: Option<String>,
    /// Fixed `locationId`.
    pub location_id: Option<String>,
}

/// meetergo: the meeting type and who hosts it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetergoPolicy {
    /// Overrides the provider's base URL (tests).
    pub base_url: Option<String>,
    /// Fixed `meetingTypeId`.
    pub meeting_type_id: Option<String>,
    /// Fixed `hostIds` (one-on-one).
    pub host_ids: Option<Vec<String>>,
    /// Fixed `queueId` (round-robin).
    pub queue_id: Option<String>,
    /// Fixed `channel`.
    pub channel: Option<Channel>,
}

/// Cal.com: the business number and the phone agent's texts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalcomPolicy {
    /// Overrides the provider's base URL (tests).
    pub base_url: Option<String>,
    /// Fixed `yourPhoneNumber`: the number the agent calls from.
    pub your_phone_number: Option<String>,
    /// Fixed `generalPrompt`.
    pub general_prompt: Option<String>,
    /// Fixed `beginMessage`.
    pub begin_message: Option<String>,
    /// Fixed `schedulerName`.
    pub scheduler_name: Option<String>,
    /// Fixed `templateType`.
    pub template_type: Option<TemplateType>,
    /// Fixed event type: a booking's and the slots' `eventTypeId` (its slug, user and
    /// team cleared), and the phone call's `{eventTypeId}`.
    pub event_type_id: Option<i64>,
    /// Fixed team of the phone call (`{teamId}`).
    pub team_id: Option<i64>,
}

/// What the operator fixed, per provider (empty where nothing is configured).
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// iClosed.
    pub iclosed: IclosedPolicy,
    /// GoHighLevel.
    pub gohighlevel: GohighlevelPolicy,
    /// meetergo.
    pub meetergo: MeetergoPolicy,
    /// Cal.com.
    pub calcom: CalcomPolicy,
}

/// A configuration the relay refuses to start with. `Display` names the setting and the fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the config file {path}: {source}. Check the path given to --config.")]
    Read {
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML of the documented shape.
    #[error("config file {path}: {message}See README.md, \"Run the relay\", for every setting.")]
    Parse {
        /// The path.
        path: String,
        /// The TOML parser's message (names the key and line).
        message: String,
    },
    /// A setting has a bad value.
    #[error("config setting `{setting}`: {problem}. {fix}")]
    Setting {
        /// Dotted name of the setting.
        setting: String,
        /// What is wrong.
        problem: String,
        /// What to do.
        fix: String,
    },
    /// A configured provider's secret is not in the environment.
    #[error(
        "[{provider}] is configured but the environment variable {variable} is not set. \
         Export it (the provider's API key; never put it in the config file), or remove [{provider}]."
    )]
    MissingSecret {
        /// The config section.
        provider: &'static str,
        /// The variable to set.
        variable: &'static str,
    },
    /// Serve mode with nothing to serve.
    #[error(
        "serve mode needs at least one provider: add a [iclosed], [gohighlevel], [meetergo] or [calcom] \
         section to the config file (or run `booking-relay sandbox` to try it without accounts)."
    )]
    NoProvider,
    /// Serve mode without a token key.
    #[error(
        "the environment variable {TOKEN_KEY_VARIABLE} is not set or shorter than 32 characters. \
         Export a random secret of at least 32 characters (e.g. `openssl rand -hex 32`); it signs reschedule links."
    )]
    MissingTokenKey,
    /// The previous token key is set but too short.
    #[error(
        "the environment variable {PREVIOUS_TOKEN_KEY_VARIABLE} is shorter than 32 characters. \
         Set it to the exact value {TOKEN_KEY_VARIABLE} had before the rotation, or unset it."
    )]
    ShortPreviousTokenKey,
}

impl Config {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let config: Self = toml::from_str(&text).map_err(|error| ConfigError::Parse {
            path: path.display().to_string(),
            message: error.to_string(),
        })?;
        config.check()?;
        Ok(config)
    }

    /// Checks the values TOML's types cannot.
    pub fn check(&self) -> Result<(), ConfigError> {
        let setting = |setting: &str, problem: String, fix: &str| ConfigError::Setting {
            setting: setting.to_owned(),
            problem,
            fix: fix.to_owned(),
        };
        for origin in &self.allowed_origins {
            if !is_origin(origin) {
                return Err(setting(
                    "allowed_origins",
                    format!("\"{origin}\" is not an origin"),
                    "Write scheme, host and port only, like \"https://www.example.com\" (no path, no trailing slash).",
                ));
            }
        }
        for entry in &self.trusted_proxies {
            match parse_proxy(entry) {
                None => {
                    return Err(setting(
                        "trusted_proxies",
                        format!("\"{entry}\" is not an address range"),
                        "Write CIDR ranges like \"10.0.0.0/8\" or \"::1/128\", or single addresses like \"192.0.2.7\".",
                    ))
                }
                Some(net) if net.prefix_len() == 0 => {
                    return Err(setting(
                        "trusted_proxies",
                        format!(
                            "\"{entry}\" trusts every address, so any client could name itself in {}",
                            self.forwarded_header.name()
                        ),
                        "List only the addresses of your own proxies or load balancers.",
                    ))
                }
                Some(_) => {}
            }
        }
        let limits = &self.limits;
        for (name, value) in [
            ("limits.body_bytes", limits.body_bytes as u64),
            ("limits.requests_per_second", u64::from(limits.requests_per_second)),
            ("limits.burst", u64::from(limits.burst)),
            ("limits.upstream_timeout_ms", limits.upstream_timeout_ms),
            ("limits.header_read_timeout_ms", limits.header_read_timeout_ms),
            ("limits.body_read_timeout_ms", limits.body_read_timeout_ms),
            ("limits.idle_timeout_ms", limits.idle_timeout_ms),
            ("limits.max_connections", u64::from(limits.max_connections)),
            ("limits.max_in_flight", u64::from(limits.max_in_flight)),
            (
                "limits.global_requests_per_second",
                u64::from(limits.global_requests_per_second),
            ),
            ("limits.global_burst", u64::from(limits.global_burst)),
            (
                "limits.calls_per_number_per_day",
                u64::from(limits.calls_per_number_per_day),
            ),
            (
                "limits.calls_per_origin_per_day",
                u64::from(limits.calls_per_origin_per_day),
            ),
            ("limits.upstream_reply_bytes", limits.upstream_reply_bytes as u64),
            ("limits.idempotency_max_keys", limits.idempotency_max_keys as u64),
            (
                "limits.availability_cache_max_entries",
                limits.availability_cache_max_entries as u64,
            ),
        ] {
            if value == 0 {
                return Err(setting(
                    name,
                    "must be more than 0".into(),
                    "Remove it to use the default.",
                ));
            }
        }
        let lifetime = self.tokens.lifetime_days;
        if !(1..=TokenSettings::MAX_LIFETIME_DAYS).contains(&lifetime) {
            return Err(setting(
                "tokens.lifetime_days",
                format!("{lifetime} is not between 1 and {}", TokenSettings::MAX_LIFETIME_DAYS),
                "Give the days a reschedule link works, like 30, or remove it for the default (30).",
            ));
        }
        if limits.availability_cache_ms > Limits::MAX_AVAILABILITY_CACHE_MS {
            return Err(setting(
                "limits.availability_cache_ms",
                format!(
                    "{} ms is longer than {} ms: visitors would be offered times taken long ago",
                    limits.availability_cache_ms,
                    Limits::MAX_AVAILABILITY_CACHE_MS
                ),
                "Give a few seconds in milliseconds, like 5000, or 0 to turn the cache off.",
            ));
        }
        if limits.upstream_deadline_ms < limits.upstream_timeout_ms {
            return Err(setting(
                "limits.upstream_deadline_ms",
                format!(
                    "is {} ms, shorter than limits.upstream_timeout_ms ({} ms)",
                    limits.upstream_deadline_ms, limits.upstream_timeout_ms
                ),
                "Set it to a few times limits.upstream_timeout_ms (the default is 60000), or remove both.",
            ));
        }
        let base_urls = [
            (
                "iclosed.base_url",
                self.iclosed.as_ref().and_then(|p| p.base_url.as_ref()),
            ),
            (
                "gohighlevel.base_url",
                self.gohighlevel.as_ref().and_then(|p| p.base_url.as_ref()),
            ),
            (
                "meetergo.base_url",
                self.meetergo.as_ref().and_then(|p| p.base_url.as_ref()),
            ),
            (
                "calcom.base_url",
                self.calcom.as_ref().and_then(|p| p.base_url.as_ref()),
            ),
        ];
        for (name, url) in base_urls {
            if let Some(url) = url {
                if !(url.starts_with("https://") || url.starts_with("http://")) || url.ends_with('/') {
                    return Err(setting(
                        name,
                        format!("\"{url}\" is not a base URL"),
                        "Write it like \"https://api.example.com\" (no trailing slash), or remove it for the provider's own.",
                    ));
                }
            }
        }
        if let Some(number) = self.calcom.as_ref().and_then(|p| p.your_phone_number.as_ref()) {
            if !matches_phone_call_number(number) {
                return Err(setting(
                    "calcom.your_phone_number",
                    format!("\"{number}\" is not in international format"),
                    "Write + and the country code with no spaces, like \"+12125550100\".",
                ));
            }
        }
        if let Some(sandbox) = &self.sandbox {
            if sandbox.time_zone.parse::<chrono_tz::Tz>().is_err() {
                return Err(setting(
                    "sandbox.time_zone",
                    format!("\"{}\" is not an IANA time zone", sandbox.time_zone),
                    "Write a zone name like \"Europe/Berlin\" or \"America/New_York\".",
                ));
            }
            if sandbox.days.is_empty() {
                return Err(setting(
                    "sandbox.days",
                    "names no day".into(),
                    "List the days the host works, like [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"].",
                ));
            }
            if sandbox.slot_minutes == 0 {
                return Err(setting(
                    "sandbox.slot_minutes",
                    "must be more than 0".into(),
                    "Remove it to use the default (30).",
                ));
            }
        }
        if let Some(policy) = &self.calcom {
            for (name, id) in [
                ("calcom.event_type_id", policy.event_type_id),
                ("calcom.team_id", policy.team_id),
            ] {
                if id.is_some_and(|id| id < 1) {
                    return Err(setting(
                        name,
                        "must be a positive number".into(),
                        "Copy the id from Cal.com (the event type's or team's settings page), or remove it.",
                    ));
                }
            }
        }
        if let Some(policy) = &self.meetergo {
            if policy.host_ids.is_some() && policy.queue_id.is_some() {
                return Err(setting(
                    "meetergo.queue_id",
                    "is set together with meetergo.host_ids".into(),
                    "Keep host_ids for one-on-one meetings or queue_id for round-robin, not both.",
                ));
            }
        }
        Ok(())
    }

    /// The trusted proxies and their header. Entries that do not parse are left out
    /// ([`Config::check`] refuses them at start-up).
    pub fn proxies(&self) -> Proxies {
        Proxies {
            trusted: self
                .trusted_proxies
                .iter()
                .filter_map(|entry| parse_proxy(entry))
                .collect(),
            header: self.forwarded_header,
        }
    }

    /// The providers with a section in the file.
    pub fn configured(&self) -> Vec<Provider> {
        let present = [
            self.iclosed.is_some(),
            self.gohighlevel.is_some(),
            self.meetergo.is_some(),
            self.calcom.is_some(),
        ];
        Provider::ALL
            .into_iter()
            .zip(present)
            .filter_map(|(provider, present)| present.then_some(provider))
            .collect()
    }

    /// What the operator fixed.
    pub fn policy(&self) -> Policy {
        Policy {
            iclosed: self.iclosed.clone().unwrap_or_default(),
            gohighlevel: self.gohighlevel.clone().unwrap_or_default(),
            meetergo: self.meetergo.clone().unwrap_or_default(),
            calcom: self.calcom.clone().unwrap_or_default(),
        }
    }

    /// The base URL of `provider`: the configured one, or the provider's own.
    pub fn base_url(&self, provider: Provider) -> String {
        let configured = match provider {
            Provider::Iclosed => self.iclosed.as_ref().and_then(|p| p.base_url.clone()),
            Provider::Gohighlevel => self.gohighlevel.as_ref().and_then(|p| p.base_url.clone()),
            Provider::Meetergo => self.meetergo.as_ref().and_then(|p| p.base_url.clone()),
            Provider::Calcom => self.calcom.as_ref().and_then(|p| p.base_url.clone()),
        };
        configured.unwrap_or_else(|| {
            match provider {
                Provider::Iclosed => "https://public.api.iclosed.io",
                Provider::Gohighlevel => "https://services.leadconnectorhq.com",
                Provider::Meetergo => "https://api.meetergo.com",
                Provider::Calcom => "https://api.cal.com",
            }
            .to_owned()
        })
    }
}

/// Provider secrets and the token key, read from the environment.
#[derive(Clone, Default)]
pub struct Secrets {
    /// Provider → its API key.
    pub keys: HashMap<Provider, String>,
    /// Signs reschedule tokens.
    pub token_key: Vec<u8>,
    /// Verifies tokens of the key being rotated out.
    pub previous_token_key: Option<Vec<u8>>,
}

/// Secrets never reach `Debug` output (logs, panics).
impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("keys", &self.keys.keys().collect::<Vec<_>>())
            .field("token_key", &"<redacted>")
            .field(
                "previous_token_key",
                &self.previous_token_key.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl Secrets {
    /// Reads the secrets `config` needs from `env` (a lookup, so tests need not touch
    /// the process environment), refusing a configured provider without its secret.
    pub fn from_env(config: &Config, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let configured = config.configured();
        if configured.is_empty() {
            return Err(ConfigError::NoProvider);
        }
        let mut keys = HashMap::new();
        for provider in configured {
            let variable = secret_variable(provider);
            let key = env(variable)
                .filter(|key| !key.trim().is_empty())
                .ok_or(ConfigError::MissingSecret {
                    provider: provider.key(),
                    variable,
                })?;
            keys.insert(provider, key);
        }
        let token_key = env(TOKEN_KEY_VARIABLE)
            .filter(|key| key.len() >= TOKEN_KEY_MIN_LENGTH)
            .ok_or(ConfigError::MissingTokenKey)?;
        // Empty counts as unset: `RELAY_TOKEN_KEY_PREVIOUS=` is how many deployments clear one.
        let previous_token_key = match env(PREVIOUS_TOKEN_KEY_VARIABLE).filter(|key| !key.is_empty()) {
            Some(key) if key.len() < TOKEN_KEY_MIN_LENGTH => return Err(ConfigError::ShortPreviousTokenKey),
            key => key.map(String::into_bytes),
        };
        Ok(Self {
            keys,
            token_key: token_key.into_bytes(),
            previous_token_key,
        })
    }
}

/// `scheme://host[:port]`, nothing after.
fn is_origin(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.contains(['/', '?', '#', ' ', '@'])
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README points operators at this file: it must load as it stands.
    #[test]
    fn the_example_config_loads() {
        let config: Config = toml::from_str(include_str!("../relay.example.toml")).unwrap();
        config.check().unwrap();
        assert_eq!(config.configured(), Provider::ALL.to_vec());
        assert_eq!(config.policy().iclosed.event_id, Some(42));
    }

    /// Each refusal names the setting: an operator reads which line to fix.
    #[test]
    fn bad_sandbox_hours_and_deadlines_are_refused_naming_them() {
        for (text, setting) in [
            ("[sandbox]\ntime_zone = \"Mars/Olympus\"\n", "sandbox.time_zone"),
            ("[sandbox]\ndays = []\n", "sandbox.days"),
            ("[sandbox]\nslot_minutes = 0\n", "sandbox.slot_minutes"),
            (
                "[limits]\nupstream_timeout_ms = 5000\nupstream_deadline_ms = 4000\n",
                "limits.upstream_deadline_ms",
            ),
            (
                "[limits]\navailability_cache_ms = 3600000\n",
                "limits.availability_cache_ms",
            ),
            (
                "[limits]\navailability_cache_max_entries = 0\n",
                "limits.availability_cache_max_entries",
            ),
        ] {
            let config: Config = toml::from_str(text).unwrap();
            let message = config.check().expect_err(text).to_string();
            assert!(message.contains(setting), "{text}: {message}");
        }
        let error = toml::from_str::<Config>("[sandbox]\nhours = \"17:00-09:00\"\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("hours") && error.contains("09:00-17:00"), "{error}");
        let error = toml::from_str::<Config>("[sandbox]\ndays = [\"mo\"]\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("days") || error.contains("mo"), "{error}");
        let fine: Config = toml::from_str(include_str!("../../../e2e/sandbox.toml")).unwrap();
        fine.check().unwrap();
    }

    /// `0` turns the cache off: a setting, not a mistake.
    #[test]
    fn availability_cache_zero_is_off_and_a_negative_is_refused() {
        let off: Config = toml::from_str("[limits]\navailability_cache_ms = 0\n").unwrap();
        off.check().unwrap();
        assert!(off.limits.availability_cache().is_zero());
        let error = toml::from_str::<Config>("[limits]\navailability_cache_ms = -5\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("availability_cache_ms"), "{error}");
        assert_eq!(Config::default().limits.availability_cache_ms, 5_000);
    }

    #[test]
    fn unknown_settings_are_refused_by_name() {
        let error = toml::from_str::<Config>("[iclosed]\nevent = 42\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("event"), "{error}");
    }
}
