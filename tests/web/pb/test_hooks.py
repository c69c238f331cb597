"""PB on shared pages: the ward page, the councillor's briefing and navigation; and a
person's PB data in their download and when their account is deleted."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.data_rights import erase_account, personal_data
from engage.extensions import db
from engage.pb import queries
from engage.pb.models import Ballot, Phase, ProposalSupport
from tests.conftest import World, sign_in_as
from tests.fixtures.pb import build_ballot, build_process, build_proposal, build_shortlist


def test_the_ward_page_lists_budgets_covering_the_ward_with_open_voting(
    client: FlaskClient, world: World
) -> None:
    voting = build_process(ward=world.ward, phase=Phase.VOTING, title="Riverside Votes")
    build_process(ward=world.ward, phase=Phase.DRAFT, title="Still a draft")
    build_process(ward=world.other_ward, phase=Phase.PROPOSALS, title="Abbey Ideas")
    build_process(phase=Phase.PROPOSALS, title="Borough-wide Ideas")
    page = client.get(f"/wards/{world.ward.slug}").get_data(as_text=True)
    assert "Budgets you decide" in page
    assert "Riverside Votes" in page and "Voting is open" in page
    assert f'href="/budgets/{voting.id}/ballot"' in page
    assert "Borough-wide Ideas" in page
    assert "Abbey Ideas" not in page and "Still a draft" not in page


def test_the_briefing_gives_the_wards_proposals_and_turnout(
    client: FlaskClient, world: World
) -> None:
    process = build_process(ward=world.ward, phase=Phase.VOTING, title="Riverside Votes")
    projects = build_shortlist(process, world.people["resident"], [1000, 2000])
    build_ballot(process, projects[:1], voter=world.people["resident"])
    build_ballot(process, projects, voter=world.people["councillor"])
    sign_in_as(client, world.people["councillor"])
    page = client.get(f"/briefings/{world.ward.slug}").get_data(as_text=True)
    assert "Participatory budgeting" in page and "Riverside Votes" in page
    assert "Voting open" in page
    row = page[page.index("Riverside Votes") :]
    assert "Ballots from Riverside East" in page and ">2<" in row.replace(" ", "")[:600]


def test_budgets_are_in_the_navigation(client: FlaskClient) -> None:
    assert '<a class="govuk-service-navigation__link" href="/budgets/"' in client.get("/").get_data(
        as_text=True
    )


def test_a_persons_download_includes_their_pb_data_and_deletion_unlinks_their_ballot(
    world: World,
) -> None:
    resident = world.people["resident"]
    process = build_process(ward=world.ward, phase=Phase.VOTING)
    projects = build_shortlist(process, world.people["officer"], [1000], ["Benches"])
    mine = build_proposal(process, author=resident, title="My idea")
    db.session.add(ProposalSupport(proposal_id=projects[0].id, user_id=resident.id))
    build_ballot(process, projects, voter=resident)
    db.session.commit()

    tables = personal_data(db.session, resident)
    assert [p["title"] for p in tables["budget_proposals"]] == ["My idea"]
    assert [s["proposal"] for s in tables["budget_supports"]] == ["Benches"]
    assert tables["budget_ballots"][0]["choices"] == "Benches"

    erase_account(db.session, actor=resident, user=resident, reason="Moving away")
    db.session.commit()
    ballot = db.session.scalar(select(Ballot))
    assert ballot.voter_id is None  # still counted, no longer linked
    assert queries.ballots_counted(db.session, process) == 1
    assert db.session.scalar(select(ProposalSupport)) is None
    db.session.refresh(mine)
    assert mine.author_names == "Former member"
