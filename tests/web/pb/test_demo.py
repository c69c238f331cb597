"""The demo borough's budgets: last year's, counted and being delivered, and this
year's, open for voting; seeding twice changes nothing."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import User
from engage.extensions import db
from engage.pb.demo import FINISHED, OPEN
from engage.pb.models import Ballot, DeliveryUpdate, Phase, Process
from tests.conftest import post_form, sign_in_as


def _counts() -> tuple[int, int, int]:
    db.session.rollback()
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Process, Ballot, DeliveryUpdate)
    )


def test_the_demo_has_a_delivered_budget_and_one_open_for_voting(
    app: Flask, client: FlaskClient
) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    counts = _counts()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _counts() == counts

    finished = db.session.scalar(select(Process).where(Process.title == FINISHED))
    voting = db.session.scalar(select(Process).where(Process.title == OPEN))
    assert finished is not None and voting is not None
    assert finished.phase is Phase.DELIVERY and finished.result is not None
    assert finished.result.ballots_counted == 122  # two online, 120 from the festival stand

    results = client.get(f"/budgets/{finished.id}/results").get_data(as_text=True)
    assert "Funded projects" in results and "Why each project" in results
    assert "Method of Equal Shares" in results
    delivery = client.get(f"/budgets/{finished.id}/delivery").get_data(as_text=True)
    assert "All six benches and eight trees are in." in delivery
    assert "60% complete" in delivery

    # The neighbour has voted this year; a demo resident who has not yet can vote.
    assert db.session.scalar(select(Ballot).where(Ballot.process_id == voting.id)) is not None
    jamie = db.session.scalar(select(User).where(User.email == "resident@riverside.example"))
    sign_in_as(client, jamie)
    page = client.get(f"/budgets/{voting.id}/ballot").get_data(as_text=True)
    assert "Submit your ballot" in page and "running-total" in page
    project = voting.proposals[0]
    response = post_form(client, f"/budgets/{voting.id}/ballot", {"projects": str(project.id)})
    assert response.status_code == 302
    assert _counts()[1] == counts[1] + 1
