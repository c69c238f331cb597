"""Forms for events, the stand form, imports, themes, responses and briefings.

Forms validate and hand back plain data; they never save.
"""

from __future__ import annotations

import re
import uuid
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from engage.conversations.clock import to_utc
from engage.conversations.models import (
    EventKind,
    ResponseStatus,
    Sentiment,
)
from engage.conversations.services import ContactDetails, EventData, NewConversation
from engage.forms import (
    GovDateField,
    PlainText,
    UKPostcode,
    clean_text,
    normalise_postcode,
    reason_field,
    text_area,
    text_field,
)
from engage.wards.models import Ward

UNKNOWN_WARD = "unknown"


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def parse_time(text: str) -> time | None:
    """ "14:30", "2.30pm", "2pm", "10am", "midday" -> a time; anything else -> None."""
    text = text.strip().lower()
    if text in ("midday", "noon", "12 noon"):
        return time(12)
    if text == "midnight":
        return time(0)
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeOfDay:
    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and parse_time(field.data) is None:
            raise ValidationError(f"{self.label} must be a real time, like 10am or 14:30")


# --- events --------------------------------------------------------------------------


class EventForm(FlaskForm):
    title = text_field("Event name", "Enter the event name", 150)
    kind = RadioField(
        "Type of event",
        choices=[SelectChoice(kind.value, kind.label) for kind in EventKind],
        validators=[InputRequired(message="Select the type of event")],
        widget=GovRadioInput(),
    )
    day = GovDateField(
        "Date",
        description="For example, 12 7 2026",
        validators=[InputRequired(message="Enter the date of the event")],
    )
    start_time = StringField(
        "Start time",
        description="For example, 10am or 14:30",
        filters=[clean_text],
        validators=[InputRequired(message="Enter the start time"), TimeOfDay("Start time")],
        widget=GovTextInput(),
    )
    end_time = StringField(
        "End time (optional)",
        filters=[clean_text],
        validators=[Optional(), TimeOfDay("End time")],
        widget=GovTextInput(),
    )
    place = text_field("Place", "Enter where the event is", 200)
    ward_ids = SelectMultipleField(
        "Wards (optional)",
        description="Leave these empty for an event for a whole area or the whole borough.",
        coerce=int,
        widget=GovCheckboxesInput(),
        validate_choice=True,
    )
    area_id = SelectField("Or a whole community forum area", coerce=int, widget=GovSelect())
    organiser = text_field("Organiser", "Enter who is organising the event", 120)
    councillor_ids = SelectMultipleField(
        "Councillors attending (optional)", coerce=int, widget=GovCheckboxesInput()
    )
    headcount = IntegerField(
        "How many people came (optional)",
        description="Fill this in after the event.",
        validators=[
            Optional(),
            NumberRange(min=0, max=1_000_000, message="Enter a number of people, like 250"),
        ],
        widget=GovTextInput(),
    )
    description = text_area("Description (optional)", None, 2000)
    submit = SubmitField("Save event", widget=GovSubmitInput())

    def __init__(
        self,
        *args: Any,
        wards: list[Ward],
        areas: list[Any],
        councillors: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ward_ids.choices = [SelectChoice(w.id, w.name) for w in wards]
        self.area_id.choices = [SelectChoice(0, "Not for a whole area")] + [
            SelectChoice(a.id, a.name) for a in areas
        ]
        self.councillor_ids.choices = [SelectChoice(c.id, c.display_name) for c in councillors]

    def validate_end_time(self, field: Any) -> None:
        start, end = parse_time(self.start_time.data or ""), parse_time(field.data or "")
        if start and end and end <= start:
            raise ValidationError("End time must be after the start time")

    def event_data(self, zone: ZoneInfo) -> EventData:
        day = self.day.data
        start = parse_time(self.start_time.data)
        end = parse_time(self.end_time.data or "")
        assert day is not None and start is not None  # both required, so set once valid
        return EventData(
            title=self.title.data,
            kind=EventKind(self.kind.data),
            starts_at=to_utc(day, start, zone),
            ends_at=to_utc(day, end, zone) if end else None,
            place=self.place.data,
            organiser=self.organiser.data,
            description=self.description.data or "",
            area_id=self.area_id.data or None,
            ward_ids=list(self.ward_ids.data or []),
            councillor_ids=list(self.councillor_ids.data or []),
            headcount=self.headcount.data,
        )


class AttendForm(FlaskForm):
    attending = HiddenField()
    submit = SubmitField("I will attend", widget=GovSubmitInput())


# --- the stand form ------------------------------------------------------------------

_PHONE = re.compile(r"^\+?[\d\s()-]{10,20}$")


class ConversationForm(FlaskForm):
    """One resident's conversation, built to be filled in quickly on a phone."""

    idempotency_key = HiddenField()
    summary = text_area(
        "What did they raise?",
        "Enter what they raised",
        500,
        description="In a sentence or two. Do not include their name or address.",
    )
    theme_ids = SelectMultipleField(
        "Themes",
        description="Select all that apply.",
        coerce=int,
        validators=[InputRequired(message="Select at least one theme")],
        widget=GovCheckboxesInput(),
    )
    postcode = StringField(
        "Their postcode (optional)",
        description="We use it to find their ward; we do not keep it.",
        filters=[normalise_postcode],
        validators=[Optional(), UKPostcode()],
        widget=GovTextInput(),
    )
    ward = SelectField("Or their ward", default="", widget=GovSelect())
    sentiment = RadioField(
        "How did they feel?",
        choices=[SelectChoice(s.value, s.label) for s in Sentiment],
        default=Sentiment.NEUTRAL.value,
        validators=[InputRequired(message="Select how they felt")],
        widget=GovRadioInput(),
    )
    wants_reply = BooleanField("They want a reply", widget=GovCheckboxInput())
    consent = BooleanField(
        "They agree to the council keeping these details to reply to them",
        widget=GovCheckboxInput(),
    )
    # No Optional() on these: it would stop the checks below that depend on wants_reply.
    contact_name = StringField(
        "Their name",
        filters=[clean_text],
        validators=[
            Length(max=120, message="Their name must be 120 characters or fewer"),
            PlainText("Their name"),
        ],
        widget=GovTextInput(),
    )
    contact_email = EmailField(
        "Email address",
        filters=[clean_text],
        validators=[Length(max=254, message="Email address must be 254 characters or fewer")],
        widget=GovTextInput(),
    )
    contact_phone = StringField("Phone number", filters=[clean_text], widget=GovTextInput())
    follow_up_owner_id = SelectField("Follow-up owner (optional)", default="", widget=GovSelect())
    submit = SubmitField("Save and log another", widget=GovSubmitInput())

    def __init__(
        self,
        *args: Any,
        themes: list[Any],
        wards: list[Ward],
        officers: list[Any],
        find_ward: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._find_ward = find_ward
        self.found_ward: Ward | None = None
        self.theme_ids.choices = [SelectChoice(t.id, t.name) for t in themes]
        self.ward.choices = (
            [SelectChoice("", "Choose their ward")]
            + [SelectChoice(str(w.id), w.name) for w in wards]
            + [SelectChoice(UNKNOWN_WARD, "Not known")]
        )
        self.follow_up_owner_id.choices = [SelectChoice("", "No one")] + [
            SelectChoice(str(o.id), o.display_name) for o in officers
        ]
        if not self.idempotency_key.data:
            self.idempotency_key.data = str(uuid.uuid4())

    def validate_idempotency_key(self, field: Any) -> None:
        try:
            field.data = str(uuid.UUID(field.data or ""))
        except ValueError as error:
            raise ValidationError("This form is out of date. Refresh the page.") from error

    def validate_ward(self, field: Any) -> None:
        if self.postcode.data and not self.postcode.errors:
            self.found_ward = self._find_ward(self.postcode.data)
            if self.found_ward is None and field.data in ("", None):
                raise ValidationError(
                    f"We do not know which ward {self.postcode.data} is in. "
                    "Choose their ward, or Not known"
                )
        elif not field.data:
            raise ValidationError(
                "Enter their postcode or choose their ward (choose Not known if they did not say)"
            )

    def validate_consent(self, field: Any) -> None:
        if self.wants_reply.data and not field.data:
            raise ValidationError("Confirm they agree to us keeping their contact details")

    def validate_contact_name(self, field: Any) -> None:
        if self.wants_reply.data and not field.data:
            raise ValidationError("Enter their name")

    def validate_contact_email(self, field: Any) -> None:
        if field.data:
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            )(self, field)
        elif self.wants_reply.data and not self.contact_phone.data:
            raise ValidationError("Enter an email address or a phone number")

    def validate_contact_phone(self, field: Any) -> None:
        if field.data and not _PHONE.match(field.data):
            raise ValidationError("Enter a phone number, like 07700 900 982")

    def ward_id(self) -> int | None:
        if self.found_ward is not None:
            return self.found_ward.id
        return int(self.ward.data) if self.ward.data not in ("", UNKNOWN_WARD, None) else None

    def conversation_data(self) -> NewConversation:
        wants_reply = bool(self.wants_reply.data)
        return NewConversation(
            summary=self.summary.data,
            theme_ids=list(self.theme_ids.data or []),
            ward_id=self.ward_id(),
            sentiment=Sentiment(self.sentiment.data),
            idempotency_key=self.idempotency_key.data,
            wants_reply=wants_reply,
            # Typed details are dropped unless they asked for a reply: keep only what we need.
            contact=ContactDetails(
                name=self.contact_name.data,
                email=self.contact_email.data or "",
                phone=self.contact_phone.data or "",
            )
            if wants_reply
            else None,
            follow_up_owner_id=int(self.follow_up_owner_id.data)
            if self.follow_up_owner_id.data
            else None,
        )


class FollowUpForm(FlaskForm):
    submit = SubmitField("Mark as replied", widget=GovSubmitInput())


class DeleteConversationForm(FlaskForm):
    reason = reason_field("Why are you deleting this conversation?")
    submit = SubmitField("Delete conversation", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    file = FileField(
        "Spreadsheet",
        description="A CSV file or an Excel workbook (.xlsx), up to 5 MB.",
        validators=[
            FileRequired(message="Choose a CSV or Excel file"),
            FileAllowed(["csv", "xlsx"], message="The file must be a CSV or an Excel (.xlsx) file"),
        ],
        widget=GovFileInput(),
    )
    event_id = SelectField("Event (optional)", coerce=int, widget=GovSelect())
    import_valid_rows = BooleanField(
        "If some rows have problems, import the rows that are right and list the rest",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Import conversations", widget=GovSubmitInput())

    def __init__(self, *args: Any, events: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event_id.choices = [SelectChoice(0, "Not from one event")] + [
            SelectChoice(e.id, f"{e.title} ({e.starts_at:%d %b %Y})") for e in events
        ]


# --- themes and settings -------------------------------------------------------------


class ThemeForm(FlaskForm):
    name = text_field("Theme name", "Enter the theme name", 80)
    keywords = text_area(
        "Keywords",
        None,
        2000,
        description=(
            "Separate keywords with commas. A keyword matches the word or its plural; end "
            "it with * to match any word starting with it, like fly-tip*. Forum posts, "
            "bids and proposals containing a keyword count towards this theme."
        ),
    )
    submit = SubmitField("Save theme", widget=GovSubmitInput())


class MergeThemesForm(FlaskForm):
    source_id = SelectField("Theme to merge", coerce=int, widget=GovSelect())
    target_id = SelectField("Merge it into", coerce=int, widget=GovSelect())
    reason = reason_field("Why are you merging these themes?")
    submit = SubmitField("Merge themes", widget=GovSubmitInput())

    def __init__(self, *args: Any, themes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [SelectChoice(t.id, t.name) for t in themes]
        self.source_id.choices = [SelectChoice(0, "Choose a theme"), *choices]
        self.target_id.choices = [SelectChoice(0, "Choose a theme"), *choices]

    def validate_source_id(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Choose the theme to merge")

    def validate_target_id(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Choose the theme to merge it into")
        if field.data == self.source_id.data:
            raise ValidationError("Choose two different themes")


class StandardThemesForm(FlaskForm):
    submit = SubmitField("Add the standard themes", widget=GovSubmitInput())


class RetentionForm(FlaskForm):
    days = IntegerField(
        "Keep contact details for (days)",
        description="Contact details are deleted this many days after they were taken.",
        validators=[
            InputRequired(message="Enter a number of days"),
            NumberRange(min=1, max=3650, message="Enter a number of days between 1 and 3650"),
        ],
        widget=GovTextInput(),
    )
    reason = reason_field("Why are you changing this?")
    submit = SubmitField("Save", widget=GovSubmitInput())


# --- priorities ----------------------------------------------------------------------


class ResponseForm(FlaskForm):
    you_said = text_area(
        "You said",
        "Enter what residents told us",
        1000,
        description="What residents told us, in a sentence, without personal details.",
    )
    we_did = text_area(
        "We did",
        "Enter what the council or its partners are doing",
        2000,
        description="What the council or its partners are doing about it.",
    )
    owner = text_field(
        "Who is doing it",
        "Enter who is doing it",
        120,
        description="A team or partner, like Street Cleansing or the Safer Neighbourhood Team.",
    )
    status = RadioField(
        "Status",
        choices=[SelectChoice(s.value, s.label) for s in ResponseStatus],
        validators=[InputRequired(message="Select the status")],
        widget=GovRadioInput(),
    )
    status_on = GovDateField(
        "Date of this status",
        validators=[InputRequired(message="Enter the date of this status")],
    )
    submit = SubmitField("Save response", widget=GovSubmitInput())


class NoteForm(FlaskForm):
    text = text_area("Add a note", "Enter your note", 2000)
    submit = SubmitField("Add note", widget=GovSubmitInput())


class ExportForm(FlaskForm):
    """A download is audited, so it is a POST with the period chosen on the page."""

    period = HiddenField()


# --- briefings -----------------------------------------------------------------------


class BriefingPreferencesForm(FlaskForm):
    parts = SelectMultipleField(
        "What do you want in your ward briefing?",
        widget=GovCheckboxesInput(),
        validate_choice=True,
    )
    monthly_email = RadioField(
        "Do you also want it by email each month?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired(message="Select yes if you want a monthly email")],
        widget=GovRadioInput(),
    )
    submit = SubmitField("Save choices", widget=GovSubmitInput())

    def __init__(self, *args: Any, parts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parts.choices = [SelectChoice(key, label) for key, label in parts]
