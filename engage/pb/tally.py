"""``flask --app engage pb tally FILE.pb [--rule RULE] [--json]``: count a pabulib file.

Pure: reads the file and counts it with the engine; no database or app needed, so
the command works in any deployment (the ``pb`` command group registers it).
"""

from __future__ import annotations

import json

import click

from engage.pb import counting, pabulib


@click.command("tally")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--rule",
    type=click.Choice(counting.RULES),
    default=None,
    help="Counting rule (default: the file's META rule).",
)
@click.option("--json", "as_json", is_flag=True, help='Print {"rule": ..., "selected": [...]}.')
def tally_command(file: str, rule: str | None, as_json: bool) -> None:
    """Count a pabulib .pb FILE and print the selected project ids, in order of selection."""
    try:
        pb = pabulib.read(file)
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text") from None
    except pabulib.PbParseError as error:
        raise click.ClickException(f"{file}: {error}") from None
    chosen = rule or pabulib.official_rule(pb)
    if chosen not in counting.RULES:
        raise click.ClickException(
            f"The file's rule {chosen!r} cannot be reproduced from the votes; "
            f"choose one with --rule ({', '.join(counting.RULES)})"
        )
    try:
        outcome = counting.count(pabulib.to_election(pb), chosen)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps({"rule": outcome.rule, "selected": list(outcome.selected)}))
    else:
        for project_id in outcome.selected:
            click.echo(project_id)
