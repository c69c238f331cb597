"""Fund officers' set-up pages: funds, allocations and grant rules, the dashboard,
the bid queue, the ledger and exports. Same blueprint as ``views``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from engage import audit
from engage.accounts.models import Role, User, UserRole
from engage.accounts.security import recent_sign_in_required
from engage.db import utcnow
from engage.errors import RuleViolation
from engage.exports import to_csv_bytes, to_xlsx_bytes
from engage.extensions import db
from engage.forms import ActionForm
from engage.funds import exports, permissions, queries, rules, services
from engage.funds.forms import AllocationForm, FundForm, RulesForm
from engage.funds.models import Allocation, BidStatus, Fund, LedgerEntry
from engage.funds.views import bp, flash_result, fund_or_404, run_service
from engage.permissions import require
from engage.wards.models import Ward

EXPORT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- officers: funds, allocations, rules, dashboard, ledger and exports -------------------


@bp.route("/manage")
def manage() -> str:
    require(permissions.can_manage_funds(current_user))
    return render_template("funds/manage.html", funds=queries.funds(db.session))


@bp.route("/manage/new", methods=["GET", "POST"])
def new_fund() -> str | Response:
    require(permissions.can_manage_funds(current_user))
    form = FundForm()
    if form.validate_on_submit():
        try:
            fund = services.create_fund(db.session, actor=current_user, data=form.fund_data())
        except RuleViolation as error:
            db.session.rollback()
            form.name.errors = [error.message]
        else:
            db.session.commit()
            flash("Fund created with the standard grant rules. Now add allocations.", "success")
            return redirect(url_for("funds.allocations", fund_id=fund.id))
    return render_template("funds/fund_form.html", form=form, fund=None)


@bp.route("/manage/<int:fund_id>/edit", methods=["GET", "POST"])
def edit_fund(fund_id: int) -> str | Response:
    require(permissions.can_manage_funds(current_user))
    fund = fund_or_404(fund_id)
    form = FundForm(data=FundForm.initial(fund))
    if form.validate_on_submit():
        data = form.fund_data()
        refusal = run_service(
            lambda: services.update_fund(db.session, actor=current_user, fund_id=fund_id, data=data)
        )
        if refusal is None:
            flash("Fund saved.", "success")
            return redirect(url_for("funds.dashboard", fund_id=fund_id))
        form.name.errors = [refusal]
    return render_template("funds/fund_form.html", form=form, fund=fund_or_404(fund_id))


@bp.route("/manage/<int:fund_id>")
def dashboard(fund_id: int) -> str:
    require(permissions.can_manage_funds(current_user))
    fund = fund_or_404(fund_id)
    return render_template(
        "funds/dashboard.html",
        fund=fund,
        board=queries.dashboard(db.session, fund, now=utcnow(), days=fund.decision_days),
        statuses=list(BidStatus),
        waiting_since=queries.waiting_since,
    )


def _councillors() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.COUNCILLOR)
            .order_by(User.display_name)
        )
    )


@bp.route("/manage/<int:fund_id>/allocations", methods=["GET", "POST"])
def allocations(fund_id: int) -> str | Response:
    require(permissions.can_manage_funds(current_user))
    fund = fund_or_404(fund_id)
    wards = list(db.session.scalars(select(Ward).order_by(Ward.name)))
    form = AllocationForm(wards=wards, councillors=_councillors())
    if form.validate_on_submit():
        ward = db.session.get(Ward, form.ward_id.data)
        councillor = (
            db.session.get(User, form.councillor_id.data) if form.councillor_id.data else None
        )
        if ward is None or (form.councillor_id.data and councillor is None):
            form.ward_id.errors = ["Select a ward from the list"]
        else:
            refusal = run_service(
                lambda: services.set_allocation(
                    db.session,
                    actor=current_user,
                    fund_id=fund_id,
                    ward=ward,
                    councillor=councillor,
                    amount_pence=form.amount.data or 0,
                )
            )
            if refusal is None:
                flash("Allocation saved.", "success")
                return redirect(url_for("funds.allocations", fund_id=fund_id))
            form.amount.errors = [refusal]
        fund = fund_or_404(fund_id)
    return render_template(
        "funds/allocations.html",
        fund=fund,
        form=form,
        allocations=sorted(fund.allocations, key=lambda a: (a.ward.name, a.holder)),
        remove_form=ActionForm(),
    )


@bp.route("/manage/<int:fund_id>/allocations/<int:allocation_id>/remove", methods=["POST"])
def remove_allocation(fund_id: int, allocation_id: int) -> Response:
    require(permissions.can_manage_funds(current_user))
    allocation = db.get_or_404(Allocation, allocation_id)
    if allocation.fund_id != fund_id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    refusal = run_service(
        lambda: services.remove_allocation(
            db.session, actor=current_user, allocation_id=allocation_id
        )
    )
    flash_result(refusal, "Allocation removed.")
    return redirect(url_for("funds.allocations", fund_id=fund_id))


@bp.route("/manage/<int:fund_id>/rules", methods=["GET", "POST"])
def fund_rules(fund_id: int) -> str | Response:
    require(permissions.can_manage_funds(current_user))
    fund = fund_or_404(fund_id)
    form = RulesForm(fund=fund)
    if form.validate_on_submit():
        try:
            services.update_rules(
                db.session,
                actor=current_user,
                fund=fund,
                enabled=set(form.enabled.data or []),
                parameters=form.parameters(),
            )
        except RuleViolation as error:
            db.session.rollback()
            form.enabled.errors = [error.message]
            fund = fund_or_404(fund_id)
        else:
            db.session.commit()
            flash("Grant rules saved. Bids are checked against them from now on.", "success")
            return redirect(url_for("funds.fund_rules", fund_id=fund_id))
    return render_template("funds/rules.html", fund=fund, form=form, specs=rules.SPECS)


@bp.route("/manage/<int:fund_id>/bids")
def bids(fund_id: int) -> str:
    require(permissions.can_manage_funds(current_user))
    fund = fund_or_404(fund_id)
    try:
        status = BidStatus(request.args["status"]) if request.args.get("status") else None
    except ValueError:
        status = None
    found = list(db.session.scalars(queries.officer_bids_statement(fund, status, None)))
    return render_template(
        "funds/bids.html",
        fund=fund,
        bids=found,
        status=status,
        statuses=[s for s in BidStatus if s is not BidStatus.DRAFT],
        waiting_since=queries.waiting_since,
    )


@bp.route("/manage/<int:fund_id>/ledger")
def ledger(fund_id: int) -> str:
    require(permissions.can_manage_funds(current_user))
    fund = fund_or_404(fund_id)
    entries = db.session.scalars(
        select(LedgerEntry)
        .join(Allocation, Allocation.id == LedgerEntry.allocation_id)
        .where(Allocation.fund_id == fund.id)
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
    )
    return render_template("funds/ledger.html", fund=fund, entries=list(entries))


@bp.route("/manage/<int:fund_id>/exports")
def exports_page(fund_id: int) -> str:
    require(permissions.can_manage_funds(current_user))
    return render_template("funds/exports.html", fund=fund_or_404(fund_id), form=ActionForm())


def _download(fund: Fund, what: str, kind: str, content: bytes) -> Response:
    audit.record(
        db.session,
        actor=current_user,
        action=f"fund.export.{what}",
        target_type="fund",
        target_id=fund.id,
        format=kind,
    )
    db.session.commit()
    response = Response(content, mimetype=EXPORT_TYPES[kind])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="local-fund-{fund.id}-{what}.{kind}"'
    )
    return response


@bp.route("/manage/<int:fund_id>/exports/bids.<kind>", methods=["POST"])
@recent_sign_in_required
def export_bids(fund_id: int, kind: str) -> Response:
    require(permissions.can_manage_funds(current_user))
    fund = fund_or_404(fund_id)
    if kind not in EXPORT_TYPES:
        abort(404)
    frame = exports.bids_frame([exports.bid_row(b) for b in queries.export_bids(db.session, fund)])
    content = to_csv_bytes(frame) if kind == "csv" else to_xlsx_bytes({"Bids": frame})
    return _download(fund, "bids", kind, content)


@bp.route("/manage/<int:fund_id>/exports/decisions.<kind>", methods=["POST"])
@recent_sign_in_required
def export_decisions(fund_id: int, kind: str) -> Response:
    require(permissions.can_manage_funds(current_user))
    fund = fund_or_404(fund_id)
    if kind not in EXPORT_TYPES:
        abort(404)
    frame = exports.decisions_frame(
        [
            exports.decision_row(entry, bid)
            for entry, bid in queries.export_decisions(db.session, fund)
        ]
    )
    content = to_csv_bytes(frame) if kind == "csv" else to_xlsx_bytes({"Decisions": frame})
    return _download(fund, "decisions", kind, content)
