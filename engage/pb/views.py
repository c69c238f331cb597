"""Participatory budgeting pages for residents: processes, proposals, the ballot,
results and delivery. Officers' pages are in ``officer_views``, on the same blueprint."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from engage.db import write_transaction
from engage.errors import RuleViolation
from engage.exports import to_csv_bytes
from engage.extensions import db, limiter
from engage.forms import ActionForm, signed_in_form
from engage.pb import archives, permissions, queries, results, services
from engage.pb.forms import BallotForm, CommentForm, ProposalForm, choices_form
from engage.pb.models import (
    PUBLIC_PHASES,
    Phase,
    Process,
    Proposal,
    ProposalComment,
    ProposalStatus,
)
from engage.permissions import require

bp = Blueprint("pb", __name__, url_prefix="/budgets")


def process_or_404(process_id: int) -> Process:
    """The process, if this person may see it: drafts are not found by the public."""
    process = db.get_or_404(Process, process_id)
    if not permissions.can_view_process(current_user, process):
        abort(404)
    return process


def proposal_or_404(process: Process, proposal_id: int) -> Proposal:
    proposal = db.get_or_404(Proposal, proposal_id)
    if proposal.process_id != process.id:
        abort(404)
    return proposal


def _user_key() -> str:
    """Rate limits on voting count per account, not per address (a household or a
    library shares one)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return request.remote_addr or "unknown"


# --- processes -----------------------------------------------------------------------


@bp.route("/")
def index() -> str:
    found = queries.processes(
        db.session, include_drafts=permissions.can_manage_processes(current_user)
    )
    groups = {
        "Voting open": [p for p in found if p.phase is Phase.VOTING and not p.archived],
        "Taking part now": [
            p
            for p in found
            if not p.archived and p.phase not in (Phase.VOTING, Phase.RESULTS, Phase.DELIVERY)
        ],
        "Results and delivery": [
            p for p in found if not p.archived and p.phase in (Phase.RESULTS, Phase.DELIVERY)
        ],
        "Archived budgets": [p for p in found if p.archived],
    }
    return render_template(
        "pb/index.html",
        groups=groups,
        can_manage=permissions.can_manage_processes(current_user),
    )


@bp.route("/<int:process_id>")
def show(process_id: int) -> str:
    process = process_or_404(process_id)
    ballot = (
        queries.ballot_of(db.session, process, current_user.id)
        if current_user.is_authenticated
        else None
    )
    shortlist = queries.shortlist(db.session, process)
    return render_template(
        "pb/show.html",
        process=process,
        phases=PUBLIC_PHASES,
        ballot=ballot,
        shortlist=shortlist,
        proposal_count=queries.proposal_count(db.session, process),
        turnout=(
            queries.turnout_by_ward(db.session, process)
            if permissions.can_see_live_turnout(current_user, process)
            else None
        ),
        take_part_refusal=permissions.take_part_refusal(current_user, process),
        voting_refusal=(
            permissions.voting_refusal(current_user, process, ballot)
            if current_user.is_authenticated
            else None
        ),
        can_manage=permissions.can_manage_processes(current_user),
        rules=services.describe_rules(process, shortlist),
    )


# --- proposals -----------------------------------------------------------------------


@bp.route("/<int:process_id>/proposals")
def proposals(process_id: int) -> str:
    process = process_or_404(process_id)
    sort = request.args.get("sort", "newest")
    sort = sort if sort in queries.PROPOSAL_SORTS or sort == "support" else "newest"
    category = next(
        (c for c in process.categories if str(c.id) == request.args.get("category")), None
    )
    found = queries.proposals(
        db.session,
        process,
        sort=sort,
        category_id=category.id if category else None,
        include_hidden=permissions.can_moderate(current_user),
    )
    supports = queries.support_counts(db.session, [p.id for p in found])
    if sort == "support":
        found.sort(key=lambda p: (-supports.get(p.id, 0), p.id))
    return render_template(
        "pb/proposals.html",
        process=process,
        proposals=found,
        supports=supports,
        sort=sort,
        category=category,
        can_review=permissions.can_review_proposals(current_user),
    )


