"""The home page, the statutory information pages and the council's brand colours."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template

from engage.extensions import db
from engage.wards.queries import areas_with_wards

bp = Blueprint("pages", __name__)


@bp.route("/")
def home() -> str:
    return render_template("pages/home.html", areas=areas_with_wards(db.session))


@bp.route("/accessibility")
def accessibility() -> str:
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
def privacy() -> str:
    return render_template("pages/privacy.html")


@bp.route("/cookies")
def cookies() -> str:
    return render_template("pages/cookies.html")


@bp.route("/contact")
def contact() -> str:
    return render_template("pages/contact.html")


@bp.route("/health")
def health() -> Response:
    """Liveness for load balancers: answers without touching the database, so a
    proxy can tell a stuck process from a busy database."""
    return Response("ok\n", mimetype="text/plain")


@bp.route("/brand.css")
def brand_css() -> Response:
    """Council colours as a stylesheet, so branding is configuration, not a rebuild."""
    css = render_template(
        "pages/brand.css",
        brand=current_app.config["COUNCIL_BRAND_COLOUR"],
        accent=current_app.config["COUNCIL_ACCENT_COLOUR"],
    )
    response = Response(css, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
