"""A double tap that really is simultaneous: the same entry sent by several requests
at the same moment (a phone retrying while the first attempt is still in flight) is
saved once, and every request gets a "saved" answer rather than an error."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from flask import Flask

from engage.conversations.models import Conversation, Event, Theme
from engage.extensions import db
from tests.conftest import World, csrf_token, sign_in_as
from tests.web.conversations.test_stand_form import _entry, _key

TAPS = 8


def test_the_same_entry_sent_at_once_is_saved_once(
    app: Flask, world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    event = make_event("Summer festival", wards=[world.ward])
    url = f"/conversations/events/{event.id}/new"
    officer = world.people["officer"]
    db.session.commit()
    clients = [sign_in_as(app.test_client(), officer) for _ in range(TAPS)]
    key = _key(clients[0].get(url).get_data(as_text=True))
    tokens = [csrf_token(c, url) for c in clients]
    entry = _entry(themes, key)
    barrier = threading.Barrier(TAPS)
    answers: list[tuple[int, bool | None]] = []

    def tap(n: int) -> None:
        barrier.wait(timeout=60)
        response = clients[n].post(
            url,
            data={"csrf_token": tokens[n], **entry},
            headers={"Accept": "application/json"},
        )
        body = json.loads(response.get_data()) if response.is_json else {}
        answers.append((response.status_code, body.get("already_saved")))

    threads = [threading.Thread(target=tap, args=(n,)) for n in range(TAPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in answers] == [200] * TAPS
    assert sorted(already for _, already in answers) == [False] + [True] * (TAPS - 1)
    db.session.rollback()  # a fresh snapshot: the requests committed after ours began
    saved = db.session.scalars(db.select(Conversation)).all()
    assert len(saved) == 1 and saved[0].idempotency_key == key
