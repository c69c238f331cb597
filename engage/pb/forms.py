"""Forms for processes, proposals, reviews, ballots (online and paper) and delivery.

Forms validate and hand back plain data; they never save. Ballot forms are built for
each process, with one field per project on the shortlist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
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
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from engage.forms import (
    GovDateField,
    MoneyField,
    WholeNumberField,
    clean_text,
    reason_field,
    text_area,
    text_field,
)
from engage.pb import ballots
from engage.pb.models import (
    PUBLIC_PHASES,
    BallotType,
    DeliveryStatus,
    Phase,
)
from engage.pb.services import (
    DeliveryData,
    PaperBallotData,
    ProcessData,
    ProposalData,
    ReviewData,
)


def _none_means_zero(*fields: Any) -> None:
    """A select whose object value is None (no area, no category) shows the "none" choice."""
    for field in fields:
        if field.data is None:
            field.data = 0


# --- processes -----------------------------------------------------------------------

WHOLE_COUNCIL, AREA, WARD = "council", "area", "ward"


class ProcessForm(FlaskForm):
    title = text_field(
        "Title", "Enter a title", 150, description="For example, Riverside East Decides 2026"
    )
    summary = text_area(
        "What is it for?",
        "Enter what the budget is for",
        5000,
        description="Shown at the top of the process page. You can use Markdown.",
    )
    scope = RadioField(
        "Who can take part?",
        choices=[
            SelectChoice(WHOLE_COUNCIL, "Everyone in the council area"),
            SelectChoice(AREA, "People in one community forum area"),
            SelectChoice(WARD, "People in one ward"),
        ],
        validators=[InputRequired(message="Select who can take part")],
        widget=GovRadioInput(),
    )
    area_id = SelectField("Community forum area", coerce=int, default=0, widget=GovSelect())
    ward_id = SelectField("Ward", coerce=int, default=0, widget=GovSelect())
    budget = MoneyField(
        "Budget in pounds",
        validators=[InputRequired(message="Enter the budget")],
        example="25000",
    )
    ballot_type = RadioField(
        "Type of ballot",
        choices=[SelectChoice(kind.value, kind.label) for kind in BallotType],
        validators=[InputRequired(message="Select the type of ballot")],
        widget=GovRadioInput(),
    )
    min_choices = WholeNumberField(
        "Fewest projects a voter must choose",
        default=1,
        validators=[
            InputRequired(message="Enter the fewest projects a voter must choose"),
            NumberRange(min=1, max=100, message="Enter a number from 1 to 100"),
        ],
    )
    max_choices = WholeNumberField(
        "Most projects a voter may choose or rank (optional)",
        description=(
            "Leave blank for no limit. Not used on budget ballots, where the budget is the limit."
        ),
        validators=[
            Optional(),
            NumberRange(min=1, max=100, message="Enter a number from 1 to 100"),
        ],
    )
    points_total = WholeNumberField(
        "Points each voter shares (points ballots)",
        validators=[
            Optional(),
            NumberRange(min=1, max=1000, message="Enter a number from 1 to 1,000"),
        ],
    )
    points_per_project = WholeNumberField(
        "Most points for one project (optional, points ballots)",
        validators=[
            Optional(),
            NumberRange(min=1, max=1000, message="Enter a number from 1 to 1,000"),
        ],
    )
    minimum_age = WholeNumberField(
        "Minimum age to vote (optional)",
        description=(
            "Accounts do not record ages, so voters are asked to declare they are this age or over."
        ),
        validators=[Optional(), NumberRange(min=5, max=99, message="Enter an age from 5 to 99")],
    )
    official_rule = RadioField(
        "Counting rule",
        description=(
            "Chosen before voting opens. For information, the results page also shows what "
            "the other rules would have funded."
        ),
        validators=[InputRequired(message="Select the counting rule")],
        widget=GovRadioInput(),
    )
    live_turnout = BooleanField(
        "Show how many people have voted in each ward while voting is open",
        description="Only the number of ballots; choices are never shown before the count.",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(
        self,
        *args: Any,
        areas: list[Any],
        wards: list[Any],
        rules: list[SelectChoice],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.area_id.choices = [SelectChoice(0, "Select an area")] + [
            SelectChoice(a.id, a.name) for a in areas
        ]
        self.ward_id.choices = [SelectChoice(0, "Select a ward")] + [
            SelectChoice(w.id, w.name) for w in wards
        ]
        self.official_rule.choices = rules
        _none_means_zero(self.area_id, self.ward_id)

    def validate_area_id(self, field: Any) -> None:
        if self.scope.data == AREA and not field.data:
            raise ValidationError("Select the community forum area")

    def validate_ward_id(self, field: Any) -> None:
        if self.scope.data == WARD and not field.data:
            raise ValidationError("Select the ward")

    def validate_max_choices(self, field: Any) -> None:
        if field.data is not None and self.min_choices.data and field.data < self.min_choices.data:
            raise ValidationError("The most projects must be at least the fewest")

    def validate_points_total(self, field: Any) -> None:
        if self.ballot_type.data == BallotType.CUMULATIVE.value and not field.data:
            raise ValidationError("Enter how many points each voter shares")

    def validate_points_per_project(self, field: Any) -> None:
        if field.data and self.points_total.data and field.data > self.points_total.data:
            raise ValidationError(
                "The most points for one project must not be more than the points each voter shares"
            )

    def fill_from(self, process: Any) -> None:
        self.scope.data = WARD if process.ward_id else AREA if process.area_id else WHOLE_COUNCIL
        self.area_id.data = process.area_id or 0
        self.ward_id.data = process.ward_id or 0
        self.budget.data = process.budget_pence
        self.ballot_type.data = process.ballot_type.value

    def process_data(self) -> ProcessData:
        cumulative = self.ballot_type.data == BallotType.CUMULATIVE.value
        return ProcessData(
            title=self.title.data,
            summary=self.summary.data,
            ward_id=self.ward_id.data if self.scope.data == WARD else None,
            area_id=self.area_id.data if self.scope.data == AREA else None,
            budget_pence=int(self.budget.data or 0),
            ballot_type=BallotType(self.ballot_type.data),
            min_choices=int(self.min_choices.data or 1),
            max_choices=self.max_choices.data,
            points_total=self.points_total.data if cumulative else None,
            points_per_project=self.points_per_project.data if cumulative else None,
            minimum_age=self.minimum_age.data,
            official_rule=self.official_rule.data,
            live_turnout=bool(self.live_turnout.data),
        )


class CategoryForm(FlaskForm):
    name = text_field(
        "Category name",
        "Enter the category name",
        80,
        description="For example, Parks and green spaces",
    )
    budget = MoneyField(
        "Its own budget in pounds (optional)",
        description="Leave blank if its projects compete for the main budget.",
        example="5000",
    )
    submit = SubmitField("Add category", widget=GovSubmitInput())


class TimelineForm(FlaskForm):
    """One optional date per phase; built below with a field for each."""

    submit = SubmitField("Save dates", widget=GovSubmitInput())

    def dates(self) -> dict[Phase, date | None]:
        return {phase: self[f"starts_{phase.value}"].data for phase in PUBLIC_PHASES}


for _phase in PUBLIC_PHASES:
    setattr(
        TimelineForm,
        f"starts_{_phase.value}",
        GovDateField(
            f"{_phase.label} from (optional)",
            description="For example, 1 6 2026",
            validators=[Optional()],
        ),
    )


class PhaseForm(FlaskForm):
    to = HiddenField(validators=[InputRequired(message="Choose the phase to move to")])

    def validate_to(self, field: Any) -> None:
        if field.data not in {phase.value for phase in Phase}:
            raise ValidationError("Choose the phase to move to")


# --- proposals -----------------------------------------------------------------------


class ProposalForm(FlaskForm):
    title = text_field("Project name", "Enter a name for your project", 150)
    description = text_area(
        "Describe your project",
        "Describe your project",
        5000,
        description=(
            "What would it do, who would it help and why is it needed? You can use Markdown."
        ),
    )
    location = text_field(
        "Where would it happen? (optional)",
        None,
        200,
        description="A street, park or building, for example Riverside Park playground.",
    )
    category_id = SelectField("Category", coerce=int, default=0, widget=GovSelect())
    rough_cost = MoneyField(
        "Rough cost in pounds, if you know it (optional)",
        description="Council officers will work out the full cost.",
        example="4500",
    )
    submit = SubmitField("Submit your proposal", widget=GovSubmitInput())

    def __init__(self, *args: Any, categories: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category_id.choices = [SelectChoice(0, "No category")] + [
            SelectChoice(c.id, c.name) for c in categories
        ]

    def proposal_data(self) -> ProposalData:
        return ProposalData(
            title=self.title.data,
            description=self.description.data,
            location=self.location.data or "",
            category_id=self.category_id.data or None,
            rough_cost_pence=self.rough_cost.data,
        )


class CommentForm(FlaskForm):
    body = text_area(
        "Add a comment", "Enter your comment", 2000, description="You can use Markdown."
    )
    submit = SubmitField("Post comment", widget=GovSubmitInput())


class HideForm(FlaskForm):
    reason = reason_field("Why hide it?", "Shown in its place, and kept in the audit log.")
    submit = SubmitField(
        "Hide", widget=GovSubmitInput(), render_kw={"classes": "govuk-button--warning"}
    )


class ReviewForm(FlaskForm):
    feasible = RadioField(
        "Is it feasible?",
        choices=[SelectChoice("yes", "Feasible"), SelectChoice("no", "Not feasible")],
        validators=[InputRequired(message="Select whether the proposal is feasible")],
        widget=GovRadioInput(),
    )
    estimated_cost = MoneyField(
        "Estimated cost in pounds", description="Needed for a feasible proposal.", example="12000"
    )
    reason = text_area(
        "Reason or notes for the proposer",
        None,
        2000,
        description="Needed if it is not feasible. The proposer and the public will see this.",
    )
    delivering_service = text_field(
        "Delivering service (optional)",
        None,
        120,
        description=(
            "The council service or partner that would deliver it, for example Parks and "
            "Open Spaces."
        ),
    )
    category_id = SelectField("Category", coerce=int, default=0, widget=GovSelect())
    submit = SubmitField("Save review", widget=GovSubmitInput())

    def __init__(self, *args: Any, categories: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category_id.choices = [SelectChoice(0, "No category")] + [
            SelectChoice(c.id, c.name) for c in categories
        ]
        _none_means_zero(self.category_id)

    def validate_estimated_cost(self, field: Any) -> None:
        if self.feasible.data == "yes" and not field.data:
            raise ValidationError("Enter the estimated cost")

    def validate_reason(self, field: Any) -> None:
        if self.feasible.data == "no" and not field.data:
            raise ValidationError("Enter why it is not feasible")

    def review_data(self) -> ReviewData:
        return ReviewData(
            feasible=self.feasible.data == "yes",
            reason=self.reason.data or "",
            estimated_cost_pence=self.estimated_cost.data,
            delivering_service=self.delivering_service.data or "",
            category_id=self.category_id.data or None,
        )


class MergeForm(FlaskForm):
    target_id = SelectField("Merge into", coerce=int, default=0, widget=GovSelect())
    reason = reason_field(
        "Why are they duplicates?",
        "Both proposers will be credited. This is kept in the audit log.",
    )
    submit = SubmitField("Merge proposals", widget=GovSubmitInput())

    def __init__(self, *args: Any, targets: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target_id.choices = [SelectChoice(0, "Select a proposal")] + [
            SelectChoice(p.id, f"{p.title} (number {p.id})") for p in targets
        ]

    def validate_target_id(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Select the proposal to merge into")


# --- ballots -------------------------------------------------------------------------


class ChoicesForm(FlaskForm):
    """Choices on a ballot, with one field per project (added by ``choices_form``)."""

    # Carries errors about the ballot as a whole; the page renders the fieldset.
    ballot = HiddenField()

    kind: BallotType
    projects_by_id: dict[int, ballots.Project]
    rules: ballots.BallotRules

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid:
            problems = ballots.validate(self.rules, self.projects_by_id, self.choices())
            self.ballot.errors = list(problems)
            valid = not problems
        return valid

    def choices(self) -> list[ballots.Choice]:
        if self.kind in (BallotType.APPROVAL, BallotType.KNAPSACK):
            wanted = set(self.projects.data or [])
            return [ballots.Choice(pid) for pid in self.projects_by_id if pid in wanted]
        if self.kind is BallotType.RANKED:
            ranked = [
                (int(self[f"rank_{pid}"].data), pid)
                for pid in self.projects_by_id
                if self[f"rank_{pid}"].data
            ]
            return [ballots.Choice(pid) for _, pid in sorted(ranked)]
        return [
            ballots.Choice(pid, self[f"points_{pid}"].data or 0)
            for pid in self.projects_by_id
            if self[f"points_{pid}"].data
        ]

    def fill_from(self, choices: list[tuple[int, int | None]]) -> None:
        """Show a stored ballot: [(proposal id, points)] in the voter's order."""
        if self.kind in (BallotType.APPROVAL, BallotType.KNAPSACK):
            self.projects.data = [pid for pid, _ in choices]
        elif self.kind is BallotType.RANKED:
            for rank, (pid, _) in enumerate(choices, start=1):
                if f"rank_{pid}" in self:
                    self[f"rank_{pid}"].data = str(rank)
        else:
            for pid, points in choices:
                if f"points_{pid}" in self:
                    self[f"points_{pid}"].data = points

    def project_fields(self) -> list[tuple[ballots.Project, Field]]:
        prefix = "rank_" if self.kind is BallotType.RANKED else "points_"
        return [(p, self[f"{prefix}{p.id}"]) for p in self.projects_by_id.values()]


