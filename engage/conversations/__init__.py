"""Events, the conversation log, ward priorities and councillors' ward briefings.

Officers log what residents raise at festivals, meetings and walkabouts; those
conversations, with mentions from the forums, local funds and participatory
budgeting, become each ward's ranked priorities, which the council answers ("you
said, we did") and councillors receive as a bite-size briefing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import delete, func, select

from engage.db import DbSession
from engage.hooks import (
    add_demo_seeder,
    add_nav_item,
    add_personal_data,
    add_retention_task,
    add_ward_section,
)

cli = AppGroup("conversations", help="Events, the conversation log and ward briefings.")


def init_app(app: Flask) -> None:
    from engage.caching import TimedCache
    from engage.conversations import clock, demo
    from engage.conversations.briefing_views import bp as briefings_bp
    from engage.conversations.event_views import bp as events_bp
    from engage.conversations.permissions import can_choose_briefing, is_engagement_officer
    from engage.conversations.views import bp as conversations_bp

    app.register_blueprint(events_bp)
    app.register_blueprint(conversations_bp)
    app.register_blueprint(briefings_bp)
    app.cli.add_command(cli)
    # Each ward's public ranking of priorities, for a few minutes (summaries.py).
    app.extensions["engage_ward_priorities"] = TimedCache(size=4096)

    add_nav_item(app, "events.index", "Events")
    add_nav_item(app, "conversations.log", "Conversation log", visible=is_engagement_officer)
    add_nav_item(app, "briefings.index", "Ward briefing", visible=can_choose_briefing)
    add_ward_section(app, "conversations/_ward_section.html")
    add_demo_seeder(app, demo.seed)
    add_retention_task(app, _retention_task)
    add_personal_data(app, _personal_data, _erase_personal_data)

    app.jinja_env.filters["local_day"] = clock.format_day
    app.jinja_env.filters["local_time"] = clock.format_time
    app.add_template_global(_ward_summary, "conversations_ward_summary")


def _ward_summary(ward: Any) -> Any:
    from engage.conversations.summaries import ward_summary

    return ward_summary(ward)


def _retention_days(session: DbSession) -> int:
    from engage.conversations.services import contact_retention_days

    return contact_retention_days(
        session, int(current_app.config["CONVERSATION_CONTACT_RETENTION_DAYS"])
    )


def _retention_task(session: DbSession, now: datetime) -> str:
    from engage.conversations.services import apply_contact_retention

    return apply_contact_retention(session, now=now, days=_retention_days(session)).message


def _personal_data(session: DbSession, user: Any) -> dict[str, list[dict[str, Any]]]:
    """Contact details a person gave at a stand with the email of their account, and
    their briefing choices."""
    from engage.conversations.models import BriefingPreference, ConversationContact

    contacts = session.scalars(
        select(ConversationContact).where(
            func.lower(ConversationContact.email) == user.email.lower()
        )
    )
    preference = session.get(BriefingPreference, user.id)
    return {
        "conversation_contact_details": [
            {
                "name": contact.name,
                "email": contact.email,
                "phone": contact.phone,
                "given_at": contact.created_at,
                "what_you_raised": contact.conversation.summary,
            }
            for contact in contacts
        ],
        "ward_briefing_choices": (
            [
                {
                    "monthly_email": preference.monthly_email,
                    "left_out": ", ".join(preference.hidden_parts),
                }
            ]
            if preference
            else []
        ),
    }


def _erase_personal_data(session: DbSession, user: Any) -> None:
    from engage.conversations.models import BriefingPreference, ConversationContact, DigestDelivery

    session.execute(
        delete(ConversationContact).where(
            func.lower(ConversationContact.email) == user.email.lower()
        )
    )
    session.execute(delete(BriefingPreference).where(BriefingPreference.user_id == user.id))
    session.execute(delete(DigestDelivery).where(DigestDelivery.user_id == user.id))


# --- commands ------------------------------------------------------------------------


@cli.command("apply-retention")
def apply_retention_command() -> None:
    """Delete contact details older than the council's retention period (run daily)."""
    from engage.db import utcnow
    from engage.extensions import db

    click.echo(_retention_task(db.session, utcnow()))
    db.session.commit()


@cli.command("send-digests")
def send_digests_command() -> None:
    """Email each councillor who asked for it their monthly ward briefing (once a month)."""
    from flask import url_for

    from engage.conversations.briefings import send_digests
    from engage.db import utcnow
    from engage.extensions import db
    from engage.hooks import hooks
    from engage.mail import send_email

    app = current_app
    with app.test_request_context(base_url=app.config["ENGAGE_BASE_URL"]):
        run = send_digests(
            db.session,
            now=utcnow(),
            sources=hooks().priority_sources,
            section_templates=hooks().briefing_sections,
            send=send_email,
            briefing_url=lambda ward: url_for("briefings.show", slug=ward.slug, _external=True),
            preferences_url=url_for("briefings.preferences", _external=True),
        )
    db.session.commit()
    click.echo(
        f"Sent {len(run.sent)} ward briefings; {run.skipped} already sent this month; "
        f"{len(run.failed)} could not be sent."
    )
    for email in run.failed:
        click.echo(f"  not sent: {email}")


@cli.command("import-postcodes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_postcodes_command(file: str) -> None:
    """Import which ward each postcode (or sector, like RV1 1) is in: a CSV with
    columns postcode,ward. Nothing is imported until every line is right."""
    import csv
    from pathlib import Path

    from engage.conversations.services import import_postcodes
    from engage.errors import RuleViolation
    from engage.extensions import db

    try:
        text = Path(file).read_text(encoding="utf-8-sig")
        reader = csv.DictReader(text.splitlines())
        columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
        if "postcode" not in columns or "ward" not in columns:
            raise RuleViolation("The file needs the columns postcode and ward (line 1)")
        rows = [((row[columns["postcode"]] or ""), (row[columns["ward"]] or "")) for row in reader]
        count = import_postcodes(db.session, rows)
    except (RuleViolation, UnicodeDecodeError) as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Imported {count} postcodes and sectors.")
