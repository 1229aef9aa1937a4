//! GoHighLevel's wire types, with the API's own field names.

use std::collections::BTreeMap;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use crate::json::{Fields, FromJson, Json};
use crate::rules::listed_enum;
use crate::time::parse_date;

listed_enum! {
    /// `meetingLocationType`: where the meeting happens.
    MeetingLocationType {
        /// A custom location.
        Custom = "custom",
        /// Zoom.
        Zoom = "zoom",
        /// Google Meet.
        Gmeet = "gmeet",
        /// Phone.
        Phone = "phone",
        /// A street address.
        Address = "address",
        /// Microsoft Teams.
        MsTeams = "ms_teams",
        /// Google.
        Google = "google",
    }
}

listed_enum! {
    /// `appointmentStatus` of a request.
    AppointmentStatus {
        /// New.
        New = "new",
        /// Confirmed.
        Confirmed = "confirmed",
        /// Cancelled.
        Cancelled = "cancelled",
        /// The contact showed up.
        Showed = "showed",
        /// The contact did not show up.
        Noshow = "noshow",
        /// Invalid.
        Invalid = "invalid",
    }
}

listed_enum! {
    /// `appointmentStatus` of a response (two more values than a request may send).
    AppointmentStatusReply {
        /// New.
        New = "new",
        /// Confirmed.
        Confirmed = "confirmed",
        /// Cancelled.
        Cancelled = "cancelled",
        /// The contact showed up.
        Showed = "showed",
        /// The contact did not show up.
        Noshow = "noshow",
        /// Invalid.
        Invalid = "invalid",
        /// Active.
        Active = "active",
        /// Completed.
        Completed = "completed",
    }
}

/// Body of `POST /contacts/upsert` (the fields a booking form fills).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpsertContactRequest {
    /// The sub-account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// Given name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email, one of the two keys GoHighLevel matches contacts by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone, the other key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// IANA zone of the contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// Where the contact came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Reply to `POST /contacts/upsert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpsertContactResponse {
    /// Whether the contact was created (rather than matched).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<bool>,
    /// The contact; only its id is kept (the rest is someone's personal data).
    pub contact: UpsertedContact,
    /// HighLevel's trace id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

/// `contact` of [`UpsertContactResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpsertedContact {
    /// The contact's id, for `contactId`.
    pub id: String,
}

/// Body of `POST /calendars/events/appointments`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAppointmentRequest {
    /// The calendar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_id: Option<String>,
    /// The sub-account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// The contact (from the upsert).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// Start, ISO 8601 with offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// End, ISO 8601 with offset; the calendar's slot length when left off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where the meeting happens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_location_type: Option<MeetingLocationType>,
    /// One of the calendar's location configurations (`custom_0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_location_id: Option<String>,
    /// Use the location given here instead of the calendar's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_location_config: Option<bool>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_status: Option<AppointmentStatus>,
    /// The team member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_user_id: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Skip minimum notice and date range (relay policy forbids visitors to set it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_date_range: Option<bool>,
    /// `false` skips automations (forbidden to visitors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_notify: Option<bool>,
    /// Skip slot validation (forbidden to visitors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_free_slot_validation: Option<bool>,
    /// RFC 5545 recurrence, only with `ignoreFreeSlotValidation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rrule: Option<String>,
}

/// Body of `PUT /calendars/events/appointments/{eventId}`: the create fields less
/// `locationId` and `contactId`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateAppointmentRequest {
    /// The calendar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_id: Option<String>,
    /// New start, ISO 8601 with offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// New end, ISO 8601 with offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where the meeting happens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_location_type: Option<MeetingLocationType>,
    /// One of the calendar's location configurations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_location_id: Option<String>,
    /// Use the location given here instead of the calendar's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_location_config: Option<bool>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_status: Option<AppointmentStatus>,
    /// The team member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_user_id: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Skip minimum notice and date range (forbidden to visitors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_date_range: Option<bool>,
    /// `false` skips automations (forbidden to visitors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_notify: Option<bool>,
    /// Skip slot validation (forbidden to visitors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_free_slot_validation: Option<bool>,
    /// RFC 5545 recurrence, only with `ignoreFreeSlotValidation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rrule: Option<String>,
}

/// `isRecurring`: documented as a boolean, shown as the string `"true"` in the example.
/// Read either way, always written as the boolean the spec types it as (the relay's
/// reply keeps the spec's types).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Flag {
    /// `true` / `false`.
    Bool(bool),
    /// `"true"` / `"false"`.
    Text(String),
}

impl Serialize for Flag {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(match self {
            Self::Bool(flag) => *flag,
            Self::Text(text) => text.eq_ignore_ascii_case("true"),
        })
    }
}

/// Reply to creating or moving an appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentResponse {
    /// The appointment's id (the `eventId` to move it).
    pub id: String,
    /// The calendar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_id: Option<String>,
    /// The sub-account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// The contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// Start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// End.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where the meeting happens (free text in replies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_location_type: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_status: Option<AppointmentStatusReply>,
    /// The team member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_user_id: Option<String>,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Whether it recurs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_recurring: Option<Flag>,
    /// Recurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rrule: Option<String>,
}

/// Query of `GET /calendars/{calendarId}/free-slots`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FreeSlotsQuery {
    /// First instant, epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<i64>,
    /// Last instant, epoch milliseconds (at most 31 days after `startDate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<i64>,
    /// IANA zone the slots are written in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Only this team member's slots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// Reply to the free-slots query: `{"2024-10-28":{"slots":[…]}, "traceId": …}`.
/// Keys that are not dates (`traceId`) are skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FreeSlotsResponse {
    /// Free start times (ISO 8601 with offset) by date.
    pub days: BTreeMap<String, DaySlots>,
}

/// One date of [`FreeSlotsResponse`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySlots {
    /// Start times.
    pub slots: Vec<String>,
}

impl<'de> Deserialize<'de> for FreeSlotsResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<String, serde_json::Value>::deserialize(deserializer)?;
        let mut days = BTreeMap::new();
        for (key, value) in raw {
            if parse_date(&key).is_some() {
                let day = DaySlots::deserialize(value).map_err(|error| de::Error::custom(format!("{key}: {error}")))?;
                days.insert(key, day);
            }
        }
        Ok(Self { days })
    }
}

// The replies as the widget reads them (see `crate::json::FromJson`).

impl FromJson for UpsertContactResponse {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            new: fields.opt("new")?,
            contact: fields.get("contact")?,
            trace_id: fields.opt("traceId")?,
        })
    }
}

impl FromJson for UpsertedContact {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            id: Fields::of(value)?.get("id")?,
        })
    }
}

impl FromJson for Flag {
    fn from_json(value: &Json) -> Option<Self> {
        match value {
            Json::Bool(flag) => Some(Self::Bool(*flag)),
            Json::String(text) => Some(Self::Text(text.clone())),
            _ => None,
        }
    }
}

impl FromJson for AppointmentResponse {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            id: fields.get("id")?,
            calendar_id: fields.opt("calendarId")?,
            location_id: fields.opt("locationId")?,
            contact_id: fields.opt("contactId")?,
            start_time: fields.opt("startTime")?,
            end_time: fields.opt("endTime")?,
            title: fields.opt("title")?,
            meeting_location_type: fields.opt("meetingLocationType")?,
            appointment_status: fields.opt("appointmentStatus")?,
            assigned_user_id: fields.opt("assignedUserId")?,
            address: fields.opt("address")?,
            is_recurring: fields.opt("isRecurring")?,
            rrule: fields.opt("rrule")?,
        })
    }
}
