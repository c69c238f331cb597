"""Officers' pages for participatory budgeting: setting up processes, moving phases,
reviewing and costing proposals, the shortlist, paper ballots, the count, delivery
updates and importing archived .pb files. Same blueprint as ``views``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from engage.db import utcnow, write_transaction
from engage.errors import RuleViolation
from engage.extensions import db
from engage.forms import ActionForm
from engage.pb import archives, permissions, queries, results, services
from engage.pb.forms import (
    ArchiveImportForm,
    CategoryForm,
    DeliveryForm,
    HideForm,
    MergeForm,
    PaperBallotForm,
    PaperImportForm,
    PhaseForm,
    ProcessForm,
    ReviewForm,
    TimelineForm,
    VoidForm,
    choices_form,
)
from engage.pb.models import PUBLIC_PHASES, Ballot, Category, Phase, Process, move_problems
from engage.pb.views import bp, comment_or_404, process_or_404, proposal_or_404
from engage.permissions import require
from engage.wards.models import Area, Ward


def _process_form(process: Process | None = None) -> ProcessForm:
    form = ProcessForm(
        obj=process,
        areas=list(db.session.scalars(select(Area).order_by(Area.name))),
        wards=list(db.session.scalars(select(Ward).order_by(Ward.name))),
        rules=results.rule_choices(),
    )
    if request.method == "GET":
        if process is not None:
            form.fill_from(process)
        else:
            form.official_rule.data = results.DEFAULT_RULE
    return form


@bp.route("/new", methods=["GET", "POST"])
def new_process() -> str | BaseResponse:
    require(permissions.can_manage_processes(current_user))
    form = _process_form()
    if form.validate_on_submit():
        try:
            process = services.create_process(
                db.session, actor=current_user, data=form.process_data()
            )
        except RuleViolation as error:
            db.session.rollback()
            form.title.errors = [error.message]
        else:
            db.session.commit()
            flash(
                "Budget created as a draft. Add categories and dates, then publish it.", "success"
            )
            return redirect(url_for("pb.manage", process_id=process.id))
    return render_template("pb/process_form.html", form=form, process=None)


@bp.route("/<int:process_id>/edit", methods=["GET", "POST"])
def edit_process(process_id: int) -> str | BaseResponse:
    require(permissions.can_manage_processes(current_user))
    process = process_or_404(process_id)
    form = _process_form(process)
    if form.validate_on_submit():
        try:
            services.update_process(
                db.session, actor=current_user, process=process, data=form.process_data()
            )
        except RuleViolation as error:
            db.session.rollback()
            form.title.errors = [error.message]
        else:
            db.session.commit()
            flash("Budget settings saved.", "success")
            return redirect(url_for("pb.manage", process_id=process.id))
    return render_template("pb/process_form.html", form=form, process=process)


@bp.route("/<int:process_id>/manage")
def manage(process_id: int) -> str:
    require(permissions.can_manage_processes(current_user))
    process = process_or_404(process_id)
    found = queries.proposals(db.session, process, sort="oldest", include_hidden=True)
    target = process.phase.next
    problems: list[str] = []
    if target is not None and not process.archived:
        ready = services.readiness(db.session, process)
        problems = move_problems(target, ready)
    shortlist = queries.shortlist(db.session, process)
    return render_template(
        "pb/manage.html",
        process=process,
        proposals=found,
        supports=queries.support_counts(db.session, [p.id for p in found]),
        shortlist=shortlist,
        next_phase=target,
        move_problems=problems,
        phase_form=PhaseForm(to=target.value if target else ""),
        counted=queries.ballots_counted(db.session, process),
        flagged=queries.flagged_paper_ballots(db.session, process),
        rules=services.describe_rules(process, shortlist),
        action_form=ActionForm(),
    )


@bp.route("/<int:process_id>/categories", methods=["GET", "POST"])
def categories(process_id: int) -> str | BaseResponse:
    require(permissions.can_manage_processes(current_user))
    process = process_or_404(process_id)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            services.add_category(
                db.session,
                actor=current_user,
                process=process,
                name=form.name.data,
                budget_pence=form.budget.data,
            )
        except RuleViolation as error:
            db.session.rollback()
            form.name.errors = [error.message]
        else:
            db.session.commit()
            flash(f"Category {form.name.data} added.", "success")
            return redirect(url_for("pb.categories", process_id=process.id))
    return render_template(
        "pb/categories.html", process=process, form=form, remove_form=ActionForm()
    )


@bp.route("/<int:process_id>/categories/<int:category_id>/remove", methods=["POST"])
def remove_category(process_id: int, category_id: int) -> BaseResponse:
    require(permissions.can_manage_processes(current_user))
    process = process_or_404(process_id)
    category = db.get_or_404(Category, category_id)
    if category.process_id != process.id:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            services.remove_category(
                db.session, actor=current_user, process=process, category=category
            )
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"Category {category.name} removed.", "success")
    return redirect(url_for("pb.categories", process_id=process.id))


@bp.route("/<int:process_id>/timeline", methods=["GET", "POST"])
def timeline(process_id: int) -> str | BaseResponse:
    require(permissions.can_manage_processes(current_user))
    process = process_or_404(process_id)
    form = TimelineForm()
    if request.method == "GET":
        for phase, when in process.planned.items():
            if phase in PUBLIC_PHASES:
                form[f"starts_{phase.value}"].data = when
    if form.validate_on_submit():
        try:
            services.set_timeline(
                db.session, actor=current_user, process=process, dates=form.dates()
            )
        except RuleViolation as error:
            db.session.rollback()
            form[f"starts_{PUBLIC_PHASES[0].value}"].errors = [error.message]
        else:
            db.session.commit()
            flash("Dates saved.", "success")
            return redirect(url_for("pb.manage", process_id=process.id))
    return render_template("pb/timeline.html", process=process, form=form, phases=PUBLIC_PHASES)


@bp.route("/<int:process_id>/phase", methods=["POST"])
def move_phase(process_id: int) -> BaseResponse:
    require(permissions.can_manage_processes(current_user))
    process = process_or_404(process_id)
    form = PhaseForm()
    if not form.validate_on_submit():
        flash("Choose the phase to move to", "error")
        return redirect(url_for("pb.manage", process_id=process.id))
    try:
        with write_transaction():
            change = services.move_phase(
                db.session, actor=current_user, process=process, target=Phase(form.to.data)
            )
    except RuleViolation as error:
        flash(error.message, "error")
    else:
        flash(f"The budget is now at: {change.to_phase.label}.", "success")
    return redirect(url_for("pb.manage", process_id=process_id))


# --- review, merging and the shortlist -----------------------------------------------


@bp.route("/<int:process_id>/proposals/<int:proposal_id>/review", methods=["GET", "POST"])
def review(process_id: int, proposal_id: int) -> str | BaseResponse:
    require(permissions.can_review_proposals(current_user))
    process = process_or_404(process_id)
    proposal = proposal_or_404(process, proposal_id)
    form = ReviewForm(obj=proposal, categories=process.categories)
    if request.method == "GET":
        if proposal.reviewed_at is not None:
            form.feasible.data = "yes" if proposal.estimated_cost_pence is not None else "no"
        form.estimated_cost.data = proposal.estimated_cost_pence
        form.reason.data = proposal.review_reason
        form.category_id.data = proposal.category_id or 0
    if form.validate_on_submit():
        try:
            services.review_proposal(
                db.session, actor=current_user, proposal=proposal, data=form.review_data()
            )
        except RuleViolation as error:
            db.session.rollback()
            form.feasible.errors = [error.message]
        else:
            db.session.commit()
            flash(f"Review of {proposal.title} saved.", "success")
            return redirect(url_for("pb.manage", process_id=process.id) + "#proposals")
    return render_template("pb/review.html", process=process, proposal=proposal, form=form)


@bp.route("/<int:process_id>/proposals/<int:proposal_id>/merge", methods=["GET", "POST"])
def merge(process_id: int, proposal_id: int) -> str | BaseResponse:
    require(permissions.can_review_proposals(current_user))
    process = process_or_404(process_id)
    proposal = proposal_or_404(process, proposal_id)
    form = MergeForm(targets=queries.merge_targets(db.session, proposal))
    if form.validate_on_submit():
        target = proposal_or_404(process, form.target_id.data)
        try:
            services.merge_proposals(
                db.session,
                actor=current_user,
                duplicate=proposal,
                target=target,
                reason=form.reason.data,
            )
        except RuleViolation as error:
            db.session.rollback()
            form.target_id.errors = [error.message]
        else:
            db.session.commit()
            flash(f"{proposal.title} merged into {target.title}.", "success")
            return redirect(url_for("pb.manage", process_id=process.id) + "#proposals")
    return render_template("pb/merge.html", process=process, proposal=proposal, form=form)


@bp.route("/<int:process_id>/proposals/<int:proposal_id>/shortlist", methods=["POST"])
def add_to_shortlist(process_id: int, proposal_id: int) -> BaseResponse:
    require(permissions.can_review_proposals(current_user))
    process = process_or_404(process_id)
    proposal = proposal_or_404(process, proposal_id)
    if ActionForm().validate_on_submit():
        try:
            services.add_to_shortlist(db.session, actor=current_user, proposal=proposal)
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{proposal.title} is on the shortlist.", "success")
    return redirect(url_for("pb.manage", process_id=process.id) + "#proposals")


@bp.route("/<int:process_id>/proposals/<int:proposal_id>/shortlist/remove", methods=["POST"])
def remove_from_shortlist(process_id: int, proposal_id: int) -> BaseResponse:
    require(permissions.can_review_proposals(current_user))
    process = process_or_404(process_id)
    proposal = proposal_or_404(process, proposal_id)
    if ActionForm().validate_on_submit():
        try:
            services.remove_from_shortlist(db.session, actor=current_user, proposal=proposal)
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{proposal.title} is no longer on the shortlist.", "success")
    return redirect(url_for("pb.manage", process_id=process.id) + "#proposals")


# --- moderation ----------------------------------------------------------------------


@bp.route("/<int:process_id>/proposals/<int:proposal_id>/hide", methods=["GET", "POST"])
def hide_proposal(process_id: int, proposal_id: int) -> str | BaseResponse:
    require(permissions.can_moderate(current_user))
    process = process_or_404(process_id)
    proposal = proposal_or_404(process, proposal_id)
    form = HideForm()
    if form.validate_on_submit():
        try:
            services.hide_proposal(
                db.session, actor=current_user, proposal=proposal, reason=form.reason.data
            )
        except RuleViolation as error:
            db.session.rollback()
            form.reason.errors = [error.message]
        else:
            db.session.commit()
            flash("Proposal hidden.", "success")
            return redirect(url_for("pb.proposal", process_id=process.id, proposal_id=proposal.id))
    return render_template(
        "pb/hide.html", process=process, proposal=proposal, comment=None, form=form
    )


@bp.route("/<int:process_id>/comments/<int:comment_id>/hide", methods=["GET", "POST"])
def hide_comment(process_id: int, comment_id: int) -> str | BaseResponse:
    require(permissions.can_moderate(current_user))
    process = process_or_404(process_id)
    comment = comment_or_404(process, comment_id)
    form = HideForm()
    if form.validate_on_submit():
        try:
            services.hide_comment(
                db.session, actor=current_user, comment=comment, reason=form.reason.data
            )
        except RuleViolation as error:
            db.session.rollback()
            form.reason.errors = [error.message]
        else:
            db.session.commit()
            flash("Comment hidden.", "success")
            return redirect(
                url_for("pb.proposal", process_id=process.id, proposal_id=comment.proposal_id)
            )
    return render_template(
        "pb/hide.html", process=process, proposal=comment.proposal, comment=comment, form=form
    )


# --- paper ballots -------------------------------------------------------------------


def _paper_form(process: Process) -> PaperBallotForm:
    form = choices_form(
        PaperBallotForm,
        services.ballot_rules(process),
        services.ballot_projects(db.session, process),
    )
    form.set_wards(queries.wards_covered(db.session, process))
    return form  # type: ignore[no-any-return]


@bp.route("/<int:process_id>/paper-ballots", methods=["GET", "POST"])
def paper_ballots(process_id: int) -> str | BaseResponse:
    require(permissions.can_enter_paper_ballots(current_user))
    process = process_or_404(process_id)
    form = _paper_form(process)
    if form.validate_on_submit():
        try:
            with write_transaction():
                entered = services.enter_paper_ballot(
                    db.session, actor=current_user, process=process, data=form.paper_data()
                )
                message = (
                    f"Ballot {entered.paper_reference} set aside: {entered.status_reason}. "
                    "It is not counted."
                    if entered.duplicate_of_id
                    else f"Ballot {entered.paper_reference} entered."
                )
        except RuleViolation as error:
            form.ballot.errors = [error.message]
        else:
            flash(message, "success")
            return redirect(url_for("pb.paper_ballots", process_id=process.id))
    return render_template(
        "pb/paper_ballots.html",
        process=process,
        form=form,
        entered=queries.paper_ballots(db.session, process),
        projects=queries.shortlist(db.session, process),
        open_for_entry=process.phase in (Phase.VOTING, Phase.COUNTING) and not process.archived,
    )


@bp.route("/<int:process_id>/paper-ballots/import", methods=["GET", "POST"])
def import_paper_ballots(process_id: int) -> str | BaseResponse:
    require(permissions.can_enter_paper_ballots(current_user))
    process = process_or_404(process_id)
    form = PaperImportForm()
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8-sig")
            with write_transaction():
                report = services.import_paper_ballots(
                    db.session, actor=current_user, process=process, text=text
                )
        except UnicodeDecodeError:
            form.file.errors = ["The file must be a CSV saved as UTF-8"]
        except RuleViolation as error:
            form.file.errors = [error.message]
        else:
            message = f"{report.entered} paper ballots imported."
            if report.set_aside:
                message += (
                    f" {len(report.set_aside)} were set aside because the voter had already "
                    f"voted online: {', '.join(report.set_aside)}."
                )
            flash(message, "success")
            return redirect(url_for("pb.paper_ballots", process_id=process.id))
    return render_template(
        "pb/paper_import.html",
        process=process,
        form=form,
        projects=queries.shortlist(db.session, process),
    )


@bp.route("/<int:process_id>/paper-ballots/<int:ballot_id>/withdraw", methods=["GET", "POST"])
def void_paper_ballot(process_id: int, ballot_id: int) -> str | BaseResponse:
    require(permissions.can_enter_paper_ballots(current_user))
    process = process_or_404(process_id)
    paper = db.get_or_404(Ballot, ballot_id)
    if paper.process_id != process.id:
        abort(404)
    form = VoidForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                services.void_paper_ballot(
                    db.session, actor=current_user, ballot=paper, reason=form.reason.data
                )
        except RuleViolation as error:
            form.reason.errors = [error.message]
        else:
            flash("Paper ballot withdrawn. It is no longer counted.", "success")
            return redirect(url_for("pb.paper_ballots", process_id=process.id))
    return render_template("pb/void.html", process=process, ballot=paper, form=form)


# --- the count -----------------------------------------------------------------------


@bp.route("/<int:process_id>/count")
def count(process_id: int) -> str:
    """A preview of the count for officers while counting; results publish it."""
    require(permissions.can_manage_processes(current_user))
    process = process_or_404(process_id)
    if process.phase is not Phase.COUNTING:
        return render_template(
            "pb/cannot.html",
            process=process,
            reason="The count can be previewed after voting closes, before results are published",
        )
    try:
        page = results.results_view(db.session, process, preview=True)
    except RuleViolation as error:
        return render_template("pb/cannot.html", process=process, reason=error.message)
    return render_template(
        "pb/count.html",
        process=process,
        page=page,
        phase_form=PhaseForm(to=Phase.RESULTS.value),
    )


# --- delivery ------------------------------------------------------------------------


@bp.route("/<int:process_id>/proposals/<int:proposal_id>/delivery", methods=["GET", "POST"])
def update_delivery(process_id: int, proposal_id: int) -> str | BaseResponse:
    require(permissions.can_report_delivery(current_user))
    process = process_or_404(process_id)
    proposal = proposal_or_404(process, proposal_id)
    if proposal.delivery is None:
        return render_template(
            "pb/cannot.html", process=process, reason="Only funded projects have delivery updates"
        )
    form = DeliveryForm(posted_on=utcnow().date())
    if request.method == "GET":
        form.status.data = proposal.delivery.status.value
        form.percent_complete.data = proposal.delivery.percent_complete
    if form.validate_on_submit():
        try:
            services.update_delivery(
                db.session, actor=current_user, proposal=proposal, data=form.delivery_data()
            )
        except RuleViolation as error:
            db.session.rollback()
            form.status.errors = [error.message]
        else:
            db.session.commit()
            flash(f"Delivery update for {proposal.title} saved.", "success")
            return redirect(url_for("pb.delivery", process_id=process.id))
    return render_template("pb/delivery_form.html", process=process, proposal=proposal, form=form)


# --- archives ------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
def import_archive() -> str | BaseResponse:
    require(permissions.can_manage_processes(current_user))
    form = ArchiveImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            process = archives.import_archive(
                db.session,
                actor=current_user,
                text=upload.read().decode("utf-8-sig"),
                source=upload.filename or "upload.pb",
            )
        except UnicodeDecodeError:
            db.session.rollback()
            form.file.errors = ["The file must be saved as UTF-8"]
        except RuleViolation as error:
            db.session.rollback()
            form.file.errors = [error.message]
        else:
            db.session.commit()
            flash(f"Imported {process.title} as an archived budget.", "success")
            return redirect(url_for("pb.show", process_id=process.id))
    return render_template("pb/import.html", form=form)
