//! The sixteen operations the relay answers, from request bytes to a validated,
//! policy-applied request, and from a provider's reply to what a visitor may see.

use booking_core::{calcom, gohighlevel, iclosed, meetergo, Code, FieldError, Rejection};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::config::Policy;
use crate::error::RelayError;
use crate::zones::ChronoTz;

/// The four providers; `key()` is the relay's path prefix and config section name.
pub use booking_core::embed::Provider;

/// A request the relay accepted, with its path parameters.
// One lives per request and none is stored, so the spread of variant sizes costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// `POST /iclosed/v1/eventCalls`
    IclosedCreateCall(iclosed::CreateCallRequest),
    /// `PUT /iclosed/v1/eventCalls/reschedule`
    IclosedRescheduleCall(iclosed::RescheduleCallRequest),
    /// `POST /iclosed/v1/events/eventDates`
    IclosedEventDates(iclosed::EventDatesRequest),
    /// `POST /gohighlevel/contacts/upsert`
    GohighlevelUpsertContact(gohighlevel::UpsertContactRequest),
    /// `POST /gohighlevel/calendars/events/appointments`
    GohighlevelCreateAppointment(gohighlevel::CreateAppointmentRequest),
    /// `PUT /gohighlevel/calendars/events/appointments/{eventId}`
    GohighlevelUpdateAppointment {
        /// The appointment.
        event_id: String,
        /// The change.
        body: gohighlevel::UpdateAppointmentRequest,
    },
    /// `GET /gohighlevel/calendars/{calendarId}/free-slots`
    GohighlevelFreeSlots {
        /// The calendar.
        calendar_id: String,
        /// The range.
        query: gohighlevel::FreeSlotsQuery,
    },
    /// `POST /meetergo/v4/booking`
    MeetergoCreateBooking(meetergo::CreateBookingRequest),
    /// `POST /meetergo/v4/appointment/{id}/reschedule`
    MeetergoRescheduleAppointment {
        /// The appointment.
        id: String,
        /// The new start.
        body: meetergo::RescheduleAppointmentRequest,
    },
    /// `GET /meetergo/v4/booking-availability`
    MeetergoBookingAvailability(meetergo::BookingAvailabilityQuery),
    /// `POST /calcom/v2/bookings`
    CalcomCreateBooking(calcom::CreateBookingRequest),
    /// `POST /calcom/v2/bookings/{uid}/reschedule`
    CalcomRescheduleBooking {
        /// The booking.
        uid: String,
        /// The new start.
        body: calcom::RescheduleBookingRequest,
    },
    /// `GET /calcom/v2/slots`
    CalcomSlots(calcom::SlotsQuery),
    /// `POST /calcom/v2/slots/reservations`
    CalcomReserveSlot(calcom::ReserveSlotRequest),
    /// `DELETE /calcom/v2/slots/reservations/{uid}`
    CalcomReleaseSlot {
        /// The hold.
        uid: String,
    },
    /// `POST /calcom/v2/teams/{teamId}/event-types/{eventTypeId}/create-phone-call`
    CalcomCreatePhoneCall {
        /// The team.
        team_id: String,
        /// The team's event type.
        event_type_id: String,
        /// The call.
        body: calcom::CreatePhoneCallRequest,
    },
}

/// Which of the sixteen routes, before its body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// See [`Operation::IclosedCreateCall`].
    IclosedCreateCall,
    /// See [`Operation::IclosedRescheduleCall`].
    IclosedRescheduleCall,
    /// See [`Operation::IclosedEventDates`].
    IclosedEventDates,
    /// See [`Operation::GohighlevelUpsertContact`].
    GohighlevelUpsertContact,
    /// See [`Operation::GohighlevelCreateAppointment`].
    GohighlevelCreateAppointment,
    /// See [`Operation::GohighlevelUpdateAppointment`].
    GohighlevelUpdateAppointment,
    /// See [`Operation::GohighlevelFreeSlots`].
    GohighlevelFreeSlots,
    /// See [`Operation::MeetergoCreateBooking`].
    MeetergoCreateBooking,
    /// See [`Operation::MeetergoRescheduleAppointment`].
    MeetergoRescheduleAppointment,
    /// See [`Operation::MeetergoBookingAvailability`].
    MeetergoBookingAvailability,
    /// See [`Operation::CalcomCreateBooking`].
    CalcomCreateBooking,
    /// See [`Operation::CalcomRescheduleBooking`].
    CalcomRescheduleBooking,
    /// See [`Operation::CalcomSlots`].
    CalcomSlots,
    /// See [`Operation::CalcomReserveSlot`].
    CalcomReserveSlot,
    /// See [`Operation::CalcomReleaseSlot`].
    CalcomReleaseSlot,
    /// See [`Operation::CalcomCreatePhoneCall`].
    CalcomCreatePhoneCall,
}