@bp.route("/<int:process_id>/proposals/new", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], key_func=_user_key)
def new_proposal(process_id: int) -> str | BaseResponse:
    process = process_or_404(process_id)
    require(current_user.is_authenticated)
    refusal = permissions.take_part_refusal(current_user, process)
    if process.phase is not Phase.PROPOSALS or process.archived:
        refusal = "Proposals are not open for this budget"
    if refusal:
        return render_template("pb/cannot.html", process=process, reason=refusal)
    form = ProposalForm(categories=process.categories)
    if form.validate_on_submit():
        try:
            proposal = services.submit_proposal(
                db.session, actor=current_user, process=process, data=form.proposal_data()
            )
        except RuleViolation as error:
            db.session.rollback()
            form.title.errors = [error.message]
        else:
            db.session.commit()
            flash(
                "Your proposal has been submitted. Council officers will review and cost it.",
                "success",
            )
            return redirect(url_for("pb.proposal", process_id=process.id, proposal_id=proposal.id))
    return render_template("pb/proposal_form.html", process=process, form=form)


@bp.route("/<int:process_id>/proposals/<int:proposal_id>")
def proposal(process_id: int, proposal_id: int) -> str:
    process = process_or_404(process_id)
    found = proposal_or_404(process, proposal_id)
    supporters = queries.support_counts(db.session, [found.id]).get(found.id, 0)
    supported = current_user.is_authenticated and bool(
        queries.supported_by(db.session, current_user.id, [found.id])
    )
    result = results.project_result(process, found)
    return render_template(
        "pb/proposal.html",
        process=process,
        proposal=found,
        supporters=supporters,
        supported=supported,
        can_support=(
            process.phase is Phase.PROPOSALS
            and not process.archived
            and found.status in (ProposalStatus.SUBMITTED, ProposalStatus.FEASIBLE)
            and not found.hidden
            and permissions.can_take_part(current_user, process)
            and current_user not in found.authors
        ),
        can_comment=permissions.can_comment(current_user) and not process.archived,
        can_moderate=permissions.can_moderate(current_user),
        can_review=permissions.can_review_proposals(current_user),
        can_report_delivery=permissions.can_report_delivery(current_user),
        action_form=signed_in_form(ActionForm),
        comment_form=signed_in_form(CommentForm),
        result=result,
    )


@bp.route("/<int:process_id>/proposals/<int:proposal_id>/support", methods=["POST"])
def support(process_id: int, proposal_id: int) -> BaseResponse:
    process = process_or_404(process_id)
    found = proposal_or_404(process, proposal_id)
    require(current_user.is_authenticated)
    if ActionForm().validate_on_submit():
        try:
            services.support(db.session, actor=current_user, proposal=found)
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("You support this proposal.", "success")
    return redirect(url_for("pb.proposal", process_id=process.id, proposal_id=found.id))


@bp.route("/<int:process_id>/proposals/<int:proposal_id>/support/withdraw", methods=["POST"])
def withdraw_support(process_id: int, proposal_id: int) -> BaseResponse:
    process = process_or_404(process_id)
    found = proposal_or_404(process, proposal_id)
    require(current_user.is_authenticated)
    if ActionForm().validate_on_submit():
        try:
            services.withdraw_support(db.session, actor=current_user, proposal=found)
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("You no longer support this proposal.", "success")
    return redirect(url_for("pb.proposal", process_id=process.id, proposal_id=found.id))


