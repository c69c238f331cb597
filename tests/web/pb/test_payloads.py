"""Stored XSS on participatory budgeting pages: the demo budgets (one delivered, one
open for voting) with a payload in every text field, proposals, comments, delivery
updates, hidden reasons and paper-ballot notes included, read by the public, a
resident and an officer. The shared payload test visits each route once with fresh
data; this one visits every page of the poisoned demo budgets."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engage import demo
from engage.accounts.models import User
from engage.extensions import db
from engage.pb.models import Process, Proposal
from tests.conftest import sign_in_as
from tests.payloads import UNESCAPED, poison_all_text


def _pages(process: Process, proposals: list[Proposal]) -> list[str]:
    base = f"/budgets/{process.id}"
    pages = [
        "/budgets/",
        base,
        f"{base}/proposals",
        f"{base}/shortlist",
        f"{base}/results",
        f"{base}/delivery",
        f"{base}/ballot",
        f"{base}/manage",
        f"{base}/paper-ballots",
        f"{base}/timeline",
        f"{base}/edit",
    ]
    for proposal in proposals:
        pages.append(f"{base}/proposals/{proposal.id}")
        pages.append(f"{base}/proposals/{proposal.id}/delivery")
    return pages


@pytest.mark.parametrize("who", ["anonymous", "resident", "officer"])
def test_no_budget_page_shows_stored_text_as_markup(
    client: FlaskClient, app_context: None, who: str
) -> None:
    demo.seed(db.session)
    db.session.commit()
    emails = {"resident": "neighbour@riverside.example", "officer": "officer@riverside.example"}
    person = db.session.scalar(select(User).where(User.email == emails.get(who, "")))
    processes = list(db.session.scalars(select(Process).order_by(Process.id)))
    assert len(processes) == 2
    urls = [
        url
        for process in processes
        for url in _pages(process, sorted(process.proposals, key=lambda p: p.id))
    ]
    assert poison_all_text() > 10
    sign_in_as(client, person)
    escaped = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 403), url
        html = response.get_data(as_text=True)
        assert not any(mark in html for mark in UNESCAPED), f"{url} as {who}"
        escaped += html.count("&lt;script&gt;alert")
    assert escaped >= 20, "the payload should be shown, escaped, on the budget pages"
