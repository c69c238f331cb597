"""Officers set up a budget, review and cost proposals, build the shortlist and move
the budget through its phases."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.extensions import db
from engage.pb.models import BallotType, Category, Phase, Process, ProposalStatus
from tests.conftest import World, post_form, sign_in_as
from tests.fixtures.pb import build_process, build_proposal, build_shortlist

SETTINGS = {
    "title": "Riverside East Decides 2026",
    "summary": "£25,000 for projects in Riverside East.",
    "scope": "ward",
    "area_id": "0",
    "budget": "25,000",
    "ballot_type": "knapsack",
    "min_choices": "1",
    "official_rule": "greedy",
}


def test_an_officer_creates_a_draft_budget_for_a_ward(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["officer"])
    response = post_form(client, "/budgets/new", {**SETTINGS, "ward_id": "0", "budget": "lots"})
    html = response.get_data(as_text=True)
    assert "Select the ward" in html and "Budget in pounds must be an amount in pounds" in html
    assert "Riverside East Decides 2026" in html
    assert db.session.scalar(select(Process)) is None

    response = post_form(client, "/budgets/new", {**SETTINGS, "ward_id": str(world.ward.id)})
    process = db.session.scalar(select(Process))
    assert response.status_code == 302 and response.location.endswith(
        f"/budgets/{process.id}/manage"
    )
    assert (process.phase, process.budget_pence, process.ward_id, process.ballot_type) == (
        Phase.DRAFT,
        2_500_000,
        world.ward.id,
        BallotType.KNAPSACK,
    )
    page = client.get(response.location).get_data(as_text=True)
    assert "Publish the budget" in page


def test_categories_with_their_own_budget(client: FlaskClient, world: World) -> None:
    process = build_process(ward=world.ward, phase=Phase.DRAFT, budget_pence=1_000_000)
    sign_in_as(client, world.people["officer"])
    url = f"/budgets/{process.id}/categories"
    post_form(client, url, {"name": "Parks and green spaces", "budget": "4000"})
    response = post_form(client, url, {"name": "Youth", "budget": "7000"})
    assert "more than the whole budget of £10,000" in response.get_data(as_text=True)
    categories = db.session.scalars(select(Category)).all()
    assert [(c.name, c.budget_pence) for c in categories] == [("Parks and green spaces", 400_000)]
    post_form(client, f"{url}/{categories[0].id}/remove")
    assert db.session.scalar(select(Category)) is None


def test_an_officer_costs_a_proposal_and_the_proposer_sees_why_another_is_not_feasible(
    client: FlaskClient, world: World
) -> None:
    process = build_process(ward=world.ward, phase=Phase.REVIEW)
    good = build_proposal(process, author=world.people["resident"], title="Bulbs")
    bad = build_proposal(process, author=world.people["resident"], title="Railway bridge")
    sign_in_as(client, world.people["officer"])

    response = post_form(
        client, f"/budgets/{process.id}/proposals/{good.id}/review", {"feasible": "yes"}
    )
    assert "Enter the estimated cost" in response.get_data(as_text=True)
    post_form(
        client,
        f"/budgets/{process.id}/proposals/{good.id}/review",
        {"feasible": "yes", "estimated_cost": "2,400", "delivering_service": "Parks"},
    )
    post_form(
        client,
        f"/budgets/{process.id}/proposals/{bad.id}/review",
        {"feasible": "no", "reason": "The bridge belongs to Network Rail"},
    )
    db.session.refresh(good)
    assert (good.status, good.estimated_cost_pence) == (ProposalStatus.FEASIBLE, 240_000)

    sign_in_as(client, world.people["resident"])
    page = client.get(f"/budgets/{process.id}/proposals/{bad.id}").get_data(as_text=True)
    assert "Why not feasible" in page and "The bridge belongs to Network Rail" in page


def test_the_shortlist_is_built_then_published_through_a_guarded_move(
    client: FlaskClient, world: World
) -> None:
    process = build_process(ward=world.ward, phase=Phase.REVIEW)
    costed = build_proposal(process, author=world.people["resident"], cost_pence=100_000)
    waiting = build_proposal(process, author=world.people["resident"], title="Unreviewed")
    sign_in_as(client, world.people["officer"])
    manage = f"/budgets/{process.id}/manage"

    page = client.get(manage).get_data(as_text=True)
    assert "1 proposal is awaiting review" in page and "The shortlist is empty" in page
    assert "Publish the shortlist" not in page

    post_form(client, f"/budgets/{process.id}/proposals/{costed.id}/shortlist")
    post_form(
        client,
        f"/budgets/{process.id}/proposals/{waiting.id}/review",
        {"feasible": "no", "reason": "Already funded by the council"},
    )
    page = client.get(manage).get_data(as_text=True)
    assert "Publish the shortlist" in page

    response = post_form(client, f"/budgets/{process.id}/phase", {"to": "shortlist"})
    assert response.status_code == 302
    db.session.refresh(process)
    assert process.phase is Phase.SHORTLIST
    assert "Shortlist published" in client.get(manage).get_data(as_text=True)
    shortlist = client.get(f"/budgets/{process.id}/shortlist").get_data(as_text=True)
    assert costed.title in shortlist and "Unreviewed" not in shortlist


def test_an_illegal_move_is_refused_and_changes_nothing(client: FlaskClient, world: World) -> None:
    process = build_process(ward=world.ward, phase=Phase.PROPOSALS)
    sign_in_as(client, world.people["officer"])
    response = post_form(
        client, f"/budgets/{process.id}/phase", {"to": "voting"}, follow_redirects=True
    )
    assert "cannot move to voting open; phases go in order" in response.get_data(as_text=True)
    db.session.refresh(process)
    assert process.phase is Phase.PROPOSALS
    assert db.session.scalar(select(AuditEntry)) is None


def test_voting_will_not_open_when_the_rules_do_not_suit_the_shortlist(
    client: FlaskClient, world: World
) -> None:
    process = build_process(
        ward=world.ward, phase=Phase.SHORTLIST, min_choices=3, official_rule="equalshares"
    )
    process.ballot_type = BallotType.RANKED
    db.session.commit()
    build_shortlist(process, world.people["resident"], [1000, 2000])
    sign_in_as(client, world.people["officer"])
    page = client.get(f"/budgets/{process.id}/manage").get_data(as_text=True)
    assert "Voters must choose at least 3 projects but only 2 projects are on the shortlist" in page
    assert "The official counting rule does not suit this type of ballot" in page
    post_form(client, f"/budgets/{process.id}/phase", {"to": "voting"})
    db.session.refresh(process)
    assert process.phase is Phase.SHORTLIST


def test_the_rules_are_fixed_once_voting_opens(client: FlaskClient, world: World) -> None:
    process = build_process(ward=world.ward, phase=Phase.VOTING, budget_pence=1_000_000)
    sign_in_as(client, world.people["officer"])
    response = post_form(
        client,
        f"/budgets/{process.id}/edit",
        {**SETTINGS, "ward_id": str(world.ward.id), "budget": "20000", "ballot_type": "approval"},
    )
    assert "cannot change once voting has opened" in response.get_data(as_text=True)
    db.session.refresh(process)
    assert process.budget_pence == 1_000_000


def test_planned_dates_are_saved_and_shown_on_the_timeline(
    client: FlaskClient, world: World
) -> None:
    process = build_process(ward=world.ward, phase=Phase.INFORMATION)
    sign_in_as(client, world.people["officer"])
    url = f"/budgets/{process.id}/timeline"
    response = post_form(
        client,
        url,
        {"starts_proposals": ["1", "6", "2026"], "starts_voting": ["1", "5", "2026"]},
    )
    assert "Voting open must start on or after proposals open" in response.get_data(as_text=True)
    post_form(
        client,
        url,
        {"starts_proposals": ["1", "6", "2026"], "starts_voting": ["14", "9", "2026"]},
    )
    page = client.get(f"/budgets/{process.id}").get_data(as_text=True)
    assert "planned from 1 June 2026" in page and "planned from 14 September 2026" in page


def test_the_count_preview_says_why_a_count_cannot_run(client: FlaskClient, world: World) -> None:
    # Voting cannot open with a rule that does not suit the ballots; a budget that
    # reached counting another way is explained, not a server error.
    process = build_process(
        ward=world.ward,
        phase=Phase.COUNTING,
        ballot_type=BallotType.RANKED,
        official_rule="equalshares",
    )
    build_shortlist(process, world.people["officer"], [1000, 2000])
    sign_in_as(client, world.people["officer"])
    response = client.get(f"/budgets/{process.id}/count")
    assert response.status_code == 200
    assert "The count could not be run" in response.get_data(as_text=True)