@bp.route("/<int:process_id>/proposals/<int:proposal_id>/comments", methods=["POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=_user_key)
def comment(process_id: int, proposal_id: int) -> str | BaseResponse:
    process = process_or_404(process_id)
    found = proposal_or_404(process, proposal_id)
    require(permissions.can_comment(current_user))
    form = CommentForm()
    if form.validate_on_submit():
        try:
            new = services.add_comment(
                db.session, actor=current_user, proposal=found, body=form.body.data
            )
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("Your comment has been posted.", "success")
            return redirect(
                url_for("pb.proposal", process_id=process.id, proposal_id=found.id)
                + f"#comment-{new.id}"
            )
        return redirect(url_for("pb.proposal", process_id=process.id, proposal_id=found.id))
    return render_template("pb/comment_form.html", process=process, proposal=found, form=form)


def comment_or_404(process: Process, comment_id: int) -> ProposalComment:
    found = db.get_or_404(ProposalComment, comment_id)
    if found.proposal.process_id != process.id:
        abort(404)
    return found


@bp.route("/<int:process_id>/shortlist")
def shortlist(process_id: int) -> str:
    process = process_or_404(process_id)
    published = process.shortlist_published
    if not published and not permissions.can_review_proposals(current_user):
        return render_template(
            "pb/cannot.html",
            process=process,
            reason="The shortlist has not been published yet",
        )
    return render_template(
        "pb/shortlist.html",
        process=process,
        projects=queries.shortlist(db.session, process),
        published=published,
    )


# --- the ballot ----------------------------------------------------------------------


def _ballot_form(process: Process, **kwargs: object) -> BallotForm:
    form = choices_form(
        BallotForm,
        services.ballot_rules(process),
        services.ballot_projects(db.session, process),
        **kwargs,
    )
    if process.minimum_age:
        form.age_declared.label.text = f"I am {process.minimum_age} or over"
    return form  # type: ignore[no-any-return]


@bp.route("/<int:process_id>/ballot", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=_user_key)
def ballot(process_id: int) -> str | BaseResponse:
    process = process_or_404(process_id)
    require(current_user.is_authenticated)
    existing = queries.ballot_of(db.session, process, current_user.id)
    refusal = permissions.voting_refusal(current_user, process, existing)
    if refusal:
        return render_template("pb/cannot.html", process=process, reason=refusal)
    form = _ballot_form(process)
    if request.method == "GET" and existing is not None:
        form.fill_from([(c.proposal_id, c.points) for c in existing.choices])
        form.age_declared.data = existing.age_declared
    if form.validate_on_submit():
        changing = existing is not None
        try:
            with write_transaction():
                services.cast_ballot(
                    db.session,
                    voter=current_user,
                    process=process,
                    choices=form.choices(),
                    age_declared=bool(form.age_declared.data),
                )
        except RuleViolation as error:
            form.ballot.errors = [error.message]
        else:
            flash(
                "Your ballot has been changed. Only your latest ballot counts."
                if changing
                else "Your ballot has been counted. You can change it until voting closes.",
                "success",
            )
            # The route's id: the committed process would be read again for its own.
            return redirect(url_for("pb.ballot", process_id=process_id))
    shortlist = queries.shortlist(db.session, process)
    return render_template(
        "pb/ballot.html",
        process=process,
        form=form,
        existing=existing,
        rules=services.describe_rules(process, shortlist),
        projects=shortlist,
    )


# --- results, delivery and open data -------------------------------------------------


@bp.route("/<int:process_id>/results")
def results_page(process_id: int) -> str:
    process = process_or_404(process_id)
    if not permissions.can_see_results(current_user, process):
        return render_template(
            "pb/cannot.html",
            process=process,
            reason="Results are published after voting closes and the count is checked",
        )
    return render_template(
        "pb/results.html", process=process, page=results.results_view(db.session, process)
    )


@bp.route("/<int:process_id>/delivery")
def delivery(process_id: int) -> str:
    process = process_or_404(process_id)
    if not permissions.can_see_results(current_user, process):
        return render_template(
            "pb/cannot.html",
            process=process,
            reason="Funded projects are listed here once results are published",
        )
    return render_template(
        "pb/delivery.html",
        process=process,
        projects=queries.funded_projects(db.session, process),
        can_report=permissions.can_report_delivery(current_user),
    )


@bp.route("/<int:process_id>/results.csv")
def results_csv(process_id: int) -> Response | str:
    process = process_or_404(process_id)
    if not permissions.can_see_results(current_user, process):
        return render_template(
            "pb/cannot.html", process=process, reason="Results have not been published yet"
        )
    response = Response(
        to_csv_bytes(results.results_frame(db.session, process)), mimetype="text/csv"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="budget-{process.id}-results.csv"'
    )
    return response


@bp.route("/<int:process_id>/ballots.pb")
def export_pb(process_id: int) -> Response | str:
    """Open data in the pabulib format: projects and anonymous ballots."""
    process = process_or_404(process_id)
    if not permissions.can_see_results(current_user, process):
        return render_template(
            "pb/cannot.html", process=process, reason="Results have not been published yet"
        )
    response = Response(
        archives.export_pb(db.session, process, council=current_app.config["COUNCIL_NAME"]),
        mimetype="text/plain",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="budget-{process.id}.pb"'
    return response