impl Route {
    /// All sixteen: the contract's first table in its order, then the routes issue 15
    /// added (free times and slot holds).
    pub const ALL: [Route; 16] = [
        Route::IclosedCreateCall,
        Route::IclosedRescheduleCall,
        Route::GohighlevelUpsertContact,
        Route::GohighlevelCreateAppointment,
        Route::GohighlevelUpdateAppointment,
        Route::GohighlevelFreeSlots,
        Route::MeetergoCreateBooking,
        Route::MeetergoRescheduleAppointment,
        Route::MeetergoBookingAvailability,
        Route::CalcomCreateBooking,
        Route::CalcomRescheduleBooking,
        Route::CalcomSlots,
        Route::CalcomCreatePhoneCall,
        Route::IclosedEventDates,
        Route::CalcomReserveSlot,
        Route::CalcomReleaseSlot,
    ];

    /// The provider it belongs to.
    pub fn provider(self) -> Provider {
        use Route::*;
        match self {
            IclosedCreateCall | IclosedRescheduleCall | IclosedEventDates => Provider::Iclosed,
            GohighlevelUpsertContact
            | GohighlevelCreateAppointment
            | GohighlevelUpdateAppointment
            | GohighlevelFreeSlots => Provider::Gohighlevel,
            MeetergoCreateBooking | MeetergoRescheduleAppointment | MeetergoBookingAvailability => Provider::Meetergo,
            CalcomCreateBooking
            | CalcomRescheduleBooking
            | CalcomSlots
            | CalcomCreatePhoneCall
            | CalcomReserveSlot
            | CalcomReleaseSlot => Provider::Calcom,
        }
    }

    /// Whether it changes something upstream (and so honours `Idempotency-Key` and
    /// checks `Origin`). A slot reservation is one: a retry of a hold whose answer was
    /// lost would otherwise be refused as held, by the visitor's own first hold.
    pub fn is_write(self) -> bool {
        !self.is_availability()
    }

    /// Whether it reads a host's free times: answered from the availability cache
    /// ([`crate::cache`]) when a fresh answer to the same query is there.
    pub fn is_availability(self) -> bool {
        matches!(
            self,
            Route::IclosedEventDates
                | Route::GohighlevelFreeSlots
                | Route::MeetergoBookingAvailability
                | Route::CalcomSlots
        )
    }

    /// Whether a success changes which times are free (a booking, a move, a hold or
    /// its release), and so drops the provider's cached availability.
    pub fn changes_availability(self) -> bool {
        self.issues_token() || matches!(self, Route::CalcomReserveSlot | Route::CalcomReleaseSlot)
    }

    /// Whether the request carries a JSON body (and so must say `application/json`).
    pub fn has_body(self) -> bool {
        !matches!(
            self,
            Route::GohighlevelFreeSlots
                | Route::MeetergoBookingAvailability
                | Route::CalcomSlots
                | Route::CalcomReleaseSlot
        )
    }

    /// Whether it moves an existing booking (and so needs a `Reschedule-Token`).
    pub fn is_reschedule(self) -> bool {
        matches!(
            self,
            Route::IclosedRescheduleCall
                | Route::GohighlevelUpdateAppointment
                | Route::MeetergoRescheduleAppointment
                | Route::CalcomRescheduleBooking
        )
    }

    /// Whether a success creates or moves a booking the visitor may later move (and so
    /// is answered with a `Reschedule-Token`).
    pub fn issues_token(self) -> bool {
        self.is_reschedule()
            || matches!(
                self,
                Route::IclosedCreateCall
                    | Route::GohighlevelCreateAppointment
                    | Route::MeetergoCreateBooking
                    | Route::CalcomCreateBooking
            )
    }

