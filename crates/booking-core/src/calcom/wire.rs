//! Cal.com's wire types, with the API's own field names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::json::{Fields, FromJson, Json, Object};
use crate::rules::listed_enum;

listed_enum! {
    /// `attendee.language`: the languages Cal.com writes emails in.
    Language {
        /// Arabic.
        Ar = "ar",
        /// Catalan.
        Ca = "ca",
        /// German.
        De = "de",
        /// Spanish.
        Es = "es",
        /// Basque.
        Eu = "eu",
        /// Hebrew.
        He = "he",
        /// Indonesian.
        Id = "id",
        /// Japanese.
        Ja = "ja",
        /// Latvian.
        Lv = "lv",
        /// Polish.
        Pl = "pl",
        /// Romanian.
        Ro = "ro",
        /// Serbian.
        Sr = "sr",
        /// Thai.
        Th = "th",
        /// Vietnamese.
        Vi = "vi",
        /// Azerbaijani.
        Az = "az",
        /// Czech.
        Cs = "cs",
        /// Greek.
        El = "el",
        /// Latin American Spanish.
        Es419 = "es-419",
        /// Finnish.
        Fi = "fi",
        /// Croatian.
        Hr = "hr",
        /// Italian.
        It = "it",
        /// Khmer.
        Km = "km",
        /// Dutch.
        Nl = "nl",
        /// Portuguese.
        Pt = "pt",
        /// Russian.
        Ru = "ru",
        /// Swedish.
        Sv = "sv",
        /// Turkish.
        Tr = "tr",
        /// Simplified Chinese.
        ZhCn = "zh-CN",
        /// Bulgarian.
        Bg = "bg",
        /// Danish.
        Da = "da",
        /// English.
        En = "en",
        /// Estonian.
        Et = "et",
        /// French.
        Fr = "fr",
        /// Hungarian.
        Hu = "hu",
        /// Hebrew (old code).
        Iw = "iw",
        /// Korean.
        Ko = "ko",
        /// Norwegian.
        No = "no",
        /// Brazilian Portuguese.
        PtBr = "pt-BR",
        /// Slovak.
        Sk = "sk",
        /// Tamil.
        Ta = "ta",
        /// Ukrainian.
        Uk = "uk",
        /// Traditional Chinese.
        ZhTw = "zh-TW",
        /// Bengali.
        Bn = "bn",
    }
}

listed_enum! {
    /// `templateType` of the phone call.
    TemplateType {
        /// A check-in about an appointment.
        CheckInAppointment = "CHECK_IN_APPOINTMENT",
        /// The operator's own prompts.
        CustomTemplate = "CUSTOM_TEMPLATE",
    }
}

listed_enum! {
    /// `format` of the slots query.
    SlotFormat {
        /// Slots with start and end.
        Range = "range",
        /// Slots with start only.
        Time = "time",
    }
}

listed_enum! {
    /// `status` of a booking.
    BookingStatus {
        /// Cancelled.
        Cancelled = "cancelled",
        /// Booked.
        Accepted = "accepted",
        /// The host declined.
        Rejected = "rejected",
        /// Waiting for the host to confirm.
        Pending = "pending",
    }
}

/// Body of `POST /v2/bookings` (`cal-api-version: 2024-08-13`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBookingRequest {
    /// Start, ISO 8601 in UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The event type by id…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type_id: Option<i64>,
    /// …or by slug, with `username` or `teamSlug`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type_slug: Option<String>,
    /// Owner of a personal event type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Owner of a team event type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_slug: Option<String>,
    /// Organization of the user or team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_slug: Option<String>,
    /// Who books.
    #[serde(
        default,
        deserialize_with = "crate::json::object_only",
        skip_serializing_if = "Option::is_none"
    )]
    pub attendee: Option<Attendee>,
    /// Guests' emails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guests: Option<Vec<String>>,
    /// Up to 50 keys of up to 40 characters; values strings of up to 500 characters,
    /// numbers or booleans.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Object>,
    /// Answers to the event type's booking questions (`notes`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_fields_responses: Option<Object>,
    /// Length, for event types with several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length_in_minutes: Option<i64>,
}

