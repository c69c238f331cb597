"""The ballot page: plain-words rules, server-side checks with clear errors, changing
a ballot, who may vote, and the rate limit."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import User
from engage.db import utcnow
from engage.extensions import db, limiter
from engage.pb.models import Ballot, BallotChannel, BallotRevision, BallotType, Phase, Process
from engage.wards.models import Area, Ward
from tests.conftest import EngageTestClient, World, post_form, sign_in_as
from tests.fixtures.pb import build_ballot, build_process, build_shortlist

TITLES = ["Benches", "Youth club kit", "Street trees"]


def open_vote(world: World, kind: BallotType, **settings: object) -> tuple[Process, list[int]]:
    process = build_process(
        ward=world.ward, phase=Phase.VOTING, ballot_type=kind, budget_pence=1_000_000, **settings
    )
    projects = build_shortlist(
        process, world.people["officer"], [400_000, 300_000, 500_000], TITLES
    )
    return process, [p.id for p in projects]


def ballots() -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot)) or 0


def test_an_approval_ballot_explains_checks_and_can_be_changed(
    client: FlaskClient, world: World
) -> None:
    process, ids = open_vote(world, BallotType.APPROVAL, max_choices=2)
    sign_in_as(client, world.people["resident"])
    url = f"/budgets/{process.id}/ballot"
    page = client.get(url).get_data(as_text=True)
    assert "Choose up to 2 projects you would like to see funded." in page
    assert "£4,000" in page  # each project's cost

    response = post_form(client, url, {"projects": [str(i) for i in ids]})
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    assert 'href="#ballot">Choose no more than 2 projects. You chose 3' in html
    assert html.count("checked") >= 3  # what was ticked is still ticked
    assert ballots() == 0

    response = post_form(client, url, {"projects": [str(ids[0])]}, follow_redirects=True)
    assert "Your ballot has been counted" in response.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "Change your ballot" in page and "You voted on" in page

    post_form(client, url, {"projects": [str(ids[1]), str(ids[2])]})
    ballot = db.session.scalar(select(Ballot))
    assert [c.proposal_id for c in ballot.choices] == ids[1:]
    assert db.session.scalar(select(func.count()).select_from(BallotRevision)) == 1
    assert ballots() == 1


def test_a_knapsack_ballot_says_how_far_over_budget_it_is(
    client: FlaskClient, world: World
) -> None:
    process, ids = open_vote(world, BallotType.KNAPSACK)
    sign_in_as(client, world.people["resident"])
    url = f"/budgets/{process.id}/ballot"
    page = client.get(url).get_data(as_text=True)
    assert "must cost no more than the budget in total" in page
    assert 'data-cost="400000"' in page and "js/pb-ballot.mjs" in page

    html = post_form(client, url, {"projects": [str(i) for i in ids]}).get_data(as_text=True)
    assert (
        "The projects you chose cost £12,000, which is £2,000 more than the budget of £10,000"
        in html
    )
    post_form(client, url, {"projects": [str(ids[0]), str(ids[1])]})
    assert ballots() == 1


def test_a_ranked_ballot_uses_each_number_once(client: FlaskClient, world: World) -> None:
    process, ids = open_vote(world, BallotType.RANKED, max_choices=3)
    sign_in_as(client, world.people["resident"])
    url = f"/budgets/{process.id}/ballot"
    html = post_form(
        client, url, {f"rank_{ids[0]}": "1", f"rank_{ids[1]}": "1", f"rank_{ids[2]}": "9"}
    ).get_data(as_text=True)
    assert "You gave Benches number 1 too. Use each number once" in html
    assert "Choose a number for Street trees from the list" in html
    assert ballots() == 0

    post_form(client, url, {f"rank_{ids[0]}": "2", f"rank_{ids[2]}": "1"})
    ballot = db.session.scalar(select(Ballot))
    assert [c.proposal_id for c in ballot.choices] == [ids[2], ids[0]]  # in order of rank


def test_a_points_ballot_shares_points_within_the_limits(client: FlaskClient, world: World) -> None:
    process, ids = open_vote(world, BallotType.CUMULATIVE, points_total=10, points_per_project=6)
    sign_in_as(client, world.people["resident"])
    url = f"/budgets/{process.id}/ballot"
    assert "You have 10 points to share" in client.get(url).get_data(as_text=True)
    html = post_form(
        client, url, {f"points_{ids[0]}": "6", f"points_{ids[1]}": "5", f"points_{ids[2]}": "x"}
    ).get_data(as_text=True)
    assert "Points for Street trees must be a whole number, like 3" in html
    html = post_form(client, url, {f"points_{ids[0]}": "6", f"points_{ids[1]}": "5"}).get_data(
        as_text=True
    )
    assert "You have 10 points to share. You gave 11" in html
    post_form(client, url, {f"points_{ids[0]}": "6", f"points_{ids[1]}": "4"})
    ballot = db.session.scalar(select(Ballot))
    assert [(c.proposal_id, c.points) for c in ballot.choices] == [(ids[0], 6), (ids[1], 4)]


def test_a_minimum_age_is_declared_on_the_ballot(client: FlaskClient, world: World) -> None:
    process, ids = open_vote(world, BallotType.APPROVAL, minimum_age=16)
    sign_in_as(client, world.people["resident"])
    url = f"/budgets/{process.id}/ballot"
    assert "I am 16 or over" in client.get(url).get_data(as_text=True)
    html = post_form(client, url, {"projects": [str(ids[0])]}).get_data(as_text=True)
    assert "Confirm that you are 16 or over" in html
    post_form(client, url, {"projects": [str(ids[0])], "age_declared": "y"})
    assert db.session.scalar(select(Ballot)).age_declared


def test_people_who_cannot_vote_are_told_why(
    client: FlaskClient, world: World, make_user: object
) -> None:
    process, ids = open_vote(world, BallotType.APPROVAL)
    url = f"/budgets/{process.id}/ballot"
    sign_in_as(client, world.people["other_resident"])
    assert "people who live in Riverside East ward" in client.get(url).get_data(as_text=True)
    unverified = make_user(ward=world.ward, verified=False)  # type: ignore[operator]
    sign_in_as(client, unverified)
    assert "checked by the council" in client.get(url).get_data(as_text=True)
    html = post_form(client, url, {"projects": [str(ids[0])]}).get_data(as_text=True)
    assert "checked by the council" in html and ballots() == 0

    paper_voter = world.people["councillor"]
    build_ballot(
        process,
        [db.session.get(type(process.proposals[0]), ids[0])],
        voter=paper_voter,
        channel=BallotChannel.PAPER,
        reference="17",
    )
    sign_in_as(client, paper_voter)
    assert "Your paper ballot has been counted" in client.get(url).get_data(as_text=True)


def test_ballot_submissions_are_rate_limited_per_person(tmp_path: Path) -> None:
    from engage import create_app

    limited = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": tmp_path,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rate.db'}",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    limited.test_client_class = EngageTestClient
    try:
        with limited.app_context():
            db.create_all()
            ward = Ward(name="Riverside East", slug="riverside-east", area=Area(name="R", slug="r"))
            people = [
                User(
                    email=f"voter{n}@example.org",
                    display_name=f"Voter {n}",
                    password_hash="-",
                    ward=ward,
                    email_confirmed_at=utcnow(),
                    ward_verified_at=utcnow(),
                )
                for n in range(2)
            ]
            db.session.add_all(people)
            db.session.commit()
            process = build_process(ward=ward, phase=Phase.VOTING)
            [project] = build_shortlist(process, people[0], [1000])
            url = f"/budgets/{process.id}/ballot"
            client = sign_in_as(limited.test_client(), people[0])
            statuses = [
                post_form(client, url, {"projects": [str(project.id)]}).status_code
                for _ in range(11)
            ]
            assert statuses[:10] == [302] * 10 and statuses[10] == 429
            # Someone else on the same network can still vote.
            other = sign_in_as(limited.test_client(), people[1])
            assert post_form(other, url, {"projects": [str(project.id)]}).status_code == 302
            db.session.remove()
    finally:
        limiter.enabled = False  # the limiter is shared with the other tests' app
