//! iClosed's wire types, with the API's own field names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::json::{Fields, FromJson, Json};

/// Body of `POST /v1/eventCalls`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCallRequest {
    /// The start in UTC with `Z` (the published pattern).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time: Option<String>,
    /// The invitee's time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// An existing contact; relay policy forbids visitors to set it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<i64>,
    /// Invitee email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Invitee phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Invitee first name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Invitee last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The event booked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<i64>,
    /// The event's link prefix (`company/meeting`), instead of `eventId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_prefix: Option<String>,
}

/// Body of `PUT /v1/eventCalls/reschedule`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RescheduleCallRequest {
    /// The call to move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The new start in UTC with `Z`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time: Option<String>,
    /// The invitee's time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Why the call moves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reschedule_reason: Option<String>,
    /// Notes for the host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The host user to move it to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
}

/// Reply to `POST /v1/eventCalls`: `{"data":{"eventCall":{…}}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateCallResponse {
    /// The envelope.
    pub data: CreateCallData,
}

/// `data` of [`CreateCallResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateCallData {
    /// The call created.
    #[serde(rename = "eventCall")]
    pub event_call: CreatedEventCall,
}

/// `data.eventCall` of [`CreateCallResponse`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedEventCall {
    /// iClosed's message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// iClosed's status number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// The call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<CreatedCall>,
}

/// `data.eventCall.data` of [`CreateCallResponse`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedCall {
    /// Start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// End.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// The call's id (used to reschedule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The closer's user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closer_id: Option<i64>,
    /// Time zone of the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Invitee email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_email: Option<String>,
    /// iClosed's token for the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The closer's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closer_name: Option<String>,
    /// Preview id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_id: Option<String>,
    /// The closer's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closer_email: Option<String>,
    /// A confirmation page for the invitee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation_link: Option<String>,
    /// Where to send the invitee after booking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
}

/// Reply to `PUT /v1/eventCalls/reschedule`: `{"data":{"eventCall":{…}}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RescheduleCallResponse {
    /// The envelope.
    pub data: RescheduleCallData,
}

/// `data` of [`RescheduleCallResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RescheduleCallData {
    /// The call as moved.
    #[serde(rename = "eventCall")]
    pub event_call: RescheduledEventCall,
}

/// `data.eventCall` of [`RescheduleCallResponse`]: the fields the widget and relay use
/// (the page lists many more; they are tolerated and dropped).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RescheduledEventCall {
    /// The call's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The event's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<i64>,
    /// The new start as iClosed writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time: Option<String>,
    /// The new start in UTC.
    #[serde(rename = "dateTimeUTC", skip_serializing_if = "Option::is_none")]
    pub date_time_utc: Option<String>,
    /// `UPCOMING`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// The event's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Duration, in `durationUnit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Unit of `duration`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_unit: Option<String>,
    /// The invitee's time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_time_zone: Option<String>,
    /// Meeting link for the invitee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_link_invitee: Option<String>,
    /// Why it moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reschedule_reason: Option<String>,
}

// The replies as the widget reads them (see `crate::json::FromJson`).

impl FromJson for CreateCallResponse {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            data: Fields::of(value)?.get("data")?,
        })
    }
}

impl FromJson for CreateCallData {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            event_call: Fields::of(value)?.get("eventCall")?,
        })
    }
}

impl FromJson for CreatedEventCall {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            message: fields.opt("message")?,
            status: fields.opt("status")?,
            data: fields.opt("data")?,
        })
    }
}

impl FromJson for CreatedCall {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            start_time: fields.opt("startTime")?,
            end_time: fields.opt("endTime")?,
            id: fields.opt("id")?,
            closer_id: fields.opt("closerId")?,
            time_zone: fields.opt("timeZone")?,
            guest_email: fields.opt("guestEmail")?,
            token: fields.opt("token")?,
            closer_name: fields.opt("closerName")?,
            preview_id: fields.opt("previewId")?,
            closer_email: fields.opt("closerEmail")?,
            confirmation_link: fields.opt("confirmationLink")?,
            redirect_url: fields.opt("redirectUrl")?,
        })
    }
}

impl FromJson for RescheduleCallResponse {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            data: Fields::of(value)?.get("data")?,
        })
    }
}

impl FromJson for RescheduleCallData {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            event_call: Fields::of(value)?.get("eventCall")?,
        })
    }
}

impl FromJson for RescheduledEventCall {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            id: fields.opt("id")?,
            event_id: fields.opt("eventId")?,
            date_time: fields.opt("dateTime")?,
            date_time_utc: fields.opt("dateTimeUTC")?,
            event_type: fields.opt("eventType")?,
            name: fields.opt("name")?,
            duration: fields.opt("duration")?,
            duration_unit: fields.opt("durationUnit")?,
            invite_time_zone: fields.opt("inviteTimeZone")?,
            location_link_invitee: fields.opt("locationLinkInvitee")?,
            reschedule_reason: fields.opt("rescheduleReason")?,
        })
    }
}

/// Body of `POST /v1/events/eventDates`: the free times of the event a `linkPrefix`
/// names, from `currentDate` on (how many days one answer covers is iClosed's choice;
/// integrators page forward with a later `currentDate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDatesRequest {
    /// The event, `username/event-name` (required: this route takes no `eventId`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_prefix: Option<String>,
    /// IANA zone the answer's dates and times are written in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// First day asked for, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_date: Option<String>,
    /// Hosts a routing form picked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional_users: Option<Vec<i64>>,
    /// Routing groups a routing form picked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_group_ids: Option<Vec<i64>>,
}

/// Reply to `POST /v1/events/eventDates`: `{"data":{"availabilities":{…},"appliedHostIds":[…]}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDatesResponse {
    /// The envelope.
    pub data: EventDatesData,
}

/// `data` of [`EventDatesResponse`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDatesData {
    /// Free start times by date: `{"2026-03-09": ["09:00", "09:30"]}`, local `HH:MM` in
    /// the request's `timeZone`.
    pub availabilities: BTreeMap<String, Vec<String>>,
    /// The hosts whose calendars were asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_host_ids: Option<Vec<HostId>>,
}

/// A host id in [`EventDatesData::applied_host_ids`]. iClosed's user ids are numbers
/// elsewhere, but no published page pins this list's type, and a reply refused for it
/// would lose the whole availability (which the relay and widget do not need it for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum HostId {
    /// A numeric id.
    Number(i64),
    /// An id written as text.
    Text(String),
}

impl FromJson for EventDatesResponse {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            data: Fields::of(value)?.get("data")?,
        })
    }
}

impl FromJson for EventDatesData {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            availabilities: fields.get("availabilities")?,
            applied_host_ids: fields.opt("appliedHostIds")?,
        })
    }
}

impl FromJson for HostId {
    fn from_json(value: &Json) -> Option<Self> {
        // `untagged`: a number, else text.
        value
            .as_i64()
            .map(Self::Number)
            .or_else(|| value.as_str().map(|text| Self::Text(text.to_owned())))
    }
}
