//! meetergo's wire types, with the API's own field names.

use serde::{Deserialize, Serialize};
use serde_json::Number;

use crate::json::{Fields, FromJson, Json, Object};
use crate::rules::listed_enum;

listed_enum! {
    /// `channel`: the meeting's channel or location type.
    Channel {
        /// In person at the host's place.
        Local = "local",
        /// In person at the attendee's place.
        LocalAttendee = "local-attendee",
        /// Google Meet.
        Google = "google",
        /// Zoom.
        Zoom = "zoom",
        /// The host calls.
        Phone = "phone",
        /// The attendee calls.
        PhoneIncoming = "phone-incoming",
        /// WhatsApp.
        Whatsapp = "whatsapp",
        /// meetergo Connect.
        Connect = "connect",
        /// Webex.
        Webex = "webex",
        /// Whereby.
        Whereby = "whereby",
        /// kMeet.
        Kmeet = "kmeet",
        /// Jitsi.
        Jitsi = "jitsi",
        /// Zava.
        Zava = "zava",
        /// Microsoft Teams for Business.
        TeamsForBusiness2 = "teamsForBusiness2",
        /// A custom location.
        Custom = "custom",
        /// A resource.
        Resource = "resource",
    }
}

listed_enum! {
    /// `bookingType` of a reply; absent for a normal booking.
    BookingType {
        /// The attendee must confirm from an email first.
        DoubleOptIn = "doubleOptIn",
        /// The host must accept first.
        RequireHostConfirmation = "requireHostConfirmation",
    }
}

/// Body of `POST /v4/booking`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBookingRequest {
    /// Who books.
    #[serde(
        default,
        deserialize_with = "crate::json::object_only",
        skip_serializing_if = "Option::is_none"
    )]
    pub attendee: Option<Attendee>,
    /// The meeting type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_type_id: Option<String>,
    /// Start, ISO 8601 with offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Chosen hosts (one-on-one); not together with `queueId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_ids: Option<Vec<String>>,
    /// Appointment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_id: Option<String>,
    /// Location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Round-robin queue; not together with `hostIds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<String>,
    /// Channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Minutes; the meeting type's default when left off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<Number>,
    /// Routing form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_form_id: Option<String>,
    /// Skip availability checks (relay policy forbids visitors to set it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_availability: Option<bool>,
    /// Pending attendee to delete after booking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendee_pending_id: Option<Number>,
    /// Payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// Resource channels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_channel_ids: Option<Vec<String>>,
    /// One-time link to invalidate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_time_link_id: Option<String>,
    /// Send no emails to the attendee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_notifications: Option<bool>,
    /// Calendar invite title, at most 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ics_title: Option<String>,
    /// Calendar invite description, at most 2000 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ics_description: Option<String>,
}

/// `attendee` of [`CreateBookingRequest`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attendee {
    /// Email (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether to send reminders (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receive_reminders: Option<bool>,
    /// Form answers and UTM parameters (required, may be `{}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Object>,
    /// Given name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firstname: Option<String>,
    /// Family name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lastname: Option<String>,
    /// Full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fullname: Option<String>,
    /// Guests' emails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bringalong_emails: Option<Vec<String>>,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Language (`en`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// IANA zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Whether the attendee accepted the data policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_policy_accepted: Option<bool>,
}

/// Reply to `POST /v4/booking`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBookingResponse {
    /// The appointment; absent while a double opt-in is unconfirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_id: Option<String>,
    /// Lets the attendee reschedule or cancel without an API key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The attendee's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendee_email: Option<String>,
    /// Set for double opt-in or host confirmation; absent for a normal booking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_type: Option<BookingType>,
    /// The provisional booking, when not yet confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisional_booking_id: Option<String>,
    /// Where to send the attendee, when the meeting type has a redirect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
}

/// Body of `POST /v4/appointment/{id}/reschedule`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RescheduleAppointmentRequest {
    /// New start, ISO 8601 with offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Skip availability checks (relay policy forbids visitors to set it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_availability: Option<bool>,
}

/// Reply to the reschedule: `{"appointment":{…}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RescheduleAppointmentResponse {
    /// The appointment as moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment: Option<Appointment>,
}

/// An appointment (the fields the widget uses).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// Its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// Query of `GET /v4/booking-availability`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookingAvailabilityQuery {
    /// The meeting type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_type_id: Option<String>,
    /// First day, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// IANA zone the times are written in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// The appointment being moved: its own time counts as free.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_appointment_id: Option<String>,
}

/// Reply to the availability query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingAvailabilityResponse {
    /// The zone the times are in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Bookable times by date.
    pub dates: Vec<AvailableDate>,
}

/// One date of [`BookingAvailabilityResponse`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailableDate {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Bookable start times.
    pub spots: Vec<Spot>,
}

/// One bookable time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Spot {
    /// Start, ISO 8601 with offset.
    pub start_time: String,
}

// The replies as the widget reads them (see `crate::json::FromJson`).

impl FromJson for CreateBookingResponse {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            appointment_id: fields.opt("appointmentId")?,
            secret: fields.opt("secret")?,
            attendee_email: fields.opt("attendeeEmail")?,
            booking_type: fields.opt("bookingType")?,
            provisional_booking_id: fields.opt("provisionalBookingId")?,
            redirect_url: fields.opt("redirectUrl")?,
        })
    }
}

impl FromJson for RescheduleAppointmentResponse {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            appointment: Fields::of(value)?.opt("appointment")?,
        })
    }
}

impl FromJson for Appointment {
    fn from_json(value: &Json) -> Option<Self> {
        let fields = Fields::of(value)?;
        Some(Self {
            id: fields.opt("id")?,
            start: fields.opt("start")?,
            end: fields.opt("end")?,
        })
    }
}
