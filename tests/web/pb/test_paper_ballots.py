"""Officers enter paper and festival-stand ballots, one by one or from a CSV file."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.audit import AuditEntry
from engage.extensions import db
from engage.pb.models import Ballot, BallotStatus, Phase, Process
from tests.conftest import World, post_form, sign_in_as
from tests.fixtures.pb import build_process, build_shortlist


def open_vote(world: World) -> tuple[Process, list[int]]:
    process = build_process(ward=world.ward, phase=Phase.VOTING, max_choices=2)
    projects = build_shortlist(process, world.people["officer"], [1000, 2000, 3000])
    return process, [p.id for p in projects]


def test_an_officer_enters_a_paper_ballot_and_it_is_audited(
    client: FlaskClient, world: World
) -> None:
    process, ids = open_vote(world)
    sign_in_as(client, world.people["officer"])
    url = f"/budgets/{process.id}/paper-ballots"
    page = client.get(url).get_data(as_text=True)
    assert "Ballot number" in page and "Riverside East" in page

    response = post_form(
        client, url, {"reference": "A17", "ward_id": str(world.ward.id), "projects": [str(ids[0])]}
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Ballot A17 entered." in page and "Counted" in page
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "pb.paper_ballot.enter")
    )
    assert entry.actor_id == world.people["officer"].id

    response = post_form(
        client, url, {"reference": "A17", "ward_id": str(world.ward.id), "projects": [str(ids[1])]}
    )
    assert "Paper ballot A17 has already been entered" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_a_paper_ballot_from_an_online_voter_is_set_aside_and_shown_to_officers(
    client: FlaskClient, world: World
) -> None:
    process, ids = open_vote(world)
    resident = world.people["resident"]
    sign_in_as(client, resident)
    post_form(client, f"/budgets/{process.id}/ballot", {"projects": [str(ids[0])]})

    sign_in_as(client, world.people["officer"])
    response = post_form(
        client,
        f"/budgets/{process.id}/paper-ballots",
        {
            "reference": "B2",
            "ward_id": str(world.ward.id),
            "projects": [str(ids[1])],
            "voter_email": resident.email,
        },
        follow_redirects=True,
    )
    assert "Ballot B2 set aside: Jamie Resident had already voted online" in response.get_data(
        as_text=True
    )
    manage = client.get(f"/budgets/{process.id}/manage").get_data(as_text=True)
    assert "1 paper ballot was set aside because the voter had already voted online" in manage
    statuses = sorted(b.status for b in db.session.scalars(select(Ballot)))
    assert statuses == [BallotStatus.COUNTED, BallotStatus.SET_ASIDE]


def test_a_csv_with_problems_imports_nothing_and_lists_each_line(
    client: FlaskClient, world: World
) -> None:
    process, ids = open_vote(world)
    sign_in_as(client, world.people["officer"])
    url = f"/budgets/{process.id}/paper-ballots/import"
    bad = f"reference,ward,choices\n1,Riverside East,{ids[0]}\n2,Atlantis,{ids[1]}\n"
    response = post_form(
        client,
        url,
        {"file": (io.BytesIO(bad.encode()), "ballots.csv")},
        content_type="multipart/form-data",
    )
    assert "Line 3: Atlantis is not a ward in Riverside East ward" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0

    good = (
        f"reference,ward,choices\n1,Riverside East,{ids[0]}\n2,Riverside East,{ids[1]};{ids[2]}\n"
    )
    response = post_form(
        client,
        url,
        {"file": (io.BytesIO(good.encode("utf-8-sig")), "ballots.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "2 paper ballots imported." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 2


def test_a_mistyped_paper_ballot_is_withdrawn_with_a_reason(
    client: FlaskClient, world: World
) -> None:
    process, ids = open_vote(world)
    sign_in_as(client, world.people["officer"])
    post_form(
        client,
        f"/budgets/{process.id}/paper-ballots",
        {"reference": "C3", "ward_id": str(world.ward.id), "projects": [str(ids[0])]},
    )
    paper = db.session.scalar(select(Ballot))
    url = f"/budgets/{process.id}/paper-ballots/{paper.id}/withdraw"
    assert "Enter a reason" in post_form(client, url, {"reason": ""}).get_data(as_text=True)
    post_form(client, url, {"reason": "Wrong project typed"})
    db.session.refresh(paper)
    assert paper.status is BallotStatus.VOID
    assert paper.status_reason == "Ballot C3 withdrawn: Wrong project typed"