/// `attendee` of [`CreateBookingRequest`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attendee {
    /// Name (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email, or `phoneNumber`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// IANA zone (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Phone in international format, or `email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Language of the emails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

/// Body of `POST /v2/bookings/{uid}/reschedule`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RescheduleBookingRequest {
    /// New start, ISO 8601 in UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Email of who moves it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescheduled_by: Option<String>,
    /// Why it moves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescheduling_reason: Option<String>,
}

/// Reply to creating or moving a booking: `{"status":"success","data":…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingResponse {
    /// `success`.
    pub status: String,
    /// One booking, or the occurrences of a recurring one.
    pub data: BookingData,
}

/// `data` of [`BookingResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BookingData {
    /// A single booking.
    One(Box<Booking>),
    /// A recurring booking's occurrences.
    Many(Vec<Booking>),
}

/// A booking (the fields the widget and relay use).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Booking {
    /// Numeric id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The uid (what the reschedule route takes).
    pub uid: String,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<BookingStatus>,
    /// Start, UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End, UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// The event type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type_id: Option<i64>,
    /// Where it happens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The meeting link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_url: Option<String>,
    /// The booking this one replaced (after a reschedule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescheduled_from_uid: Option<String>,
    /// Attendees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<BookingAttendee>,
}

/// One attendee of a [`Booking`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookingAttendee {
    /// Name.
    pub name: String,
    /// Email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// IANA zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}

/// Query of `GET /v2/slots` (`cal-api-version: 2024-09-04`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotsQuery {
    /// First day (`YYYY-MM-DD`) or instant (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Last day or instant (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// The event type by id…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type_id: Option<i64>,
    /// …or by slug, with `username` or `teamSlug`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type_slug: Option<String>,
    /// Owner of a personal event type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Owner of a team event type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_slug: Option<String>,
    /// Organization of the user or team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_slug: Option<String>,
    /// IANA zone the slots are written in (UTC when left off).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Length in minutes, for event types with several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// `range` or `time`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<SlotFormat>,
    /// The booking being moved (its own slot counts as free).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_uid_to_reschedule: Option<String>,
}

/// Reply to the slots query: `{"status":"success","data":{"2026-03-09":[{"start":…}]}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotsResponse {
    /// `success`.
    pub status: String,
    /// Slots by date.
    pub data: BTreeMap<String, Vec<Slot>>,
}

/// One slot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// Start, ISO 8601 with offset.
    pub start: String,
    /// End (with `format=range`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// Body of `POST /v2/slots/reservations` (`cal-api-version: 2024-09-04`): hold a slot
/// so that no one else books it meanwhile. Needs no key for a public event type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReserveSlotRequest {
    /// The event type (required: this route takes no slug).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type_id: Option<i64>,
    /// The slot's start, ISO 8601 in UTC (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot_start: Option<String>,
    /// Length in minutes, for event types with several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot_duration: Option<i64>,
    /// How long to hold it, in minutes: only for authenticated requests (the relay
    /// refuses it from a visitor; without a key Cal.com holds for 5 minutes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation_duration: Option<i64>,
}

/// Reply to a reservation: `{"status":"success","data":{…}}`, every field of `data`
/// required by the spec (`ReserveSlotOutput_2024_09_04`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReserveSlotResponse {
    /// `success`.
    pub status: String,
    /// The hold.
    pub data: ReservedSlot,
}

