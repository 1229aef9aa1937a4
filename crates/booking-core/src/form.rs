//! The neutral side of the mapping: what a visitor fills in, whichever provider the
//! marketer uses, and what a provider's answer means to the visitor.

use serde::{Deserialize, Serialize};

use crate::calcom::{METADATA_KEY_MAX_LENGTH, METADATA_VALUE_MAX_LENGTH};
use crate::time::{LocalDateTime, TimeError, Timestamp, ZoneOffsets};

/// One visitor's form, provider-neutral. Strings are as typed; the mapping trims them
/// and leaves empty ones off the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorForm {
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Email address.
    pub email: String,
    /// Phone number as typed (`+1 212 555 0100`); see [`normalize_phone`].
    pub phone: String,
    /// Company (Cal.com's phone call takes it).
    pub company: String,
    /// Free text for the host.
    pub notes: String,
    /// Extra attendees' email addresses.
    pub guests: Vec<String>,
    /// Why the visitor reschedules.
    pub reason: String,
    /// Chosen date, `YYYY-MM-DD` (from `<input type=date>`).
    pub date: String,
    /// Chosen time, `HH:MM` (from `<input type=time>`).
    pub time: String,
    /// IANA zone the date and time are read in (`Europe/Berlin`).
    pub time_zone: String,
    /// `utm_*` parameters of the page URL, keyed by their full name (`utm_source`).
    pub utm: Utm,
}

/// The `utm_*` parameters: a map from name to value, sorted by name, written and read
/// as a JSON object like a `BTreeMap<String, String>`.
///
/// A sorted `Vec`, not a `BTreeMap`: no other map of strings is in the wasm, and the
/// map's own insert, clone and walk code cost it about 1 KB brotli for at most ten
/// entries. Same JSON, same order, same equality.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Utm(Vec<(String, String)>);

impl Utm {
    /// Sets `key` to `value`, replacing its value if it is already there.
    pub fn insert(&mut self, key: String, value: String) {
        match self.position(&key) {
            Ok(at) => self.0[at].1 = value,
            Err(at) => self.0.insert(at, (key, value)),
        }
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(name, _)| name.as_str().cmp(key))
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&String> {
        self.position(key).ok().map(|at| &self.0[at].1)
    }

    /// How many parameters there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(key, _)| key)
    }
}

/// Names and values, sorted by name.
impl<'a> IntoIterator for &'a Utm {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (String, String)>, fn(&'a (String, String)) -> Self::Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(key, value)| (key, value))
    }
}

impl FromIterator<(String, String)> for Utm {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(entries: I) -> Self {
        let mut utm = Self::default();
        for (key, value) in entries {
            utm.insert(key, value);
        }
        utm
    }
}