    /// Fields a visitor must never set: they skip the provider's own checks, reach
    /// someone else's data, or carry the operator's secrets and prompts.
    pub fn forbidden_fields(self) -> &'static [&'static str] {
        match self {
            Route::IclosedCreateCall => &["contactId"],
            Route::IclosedRescheduleCall => &["userId"],
            Route::GohighlevelCreateAppointment | Route::GohighlevelUpdateAppointment => &[
                "ignoreFreeSlotValidation",
                "ignoreDateRange",
                "toNotify",
                "appointmentStatus",
                "assignedUserId",
            ],
            Route::MeetergoCreateBooking => &["ignoreAvailability", "skipNotifications", "attendeePendingId"],
            Route::MeetergoRescheduleAppointment => &["ignoreAvailability"],
            // Only keyed requests may choose how long a hold lasts; a visitor holding a
            // slot for a day would hide it from everyone else.
            Route::CalcomReserveSlot => &["reservationDuration"],
            Route::CalcomCreatePhoneCall => &[
                "calApiKey",
                "yourPhoneNumber",
                "generalPrompt",
                "beginMessage",
                "templateType",
                "enabled",
            ],
            _ => &[],
        }
    }

    /// Every wire name a request to this route has: path parameters, then the body's or
    /// the query's fields, dotted for nesting (`attendee.email`). The only names a
    /// provider's refusal may pass on to the visitor (see [`Route::known_field`]);
    /// `tests/audit_requests.rs` checks them against the wire types' own.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Route::IclosedCreateCall => &[
                "dateTime",
                "timeZone",
                "contactId",
                "email",
                "phoneNumber",
                "firstName",
                "lastName",
                "eventId",
                "linkPrefix",
            ],
            Route::IclosedRescheduleCall => &["id", "dateTime", "timeZone", "rescheduleReason", "notes", "userId"],
            Route::IclosedEventDates => &[
                "linkPrefix",
                "timeZone",
                "currentDate",
                "conditionalUsers",
                "routingGroupIds",
            ],
            Route::GohighlevelUpsertContact => &[
                "locationId",
                "firstName",
                "lastName",
                "name",
                "email",
                "phone",
                "timezone",
                "companyName",
                "source",
            ],
            Route::GohighlevelCreateAppointment => &[
                "calendarId",
                "locationId",
                "contactId",
                "startTime",
                "endTime",
                "title",
                "meetingLocationType",
                "meetingLocationId",
                "overrideLocationConfig",
                "appointmentStatus",
                "assignedUserId",
                "description",
                "address",
                "ignoreDateRange",
                "toNotify",
                "ignoreFreeSlotValidation",
                "rrule",
            ],
            Route::GohighlevelUpdateAppointment => &[
                "eventId",
                "calendarId",
                "startTime",
                "endTime",
                "title",
                "meetingLocationType",
                "meetingLocationId",
                "overrideLocationConfig",
                "appointmentStatus",
                "assignedUserId",
                "description",
                "address",
                "ignoreDateRange",
                "toNotify",
                "ignoreFreeSlotValidation",
                "rrule",
            ],
            Route::GohighlevelFreeSlots => &["calendarId", "startDate", "endDate", "timezone", "userId"],
            Route::MeetergoCreateBooking => &[
                "attendee",
                "attendee.email",
                "attendee.receiveReminders",
                "attendee.notes",
                "attendee.firstname",
                "attendee.lastname",
                "attendee.fullname",
                "attendee.bringalongEmails",
                "attendee.phone",
                "attendee.language",
                "attendee.timezone",
                "attendee.dataPolicyAccepted",
                "meetingTypeId",
                "start",
                "hostIds",
                "appointmentId",
                "location",
                "queueId",
                "channel",
                "duration",
                "routingFormId",
                "ignoreAvailability",
                "attendeePendingId",
                "paymentId",
                "resourceChannelIds",
                "oneTimeLinkId",
                "skipNotifications",
                "icsTitle",
                "icsDescription",
            ],
            Route::MeetergoRescheduleAppointment => &["id", "start", "ignoreAvailability"],
            Route::MeetergoBookingAvailability => &[
                "meetingTypeId",
                "start",
                "end",
                "timezone",
                "hostIds",
                "queueId",
                "existingAppointmentId",
            ],
            Route::CalcomCreateBooking => &[
                "start",
                "eventTypeId",
                "eventTypeSlug",
                "username",
                "teamSlug",
                "organizationSlug",
                "attendee",
                "attendee.name",
                "attendee.email",
                "attendee.timeZone",
                "attendee.phoneNumber",
                "attendee.language",
                "guests",
                "metadata",
                "bookingFieldsResponses",
                "lengthInMinutes",
            ],
            Route::CalcomRescheduleBooking => &["uid", "start", "rescheduledBy", "reschedulingReason"],
            Route::CalcomSlots => &[
                "start",
                "end",
                "eventTypeId",
                "eventTypeSlug",
                "username",
                "teamSlug",
                "organizationSlug",
                "timeZone",
                "duration",
                "format",
                "bookingUidToReschedule",
            ],
            Route::CalcomReserveSlot => &["eventTypeId", "slotStart", "slotDuration", "reservationDuration"],
            Route::CalcomReleaseSlot => &["uid"],
            Route::CalcomCreatePhoneCall => &[
                "teamId",
                "eventTypeId",
                "yourPhoneNumber",
                "numberToCall",
                "calApiKey",
                "enabled",
                "templateType",
                "schedulerName",
                "guestName",
                "guestEmail",
                "guestCompany",
                "beginMessage",
                "generalPrompt",
            ],
        }
    }

    /// The field of this route a provider's error names, as one of our own strings: the
    /// longest dotted prefix of `named` in [`Route::fields`] (`guests.1` is `guests`,
    /// `metadata.anything` is `metadata`), unless it is a field the visitor may not set.
    /// Anything else (a header, a key, a made-up name) is `None`: provider text never
    /// becomes a field name.
    pub fn known_field(self, named: &str) -> Option<&'static str> {
        let mut prefix = named;
        loop {
            if let Some(field) = self.fields().iter().find(|field| **field == prefix) {
                return (!self.forbidden_fields().contains(field)).then_some(*field);
            }
            prefix = &prefix[..prefix.rfind('.')?];
        }
    }
}