/// `data` of [`ReserveSlotResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReservedSlot {
    /// The event type.
    pub event_type_id: i64,
    /// Start, UTC.
    pub slot_start: String,
    /// End, UTC.
    pub slot_end: String,
    /// Length in minutes.
    pub slot_duration: i64,
    /// What `DELETE /v2/slots/reservations/{uid}` takes.
    pub reservation_uid: String,
    /// Minutes held.
    pub reservation_duration: i64,
    /// When the hold ends, UTC.
    pub reservation_until: String,
}

/// Reply to `DELETE /v2/slots/reservations/{uid}`: `{"status":"success"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseSlotResponse {
    /// `success`.
    pub status: String,
}

/// Body of `POST /v2/teams/{teamId}/event-types/{eventTypeId}/create-phone-call`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePhoneCallRequest {
    /// The business number the agent calls from (set by the relay's operator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub your_phone_number: Option<String>,
    /// The visitor's number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_to_call: Option<String>,
    /// The team's API key (added by the relay; never from a browser).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cal_api_key: Option<String>,
    /// Whether the agent is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The agent's template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_type: Option<TemplateType>,
    /// Who schedules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduler_name: Option<String>,
    /// The visitor's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_name: Option<String>,
    /// The visitor's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_email: Option<String>,
    /// The visitor's company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_company: Option<String>,
    /// The agent's first words (set by the operator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub begin_message: Option<String>,
    /// The agent's prompt (set by the operator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub general_prompt: Option<String>,
}

/// Reply to the phone call: `{"status":"success","data":{"callId":…,"agentId":…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatePhoneCallResponse {
    /// `success`.
    pub status: String,
    /// The call.
    pub data: PhoneCall,
}

/// `data` of [`CreatePhoneCallResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneCall {
    /// The call's id.
    pub call_id: String,
    /// The agent's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
}

// The replies as the widget reads them (see `crate::json::FromJson`).

impl FromJson for BookingResponse {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            status: fields.get("status")?,
            data: fields.get("data")?,
        })
    }
}

impl FromJson for BookingData {
    fn from_json(value: &Json) -> Option<Self> {
        // `untagged`: one booking (an object), else the occurrences (an array).
        FromJson::from_json(value)
            .map(Self::One)
            .or_else(|| FromJson::from_json(value).map(Self::Many))
    }
}

impl FromJson for Booking {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            id: fields.opt("id")?,
            uid: fields.get("uid")?,
            title: fields.opt("title")?,
            status: fields.opt("status")?,
            start: fields.opt("start")?,
            end: fields.opt("end")?,
            duration: fields.opt("duration")?,
            event_type_id: fields.opt("eventTypeId")?,
            location: fields.opt("location")?,
            meeting_url: fields.opt("meetingUrl")?,
            rescheduled_from_uid: fields.opt("rescheduledFromUid")?,
            attendees: fields.or_default("attendees")?,
        })
    }
}

impl FromJson for BookingAttendee {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            name: fields.get("name")?,
            email: fields.opt("email")?,
            time_zone: fields.opt("timeZone")?,
            phone_number: fields.opt("phoneNumber")?,
        })
    }
}

impl FromJson for CreatePhoneCallResponse {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            status: fields.get("status")?,
            data: fields.get("data")?,
        })
    }
}

impl FromJson for PhoneCall {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            call_id: fields.get("callId")?,
            agent_id: fields.opt("agentId")?,
        })
    }
}

impl FromJson for ReserveSlotResponse {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            status: fields.get("status")?,
            data: fields.get("data")?,
        })
    }
}

impl FromJson for ReservedSlot {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            event_type_id: fields.get("eventTypeId")?,
            slot_start: fields.get("slotStart")?,
            slot_end: fields.get("slotEnd")?,
            slot_duration: fields.get("slotDuration")?,
            reservation_uid: fields.get("reservationUid")?,
            reservation_duration: fields.get("reservationDuration")?,
            reservation_until: fields.get("reservationUntil")?,
        })
    }
}

impl FromJson for ReleaseSlotResponse {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            status: Fields::of(value)?.get("status")?,
        })
    }
}