impl<const N: usize> From<[(String, String); N]> for Utm {
    fn from(entries: [(String, String); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl std::ops::Index<&str> for Utm {
    type Output = String;

    fn index(&self, key: &str) -> &String {
        self.get(key).expect("no such utm parameter")
    }
}

impl Serialize for Utm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Utm {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = std::collections::BTreeMap::<String, String>::deserialize(deserializer)?;
        Ok(Self(map.into_iter().collect()))
    }
}

/// Read as a `BTreeMap<String, String>` is: the last of a repeated name counts.
impl crate::json::FromJson for Utm {
    fn from_json(value: &crate::json::Json) -> Option<Self> {
        let mut utm = Self::default();
        // From the end, so that only the last of a repeated key is read, as serde_json
        // keeps it (the `BTreeMap` reader's order).
        for (key, value) in value.as_object()?.iter().rev() {
            if let Err(at) = utm.position(key) {
                utm.0.insert(at, (key.clone(), String::from_json(value)?));
            }
        }
        Some(utm)
    }
}

/// The draft the widget keeps in `sessionStorage` (written by `Serialize`), read back
/// as `Deserialize` would: every field present, of its type.
impl crate::json::FromJson for VisitorForm {
    fn from_json(value: &crate::json::Json) -> Option<Self> {
        let fields = crate::json::Fields::of(value)?;
        Some(Self {
            first_name: fields.get("first_name")?,
            last_name: fields.get("last_name")?,
            email: fields.get("email")?,
            phone: fields.get("phone")?,
            company: fields.get("company")?,
            notes: fields.get("notes")?,
            guests: fields.get("guests")?,
            reason: fields.get("reason")?,
            date: fields.get("date")?,
            time: fields.get("time")?,
            time_zone: fields.get("time_zone")?,
            utm: fields.get("utm")?,
        })
    }
}

impl VisitorForm {
    /// The instant the visitor chose: `date` and `time` read in `time_zone`.
    pub fn start(&self, offsets: &impl ZoneOffsets) -> Result<Timestamp, TimeError> {
        LocalDateTime::parse(self.date.trim(), self.time.trim())?.in_zone(self.time_zone.trim(), offsets)
    }

    /// First and last name joined, or `None` when both are blank.
    pub fn full_name(&self) -> Option<String> {
        let joined = [self.first_name.trim(), self.last_name.trim()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        (!joined.is_empty()).then_some(joined)
    }

    /// What the page URL fills in (`name`, `first_name`, `last_name`, `email`, `phone`,
    /// `notes`, `utm_*`). UTM parameters are kept within every provider's limits
    /// (Cal.com `metadata`), so a long campaign tag never blocks a booking.
    pub fn from_page_query(query: &[(String, String)]) -> Self {
        let mut form = Self::default();
        for (key, value) in query {
            let value = value.trim();
            match key.as_str() {
                "name" => {
                    let (first, last) = value.split_once(' ').unwrap_or((value, ""));
                    form.first_name = first.to_owned();
                    form.last_name = last.trim().to_owned();
                }
                "first_name" => form.first_name = value.to_owned(),
                "last_name" => form.last_name = value.to_owned(),
                "email" => form.email = value.to_owned(),
                "phone" => form.phone = value.to_owned(),
                "notes" => form.notes = value.to_owned(),
                utm if utm.starts_with("utm_")
                    && utm.encode_utf16().count() <= METADATA_KEY_MAX_LENGTH
                    && !value.is_empty()
                    && form.utm.len() < UTM_MAX_KEYS =>
                {
                    form.utm
                        .insert(utm.to_owned(), truncate_utf16(value, METADATA_VALUE_MAX_LENGTH));
                }
                _ => {}
            }
        }
        form
    }

    /// Guests' addresses, trimmed, blanks dropped.
    pub fn guest_list(&self) -> Option<Vec<String>> {
        let guests: Vec<String> = self.guests.iter().filter_map(|g| filled(g)).collect();
        (!guests.is_empty()).then_some(guests)
    }
}

/// Most `utm_*` parameters kept from a page URL (five are standard; Cal.com takes 50
/// metadata entries in all).
pub const UTM_MAX_KEYS: usize = 10;

/// `text` cut to at most `max` UTF-16 code units, never inside a character.
fn truncate_utf16(text: &str, max: usize) -> String {
    let mut units = 0;
    text.chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= max
        })
        .collect()
}

/// `text` trimmed, or `None` when nothing is left: what goes on the wire for an
/// optional field.
pub fn filled(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The wire form of a typed phone number: `+` and digits only when it starts with `+`
/// (`+1 (212) 555-0100` → `+12125550100`), otherwise the trimmed text unchanged so
/// that validation can tell the visitor to add the country code.
pub fn normalize_phone(typed: &str) -> Option<String> {
    let trimmed = filled(typed)?;
    if !trimmed.starts_with('+') {
        return Some(trimmed);
    }
    let separators = |c: char| matches!(c, ' ' | '.' | '-' | '(' | ')');
    let digits: String = trimmed[1..].chars().filter(|c| !separators(*c)).collect();
    Some(format!("+{digits}"))
}

/// Where a provider left a booking, in terms the widget can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingState {
    /// The booking is made.
    Confirmed,
    /// meetergo double opt-in: the visitor must confirm from the email first.
    AwaitingVisitorConfirmation,
    /// meetergo: the host must accept the request first.
    AwaitingHostConfirmation,
    /// Cal.com's phone agent is calling the visitor.
    CallRequested,
}

/// A provider's answer to a booking, reschedule or call request, provider-neutral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The provider's id of the booking (or call), as text.
    pub booking_id: Option<String>,
    /// The start as the provider wrote it.
    pub start: Option<String>,
    /// A page the provider offers the visitor (confirmation or redirect). Follow it only
    /// after checking its scheme; it comes from the provider, not from us.
    pub link: Option<String>,
    /// Where the booking stands.
    pub state: BookingState,
}

/// The visitor-facing inputs a wire field belongs to, for placing a provider's field
/// errors next to the right input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FormField {
    /// Given name.
    FirstName,
    /// Family name.
    LastName,
    /// Email.
    Email,
    /// Phone.
    Phone,
    /// Company.
    Company,
    /// Notes.
    Notes,
    /// Guests' emails.
    Guests,
    /// Reschedule reason.
    Reason,
    /// Date and time (the start).
    Time,
    /// Time zone.
    TimeZone,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_phone_strips_separators_after_plus_only() {
        assert_eq!(normalize_phone(" +1 (212) 555-0100 ").as_deref(), Some("+12125550100"));
        assert_eq!(normalize_phone("+49.30.1234567").as_deref(), Some("+49301234567"));
        assert_eq!(normalize_phone("030 1234567").as_deref(), Some("030 1234567"));
        assert_eq!(normalize_phone("   "), None);
    }

    #[test]
    fn full_name_skips_blank_parts() {
        let mut form = VisitorForm {
            first_name: " Ada ".into(),
            ..VisitorForm::default()
        };
        assert_eq!(form.full_name().as_deref(), Some("Ada"));
        form.last_name = "Lovelace".into();
        assert_eq!(form.full_name().as_deref(), Some("Ada Lovelace"));
        assert_eq!(VisitorForm::default().full_name(), None);
    }
}
