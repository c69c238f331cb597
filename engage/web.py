"""Request-wide behaviour: error pages, template helpers and response headers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, Response, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter, Map

from engage.errors import NotAllowed, NotFound

ERROR_PAGES: dict[int, tuple[str, str]] = {
    400: ("There is a problem with your request", "The page could not use what was sent."),
    403: ("You do not have permission to view this page", ""),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("This action is not available here", "Go back and use the buttons on the page."),
    413: ("The file or text you sent is too large", "Go back and send something smaller."),
    429: ("Too many attempts", "Wait a minute, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: ("Sorry, the service is unavailable", "Try again in a few minutes."),
}


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: ids are 32-bit integers in the database, so a
    larger number in a link is simply not found (PostgreSQL would refuse the query)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def page_number() -> int:
    """The ``?page=`` of a paginated list: a page from 1 to 100,000, whatever was typed
    (a negative or enormous number would otherwise reach the database's OFFSET)."""
    return max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))


def format_money(pence: int | None) -> str:
    """Integer pence as pounds with thousands separators: 1234567 -> "£12,345.67"."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}" if rest == 0 else f"{sign}£{pounds:,}.{rest:02d}"


def format_date(value: datetime | None, with_time: bool = False) -> str:
    if value is None:
        return ""
    text = f"{value.day} {value:%B %Y}"
    if with_time:
        text += f" at {value:%H:%M}"
    return text


def render_error(code: int, description: str | None = None) -> tuple[str, int]:
    title, hint = ERROR_PAGES.get(code, ERROR_PAGES[500])
    return render_template(
        "errors/error.html", code=code, title=title, hint=hint, description=description
    ), code


def init_app(app: Flask) -> None:
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["date"] = format_date

    @app.context_processor
    def council_settings() -> dict[str, Any]:
        keys = (
            "COUNCIL_NAME",
            "SERVICE_NAME",
            "COUNCIL_LOGO_TEXT",
            "COUNCIL_CONTACT_EMAIL",
            "COUNCIL_CONTACT_PHONE",
            "COUNCIL_ADDRESS",
            "COUNCIL_WEBSITE",
        )
        return {"council": {key.lower(): app.config[key] for key in keys}}

    @app.context_processor
    def navigation() -> dict[str, Any]:
        from engage.hooks import hooks

        items = [
            {
                "href": url_for(item.endpoint),
                "text": item.text,
                "active": request.endpoint is not None
                and request.endpoint.split(".")[0] == item.endpoint.split(".")[0],
            }
            for item in hooks(app).nav_items
            if item.visible(current_user)
        ]
        return {"nav_items": items, "ward_sections": hooks(app).ward_sections}

    @app.after_request
    def security_headers(response: Response) -> Response:
        # No inline script or style anywhere: scripts are modules under /static.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        if current_user.is_authenticated and "Cache-Control" not in response.headers:
            # Pages for a signed-in person carry their data: keep them out of caches.
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["ENGAGE_ENV"] == "production":
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400,
            "Your form could not be sent because its security token was missing or "
            "out of date. This can happen if the page was open for a long time or "
            "cookies are blocked. Go back, refresh the page and try again.",
        )

    @app.errorhandler(NotAllowed)
    def not_allowed(error: NotAllowed) -> tuple[str, int]:
        return render_error(403, error.message)

    @app.errorhandler(NotFound)
    def not_found(error: NotFound) -> tuple[str, int]:
        return render_error(404, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        if error.code == 429:
            return render_error(429, f"You have made too many requests ({error.description}).")
        return render_error(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        # Never show the stack trace; it is logged by Flask.
        return render_error(500)

    @app.errorhandler(Exception)
    def unhandled(error: Exception) -> tuple[str, int]:
        from sqlalchemy.exc import DBAPIError

        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return render_error(503)
        return render_error(500)