class _Rank:
    """A number from the list, each used once: checked on the field that repeats an
    earlier one, so the error sits next to the second project given that number."""

    def __init__(self, limit: int) -> None:
        self.allowed = {str(n) for n in range(1, limit + 1)}

    def __call__(self, form: Any, field: Any) -> None:
        if not field.data:
            return
        if field.data not in self.allowed:
            raise ValidationError(f"Choose a number for {field.label.text} from the list")
        for project in form.projects_by_id.values():
            other = form[f"rank_{project.id}"]
            if other is field:
                return
            if other.data == field.data:
                raise ValidationError(
                    f"You gave {project.title} number {field.data} too. Use each number once"
                )


def choices_form(
    base: type[ChoicesForm],
    rules: ballots.BallotRules,
    projects: dict[int, ballots.Project],
    **kwargs: Any,
) -> Any:
    """A form of ``base`` with the fields this ballot needs."""

    class Form(base):  # type: ignore[valid-type, misc]
        pass

    Form.kind = rules.kind
    Form.rules = rules
    Form.projects_by_id = projects
    if rules.kind in (BallotType.APPROVAL, BallotType.KNAPSACK):
        Form.projects = SelectMultipleField(
            "Projects",
            coerce=int,
            choices=[SelectChoice(p.id, p.title) for p in projects.values()],
            validate_choice=False,
        )
    elif rules.kind is BallotType.RANKED:
        limit = ballots.limit_for(rules, len(projects))
        numbers = [SelectChoice("", "Not ranked")] + [
            SelectChoice(str(n), str(n)) for n in range(1, limit + 1)
        ]
        for project in projects.values():
            setattr(
                Form,
                f"rank_{project.id}",
                SelectField(
                    project.title,
                    choices=numbers,
                    default="",
                    validators=[_Rank(limit)],
                    widget=GovSelect(),
                    validate_choice=False,
                ),
            )
    else:
        each = rules.points_per_project or rules.points_total or 0
        for project in projects.values():
            setattr(
                Form,
                f"points_{project.id}",
                WholeNumberField(
                    f"Points for {project.title}",
                    validators=[
                        Optional(),
                        NumberRange(
                            max=each,
                            message=(
                                f"Give {project.title} no more than {ballots.plural(each, 'point')}"
                            ),
                        ),
                    ],
                ),
            )
    return Form(**kwargs)


