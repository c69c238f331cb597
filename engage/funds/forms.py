"""Forms for funds, allocations, grant rules, the bid question pages and decisions.

Forms validate what was typed and hand back plain data; they never save. Each bid
question page is its own small form with ``fill(bid)`` to show saved answers and
``answers()`` for ``services.save_answers``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import (
    Field,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, ValidationError

from engage.forms import (
    GovDateField,
    MoneyField,
    WholeNumberField,
    reason_field,
    text_area,
    text_field,
)
from engage.funds.models import Bid, ProposerKind
from engage.funds.rules import SPECS
from engage.funds.services import FundData
from engage.web import format_money

YES, NO = "yes", "no"
COST_LINES = 6


def _yes_no(label: str, message: str, **kwargs: Any) -> RadioField:
    return RadioField(
        label,
        choices=[SelectChoice(YES, "Yes"), SelectChoice(NO, "No")],
        validators=[InputRequired(message=message)],
        widget=GovRadioInput(),
        **kwargs,
    )


def _as_bool(value: str | None) -> bool | None:
    return None if value not in (YES, NO) else value == YES


def _as_choice(value: bool | None) -> str | None:
    return None if value is None else (YES if value else NO)


class RequiredIf:
    """Required only when another field has a given value ("If yes, how much?")."""

    def __init__(self, other: str, value: str, message: str) -> None:
        self.other, self.value, self.message = other, value, message

    def __call__(self, form: Form, field: Field) -> None:
        if form[self.other].data == self.value and field.data in (None, ""):
            raise ValidationError(self.message)


class AnsweredIf(FlaskForm):
    """A form whose optional text fields become required by another answer. Checked
    after the field validators, because ``Optional`` stops them on empty input."""

    # (field, other field, other's value, message)
    answered_if: tuple[tuple[str, str, str, str], ...] = ()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for name, other, value, message in self.answered_if:
            if self[other].data == value and not self[name].data and not self[name].errors:
                self[name].errors = [*self[name].errors, message]
                valid = False
        return valid


def site_path(value: str, host: str) -> str | None:
    """A link to a page on this site as a path ("/forums/3"), from a path or a full
    address on this site; None for anything else (other sites, scripts, odd paths)."""
    value = value.strip()
    if not value or any(ch.isspace() or ord(ch) < 32 for ch in value) or "\\" in value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower():
            return None
    elif not value.startswith("/") or value.startswith("//"):
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return None
    return (
        path
        + (f"?{parts.query}" if parts.query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )


# --- funds, allocations and rules -------------------------------------------------------


class FundForm(FlaskForm):
    name = text_field(
        "Name", "Enter the fund's name", 150, description="For example, Local Fund 2026/27"
    )
    year_start = WholeNumberField(
        "Financial year starting in April of",
        description="For example, 2026 for the year 1 April 2026 to 31 March 2027",
        validators=[
            InputRequired(message="Enter the year the financial year starts"),
            NumberRange(min=2000, max=2100, message="Enter a year from 2000 to 2100"),
        ],
    )
    total = MoneyField(
        "Total amount in pounds",
        validators=[InputRequired(message="Enter the total amount")],
        example="500000",
    )
    opens_on = GovDateField(
        "Bids open on",
        description="For example, 1 4 2026",
        validators=[InputRequired(message="Enter the date bids open")],
    )
    closes_on = GovDateField(
        "Bids close on",
        description="For example, 31 1 2027",
        validators=[InputRequired(message="Enter the date bids close")],
    )
    corporate_aims = text_area(
        "The council's corporate aims",
        "Enter at least one corporate aim",
        4000,
        description="One aim on each line. Bids must promote at least one of them.",
    )
    decision_days = WholeNumberField(
        "Days a bid can wait for a decision",
        description="Bids waiting longer are flagged on the dashboard.",
        default=28,
        validators=[
            InputRequired(message="Enter the days a bid can wait for a decision"),
            NumberRange(min=1, max=365, message="Enter a number of days from 1 to 365"),
        ],
    )
    submit = SubmitField("Save fund", widget=GovSubmitInput())

    def validate_total(self, field: Field) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError("The total amount must be more than £0")

    def validate_closes_on(self, field: Field) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("The closing date must be on or after the opening date")

    def validate_corporate_aims(self, field: Field) -> None:
        aims = self.aims()
        if any(len(aim) > 200 for aim in aims):
            raise ValidationError("Each aim must be 200 characters or fewer")
        if len(aims) > 20:
            raise ValidationError("Enter 20 aims or fewer")
        if len(set(aims)) != len(aims):
            raise ValidationError("Enter each aim only once")

    def aims(self) -> list[str]:
        return [
            line.strip() for line in (self.corporate_aims.data or "").split("\n") if line.strip()
        ]

    @staticmethod
    def initial(fund: Any) -> dict[str, Any]:
        """The fund's settings as the form shows them (aims one to a line)."""
        return {
            "name": fund.name,
            "year_start": fund.year_start,
            "total": fund.total_pence,
            "opens_on": fund.opens_on,
            "closes_on": fund.closes_on,
            "corporate_aims": "\n".join(fund.corporate_aims),
            "decision_days": fund.decision_days,
        }

    def fund_data(self) -> FundData:
        """Call only after ``validate_on_submit()``: every field is then filled in."""
        opens_on, closes_on = self.opens_on.data, self.closes_on.data
        assert opens_on is not None and closes_on is not None
        return FundData(
            name=self.name.data or "",
            year_start=self.year_start.data or 0,
            total_pence=self.total.data or 0,
            opens_on=opens_on,
            closes_on=closes_on,
            corporate_aims=self.aims(),
            decision_days=self.decision_days.data or 0,
        )


