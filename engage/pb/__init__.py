"""Participatory budgeting: residents propose projects, officers cost and shortlist
them, residents vote, and the council publishes results it can defend and reports
on delivery. The counting engine (``counting``, ``pabulib``) is pure code; this
package's pages, services and commands are built on it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.cli import AppGroup
from markupsafe import Markup
from sqlalchemy import delete, select, update

from engage.db import DbSession
from engage.hooks import (
    add_briefing_section,
    add_demo_seeder,
    add_nav_item,
    add_personal_data,
    add_priority_source,
    add_ward_section,
)


def init_app(app: Flask) -> None:
    from engage.pb import commands, demo, officer_views, permissions, queries, results  # noqa: F401
    from engage.pb.tally import tally_command
    from engage.pb.views import bp

    app.register_blueprint(bp)
    group = AppGroup("pb", help="Participatory budgeting: phases, counting and open data.")
    commands.register(group)
    group.add_command(tally_command)
    app.cli.add_command(group)

    add_nav_item(app, "pb.index", "Budgets")
    add_ward_section(app, "pb/_ward_section.html")
    add_briefing_section(app, "pb/_briefing_section.html")
    add_demo_seeder(app, demo.seed)
    add_priority_source(app, "pb", queries.proposal_mentions)
    add_personal_data(app, _personal_data, _erase_personal_data)

    app.jinja_env.filters["pb_money"] = _money
    app.jinja_env.filters["pb_text"] = _rich_text
    app.add_template_global(_ward_summary, "pb_ward_summary")
    app.add_template_global(results.rule_label, "pb_rule_label")
    app.add_template_global(permissions.can_manage_processes, "pb_can_manage")


def _money(pence: int | None, process: Any) -> str:
    """Money in the process's currency: pounds for Engage's own, the code for
    archived elections from other countries (costs in minor units either way)."""
    from engage.web import format_money

    if pence is None:
        return ""
    if process.currency == "GBP":
        return format_money(pence)
    whole, part = divmod(pence, 100)
    return f"{whole:,}{f'.{part:02d}' if part else ''} {process.currency}"


def _rich_text(text: str) -> Markup:
    """Proposal and comment text as escaped paragraphs and line breaks."""
    from markupsafe import escape

    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return Markup("").join(
        Markup('<p class="govuk-body">{}</p>').format(
            Markup("<br>").join(escape(line) for line in p.split("\n"))
        )
        for p in paragraphs
    )


def _ward_summary(ward: Any) -> Any:
    from engage.extensions import db
    from engage.pb.summaries import ward_summary

    return ward_summary(db.session, ward)


def _personal_data(session: DbSession, user: Any) -> dict[str, list[dict[str, Any]]]:
    """A person's proposals, supports, comments and their own ballots."""
    from engage.pb.models import Ballot, Proposal, ProposalComment, ProposalSupport

    proposals = session.scalars(select(Proposal).where(Proposal.authors.contains(user)))
    supports = session.execute(
        select(Proposal.title, ProposalSupport.created_at)
        .join(ProposalSupport, ProposalSupport.proposal_id == Proposal.id)
        .where(ProposalSupport.user_id == user.id)
    )
    comments = session.scalars(select(ProposalComment).where(ProposalComment.author_id == user.id))
    ballots = session.scalars(select(Ballot).where(Ballot.voter_id == user.id))
    titles: dict[int, str] = dict(
        session.execute(select(Proposal.id, Proposal.title)).tuples().all()
    )
    return {
        "budget_proposals": [
            {
                "budget": p.process.title,
                "title": p.title,
                "description": p.description,
                "location": p.location,
                "submitted_at": p.created_at,
                "status": p.status.label,
            }
            for p in proposals
        ],
        "budget_supports": [{"proposal": title, "at": at} for title, at in supports],
        "budget_comments": [
            {"proposal": c.proposal.title, "comment": c.body, "posted_at": c.created_at}
            for c in comments
        ],
        "budget_ballots": [
            {
                "budget_id": b.process_id,
                "cast_at": b.submitted_at,
                "last_changed_at": b.changed_at,
                "choices": "; ".join(
                    titles.get(c.proposal_id, "")
                    + (f" ({c.points} points)" if c.points is not None else "")
                    for c in b.choices
                ),
            }
            for b in ballots
        ],
    }


def _erase_personal_data(session: DbSession, user: Any) -> None:
    """Ballots stay counted but unlinked; supports go; proposals and comments stay,
    shown as from a former member."""
    from engage.pb.models import Ballot, ProposalSupport

    session.execute(update(Ballot).where(Ballot.voter_id == user.id).values(voter_id=None))
    session.execute(delete(ProposalSupport).where(ProposalSupport.user_id == user.id))
