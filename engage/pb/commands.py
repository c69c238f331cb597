"""``flask --app engage pb ...`` commands for running budgets: moving phases on their
planned dates (from cron), and importing and exporting .pb open data. ``init_app``
puts them in the ``pb`` group with the counting engine's ``tally``."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from engage.db import write_transaction
from engage.errors import RuleViolation
from engage.extensions import db
from engage.pb import archives, services
from engage.pb.models import Phase, Process


def register(group: AppGroup) -> None:
    for command in (advance_phases, import_command, export_command):
        group.add_command(command)


def council_today() -> date:
    zone = ZoneInfo(current_app.config.get("COUNCIL_TIMEZONE", "Europe/London"))
    return datetime.now(zone).date()


@click.command("advance-phases")
def advance_phases() -> None:
    """Move each budget on whose next phase's planned date has come (safe to run daily).

    Moves go through the same checks as an officer's; a budget that is not ready
    (say, voting with an empty shortlist) stays where it is and is reported."""
    today = council_today()
    due = db.session.scalars(
        select(Process.id)
        .where(Process.archived.is_(False), Process.phase != Phase.DELIVERY)
        .order_by(Process.id)
    ).all()
    moved = 0
    for process_id in due:
        while True:
            process = db.session.get(Process, process_id)
            assert process is not None
            target = services.due_phase(process, today)
            if target is None:
                break
            title = process.title
            try:
                with write_transaction():
                    services.move_phase(
                        db.session, actor=None, process=process, target=target, automatic=True
                    )
            except RuleViolation as error:
                click.echo(f"{title} (budget {process_id}): not moved. {error.message}.")
                break
            moved += 1
            click.echo(f"{title} (budget {process_id}): now at {target.label.lower()}.")
    click.echo(f"{moved} phase {'move' if moved == 1 else 'moves'} made.")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import a pabulib .pb file as a read-only archived budget (all or nothing)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
        process = archives.import_archive(db.session, actor=None, text=text, source=file.name)
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{file.name} is not UTF-8 text") from error
    except RuleViolation as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(
        f"Imported {file.name} as budget {process.id}: {process.title} "
        f"({len(process.proposals)} projects)."
    )


@click.command("export")
@click.argument("process_id", type=int)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write"
)
def export_command(process_id: int, output: Path | None) -> None:
    """Write a finished budget as a pabulib .pb file with anonymous voter ids."""
    process = db.session.get(Process, process_id)
    if process is None:
        raise click.ClickException(f"There is no budget {process_id}.")
    if not process.has_results:
        raise click.ClickException(
            f"Budget {process_id} has no published results yet, so it cannot be exported."
        )
    text = archives.export_pb(db.session, process, council=current_app.config["COUNCIL_NAME"])
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.")