class AllocationForm(FlaskForm):
    ward_id = SelectField("Ward", coerce=int, default=0, widget=GovSelect())
    councillor_id = SelectField(
        "Held by",
        coerce=int,
        default=0,
        description="A councillor's own allocation can be spent only by them.",
        widget=GovSelect(),
    )
    amount = MoneyField(
        "Amount in pounds",
        validators=[InputRequired(message="Enter the amount")],
        example="15000",
    )
    submit = SubmitField("Save allocation", widget=GovSubmitInput())

    def __init__(self, *args: Any, wards: list[Any], councillors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ward_id.choices = [SelectChoice(0, "Select a ward")] + [
            SelectChoice(w.id, w.name) for w in wards
        ]
        self.councillor_id.choices = [
            SelectChoice(0, "The whole ward (any of its councillors can decide)")
        ] + [
            SelectChoice(
                c.id,
                f"Councillor {c.display_name} ({', '.join(w.name for w in c.represented_wards)})",
            )
            for c in councillors
        ]

    def validate_ward_id(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Select a ward")

    def validate_amount(self, field: Field) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError("The amount must be more than £0")


class RulesForm(FlaskForm):
    """Which rules apply, and their numbers; a money field per rule parameter is added
    below from the rule specifications."""

    enabled = SelectMultipleField(
        "Rules that apply to bids",
        description="Applicants see each rule and whether their bid meets it.",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    submit = SubmitField("Save rules", widget=GovSubmitInput())

    def __init__(self, *args: Any, fund: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enabled.choices = [SelectChoice(rule.key, rule.description) for rule in fund.rules]
        if not self.is_submitted():
            self.enabled.data = [rule.key for rule in fund.rules if rule.enabled]
            for rule in fund.rules:
                for name, pence in rule.parameters.items():
                    if name in self:
                        self[name].data = pence or None

    def parameters(self) -> dict[str, int | None]:
        return {name: self[name].data for name in PARAMETER_NAMES}


PARAMETER_NAMES = []
for _spec in SPECS.values():
    for _parameter in _spec.parameters:
        PARAMETER_NAMES.append(_parameter.name)
        setattr(
            RulesForm,
            _parameter.name,
            MoneyField(f"{_parameter.label} (pounds)", description=_parameter.hint, example="500"),
        )


# --- bid question pages --------------------------------------------------------------


class ProposerForm(AnsweredIf):
    answered_if = (
        (
            "group_name",
            "proposer_kind",
            ProposerKind.COMMUNITY_GROUP.value,
            "Enter the name of the community group",
        ),
    )

    proposer_kind = RadioField(
        "Who is proposing the project?",
        validators=[InputRequired(message="Select who is proposing the project")],
        widget=GovRadioInput(),
    )
    group_name = text_field(
        "Name of the community group (if a group is proposing it)",
        None,
        150,
        description=(
            "The group is named as the proposer. The money always goes to the council "
            "service that delivers the project."
        ),
    )
    title = text_field(
        "Name of your project",
        "Enter the name of your project",
        150,
        description="For example, New benches along the Riverside walk",
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args: Any, kinds: list[ProposerKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposer_kind.choices = [SelectChoice(kind.value, KIND_LABELS[kind]) for kind in kinds]

    def fill(self, bid: Bid) -> None:
        self.proposer_kind.data = bid.proposer_kind.value

    def answers(self) -> dict[str, Any]:
        return {
            "proposer_kind": ProposerKind(self.proposer_kind.data),
            "group_name": self.group_name.data or "",
            "title": self.title.data,
        }


KIND_LABELS = {
    ProposerKind.RESIDENT: "Me, as a resident",
    ProposerKind.COMMUNITY_GROUP: "A community group I belong to",
    ProposerKind.OFFICER: "A council service, as one of its officers",
    ProposerKind.COUNCILLOR: "My ward, as its councillor",
}


class NeedForm(FlaskForm):
    local_need = text_area(
        "What local need does it meet?",
        "Enter the local need the project meets",
        3000,
        description="Who will benefit, and what difference will it make to them?",
    )
    deliverables = text_area(
        "What will be delivered?",
        "Enter what will be delivered",
        3000,
        description="For example, 6 benches and 2 bins installed along the path by June.",
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def answers(self) -> dict[str, Any]:
        return {"local_need": self.local_need.data, "deliverables": self.deliverables.data}


class WardsForm(FlaskForm):
    ward_ids = SelectMultipleField(
        "Which wards is it for?",
        description="Select all that apply. Only wards with money in this fund are listed.",
        coerce=int,
        widget=GovCheckboxesInput(),
        validate_choice=False,
        validators=[InputRequired(message="Select at least one ward")],
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args: Any, wards: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ward_ids.choices = [SelectChoice(w.id, w.name) for w in wards]

    def fill(self, bid: Bid) -> None:
        self.ward_ids.data = [ward.id for ward in bid.wards]

    def answers(self) -> dict[str, Any]:
        return {"ward_ids": list(self.ward_ids.data or [])}


class CostLineForm(Form):
    description = text_field("What it is for", None, 150)
    amount = MoneyField("Cost in pounds", example="450")

    def validate_amount(self, field: Field) -> None:
        if self.description.data and field.data is None and not field.errors:
            raise ValidationError("Enter the cost in pounds")
        if field.data is not None and field.data <= 0:
            raise ValidationError("The cost must be more than £0")


class CostsForm(FlaskForm):
    lines = FieldList(FormField(CostLineForm), min_entries=COST_LINES, max_entries=COST_LINES)
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def validate_lines(self, field: Field) -> None:
        unnamed = [
            entry.form.description
            for entry in field.entries
            if entry.form.amount.data and not entry.form.description.data
        ]
        for description in unnamed:
            description.errors = ["Enter what this cost is for"]
        if unnamed:
            raise ValidationError("Enter what each cost is for")
        if not self.cost_lines() and not any(entry.errors for entry in field.entries):
            raise ValidationError("Enter at least one cost")

    def fill(self, bid: Bid) -> None:
        for entry, line in zip(self.lines.entries, bid.cost_lines, strict=False):
            entry.form.description.data = line.description
            entry.form.amount.data = line.amount_pence

    def cost_lines(self) -> list[tuple[str, int]]:
        return [
            (entry.form.description.data, int(entry.form.amount.data))
            for entry in self.lines.entries
            if entry.form.description.data and entry.form.amount.data
        ]

    def answers(self) -> dict[str, Any]:
        return {"cost_lines": self.cost_lines()}


class ServiceForm(AnsweredIf):
    answered_if = (
        ("service", "delivered_by_council", YES, "Enter which council service will deliver it"),
    )

    delivered_by_council = _yes_no(
        "Will a council service deliver the project?",
        "Select yes if a council service will deliver the project",
        description="The fund pays only for services the council provides.",
    )
    service = text_field(
        "Which council service?",
        None,
        150,
        description="For example, Parks and Open Spaces",
    )
    pays_voluntary_organisation = _yes_no(
        "Would any of the money be paid to a voluntary or community organisation?",
        "Select yes if any of the money would be paid to a voluntary or community organisation",
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def fill(self, bid: Bid) -> None:
        self.delivered_by_council.data = _as_choice(bid.delivered_by_council)
        self.pays_voluntary_organisation.data = _as_choice(bid.pays_voluntary_organisation)

    def answers(self) -> dict[str, Any]:
        return {
            "delivered_by_council": _as_bool(self.delivered_by_council.data),
            "service": self.service.data or "",
            "pays_voluntary_organisation": _as_bool(self.pays_voluntary_organisation.data),
        }


class AimsForm(FlaskForm):
    aims = SelectMultipleField(
        "Which of the council's aims does it promote?",
        description="Select all that apply.",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args: Any, aims: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aims.choices = [SelectChoice(aim, aim) for aim in aims]

    def fill(self, bid: Bid) -> None:
        self.aims.data = list(bid.aims)

    def answers(self) -> dict[str, Any]:
        return {"aims": list(self.aims.data or [])}


class OngoingForm(FlaskForm):
    is_one_off = _yes_no(
        "Is it a one-off project?",
        "Select yes if it is a one-off project",
        description=(
            "A one-off project is paid for once. Something paid for again each year, "
            "like an annual event or a subscription, is not one-off."
        ),
    )
    has_ongoing_costs = _yes_no(
        "Once delivered, will it cost the council anything to run, staff or maintain?",
        "Select yes if it will cost the council anything once delivered",
    )
    ongoing_cost = MoneyField(
        "If yes, about how much a year, in pounds?",
        example="1200",
        validators=[
            RequiredIf("has_ongoing_costs", YES, "Enter about how much it will cost a year")
        ],
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def fill(self, bid: Bid) -> None:
        self.is_one_off.data = _as_choice(bid.is_one_off)
        self.has_ongoing_costs.data = _as_choice(bid.has_ongoing_costs)
        self.ongoing_cost.data = bid.ongoing_cost_pence

    def answers(self) -> dict[str, Any]:
        return {
            "is_one_off": _as_bool(self.is_one_off.data),
            "has_ongoing_costs": _as_bool(self.has_ongoing_costs.data),
            "ongoing_cost_pence": self.ongoing_cost.data,
        }


class SupportForm(FlaskForm):
    support_evidence = text_area(
        "Evidence of local support (optional)",
        None,
        3000,
        description="For example, a petition, a residents' meeting or letters of support.",
    )
    support_link = text_field(
        "Link to a page on this site (optional)",
        None,
        300,
        description="For example, a forum discussion or a budget proposal, like /forums/threads/12",
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args: Any, host: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.host = host

    def validate_support_link(self, field: Field) -> None:
        if field.data and site_path(field.data, self.host) is None:
            raise ValidationError("Enter a link to a page on this site, like /forums/threads/12")

    def answers(self) -> dict[str, Any]:
        link = self.support_link.data or ""
        return {
            "support_evidence": self.support_evidence.data or "",
            "support_link": site_path(link, self.host) if link else "",
        }


# One form per question page, in the order of ``models.STEPS``.
STEP_FORMS: dict[str, type[FlaskForm]] = {
    "proposer": ProposerForm,
    "need": NeedForm,
    "wards": WardsForm,
    "costs": CostsForm,
    "service": ServiceForm,
    "aims": AimsForm,
    "ongoing": OngoingForm,
    "support": SupportForm,
}


# --- review, decisions and delivery ------------------------------------------------------


class ConfirmForm(FlaskForm):
    note = text_area(
        "Note for the councillor (optional)",
        None,
        2000,
        description="For example, what you checked with the delivering service.",
    )
    submit = SubmitField("Confirm it is eligible", widget=GovSubmitInput())


class ReturnForm(FlaskForm):
    comments = text_area(
        "What needs to change?",
        "Enter what the applicant needs to change",
        2000,
        description="The applicant sees this. Write it in plain English.",
    )
    submit = SubmitField("Return for changes", widget=GovSubmitInput())


class InterestForm(AnsweredIf):
    answered_if = (("details", "has_interest", YES, "Enter what your interest is"),)

    has_interest = _yes_no(
        "Do you have an interest to declare in this bid?",
        "Select yes if you have an interest to declare",
        description=(
            "For example, you, a relative or a close associate would benefit, or you "
            "belong to the group proposing it. If you declare an interest you cannot "
            "decide this bid."
        ),
    )
    details = text_area("If yes, what is your interest?", None, 1000)
    submit = SubmitField("Save declaration", widget=GovSubmitInput())


class ApproveForm(FlaskForm):
    allocation_id = RadioField(
        "Which allocation pays for it?",
        coerce=int,
        validators=[InputRequired(message="Select the allocation that pays for it")],
        widget=GovRadioInput(),
    )
    amount = MoneyField(
        "Amount to approve, in pounds",
        description="This can be less than the bid asked for.",
        validators=[InputRequired(message="Enter the amount to approve")],
        example="2500",
    )
    reason = reason_field(
        "Reason for your decision", "The applicant and the public register see this."
    )
    submit = SubmitField("Approve", widget=GovSubmitInput())

    def __init__(self, *args: Any, allocations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, prefix="approve", **kwargs)
        self.allocation_id.choices = [
            SelectChoice(a.id, f"{a.holder}: {format_money(a.remaining_pence)} left")
            for a in allocations
        ]
        if len(allocations) == 1 and not self.is_submitted():
            self.allocation_id.data = allocations[0].id

    def validate_amount(self, field: Field) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError("The amount must be more than £0")


class RejectForm(FlaskForm):
    reason = reason_field("Reason for rejecting it", "The applicant sees this.")
    submit = SubmitField(
        "Reject", widget=GovSubmitInput(), render_kw={"class": "govuk-button--warning"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="reject", **kwargs)


class ChangeAmountForm(FlaskForm):
    amount = MoneyField(
        "New approved amount, in pounds",
        validators=[InputRequired(message="Enter the new amount")],
        example="2000",
    )
    reason = reason_field("Reason for the change")
    submit = SubmitField("Change amount", widget=GovSubmitInput())


class CompleteForm(FlaskForm):
    actual_spend = MoneyField(
        "Actual spend, in pounds",
        description="Anything not spent goes back to the allocation.",
        validators=[InputRequired(message="Enter the actual spend")],
        example="2300",
    )
    outcome = text_area(
        "What was delivered?",
        "Enter a short report of what was delivered",
        3000,
        description="This is shown on the public register.",
    )
    evidence = text_area(
        "Evidence of delivery (optional)",
        None,
        2000,
        description=(
            "For example, an invoice number or an inspection note. Do not add photos of people."
        ),
    )
    submit = SubmitField("Record completion", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = reason_field("Why is it being withdrawn?")
    submit = SubmitField("Withdraw bid", widget=GovSubmitInput())
