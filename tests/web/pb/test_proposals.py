"""Residents propose, support and discuss projects; moderators hide what breaks the rules."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.pb.models import Phase, Proposal, ProposalComment, ProposalSupport
from tests.conftest import World, post_form, sign_in_as
from tests.fixtures.pb import build_process, build_proposal


def test_a_resident_proposes_a_project_and_a_mistake_loses_nothing(
    client: FlaskClient, world: World
) -> None:
    process = build_process(ward=world.ward, phase=Phase.PROPOSALS)
    sign_in_as(client, world.people["resident"])
    url = f"/budgets/{process.id}/proposals/new"

    response = post_form(
        client,
        url,
        {"title": "", "description": "Somewhere to sit by the river", "rough_cost": "£lots"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error: " in html
    assert "Enter a name for your project" in html
    assert "Rough cost in pounds, if you know it (optional) must be an amount in pounds" in html
    assert "Somewhere to sit by the river" in html  # kept
    assert db.session.scalar(select(Proposal)) is None

    response = post_form(
        client,
        url,
        {
            "title": "Benches by the river",
            "description": "Somewhere to sit by the river",
            "location": "Riverside Walk",
            "rough_cost": "£1,500",
            "category_id": "0",
        },
    )
    proposal = db.session.scalar(select(Proposal))
    assert response.status_code == 302
    assert response.location.endswith(f"/budgets/{process.id}/proposals/{proposal.id}")
    assert proposal.rough_cost_pence == 150_000
    page = client.get(response.location).get_data(as_text=True)
    assert "Benches by the river" in page and "Jamie Resident" in page
    assert "Your proposal has been submitted" in page


def test_someone_from_another_ward_is_told_why_they_cannot_propose(
    client: FlaskClient, world: World
) -> None:
    process = build_process(ward=world.ward, phase=Phase.PROPOSALS)
    sign_in_as(client, world.people["other_resident"])
    page = client.get(f"/budgets/{process.id}/proposals/new").get_data(as_text=True)
    assert "This budget is for people who live in Riverside East ward" in page
    assert "Your account is for Abbey Fields ward" in page
    response = post_form(
        client, f"/budgets/{process.id}/proposals/new", {"title": "Sneaky", "description": "x"}
    )
    assert "This budget is for people who live in" in response.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)) is None


def test_residents_support_a_proposal_once_and_can_withdraw(
    client: FlaskClient, world: World
) -> None:
    process = build_process(ward=world.ward, phase=Phase.PROPOSALS)
    proposal = build_proposal(process, author=world.people["councillor"], title="Bulb planting")
    sign_in_as(client, world.people["resident"])
    url = f"/budgets/{process.id}/proposals/{proposal.id}"
    assert "Support this proposal" in client.get(url).get_data(as_text=True)

    post_form(client, f"{url}/support")
    page = client.get(url).get_data(as_text=True)
    assert "1 person supports this proposal" in page and "Withdraw your support" in page

    post_form(client, f"{url}/support/withdraw")
    assert "0 people support this proposal" in client.get(url).get_data(as_text=True)
    assert db.session.scalar(select(ProposalSupport)) is None


def test_support_from_outside_the_area_is_refused_with_the_reason(
    client: FlaskClient, world: World
) -> None:
    process = build_process(ward=world.ward, phase=Phase.PROPOSALS)
    proposal = build_proposal(process, author=world.people["resident"])
    sign_in_as(client, world.people["other_resident"])
    url = f"/budgets/{process.id}/proposals/{proposal.id}"
    assert "Support this proposal" not in client.get(url).get_data(as_text=True)
    response = post_form(client, f"{url}/support", follow_redirects=True)
    assert "This budget is for people who live in Riverside East ward" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(ProposalSupport)) is None


def test_comments_are_shown_as_text_and_a_moderator_hides_one_with_a_reason(
    client: FlaskClient, world: World
) -> None:
    process = build_process(ward=world.ward, phase=Phase.PROPOSALS)
    proposal = build_proposal(process, author=world.people["resident"])
    url = f"/budgets/{process.id}/proposals/{proposal.id}"
    sign_in_as(client, world.people["other_resident"])
    post_form(client, f"{url}/comments", {"body": "Great idea <script>alert(1)</script>"})
    page = client.get(url).get_data(as_text=True)
    assert "Great idea &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page

    comment = db.session.scalar(select(ProposalComment))
    sign_in_as(client, world.people["officer"])
    response = post_form(
        client,
        f"/budgets/{process.id}/comments/{comment.id}/hide",
        {"reason": "Please keep it civil"},
    )
    assert response.status_code == 302
    sign_in_as(client, world.people["resident"])
    page = client.get(url).get_data(as_text=True)
    assert "Hidden by a moderator: Please keep it civil" in page
    assert "Great idea" not in page


def test_an_empty_comment_is_refused_and_a_draft_budget_is_not_found(
    client: FlaskClient, world: World
) -> None:
    process = build_process(ward=world.ward, phase=Phase.PROPOSALS)
    proposal = build_proposal(process, author=world.people["resident"])
    sign_in_as(client, world.people["resident"])
    response = post_form(client, f"/budgets/{process.id}/proposals/{proposal.id}/comments")
    assert "Enter your comment" in response.get_data(as_text=True)
    assert db.session.scalar(select(ProposalComment)) is None

    draft = build_process(ward=world.ward, phase=Phase.DRAFT, title="Secret plans")
    assert client.get(f"/budgets/{draft.id}").status_code == 404
    assert "Secret plans" not in client.get("/budgets/").get_data(as_text=True)
    sign_in_as(client, world.people["officer"])
    assert client.get(f"/budgets/{draft.id}").status_code == 200
