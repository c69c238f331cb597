"""Forum forms: they validate and hand back plain data; they never save."""

from __future__ import annotations

import uuid
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, ValidationError

from engage.forms import text_area, text_field
from engage.forums.models import BODY_MAX, REASON_MAX, TITLE_MAX, Board, ReportReason
from engage.forums.services import BoardData, ForumSettings, NewPost, NewThread


def body_field(label: str = "Your post") -> Any:
    return text_area(
        label,
        "Enter your post",
        BODY_MAX,
        description="You can use Markdown: *italics*, **bold**, - lists, > quotes and links.",
    )


def reason_field(label: str = "Reason", hint: str = "") -> Any:
    return text_area(label, "Enter a reason", REASON_MAX, description=hint)


class _SubmissionKey:
    """A one-off key per form shown, so a double-click or resend saves once."""

    submission_key: HiddenField

    def _ensure_key(self) -> None:
        if not self.submission_key.data:
            self.submission_key.data = str(uuid.uuid4())

    def validate_submission_key(self, field: Any) -> None:
        try:
            field.data = str(uuid.UUID(field.data or ""))
        except ValueError as error:
            raise ValidationError(
                "This form is out of date. Copy your text, then refresh the page."
            ) from error


class _AgreeToCode:
    """First-time posters agree to the code of conduct; the field is removed otherwise."""

    agree: BooleanField

    def _ask_agreement(self, first_post: bool) -> None:
        if not first_post:
            del self.agree  # type: ignore[attr-defined]

    def validate_agree(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Confirm that you agree to follow the code of conduct")


AGREE_LABEL = "I have read the code of conduct and agree to follow it"


class ThreadForm(_SubmissionKey, _AgreeToCode, FlaskForm):
    submission_key = HiddenField()
    title = text_field("Title", "Enter a title", TITLE_MAX)
    body = body_field()
    agree = BooleanField(AGREE_LABEL, widget=GovCheckboxInput())
    submit = SubmitField("Start thread", widget=GovSubmitInput())

    def __init__(self, *args: Any, first_post: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ensure_key()
        self._ask_agreement(first_post)

    def thread_data(self) -> NewThread:
        return NewThread(self.title.data, self.body.data, self.submission_key.data)


class ReplyForm(_SubmissionKey, _AgreeToCode, FlaskForm):
    submission_key = HiddenField()
    quoted_post_id = HiddenField()
    body = body_field("Your reply")
    agree = BooleanField(AGREE_LABEL, widget=GovCheckboxInput())
    submit = SubmitField("Post reply", widget=GovSubmitInput())

    def __init__(self, *args: Any, first_post: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ensure_key()
        self._ask_agreement(first_post)

    def post_data(self) -> NewPost:
        quoted = self.quoted_post_id.data or ""
        return NewPost(
            self.body.data,
            self.submission_key.data,
            int(quoted) if quoted.isdigit() and len(quoted) < 12 else None,
        )


class EditPostForm(FlaskForm):
    body = body_field()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ReportForm(FlaskForm):
    reason = RadioField(
        "Why are you reporting this post?",
        choices=[SelectChoice(r.value, r.label) for r in ReportReason],
        validators=[InputRequired(message="Select why you are reporting this post")],
        widget=GovRadioInput(),
    )
    details = text_area(
        "Tell us more",
        None,
        REASON_MAX,
        description=(
            "Needed if you chose 'Something else'. Moderators read this; the author does not."
        ),
    )
    submit = SubmitField("Send report", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here: an empty optional field skips its own validators.
        if valid and self.reason.data == ReportReason.OTHER.value and not self.details.data:
            self.details.errors = ["Tell us what is wrong with this post"]
            return False
        return valid


class ReasonForm(FlaskForm):
    reason = reason_field("Reason", "The author sees this. It is also kept in the moderation log.")
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class OptionalReasonForm(FlaskForm):
    reason = text_area("Reason (optional)", None, REASON_MAX)
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class MoveThreadForm(FlaskForm):
    board_id = SelectField(
        "Move to board",
        coerce=int,
        validators=[InputRequired(message="Select a board")],
        widget=GovSelect(),
    )
    reason = text_area("Reason (optional)", None, REASON_MAX)
    submit = SubmitField("Move thread", widget=GovSubmitInput())

    def __init__(self, *args: Any, boards: list[Board], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board_id.choices = [SelectChoice(b.id, f"{b.area.name}: {b.name}") for b in boards]


SUSPENSION_LENGTHS = {"1": 1, "7": 7, "30": 30, "90": 90, "permanent": None}


class SuspendForm(FlaskForm):
    length = RadioField(
        "How long for?",
        choices=[
            SelectChoice("1", "1 day"),
            SelectChoice("7", "7 days"),
            SelectChoice("30", "30 days"),
            SelectChoice("90", "90 days"),
            SelectChoice("permanent", "Permanently, until a moderator lifts it"),
        ],
        validators=[InputRequired(message="Select how long to stop them posting for")],
        widget=GovRadioInput(),
    )
    reason = reason_field("Reason", "The member sees this. It is also kept in the moderation log.")
    submit = SubmitField("Stop them posting", widget=GovSubmitInput())

    @property
    def days(self) -> int | None:
        return SUSPENSION_LENGTHS[self.length.data]


class PremoderateForm(FlaskForm):
    reason = reason_field("Reason", "Kept in the moderation log.")
    submit = SubmitField("Hold their posts for approval", widget=GovSubmitInput())


class ForumSettingsForm(FlaskForm):
    description = text_area(
        "About this forum", None, 1000, description="Shown at the top of the forum."
    )
    premoderated = BooleanField(
        "Every post waits for a moderator's approval before others see it",
        widget=GovCheckboxInput(),
    )
    approve_first_posts = IntegerField(
        "How many posts by a new member wait for approval",
        description="0 means new members' posts appear straight away.",
        validators=[
            InputRequired(message="Enter a number of posts, like 3"),
            NumberRange(min=0, max=50, message="Enter a number of posts from 0 to 50"),
        ],
        widget=GovTextInput(),
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def settings(self) -> ForumSettings:
        return ForumSettings(
            self.description.data or "", bool(self.premoderated.data), self.approve_first_posts.data
        )


class CodeOfConductForm(FlaskForm):
    code_of_conduct = text_area(
        "Code of conduct",
        "Enter the code of conduct",
        BODY_MAX,
        description="You can use Markdown for lists and emphasis.",
    )
    submit = SubmitField("Save code of conduct", widget=GovSubmitInput())


class BoardForm(FlaskForm):
    name = text_field("Name", "Enter a name for the board", 80)
    description = text_field("Description", None, 300)
    position = IntegerField(
        "Order",
        description="Boards are listed from the lowest number.",
        default=0,
        validators=[
            InputRequired(message="Enter a number for the order, like 10"),
            NumberRange(min=0, max=999, message="Enter an order from 0 to 999"),
        ],
        widget=GovTextInput(),
    )
    submit = SubmitField("Save board", widget=GovSubmitInput())

    def board_data(self) -> BoardData:
        return BoardData(self.name.data, self.description.data or "", self.position.data)
