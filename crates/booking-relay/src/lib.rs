//! `booking-relay`: keeps the providers' secrets, enforces the operator's policy, and
//! forwards (`serve`); or stands in for all four providers in memory (`sandbox`). One
//! pipeline, two upstreams: see [`app`].

pub mod admission;
pub mod answer;
pub mod app;
pub mod cache;
pub mod client;
pub mod config;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod ops;
pub mod sandbox;
pub mod server;
pub mod token;
pub mod zones;

pub use app::{app, AppState};
pub use config::{Config, ConfigError, Secrets};
pub use error::RelayError;
