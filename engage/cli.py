"""``flask --app engage`` commands for the council's IT team."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask_migrate import upgrade

from engage.accounts import services as accounts
from engage.accounts.models import Role
from engage.errors import RuleViolation
from engage.extensions import db


def register_commands(app: Flask) -> None:
    for command in (init_db, seed_demo, create_user, grant_role, import_wards, apply_retention):
        app.cli.add_command(command)


@click.command("init-db")
def init_db() -> None:
    """Create the database schema, or upgrade it to the latest version."""
    # "heads": each domain's migrations branch from the foundation revision.
    upgrade(revision="heads")
    click.echo("Database is up to date.")


@click.command("seed-demo")
def seed_demo() -> None:
    """Fill the database with the demo borough (safe to run again)."""
    from engage.demo import DEMO_PASSWORD, seed

    people = seed(db.session)
    db.session.commit()
    click.echo("Demo borough ready. Sign in with any of these (password: " + DEMO_PASSWORD + "):")
    for person in people:
        roles = ", ".join(role.label for role in person.roles) or "Resident"
        click.echo(f"  {person.email:<34} {roles}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True, help="Display name")
@click.option("--ward", "ward_name", required=True, help="Ward name, as imported")
@click.option("--postcode", default="", help="Home postcode")
@click.password_option()
def create_user(email: str, name: str, ward_name: str, postcode: str, password: str) -> None:
    """Create an account with a confirmed email address."""
    from sqlalchemy import select

    from engage.wards.models import Ward

    ward = db.session.scalar(select(Ward).where(Ward.name == ward_name))
    if ward is None:
        raise click.ClickException(f"No ward called {ward_name!r}. Import wards first.")
    try:
        user = accounts.register(
            db.session,
            display_name=name,
            email=email,
            password=password,
            postcode=postcode,
            ward=ward,
        )
    except RuleViolation as error:
        raise click.ClickException(error.message) from error
    user.confirm_email()
    db.session.commit()
    click.echo(f"Created {user.email} (id {user.id}).")


@click.command("grant-role")
@click.argument("email")
@click.argument("role", type=click.Choice([role.value for role in Role]))
@click.option("--reason", required=True, help="Recorded in the audit log")
@click.option("--revoke", is_flag=True, help="Remove the role instead of granting it")
def grant_role(email: str, role: str, reason: str, revoke: bool) -> None:
    """Grant (or with --revoke remove) a role; the change is audited."""
    user = accounts.find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    change = accounts.revoke_role if revoke else accounts.grant_role
    try:
        change(db.session, actor=None, user=user, role=Role(role), reason=reason)
    except RuleViolation as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"{'Removed' if revoke else 'Granted'} {Role(role).label}: {user.email}.")


@click.command("import-wards")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_wards(file: Path) -> None:
    """Import wards and community forum areas from a CSV with columns ward, area[, code]."""
    from engage.wards import services as wards

    try:
        rows = wards.parse_ward_csv(file.read_text(encoding="utf-8"))
        result = wards.import_wards(db.session, rows)
    except (RuleViolation, UnicodeDecodeError) as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"Imported {len(rows)} wards: {result.wards_created} new, {result.wards_updated} "
        f"updated, {result.areas_created} new areas."
    )


@click.command("apply-retention")
def apply_retention() -> None:
    """Delete what the retention schedule says is due (safe to run daily from cron)."""
    from datetime import timedelta

    from flask import current_app

    from engage.audit.models import delete_entries_older_than
    from engage.db import utcnow
    from engage.hooks import hooks

    now = utcnow()
    days = current_app.config["AUDIT_RETENTION_DAYS"]
    removed = delete_entries_older_than(db.session, now - timedelta(days=days))
    lines = [f"Audit log: deleted {removed} entries older than {days} days."]
    lines += [task(db.session, now) for task in hooks().retention_tasks]
    db.session.commit()
    click.echo("\n".join(lines))