/// Path parameters of the routes that have them, in path order.
pub type PathParams = Vec<String>;

impl Operation {
    /// Reads a route's body (a JSON object) or query string. The forbidden fields the
    /// visitor set come back as broken rules, to be reported with every other one.
    ///
    /// They are judged on the typed request, the one representation that is forwarded:
    /// a second, generic parse of the same bytes can disagree with it (an unknown member
    /// serde skips but a generic parser refuses, like `"_":1e999`, would hide them).
    pub fn parse(
        route: Route,
        params: PathParams,
        body: &[u8],
        query: &str,
    ) -> Result<(Self, Vec<FieldError>), RelayError> {
        match Self::read(route, params, body, query) {
            Ok(operation) => {
                let forbidden = forbidden_errors(operation.forbidden_sent());
                Ok((operation, forbidden))
            }
            Err(RelayError::Invalid(errors)) => Err(RelayError::Invalid(
                forbidden_errors(forbidden_in_refused(route, body))
                    .into_iter()
                    .chain(errors)
                    .collect(),
            )),
            Err(error) => Err(error),
        }
    }

    /// The fields of [`Route::forbidden_fields`] this request sets (`null` is not set):
    /// read from the JSON the request is forwarded as, so that no field can reach the
    /// provider unseen.
    pub fn forbidden_sent(&self) -> Vec<&'static str> {
        let forbidden = self.route().forbidden_fields();
        if forbidden.is_empty() {
            return Vec::new();
        }
        let Some(Value::Object(sent)) = self.body_json() else {
            return Vec::new();
        };
        forbidden
            .iter()
            .copied()
            .filter(|field| sent.get(*field).is_some_and(|value| !value.is_null()))
            .collect()
    }

    /// The JSON body as it is forwarded (before policy and the relay's own fields),
    /// `None` for a query.
    fn body_json(&self) -> Option<Value> {
        let body = match self {
            Self::IclosedCreateCall(r) => serde_json::to_value(r),
            Self::IclosedRescheduleCall(r) => serde_json::to_value(r),
            Self::IclosedEventDates(r) => serde_json::to_value(r),
            Self::GohighlevelUpsertContact(r) => serde_json::to_value(r),
            Self::GohighlevelCreateAppointment(r) => serde_json::to_value(r),
            Self::GohighlevelUpdateAppointment { body, .. } => serde_json::to_value(body),
            Self::MeetergoCreateBooking(r) => serde_json::to_value(r),
            Self::MeetergoRescheduleAppointment { body, .. } => serde_json::to_value(body),
            Self::CalcomCreateBooking(r) => serde_json::to_value(r),
            Self::CalcomRescheduleBooking { body, .. } => serde_json::to_value(body),
            Self::CalcomCreatePhoneCall { body, .. } => serde_json::to_value(body),
            Self::CalcomReserveSlot(r) => serde_json::to_value(r),
            Self::GohighlevelFreeSlots { .. }
            | Self::MeetergoBookingAvailability(_)
            | Self::CalcomSlots(_)
            | Self::CalcomReleaseSlot { .. } => return None,
        };
        body.ok()
    }

    fn read(route: Route, params: PathParams, body: &[u8], query: &str) -> Result<Self, RelayError> {
        let param = |index: usize| params.get(index).cloned().unwrap_or_default();
        Ok(match route {
            Route::IclosedCreateCall => Self::IclosedCreateCall(json(body)?),
            Route::IclosedRescheduleCall => Self::IclosedRescheduleCall(json(body)?),
            Route::IclosedEventDates => Self::IclosedEventDates(json(body)?),
            Route::GohighlevelUpsertContact => Self::GohighlevelUpsertContact(json(body)?),
            Route::GohighlevelCreateAppointment => Self::GohighlevelCreateAppointment(json(body)?),
            Route::GohighlevelUpdateAppointment => Self::GohighlevelUpdateAppointment {
                event_id: param(0),
                body: json(body)?,
            },
            Route::GohighlevelFreeSlots => Self::GohighlevelFreeSlots {
                calendar_id: param(0),
                query: form(query)?,
            },
            Route::MeetergoCreateBooking => Self::MeetergoCreateBooking(json(body)?),
            Route::MeetergoRescheduleAppointment => Self::MeetergoRescheduleAppointment {
                id: param(0),
                body: json(body)?,
            },
            Route::MeetergoBookingAvailability => Self::MeetergoBookingAvailability(form(query)?),
            Route::CalcomCreateBooking => Self::CalcomCreateBooking(json(body)?),
            Route::CalcomRescheduleBooking => Self::CalcomRescheduleBooking {
                uid: param(0),
                body: json(body)?,
            },
            Route::CalcomSlots => Self::CalcomSlots(form(query)?),
            Route::CalcomReserveSlot => Self::CalcomReserveSlot(json(body)?),
            Route::CalcomReleaseSlot => Self::CalcomReleaseSlot { uid: param(0) },
            Route::CalcomCreatePhoneCall => Self::CalcomCreatePhoneCall {
                team_id: param(0),
                event_type_id: param(1),
                body: json(body)?,
            },
        })
    }

    /// Which route this is.
    pub fn route(&self) -> Route {
        match self {
            Self::IclosedCreateCall(_) => Route::IclosedCreateCall,
            Self::IclosedRescheduleCall(_) => Route::IclosedRescheduleCall,
            Self::IclosedEventDates(_) => Route::IclosedEventDates,
            Self::GohighlevelUpsertContact(_) => Route::GohighlevelUpsertContact,
            Self::GohighlevelCreateAppointment(_) => Route::GohighlevelCreateAppointment,
            Self::GohighlevelUpdateAppointment { .. } => Route::GohighlevelUpdateAppointment,
            Self::GohighlevelFreeSlots { .. } => Route::GohighlevelFreeSlots,
            Self::MeetergoCreateBooking(_) => Route::MeetergoCreateBooking,
            Self::MeetergoRescheduleAppointment { .. } => Route::MeetergoRescheduleAppointment,
            Self::MeetergoBookingAvailability(_) => Route::MeetergoBookingAvailability,
            Self::CalcomCreateBooking(_) => Route::CalcomCreateBooking,
            Self::CalcomRescheduleBooking { .. } => Route::CalcomRescheduleBooking,
            Self::CalcomSlots(_) => Route::CalcomSlots,
            Self::CalcomReserveSlot(_) => Route::CalcomReserveSlot,
            Self::CalcomReleaseSlot { .. } => Route::CalcomReleaseSlot,
            Self::CalcomCreatePhoneCall { .. } => Route::CalcomCreatePhoneCall,
        }
    }

    /// Overrides what the operator fixed, whatever the visitor sent.
    pub fn apply_policy(&mut self, policy: &Policy) {
        let fix = |slot: &mut Option<String>, fixed: &Option<String>| {
            if fixed.is_some() {
                slot.clone_from(fixed);
            }
        };
        match self {
            Self::IclosedCreateCall(request) => {
                if let Some(event_id) = policy.iclosed.event_id {
                    request.event_id = Some(event_id);
                    request.link_prefix = None;
                } else if policy.iclosed.link_prefix.is_some() {
                    request.event_id = None;
                    fix(&mut request.link_prefix, &policy.iclosed.link_prefix);
                }
            }
            Self::IclosedRescheduleCall(_) => {}
            // The route takes a link prefix only: the operator's, when fixed, whatever
            // the visitor names (as every availability route shows the operator's
            // calendar or event). With only `event_id` fixed the relay cannot tell which
            // prefix is that event; the operator names it (see README).
            Self::IclosedEventDates(request) => fix(&mut request.link_prefix, &policy.iclosed.link_prefix),
            Self::GohighlevelUpsertContact(request) => fix(&mut request.location_id, &policy.gohighlevel.location_id),
            Self::GohighlevelCreateAppointment(request) => {
                fix(&mut request.calendar_id, &policy.gohighlevel.calendar_id);
                fix(&mut request.location_id, &policy.gohighlevel.location_id);
            }
            Self::GohighlevelUpdateAppointment { body, .. } => {
                fix(&mut body.calendar_id, &policy.gohighlevel.calendar_id)
            }
            Self::GohighlevelFreeSlots { calendar_id, .. } => {
                if let Some(fixed) = &policy.gohighlevel.calendar_id {
                    calendar_id.clone_from(fixed);
                }
            }
            Self::MeetergoCreateBooking(request) => {
                let fixed = &policy.meetergo;
                fix(&mut request.meeting_type_id, &fixed.meeting_type_id);
                if fixed.host_ids.is_some() || fixed.queue_id.is_some() {
                    request.host_ids.clone_from(&fixed.host_ids);
                    request.queue_id.clone_from(&fixed.queue_id);
                }
                if let Some(channel) = &fixed.channel {
                    request.channel = Some(channel.clone());
                }
            }
            Self::MeetergoRescheduleAppointment { .. } => {}
            Self::MeetergoBookingAvailability(query) => {
                fix(&mut query.meeting_type_id, &policy.meetergo.meeting_type_id)
            }
            // A fixed event type is named by id alone: a slug, user or team the visitor
            // sends could name another one (and Cal.com refuses two ways at once).
            Self::CalcomCreateBooking(request) => {
                if let Some(event_type_id) = policy.calcom.event_type_id {
                    request.event_type_id = Some(event_type_id);
                    request.event_type_slug = None;
                    request.username = None;
                    request.team_slug = None;
                    request.organization_slug = None;
                }
            }
            Self::CalcomSlots(query) => {
                if let Some(event_type_id) = policy.calcom.event_type_id {
                    query.event_type_id = Some(event_type_id);
                    query.event_type_slug = None;
                    query.username = None;
                    query.team_slug = None;
                    query.organization_slug = None;
                }
            }
            Self::CalcomReserveSlot(request) => {
                if let Some(event_type_id) = policy.calcom.event_type_id {
                    request.event_type_id = Some(event_type_id);
                }
            }
            Self::CalcomRescheduleBooking { .. } | Self::CalcomReleaseSlot { .. } => {}
            Self::CalcomCreatePhoneCall {
                team_id,
                event_type_id,
                body,
            } => {
                let fixed = &policy.calcom;
                // The call is made with the operator's key: only on the operator's team
                // and event type.
                if let Some(fixed) = fixed.team_id {
                    *team_id = fixed.to_string();
                }
                if let Some(fixed) = fixed.event_type_id {
                    *event_type_id = fixed.to_string();
                }
                fix(&mut body.your_phone_number, &fixed.your_phone_number);
                fix(&mut body.general_prompt, &fixed.general_prompt);
                fix(&mut body.begin_message, &fixed.begin_message);
                fix(&mut body.scheduler_name, &fixed.scheduler_name);
                if let Some(template) = &fixed.template_type {
                    body.template_type = Some(template.clone());
                }
            }
        }
    }

    /// Every broken rule, as `booking-core` finds them. `calApiKey` is not the
    /// visitor's to send: the relay adds it on the way out, so its absence is no error.
    pub fn validate(&self) -> Vec<FieldError> {
        let zones = ChronoTz;
        match self {
            Self::IclosedCreateCall(r) => iclosed::validate_create_call(r),
            Self::IclosedRescheduleCall(r) => iclosed::validate_reschedule_call(r),
            Self::IclosedEventDates(r) => iclosed::validate_event_dates(r, &zones),
            Self::GohighlevelUpsertContact(r) => gohighlevel::validate_upsert_contact(r),
            Self::GohighlevelCreateAppointment(r) => gohighlevel::validate_create_appointment(r),
            Self::GohighlevelUpdateAppointment { event_id, body } => {
                gohighlevel::validate_update_appointment(event_id, body)
            }
            Self::GohighlevelFreeSlots { calendar_id, query } => gohighlevel::validate_free_slots(calendar_id, query),
            Self::MeetergoCreateBooking(r) => meetergo::validate_create_booking(r),
            Self::MeetergoRescheduleAppointment { id, body } => meetergo::validate_reschedule_appointment(id, body),
            Self::MeetergoBookingAvailability(q) => meetergo::validate_booking_availability(q),
            Self::CalcomCreateBooking(r) => calcom::validate_create_booking(r, &zones),
            Self::CalcomRescheduleBooking { uid, body } => calcom::validate_reschedule_booking(uid, body),
            Self::CalcomSlots(q) => calcom::validate_slots(q, &zones),
            Self::CalcomReserveSlot(r) => calcom::validate_reserve_slot(r),
            Self::CalcomReleaseSlot { uid } => calcom::validate_release_slot(uid),
            Self::CalcomCreatePhoneCall {
                team_id,
                event_type_id,
                body,
            } => calcom::validate_create_phone_call(team_id, event_type_id, body)
                .into_iter()
                .filter(|error| error.field != "calApiKey")
                .collect(),
        }
    }

    /// What an availability answer depends on, for the cache: the route and the query
    /// as it goes upstream (after policy, so a visitor's overwritten calendar does not
    /// split the cache, and in the wire type's fixed field order); `None` for any other
    /// route.
    pub fn availability_key(&self) -> Option<String> {
        let query = match self {
            Self::IclosedEventDates(r) => serde_json::to_string(r),
            Self::GohighlevelFreeSlots { calendar_id, query } => serde_json::to_string(&(calendar_id, query)),
            Self::MeetergoBookingAvailability(q) => serde_json::to_string(q),
            Self::CalcomSlots(q) => serde_json::to_string(q),
            _ => return None,
        };
        Some(format!("{:?} {}", self.route(), query.ok()?))
    }

    /// The visitor's email or phone, for masked logs.
    pub fn visitor_contact(&self) -> Option<String> {
        match self {
            Self::IclosedCreateCall(r) => r.email.clone().or_else(|| r.phone_number.clone()),
            Self::GohighlevelUpsertContact(r) => r.email.clone().or_else(|| r.phone.clone()),
            Self::MeetergoCreateBooking(r) => r.attendee.as_ref().and_then(|a| a.email.clone()),
            Self::CalcomCreateBooking(r) => r
                .attendee
                .as_ref()
                .and_then(|a| a.email.clone().or_else(|| a.phone_number.clone())),
            Self::CalcomRescheduleBooking { body, .. } => body.rescheduled_by.clone(),
            Self::CalcomCreatePhoneCall { body, .. } => body.number_to_call.clone(),
            _ => None,
        }
    }

    /// The booking a reschedule moves (what its token must be bound to).
    pub fn booking_to_move(&self) -> Option<String> {
        match self {
            Self::IclosedRescheduleCall(r) => r.id.map(|id| id.to_string()),
            Self::GohighlevelUpdateAppointment { event_id, .. } => Some(event_id.clone()),
            Self::MeetergoRescheduleAppointment { id, .. } => Some(id.clone()),
            Self::CalcomRescheduleBooking { uid, .. } => Some(uid.clone()),
            _ => None,
        }
    }

    /// The provider's success reply passed through the allow-list: read into
    /// `booking-core`'s reply type (which keeps only the fields it names) and written
    /// back. Also returns the id of the booking it created or moved, for the token.
    pub fn allow_reply(&self, reply: &[u8]) -> Result<(Value, Option<String>), RelayError> {
        fn keep<T: DeserializeOwned + Serialize>(
            reply: &[u8],
            id: impl Fn(&T) -> Option<String>,
        ) -> Result<(Value, Option<String>), RelayError> {
            let parsed: T = booking_core::parse_response(reply)
                .map_err(|error| RelayError::Upstream(format!("reply not in the documented shape: {error}")))?;
            let value = serde_json::to_value(&parsed).map_err(|error| RelayError::Upstream(error.to_string()))?;
            Ok((value, id(&parsed)))
        }
        fn none<T>(_: &T) -> Option<String> {
            None
        }
        match self.route() {
            Route::IclosedCreateCall => keep(reply, |r| iclosed::create_call_outcome(r).booking_id),
            Route::IclosedRescheduleCall => keep(reply, |r| iclosed::reschedule_call_outcome(r).booking_id),
            Route::IclosedEventDates => keep::<iclosed::EventDatesResponse>(reply, none),
            Route::GohighlevelUpsertContact => {
                keep::<gohighlevel::UpsertContactResponse>(reply, none).map(|(mut value, id)| {
                    // Only the id and whether it is new: never an existing contact's data.
                    if let Some(object) = value.as_object_mut() {
                        object.retain(|key, _| key == "contact" || key == "new");
                    }
                    (value, id)
                })
            }
            Route::GohighlevelCreateAppointment | Route::GohighlevelUpdateAppointment => {
                keep(reply, |r| gohighlevel::appointment_outcome(r).booking_id)
            }
            Route::GohighlevelFreeSlots => keep::<gohighlevel::FreeSlotsResponse>(reply, none),
            Route::MeetergoCreateBooking => keep(reply, |r| meetergo::create_booking_outcome(r).booking_id),
            Route::MeetergoRescheduleAppointment => {
                keep(reply, |r| meetergo::reschedule_appointment_outcome(r).booking_id)
            }
            Route::MeetergoBookingAvailability => keep::<meetergo::BookingAvailabilityResponse>(reply, none),
            Route::CalcomCreateBooking | Route::CalcomRescheduleBooking => {
                keep(reply, |r| calcom::booking_outcome(r).booking_id)
            }
            Route::CalcomSlots => keep::<calcom::SlotsResponse>(reply, none),
            Route::CalcomCreatePhoneCall => keep::<calcom::CreatePhoneCallResponse>(reply, none),
            Route::CalcomReserveSlot => keep::<calcom::ReserveSlotResponse>(reply, none),
            Route::CalcomReleaseSlot => keep::<calcom::ReleaseSlotResponse>(reply, none),
        }
    }
}

