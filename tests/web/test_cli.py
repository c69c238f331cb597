from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask

from engage.accounts.models import Role, User
from engage.audit import AuditEntry
from engage.extensions import db
from engage.wards.models import Area, Ward


def _count(model: type) -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(model)) or 0


def test_seed_demo_builds_the_borough_and_is_idempotent(app: Flask, app_context: None) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@riverside.example" in first.output and "riverside-demo-2026" in first.output
    counts = (_count(Area), _count(Ward), _count(User), _count(AuditEntry))
    assert counts[0] == 9 and counts[1] == 20
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert (_count(Area), _count(Ward), _count(User), _count(AuditEntry)) == counts
    okafor = db.session.scalar(db.select(User).where(User.email == "cllr.okafor@riverside.example"))
    assert okafor.is_councillor and okafor.represented_wards[0].name == "Riverside East"


def test_import_wards_reports_line_numbers_and_imports_nothing_on_error(
    app: Flask, app_context: None, tmp_path: Path
) -> None:
    bad = tmp_path / "wards.csv"
    bad.write_text("ward,area,code\nAbbey,North,E1\n,North,E2\nAbbey,South,E3\n")
    result = app.test_cli_runner().invoke(args=["import-wards", str(bad)])
    assert result.exit_code != 0
    assert "line 3" in result.output and "line 4" in result.output
    assert _count(Ward) == 0

    good = tmp_path / "good.csv"
    good.write_text("\ufeffWard,Area,Code\r\nAbbey,North,E1\r\nBridge,North,\r\n")
    result = app.test_cli_runner().invoke(args=["import-wards", str(good)])
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output and "1 new areas" in result.output
    assert {w.name for w in db.session.scalars(db.select(Ward))} == {"Abbey", "Bridge"}


def test_create_user_and_grant_role_are_audited(
    app: Flask, app_context: None, make_ward: Callable[..., Ward]
) -> None:
    ward = make_ward("Castle Hill")
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Officer@Example.org",
            "--name",
            "Priya Shah",
            "--ward",
            "Castle Hill",
        ],
        input="a good long secret\na good long secret\n",
    )
    assert created.exit_code == 0, created.output
    granted = runner.invoke(
        args=[
            "grant-role",
            "officer@example.org",
            "moderator",
            "--reason",
            "Joined the neighbourhoods team",
        ]
    )
    assert granted.exit_code == 0, granted.output
    db.session.rollback()
    user = db.session.scalar(db.select(User))
    assert user.email == "officer@example.org" and user.ward_id == ward.id
    assert user.has_role(Role.MODERATOR) and user.email_confirmed
    entry = db.session.scalar(db.select(AuditEntry))
    assert (entry.action, entry.reason, entry.actor_name) == (
        "role.grant",
        "Joined the neighbourhoods team",
        "System",
    )

    weak = runner.invoke(
        args=["create-user", "--email", "b@example.org", "--name", "B", "--ward", "Castle Hill"],
        input="password\npassword\n",
    )
    assert weak.exit_code != 0 and "10 characters" in weak.output


def test_init_db_is_safe_to_run_again(app: Flask, app_context: None) -> None:
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_apply_retention_deletes_only_old_audit_entries_and_is_safe_to_repeat(
    app: Flask, app_context: None
) -> None:
    from datetime import timedelta

    from engage.db import utcnow

    now = utcnow()
    for age_days in (10, 6 * 365 + 1, 8 * 365):
        db.session.add(
            AuditEntry(
                actor=None,
                action="test",
                target_type="user",
                target_id="1",
                created_at=now - timedelta(days=age_days),
            )
        )
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["apply-retention"])
    assert first.exit_code == 0 and "deleted 2 entries" in first.output
    second = runner.invoke(args=["apply-retention"])
    assert "deleted 0 entries" in second.output
    assert _count(AuditEntry) == 1
