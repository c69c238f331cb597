"""Pages as anonymous visitors see them, kept for a few seconds by each process.

Most page views are residents reading without signing in, and such a visitor's page
(a ward, a budget, a forum thread) is the same for all of them. Each process keeps
those pages for PUBLIC_PAGE_CACHE_SECONDS and answers repeats without touching the
database or the templates, which is what lets a few workers take a rush of readers.

A page is shared only when nothing in it can belong to one visitor: nobody is signed
in, no message is waiting to be shown, the page set no cookie and holds no form
security token (pages with forms are never kept), and it answered 200. Signed-in
people always get the page as it is now; anonymous visitors may see it up to
PUBLIC_PAGE_CACHE_SECONDS old, including a post hidden by a moderator in that time.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

from engage.caching import TimedCache

# About 10 KB a page: a few MB per process at most.
PAGES_PER_PROCESS = 500


@dataclass(frozen=True)
class KeptPage:
    body: bytes
    content_type: str


def pages(app: Flask | None = None) -> TimedCache[str, KeptPage]:
    return (app or current_app).extensions["engage_public_pages"]  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    app.extensions["engage_public_pages"] = TimedCache[str, KeptPage](size=PAGES_PER_PROCESS)
    remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    token_name = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")

    def is_anonymous_reader() -> bool:
        return (
            request.method in ("GET", "HEAD")
            and remember_cookie not in request.cookies
            and "_user_id" not in session
            and "_flashes" not in session
        )

    def answer_from_kept_page() -> Response | None:
        seconds = app.config["PUBLIC_PAGE_CACHE_SECONDS"]
        if seconds <= 0 or not is_anonymous_reader():
            return None
        page = pages(app).get(request.url, seconds)
        if page is not None:
            return Response(page.body, content_type=page.content_type)
        g.public_page_key = request.url  # made afresh: keep it if it turns out shareable
        return None

    def keep_page(response: Response) -> Response:
        key = g.pop("public_page_key", None)
        if key is not None and shareable(response):
            pages(app).put(key, KeptPage(response.get_data(), response.content_type))
        return response

    def shareable(response: Response) -> bool:
        return (
            response.status_code == 200
            and response.mimetype == "text/html"
            and not response.direct_passthrough
            and "Set-Cookie" not in response.headers
            and not response.cache_control.no_store
            and not response.cache_control.private
            and not session.modified
            and token_name not in g
            and not current_user.is_authenticated
        )

    # First of all hooks, so a kept page costs no database query or rate-limit check.
    app.before_request_funcs.setdefault(None, []).insert(0, answer_from_kept_page)
    app.after_request(keep_page)