fn forbidden_errors(fields: Vec<&'static str>) -> Vec<FieldError> {
    fields
        .into_iter()
        .map(|field| FieldError::new(field, Code::Forbidden, "This field cannot be set from a web page."))
        .collect()
}

/// The forbidden fields of a body the typed parse refused for a value of the wrong
/// type, so that the visitor hears of every broken rule at once. Nothing is forwarded
/// either way: this only adds to a refusal, it never decides what reaches a provider.
fn forbidden_in_refused(route: Route, body: &[u8]) -> Vec<&'static str> {
    use std::collections::HashMap;
    let Ok(members) = serde_json::from_slice::<HashMap<String, Option<serde::de::IgnoredAny>>>(body) else {
        return Vec::new();
    };
    route
        .forbidden_fields()
        .iter()
        .copied()
        .filter(|field| matches!(members.get(*field), Some(Some(_))))
        .collect()
}

/// A JSON body into its wire type.
fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, RelayError> {
    booking_core::parse_request(body).map_err(|rejection| match rejection {
        Rejection::Malformed(error) => RelayError::Malformed(error),
        Rejection::Invalid(error) => RelayError::Invalid(vec![error]),
    })
}

/// A query string into its wire type; a value of the wrong type names its parameter.
fn form<T: DeserializeOwned>(query: &str) -> Result<T, RelayError> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = error.path().to_string();
        RelayError::invalid(
            if field.is_empty() || field == "." {
                "query"
            } else {
                &field
            },
            Code::Type,
            "This value has the wrong type.",
        )
    })
}
