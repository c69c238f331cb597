"""Anonymous visitors share recently made pages; nobody gets someone else's page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from engage.caching import TimedCache
from engage.public_pages import pages
from engage.wards.models import Ward
from tests.conftest import PASSWORD, World, csrf_token, post_form, sign_in_as


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """Switch the page cache on (tests run with it off) with a clock the test moves."""
    clock = Clock()
    monkeypatch.setitem(app.config, "PUBLIC_PAGE_CACHE_SECONDS", 30)
    monkeypatch.setattr(pages(app), "clock", clock)
    pages(app).clear()
    yield clock
    pages(app).clear()


def test_anonymous_visitors_share_a_page_until_it_is_30_seconds_old(
    app: Flask, clock: Clock, world: World, make_ward: Callable[..., Ward]
) -> None:
    first = app.test_client().get("/wards/")
    assert "Riverside East" in first.get_data(as_text=True)
    make_ward("Zeta Fields")

    clock.now += 29
    again = app.test_client().get("/wards/")
    assert again.get_data() == first.get_data()
    assert "Zeta Fields" not in again.get_data(as_text=True)
    # A kept page still carries the security headers of a freshly made one.
    assert again.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in again.headers["Content-Security-Policy"]

    clock.now += 1
    assert "Zeta Fields" in app.test_client().get("/wards/").get_data(as_text=True)


def test_signed_in_people_always_get_the_page_as_it_is_now(
    app: Flask, clock: Clock, world: World, make_ward: Callable[..., Ward]
) -> None:
    app.test_client().get("/wards/")
    make_ward("Zeta Fields")
    resident = sign_in_as(app.test_client(), world.people["resident"])
    page = resident.get("/wards/")
    html = page.get_data(as_text=True)
    assert "Zeta Fields" in html
    assert "Your account" in html and "Create an account" not in html
    assert page.headers["Cache-Control"] == "no-store"
    # ...and what they saw is not kept for anyone else.
    anonymous = app.test_client().get("/wards/").get_data(as_text=True)
    assert "Zeta Fields" not in anonymous and "Your account" not in anonymous


def test_someone_kept_signed_in_by_cookie_gets_their_own_page(
    app: Flask, clock: Clock, world: World
) -> None:
    app.test_client().get("/")
    client = app.test_client()
    resident = world.people["resident"]
    assert resident is not None
    post_form(
        client, "/account/sign-in", {"email": resident.email, "password": PASSWORD, "remember": "y"}
    )
    client.delete_cookie("session")
    assert "Your account" in client.get("/").get_data(as_text=True)


def test_pages_with_forms_are_never_shared(app: Flask, clock: Clock, world: World) -> None:
    first, second = app.test_client(), app.test_client()
    assert csrf_token(first) != csrf_token(second)
    assert len(pages(app)) == 0


def test_a_message_waiting_for_someone_is_shown_to_them_alone(
    app: Flask, clock: Clock, world: World
) -> None:
    app.test_client().get("/")
    leaving = sign_in_as(app.test_client(), world.people["resident"])
    post_form(leaving, "/account/sign-out")
    assert "You have signed out." in leaving.get("/").get_data(as_text=True)
    assert "You have signed out." not in app.test_client().get("/").get_data(as_text=True)
    # Once they have read it, they are an anonymous reader like any other.
    assert "You have signed out." not in leaving.get("/").get_data(as_text=True)


def test_missing_pages_are_not_kept(
    app: Flask, clock: Clock, world: World, make_ward: Callable[..., Ward]
) -> None:
    assert app.test_client().get("/wards/zeta-fields").status_code == 404
    make_ward("Zeta Fields")
    assert app.test_client().get("/wards/zeta-fields").status_code == 200


def test_each_address_is_kept_apart(app: Flask, clock: Clock, world: World) -> None:
    east = app.test_client().get("/wards/riverside-east").get_data(as_text=True)
    abbey = app.test_client().get("/wards/abbey-fields").get_data(as_text=True)
    assert "Riverside East" in east and "Abbey Fields" in abbey
    assert app.test_client().get("/wards/abbey-fields").get_data(as_text=True) == abbey
    assert app.test_client().head("/wards/riverside-east").status_code == 200


def test_switched_off_with_zero_seconds(
    app: Flask, clock: Clock, world: World, make_ward: Callable[..., Ward]
) -> None:
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 0
    app.test_client().get("/wards/")
    make_ward("Zeta Fields")
    assert "Zeta Fields" in app.test_client().get("/wards/").get_data(as_text=True)


def test_timed_cache_forgets_the_least_recently_used_beyond_its_size() -> None:
    clock = Clock()
    cache: TimedCache[str, int] = TimedCache(size=2, clock=clock)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a", 60) == 1  # "a" is now the most recently used
    cache.put("c", 3)
    assert (cache.get("a", 60), cache.get("b", 60), cache.get("c", 60)) == (1, None, 3)
    clock.now += 60
    assert cache.get("a", 60) is None
    assert len(cache) == 1


# Pages behind these are forms anonymous visitors fill in (sign in, register, reset).
FORM_PAGES = ("accounts.",)


def test_every_page_anonymous_visitors_can_reach_is_shared(app: Flask, clock: Clock) -> None:
    """Walk the demo borough as an anonymous visitor, one page of each kind: every page
    without a form of its own is kept, and none holds a security token."""
    from engage import demo
    from engage.extensions import db

    with app.app_context():
        demo.seed(db.session)
        db.session.commit()
    adapter = app.url_map.bind("localhost")
    seen_endpoints: set[str] = set()
    to_visit, shared = ["/"], []
    while to_visit:
        path = to_visit.pop()
        endpoint, _ = adapter.match(path.split("?")[0], method="GET")
        if endpoint in seen_endpoints or endpoint == "static":
            continue
        seen_endpoints.add(endpoint)
        response = app.test_client().get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        if not endpoint.startswith(FORM_PAGES):
            assert 'name="csrf_token"' not in html, path
            assert "Set-Cookie" not in response.headers, path
            shared.append(path)
        to_visit.extend(
            href.replace("&amp;", "&")
            for href in re.findall(r'href="(/[^"#]*)"', html)
            if not href.startswith("/static/")
        )
    assert len(shared) >= 15  # home, wards, forums, budgets, the local fund, events...
    assert all(pages(app).get(f"http://localhost{path}", 30) is not None for path in shared)
