"""Councillors' local fund: funds with grant rules, bids, decisions and a ledger that
is never overspent.

A fund officer sets up a fund (total, dates, corporate aims, allocations per ward or
per councillor, and which grant rules apply). Residents, community groups, officers
and councillors bid through GOV.UK question pages and see the rules checked before
they send; an officer confirms eligibility; a ward councillor declares any interest
and decides; approved money is committed through the append-only ledger.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select, update

from engage.db import DbSession
from engage.hooks import (
    add_briefing_section,
    add_demo_seeder,
    add_nav_item,
    add_personal_data,
    add_priority_source,
    add_ward_section,
)

cli = AppGroup("funds", help="The councillors' local fund.")


def init_app(app: Flask) -> None:
    from engage.funds import (
        demo,
        officer_views,  # noqa: F401 (registers its routes on bp)
        queries,
    )
    from engage.funds.permissions import can_manage_funds, can_see_decisions
    from engage.funds.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli)
    add_nav_item(app, "funds.index", "Local fund")
    add_nav_item(app, "funds.decisions", "Bids to decide", visible=can_see_decisions)
    add_nav_item(app, "funds.manage", "Manage local funds", visible=can_manage_funds)
    add_ward_section(app, "funds/_ward_section.html")
    add_briefing_section(app, "funds/_briefing_section.html")
    add_priority_source(app, "fund", queries.bid_mentions)
    add_demo_seeder(app, demo.seed)
    add_personal_data(app, _personal_data, _erase_personal_data)
    app.add_template_global(_ward_fund, "funds_ward_summary")
    app.add_template_global(_briefing, "funds_briefing")


def _ward_fund(ward: Any) -> Any:
    from engage.extensions import db
    from engage.funds.queries import ward_fund

    return ward_fund(db.session, ward)


def _briefing(ward: Any) -> Any:
    from engage.extensions import db
    from engage.funds.queries import briefing

    return briefing(db.session, ward)


def _personal_data(session: DbSession, user: Any) -> dict[str, list[dict[str, Any]]]:
    """The bids a person proposed, with their answers, and interests they declared."""
    from engage.funds.models import Bid, InterestDeclaration

    bids = session.scalars(select(Bid).where(Bid.proposer_id == user.id).order_by(Bid.id))
    declarations = session.scalars(
        select(InterestDeclaration)
        .where(InterestDeclaration.councillor_id == user.id)
        .order_by(InterestDeclaration.id)
    )
    return {
        "local_fund_bids": [
            {
                "reference": bid.reference,
                "fund": bid.fund.name,
                "title": bid.title,
                "status": bid.status.label,
                "proposed_as": bid.proposer_kind.label,
                "group_name": bid.group_name,
                "local_need": bid.local_need,
                "what_will_be_delivered": bid.deliverables,
                "wards": bid.ward_names,
                "amount_requested_pence": bid.amount_pence,
                "council_service": bid.service,
                "evidence_of_support": bid.support_evidence,
                "started": bid.created_at,
                "sent": bid.submitted_at,
            }
            for bid in bids
        ],
        "local_fund_interest_declarations": [
            {
                "bid": d.bid.reference,
                "has_interest": d.has_interest,
                "details": d.details,
                "declared_at": d.declared_at,
            }
            for d in declarations
        ],
    }


def _erase_personal_data(session: DbSession, user: Any) -> None:
    """Drafts nobody else has seen are deleted. Sent bids are council records of public
    money, so they stay, with a resident's evidence of support (which may name
    people) cleared; the account's own row is anonymised by the foundation."""
    from engage.funds.models import Bid, BidStatus

    for draft in session.scalars(
        select(Bid).where(Bid.proposer_id == user.id, Bid.status == BidStatus.DRAFT)
    ):
        session.delete(draft)
    session.execute(
        update(Bid)
        .where(Bid.proposer_id == user.id, Bid.status != BidStatus.DRAFT)
        .values(support_evidence="")
        .execution_options(synchronize_session=False)
    )


@cli.command("check-ledger")
def check_ledger_command() -> None:
    """Reconcile every allocation with its ledger and every fund with its allocations
    (for auditors; safe to run at any time). Exits with an error if anything differs."""
    from engage.extensions import db
    from engage.funds.services import check_ledger

    check = check_ledger(db.session)
    for problem in check.problems:
        click.echo(f"  {problem}")
    if check.problems:
        raise click.ClickException(f"{len(check.problems)} differences found.")
    click.echo(f"Checked {check.allocations} allocations: the ledger adds up.")
