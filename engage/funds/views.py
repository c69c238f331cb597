"""Pages of the local fund: the public fund pages and register, the bid question
pages with check-your-answers, officers' review, councillors' decisions and
delivery. The officers' set-up pages are in ``officer_views``, on the same blueprint.

Views are thin: load or 404, check the named permission, validate the form, call one
service and commit. Anything that reads then writes a bid or money runs inside
``write_transaction()``, so it is all-or-nothing and holds under concurrency.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from engage.accounts.security import recent_sign_in_required
from engage.db import utcnow, write_transaction
from engage.errors import RuleViolation
from engage.extensions import db, limiter
from engage.forms import ActionForm, signed_in_form
from engage.funds import permissions, queries, rules, services
from engage.funds.forms import (
    STEP_FORMS,
    ApproveForm,
    ChangeAmountForm,
    CompleteForm,
    ConfirmForm,
    InterestForm,
    RejectForm,
    ReturnForm,
    WithdrawForm,
)
from engage.funds.models import STEPS, Bid, BidStatus, Fund
from engage.permissions import require

bp = Blueprint("funds", __name__, url_prefix="/local-fund")

STEP_TITLES = {
    "proposer": "Who is proposing the project",
    "need": "The local need",
    "wards": "Which wards it is for",
    "costs": "What it will cost",
    "service": "Who will deliver it",
    "aims": "The council's aims",
    "ongoing": "One-off and ongoing costs",
    "support": "Local support",
}


# Route ids are bounded to the database's integers by the app's ``int`` converter.
def fund_or_404(fund_id: int) -> Fund:
    return db.get_or_404(Fund, fund_id)


def bid_or_404(bid_id: int) -> Bid:
    return db.get_or_404(Bid, bid_id)


def run_service(action: Callable[[], Any]) -> str | None:
    """Run a service in its own write transaction; the refusal message, if refused
    (everything it wrote is rolled back)."""
    try:
        with write_transaction():
            action()
    except RuleViolation as error:
        return error.message
    return None


def flash_result(refusal: str | None, success: str) -> None:
    if refusal:
        flash(refusal, "error")
    else:
        flash(success, "success")


def _error_list(*forms: FlaskForm) -> list[dict[str, str]]:
    """The GOV.UK error summary for a page with more than one form."""
    return [
        {"text": message, "href": f"#{form[name].id}"}
        for form in forms
        for name, messages in form.errors.items()
        if name in form
        for message in messages
        if isinstance(message, str)
    ]


# --- public pages -----------------------------------------------------------------------


@bp.route("/")
def index() -> str:
    return render_template(
        "funds/index.html", funds=queries.funds(db.session), today=services.council_date(utcnow())
    )


@bp.route("/<int:fund_id>")
def show_fund(fund_id: int) -> str:
    fund = fund_or_404(fund_id)
    return render_template(
        "funds/fund.html",
        fund=fund,
        open_now=fund.is_open(services.council_date(utcnow())),
        allocations=sorted(fund.allocations, key=lambda a: (a.ward.name, a.holder)),
        rules=[rule for rule in fund.rules if rule.enabled],
        can_start=permissions.can_start_bid(current_user),
    )


@bp.route("/<int:fund_id>/register")
def register(fund_id: int) -> str:
    fund = fund_or_404(fund_id)
    wards = sorted({a.ward for a in fund.allocations}, key=lambda w: w.name)
    # Only the fund's own wards can be chosen, so any other number shows every ward.
    ward_id = request.args.get("ward", type=int)
    ward = next((w for w in wards if w.id == ward_id), None)
    grants = queries.register(db.session, fund, ward)
    return render_template(
        "funds/register.html",
        fund=fund,
        ward=ward,
        wards=wards,
        grants=grants,
        total=sum(bid.funded_pence for bid in grants),
    )


@bp.route("/bids/<int:bid_id>")
def show_bid(bid_id: int) -> str:
    bid = bid_or_404(bid_id)
    require(permissions.can_view_bid(current_user, bid))
    private = permissions.can_see_private_details(current_user, bid)
    return render_template(
        "funds/bid.html",
        bid=bid,
        private=private,
        history=queries.bid_history(db.session, bid) if private else [],
        can_edit=permissions.can_edit_bid(current_user, bid),
        can_review=permissions.can_review_bid(current_user, bid)
        and bid.status is BidStatus.SUBMITTED,
        can_decide=permissions.can_declare_interest(current_user, bid)
        and bid.status is BidStatus.ELIGIBLE,
        can_change=permissions.can_change_amount(current_user, bid),
        can_deliver=permissions.can_manage_delivery(current_user)
        and bid.status in (BidStatus.APPROVED, BidStatus.IN_DELIVERY),
        can_withdraw=permissions.can_withdraw_bid(current_user, bid),
        action_form=signed_in_form(ActionForm),
    )


# --- applicants ---------------------------------------------------------------------------


@bp.route("/my-bids")
def my_bids() -> str:
    require(current_user.is_authenticated)
    return render_template("funds/my_bids.html", bids=queries.bids_of(db.session, current_user))


def _step_form(step: str, bid: Bid | None, fund: Fund) -> FlaskForm:
    options: dict[str, Any] = {}
    if step == "proposer":
        options["kinds"] = permissions.proposer_kinds(current_user)
    elif step == "wards":
        options["wards"] = sorted({a.ward for a in fund.allocations}, key=lambda w: w.name)
    elif step == "aims":
        options["aims"] = list(fund.corporate_aims)
    elif step == "support":
        options["host"] = request.host
    form = STEP_FORMS[step](obj=bid, **options)
    if bid is not None and request.method == "GET" and hasattr(form, "fill"):
        form.fill(bid)
    return form


@bp.route("/<int:fund_id>/bids/new", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def new_bid(fund_id: int) -> str | Response:
    fund = fund_or_404(fund_id)
    require(permissions.can_start_bid(current_user))
    if not fund.is_open(services.council_date(utcnow())):
        flash(f"{fund.name} is not taking bids at the moment.", "error")
        return redirect(url_for("funds.show_fund", fund_id=fund.id))
    form = _step_form("proposer", None, fund)
    if form.validate_on_submit():
        answers = form.answers()  # type: ignore[attr-defined]
        try:
            bid = services.start_bid(
                db.session,
                actor=current_user,
                fund=fund,
                proposer_kind=answers["proposer_kind"],
                group_name=answers["group_name"],
                title=answers["title"],
                now=utcnow(),
            )
        except RuleViolation as error:
            db.session.rollback()
            form.proposer_kind.errors = [error.message]  # type: ignore[attr-defined]
        else:
            db.session.commit()
            flash("Your draft bid is saved. You can come back to it at any time.", "success")
            return redirect(url_for("funds.answer", bid_id=bid.id, step="need"))
    return render_template(
        "funds/step.html",
        form=form,
        fund=fund,
        bid=None,
        step="proposer",
        step_title=STEP_TITLES["proposer"],
        step_number=1,
        steps=len(STEPS),
    )


def _own_editable_bid(bid_id: int) -> Bid | Response:
    bid = bid_or_404(bid_id)
    require(permissions.is_proposer(current_user, bid))
    if not permissions.can_edit_bid(current_user, bid):
        flash(f"This bid is {bid.status.label.lower()}, so its answers cannot be changed.", "error")
        return redirect(url_for("funds.show_bid", bid_id=bid.id))
    return bid


@bp.route("/bids/<int:bid_id>/answers/<step>", methods=["GET", "POST"])
def answer(bid_id: int, step: str) -> str | Response:
    if step not in STEP_FORMS:
        abort(404)
    bid = _own_editable_bid(bid_id)
    if isinstance(bid, Response):
        return bid
    form = _step_form(step, bid, bid.fund)
    if form.validate_on_submit():
        try:
            services.save_answers(
                db.session,
                actor=current_user,
                bid=bid,
                step=step,
                answers=form.answers(),  # type: ignore[attr-defined]
                now=utcnow(),
            )
        except RuleViolation as error:
            db.session.rollback()
            first = next(f for f in form if f.name not in ("csrf_token", "submit"))
            first.errors = [error.message]
        else:
            db.session.commit()
            missing = bid.missing_steps
            if missing and request.args.get("from") != "check":
                return redirect(url_for("funds.answer", bid_id=bid.id, step=missing[0]))
            return redirect(url_for("funds.check_answers", bid_id=bid.id))
    return render_template(
        "funds/step.html",
        form=form,
        fund=bid.fund,
        bid=bid,
        step=step,
        step_title=STEP_TITLES[step],
        step_number=STEPS.index(step) + 1,
        steps=len(STEPS),
    )


@bp.route("/bids/<int:bid_id>/check")
def check_answers(bid_id: int) -> str | Response:
    bid = _own_editable_bid(bid_id)
    if isinstance(bid, Response):
        return bid
    results = services.eligibility(db.session, bid, utcnow())
    return render_template(
        "funds/check.html",
        bid=bid,
        results=results,
        failed=rules.failures(results),
        action_form=ActionForm(),
    )


@bp.route("/bids/<int:bid_id>/submit", methods=["POST"])
def submit(bid_id: int) -> Response:
    bid = _own_editable_bid(bid_id)
    if isinstance(bid, Response):
        return bid
    if not ActionForm().validate_on_submit():
        abort(400)
    refusal = run_service(
        lambda: services.submit_bid(db.session, actor=current_user, bid_id=bid_id, now=utcnow())
    )
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("funds.check_answers", bid_id=bid_id))
    flash("Your bid has been sent. A fund officer will check it against the rules.", "success")
    return redirect(url_for("funds.show_bid", bid_id=bid_id))


@bp.route("/bids/<int:bid_id>/withdraw", methods=["GET", "POST"])
def withdraw(bid_id: int) -> str | Response:
    bid = bid_or_404(bid_id)
    require(permissions.can_withdraw_bid(current_user, bid))
    form = WithdrawForm()
    if form.validate_on_submit():
        refusal = run_service(
            lambda: services.withdraw_bid(
                db.session, actor=current_user, bid_id=bid_id, reason=form.reason.data, now=utcnow()
            )
        )
        if refusal is None:
            flash("The bid has been withdrawn.", "success")
            return redirect(url_for("funds.show_bid", bid_id=bid_id))
        form.reason.errors = [refusal]
    return render_template("funds/withdraw.html", bid=bid_or_404(bid_id), form=form)


# --- officers: review and delivery ------------------------------------------------------


def _review_page(bid: Bid, confirm: ConfirmForm, return_form: ReturnForm) -> str:
    results = services.eligibility(db.session, bid, utcnow())
    return render_template(
        "funds/review.html",
        bid=bid,
        results=results,
        failed=rules.failures(results),
        confirm_form=confirm,
        return_form=return_form,
        page_has_errors=bool(confirm.errors or return_form.errors),
        error_list=_error_list(confirm, return_form),
    )


@bp.route("/bids/<int:bid_id>/review")
def review(bid_id: int) -> str:
    bid = bid_or_404(bid_id)
    require(permissions.can_review_bid(current_user, bid))
    return _review_page(bid, ConfirmForm(), ReturnForm())


@bp.route("/bids/<int:bid_id>/confirm", methods=["POST"])
def confirm(bid_id: int) -> str | Response:
    bid = bid_or_404(bid_id)
    require(permissions.can_review_bid(current_user, bid))
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _review_page(bid, form, ReturnForm(formdata=None))
    refusal = run_service(
        lambda: services.confirm_eligibility(
            db.session, actor=current_user, bid_id=bid_id, note=form.note.data or "", now=utcnow()
        )
    )
    flash_result(refusal, "Eligibility confirmed. The ward's councillors can now decide the bid.")
    return redirect(url_for("funds.review" if refusal else "funds.show_bid", bid_id=bid_id))


@bp.route("/bids/<int:bid_id>/return", methods=["POST"])
def return_bid(bid_id: int) -> str | Response:
    bid = bid_or_404(bid_id)
    require(permissions.can_review_bid(current_user, bid))
    form = ReturnForm()
    if not form.validate_on_submit():
        return _review_page(bid, ConfirmForm(formdata=None), form)
    refusal = run_service(
        lambda: services.return_bid(
            db.session, actor=current_user, bid_id=bid_id, comments=form.comments.data, now=utcnow()
        )
    )
    flash_result(refusal, "The bid has been returned to the applicant for changes.")
    return redirect(url_for("funds.review" if refusal else "funds.show_bid", bid_id=bid_id))


@bp.route("/bids/<int:bid_id>/start-delivery", methods=["POST"])
def start_delivery(bid_id: int) -> Response:
    bid_or_404(bid_id)
    require(permissions.can_manage_delivery(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    refusal = run_service(
        lambda: services.start_delivery(db.session, actor=current_user, bid_id=bid_id, now=utcnow())
    )
    flash_result(refusal, "The bid is now in delivery.")
    return redirect(url_for("funds.show_bid", bid_id=bid_id))


@bp.route("/bids/<int:bid_id>/complete", methods=["GET", "POST"])
def complete(bid_id: int) -> str | Response:
    bid = bid_or_404(bid_id)
    require(permissions.can_manage_delivery(current_user))
    form = CompleteForm()
    if form.validate_on_submit():
        refusal = run_service(
            lambda: services.complete_bid(
                db.session,
                actor=current_user,
                bid_id=bid_id,
                actual_spend_pence=form.actual_spend.data or 0,
                outcome=form.outcome.data,
                evidence=form.evidence.data or "",
                now=utcnow(),
            )
        )
        if refusal is None:
            flash("Completion recorded. Any underspend is back in the allocation.", "success")
            return redirect(url_for("funds.show_bid", bid_id=bid_id))
        form.actual_spend.errors = [refusal]
        bid = bid_or_404(bid_id)
    return render_template("funds/complete.html", bid=bid, form=form)


# --- councillors: decisions ---------------------------------------------------------------


@bp.route("/decisions")
def decisions() -> str:
    require(permissions.can_see_decisions(current_user))
    return render_template(
        "funds/decisions.html",
        awaiting=queries.awaiting_decision_by(db.session, current_user),
        decided=queries.decided_by(db.session, current_user),
    )


def _decide_page(
    bid: Bid,
    interest: InterestForm | None = None,
    approve: ApproveForm | None = None,
    reject: RejectForm | None = None,
) -> str:
    allocations = services.decision_allocations(bid, current_user)
    interest = interest or InterestForm(formdata=None)
    approve = approve or ApproveForm(formdata=None, allocations=allocations)
    reject = reject or RejectForm(formdata=None)
    forms = (interest, approve, reject)
    return render_template(
        "funds/decide.html",
        bid=bid,
        declared=permissions.has_declared_no_interest(current_user, bid),
        blocked=permissions.has_declared_interest(current_user, bid),
        allocations=allocations,
        interest_form=interest,
        approve_form=approve,
        reject_form=reject,
        page_has_errors=any(f.errors for f in forms),
        error_list=_error_list(*forms),
    )


def _decidable(bid_id: int) -> Bid:
    bid = bid_or_404(bid_id)
    require(permissions.can_declare_interest(current_user, bid))
    return bid


@bp.route("/bids/<int:bid_id>/decide")
@recent_sign_in_required
def decide(bid_id: int) -> str:
    return _decide_page(_decidable(bid_id))


@bp.route("/bids/<int:bid_id>/interest", methods=["POST"])
@recent_sign_in_required
def declare_interest(bid_id: int) -> str | Response:
    bid = _decidable(bid_id)
    form = InterestForm()
    if not form.validate_on_submit():
        return _decide_page(bid, interest=form)
    refusal = run_service(
        lambda: services.declare_interest(
            db.session,
            actor=current_user,
            bid_id=bid_id,
            has_interest=form.has_interest.data == "yes",
            details=form.details.data or "",
            now=utcnow(),
        )
    )
    if refusal:
        flash(refusal, "error")
    elif form.has_interest.data == "yes":
        flash("Your interest is recorded. Another councillor for the ward must decide.", "success")
    else:
        flash("You declared no interest. You can now decide the bid.", "success")
    return redirect(url_for("funds.decide", bid_id=bid_id))


@bp.route("/bids/<int:bid_id>/approve", methods=["POST"])
@recent_sign_in_required
def approve(bid_id: int) -> str | Response:
    bid = _decidable(bid_id)
    form = ApproveForm(allocations=services.decision_allocations(bid, current_user))
    if form.validate_on_submit():
        refusal = run_service(
            lambda: services.approve_bid(
                db.session,
                actor=current_user,
                bid_id=bid_id,
                allocation_id=form.allocation_id.data,
                amount_pence=form.amount.data or 0,
                reason=form.reason.data,
                now=utcnow(),
            )
        )
        if refusal is None:
            flash("Bid approved. It is now on the public register.", "success")
            return redirect(url_for("funds.show_bid", bid_id=bid_id))
        form.amount.errors = [refusal]
        bid = bid_or_404(bid_id)
    return _decide_page(bid, approve=form)


@bp.route("/bids/<int:bid_id>/reject", methods=["POST"])
@recent_sign_in_required
def reject(bid_id: int) -> str | Response:
    bid = _decidable(bid_id)
    form = RejectForm()
    if form.validate_on_submit():
        refusal = run_service(
            lambda: services.reject_bid(
                db.session, actor=current_user, bid_id=bid_id, reason=form.reason.data, now=utcnow()
            )
        )
        if refusal is None:
            flash("Bid rejected. The applicant can see your reason.", "success")
            return redirect(url_for("funds.show_bid", bid_id=bid_id))
        form.reason.errors = [refusal]
        bid = bid_or_404(bid_id)
    return _decide_page(bid, reject=form)


@bp.route("/bids/<int:bid_id>/change-amount", methods=["GET", "POST"])
@recent_sign_in_required
def change_amount(bid_id: int) -> str | Response:
    bid = bid_or_404(bid_id)
    require(permissions.can_change_amount(current_user, bid))
    form = ChangeAmountForm()
    if form.validate_on_submit():
        refusal = run_service(
            lambda: services.change_amount(
                db.session,
                actor=current_user,
                bid_id=bid_id,
                amount_pence=form.amount.data or 0,
                reason=form.reason.data,
                now=utcnow(),
            )
        )
        if refusal is None:
            flash("The approved amount has been changed.", "success")
            return redirect(url_for("funds.show_bid", bid_id=bid_id))
        form.amount.errors = [refusal]
        bid = bid_or_404(bid_id)
    return render_template("funds/change_amount.html", bid=bid, form=form)