class BallotForm(ChoicesForm):
    age_declared = BooleanField(widget=GovCheckboxInput())
    submit = SubmitField("Submit your ballot", widget=GovSubmitInput())


class PaperBallotForm(ChoicesForm):
    reference = text_field(
        "Ballot number",
        "Enter the number on the paper ballot",
        40,
        description="The number printed or written on the ballot paper or stand slip.",
    )
    ward_id = SelectField("Voter's ward", coerce=int, default=0, widget=GovSelect())
    voter_email = EmailField(
        "Email address of the voter's account (optional)",
        description="If they have an account, their paper ballot stops them also voting online.",
        filters=[clean_text],
        validators=[
            Optional(),
            Email(message="Enter an email address like name@example.org"),
            Length(max=254),
        ],
        widget=GovTextInput(),
    )
    age_declared = BooleanField(
        "The voter declared they are old enough to vote", widget=GovCheckboxInput()
    )
    submit = SubmitField("Enter ballot", widget=GovSubmitInput())

    def set_wards(self, wards: list[Any]) -> None:
        self.ward_id.choices = [SelectChoice(0, "Select a ward")] + [
            SelectChoice(w.id, w.name) for w in wards
        ]

    def validate_ward_id(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Select the voter's ward")

    def paper_data(self) -> PaperBallotData:
        return PaperBallotData(
            reference=self.reference.data,
            ward_id=self.ward_id.data,
            choices=self.choices(),
            voter_email=self.voter_email.data or "",
            age_declared=bool(self.age_declared.data),
        )


class PaperImportForm(FlaskForm):
    file = FileField(
        "CSV file of paper ballots",
        description="Columns: reference, ward, choices, and optionally email and age_declared.",
        validators=[
            FileRequired(message="Select a CSV file"),
            FileAllowed(["csv"], message="The file must be a CSV"),
        ],
        widget=GovFileInput(),
    )
    submit = SubmitField("Import ballots", widget=GovSubmitInput())


class ArchiveImportForm(FlaskForm):
    file = FileField(
        "Pabulib .pb file",
        validators=[
            FileRequired(message="Select a .pb file"),
            FileAllowed(["pb"], message="The file must be a .pb file"),
        ],
        widget=GovFileInput(),
    )
    submit = SubmitField("Import as an archived process", widget=GovSubmitInput())


class VoidForm(FlaskForm):
    reason = reason_field("Why withdraw this paper ballot?")
    submit = SubmitField("Withdraw ballot", widget=GovSubmitInput())


# --- delivery ------------------------------------------------------------------------


class DeliveryForm(FlaskForm):
    status = RadioField(
        "Status",
        choices=[SelectChoice(s.value, s.label) for s in DeliveryStatus],
        validators=[InputRequired(message="Select the status")],
        widget=GovRadioInput(),
    )
    percent_complete = WholeNumberField(
        "How complete is it, in per cent?",
        description="For a project in progress, from 0 to 99.",
        validators=[Optional(), NumberRange(min=0, max=99, message="Enter a number from 0 to 99")],
    )
    cancel_reason = text_area(
        "Why was it cancelled?", None, 2000, description="Residents will see this."
    )
    update = text_area(
        "Update for residents (optional)",
        None,
        2000,
        description="What has happened, in plain words. Shown publicly with the date.",
    )
    posted_on = GovDateField(
        "Date of the update",
        validators=[InputRequired(message="Enter the date of the update")],
    )
    submit = SubmitField("Save update", widget=GovSubmitInput())

    def validate_percent_complete(self, field: Any) -> None:
        if self.status.data == DeliveryStatus.IN_PROGRESS.value and field.data is None:
            raise ValidationError("Enter how complete the project is")

    def validate_cancel_reason(self, field: Any) -> None:
        if self.status.data == DeliveryStatus.CANCELLED.value and not field.data:
            raise ValidationError("Enter why the project was cancelled")

    def delivery_data(self) -> DeliveryData:
        return DeliveryData(
            status=DeliveryStatus(self.status.data),
            percent_complete=self.percent_complete.data,
            cancel_reason=self.cancel_reason.data or "",
            update=self.update.data or "",
            posted_on=self.posted_on.data or date.today(),
        )
