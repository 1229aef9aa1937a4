//! The inputs a visitor sees, per provider and flow: exactly what the provider's API
//! takes for that operation, with the label, input type and autofill hint of each.

use super::config::{Flow, Provider};
use crate::form::{FormField, VisitorForm};
use crate::time::TimeError;

/// One input of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Control {
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
    /// Extra attendees' emails, comma-separated.
    Guests,
    /// The day (`<input type=date>`).
    Date,
    /// The time of day (`<input type=time>`).
    Time,
    /// The IANA zone the date and time are read in.
    TimeZone,
    /// Why the visitor moves the booking.
    Reason,
    /// Free text for the host.
    Notes,
}

/// How a control is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// `<input type=…>` with this type.
    Input(&'static str),
    /// `<select>` of the browser's time zones.
    TimeZoneSelect,
    /// `<textarea>`.
    TextArea,
}

impl Control {
    /// The visible label.
    pub fn label(self) -> &'static str {
        match self {
            Self::FirstName => "First name",
            Self::LastName => "Last name",
            Self::Email => "Email",
            Self::Phone => "Phone",
            Self::Company => "Company",
            Self::Guests => "Guests",
            Self::Date => "Date",
            Self::Time => "Time",
            Self::TimeZone => "Time zone",
            Self::Reason => "Reason",
            Self::Notes => "Notes",
        }
    }

    /// A stable, HTML-id-safe name (`first-name`), also the input's `name`.
    pub fn name(self) -> &'static str {
        match self {
            Self::FirstName => "first-name",
            Self::LastName => "last-name",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Company => "company",
            Self::Guests => "guests",
            Self::Date => "date",
            Self::Time => "time",
            Self::TimeZone => "time-zone",
            Self::Reason => "reason",
            Self::Notes => "notes",
        }
    }

    /// What to render.
    pub fn kind(self) -> InputKind {
        match self {
            Self::Email => InputKind::Input("email"),
            Self::Phone => InputKind::Input("tel"),
            Self::Date => InputKind::Input("date"),
            Self::Time => InputKind::Input("time"),
            Self::TimeZone => InputKind::TimeZoneSelect,
            Self::Notes | Self::Reason => InputKind::TextArea,
            Self::FirstName | Self::LastName | Self::Company | Self::Guests => InputKind::Input("text"),
        }
    }

    /// The `autocomplete` token, so browsers fill what they know.
    pub fn autocomplete(self) -> &'static str {
        match self {
            Self::FirstName => "given-name",
            Self::LastName => "family-name",
            Self::Email => "email",
            Self::Phone => "tel",
            Self::Company => "organization",
            _ => "off",
        }
    }

    /// A hint under the label, where the expected shape is not obvious.
    pub fn hint(self) -> Option<&'static str> {
        match self {
            Self::Phone => Some("With + and the country code, like +1 212 555 0100."),
            Self::Guests => Some("Email addresses of anyone else to invite, separated by commas."),
            _ => None,
        }
    }

    /// The inputs of `provider`'s `flow`, in the order shown.
    pub fn for_flow(provider: Provider, flow: Flow) -> &'static [Self] {
        use Control::*;
        match (provider, flow) {
            (Provider::Iclosed, Flow::Book) => &[FirstName, LastName, Email, Phone, Date, Time, TimeZone],
            (Provider::Iclosed, _) => &[Date, Time, TimeZone, Reason, Notes],
            (Provider::Gohighlevel, Flow::Book) => {
                &[FirstName, LastName, Email, Phone, Company, Date, Time, TimeZone, Notes]
            }
            (Provider::Meetergo, Flow::Book) => &[
                FirstName, LastName, Email, Phone, Company, Guests, Date, Time, TimeZone, Notes,
            ],
            (Provider::Gohighlevel | Provider::Meetergo, _) => &[Date, Time, TimeZone],
            (Provider::Calcom, Flow::Book) => &[FirstName, LastName, Email, Phone, Guests, Date, Time, TimeZone, Notes],
            (Provider::Calcom, Flow::Reschedule) => &[Email, Date, Time, TimeZone, Reason],
            (Provider::Calcom, Flow::Call) => &[FirstName, LastName, Email, Phone, Company],
        }
    }

    /// The input a provider's field error belongs next to.
    pub fn of_field(field: FormField) -> Self {
        match field {
            FormField::FirstName => Self::FirstName,
            FormField::LastName => Self::LastName,
            FormField::Email => Self::Email,
            FormField::Phone => Self::Phone,
            FormField::Company => Self::Company,
            FormField::Notes => Self::Notes,
            FormField::Guests => Self::Guests,
            FormField::Reason => Self::Reason,
            FormField::Time => Self::Time,
            FormField::TimeZone => Self::TimeZone,
        }
    }

    /// The input a time error belongs next to.
    pub fn of_time_error(error: &TimeError) -> Self {
        match error {
            TimeError::InvalidDate => Self::Date,
            TimeError::InvalidTime | TimeError::Nonexistent { .. } => Self::Time,
            TimeError::UnknownZone => Self::TimeZone,
        }
    }

    /// This input's value in `form`, as the input shows it.
    pub fn value(self, form: &VisitorForm) -> String {
        match self {
            // Split and joined on bare commas, so the text round-trips exactly as typed.
            Self::Guests => form.guests.join(","),
            _ => self.text(form).cloned().unwrap_or_default(),
        }
    }

    /// Stores what the visitor typed into `form`.
    pub fn set(self, form: &mut VisitorForm, typed: String) {
        match self {
            Self::Guests => form.guests = typed.split(',').map(str::to_owned).collect(),
            _ => {
                if let Some(text) = self.text_mut(form) {
                    *text = typed;
                }
            }
        }
    }

    fn text(self, form: &VisitorForm) -> Option<&String> {
        Some(match self {
            Self::FirstName => &form.first_name,
            Self::LastName => &form.last_name,
            Self::Email => &form.email,
            Self::Phone => &form.phone,
            Self::Company => &form.company,
            Self::Date => &form.date,
            Self::Time => &form.time,
            Self::TimeZone => &form.time_zone,
            Self::Reason => &form.reason,
            Self::Notes => &form.notes,
            Self::Guests => return None,
        })
    }

    fn text_mut(self, form: &mut VisitorForm) -> Option<&mut String> {
        Some(match self {
            Self::FirstName => &mut form.first_name,
            Self::LastName => &mut form.last_name,
            Self::Email => &mut form.email,
            Self::Phone => &mut form.phone,
            Self::Company => &mut form.company,
            Self::Date => &mut form.date,
            Self::Time => &mut form.time,
            Self::TimeZone => &mut form.time_zone,
            Self::Reason => &mut form.reason,
            Self::Notes => &mut form.notes,
            Self::Guests => return None,
        })
    }
}
