"""Extension points through which each domain package adds to shared pages.

A domain's ``init_app(app)`` registers its blueprint and calls these, so the base
layout, the ward page and ``seed-demo`` never need to know which domains exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app

from engage.db import DbSession


def _everyone(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    text: str
    # Shown only to people for whom this is true (e.g. officers); hides, never protects.
    visible: Callable[[Any], bool] = _everyone


@dataclass(frozen=True)
class Mention:
    """Something residents said, from any domain, that can count toward ward priorities.

    Sources give the words used (never names or contact details) and, when they know
    them, the theme keys; the conversations domain classifies the rest by keywords.
    """

    source: str  # "forum", "fund", "pb", ...
    ward_id: int | None
    occurred_at: datetime
    text: str
    weight: int = 1  # e.g. a PB proposal counts once plus once per supporter
    theme_keys: tuple[str, ...] = ()
    reference: str = ""  # a path to the original, for drilling in


# (session, person) -> named tables of that person's data, as lists of row dicts
PersonalDataExporter = Callable[[DbSession, Any], dict[str, list[dict[str, Any]]]]
# (session, person) -> erase or unlink that person's data in one domain
AccountEraser = Callable[[DbSession, Any], None]

# (session, now) -> a line saying what was deleted; safe to run every day
RetentionTask = Callable[[DbSession, datetime], str]

# (session, ward ids or None for all, start, end) -> mentions in that period
PrioritySource = Callable[[DbSession, "list[int] | None", datetime, datetime], Iterable[Mention]]


@dataclass
class Hooks:
    nav_items: list[NavItem] = field(default_factory=list)
    # Templates included on every ward page, in order; each is given ``ward``.
    ward_sections: list[str] = field(default_factory=list)
    # Called in order by ``seed-demo`` after the borough and its people exist.
    demo_seeders: list[Callable[[DbSession], None]] = field(default_factory=list)
    # Templates included in a councillor's ward briefing; each is given ``ward``.
    briefing_sections: list[str] = field(default_factory=list)
    # Where ward priorities come from besides conversations logged at events.
    priority_sources: dict[str, PrioritySource] = field(default_factory=dict)
    # UK GDPR: each domain adds what it holds about a person to their download, and
    # erases or unlinks it when their account is deleted.
    personal_data_exporters: list[PersonalDataExporter] = field(default_factory=list)
    account_erasers: list[AccountEraser] = field(default_factory=list)
    # Deletions the council's retention schedule requires, run by `apply-retention`.
    retention_tasks: list[RetentionTask] = field(default_factory=list)


def init_app(app: Flask) -> None:
    app.extensions["engage_hooks"] = Hooks()


def hooks(app: Flask | None = None) -> Hooks:
    return (app or current_app).extensions["engage_hooks"]  # type: ignore[no-any-return]


def add_nav_item(
    app: Flask, endpoint: str, text: str, visible: Callable[[Any], bool] = _everyone
) -> None:
    hooks(app).nav_items.append(NavItem(endpoint, text, visible))


def add_ward_section(app: Flask, template: str) -> None:
    hooks(app).ward_sections.append(template)


def add_demo_seeder(app: Flask, seeder: Callable[[DbSession], None]) -> None:
    hooks(app).demo_seeders.append(seeder)


def add_briefing_section(app: Flask, template: str) -> None:
    hooks(app).briefing_sections.append(template)


def add_priority_source(app: Flask, name: str, source: PrioritySource) -> None:
    hooks(app).priority_sources[name] = source


def add_personal_data(app: Flask, exporter: PersonalDataExporter, eraser: AccountEraser) -> None:
    hooks(app).personal_data_exporters.append(exporter)
    hooks(app).account_erasers.append(eraser)


def add_retention_task(app: Flask, task: RetentionTask) -> None:
    hooks(app).retention_tasks.append(task)
