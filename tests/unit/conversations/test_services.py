"""Domain rules against a real database: saving once, retention, merging themes and
ward priorities from every source."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError

from engage.accounts.models import Role, User
from engage.audit import AuditEntry
from engage.conversations import imports, priorities, queries, services
from engage.conversations.models import (
    Conversation,
    ConversationContact,
    ConversationTheme,
    Event,
    PriorityResponse,
    ResponseStatus,
    Sentiment,
    Theme,
)
from engage.conversations.ranking import Classifier, Period, Trend
from engage.db import utcnow
from engage.errors import RuleViolation
from engage.extensions import db
from engage.hooks import Mention, hooks
from tests.conftest import World

LONDON = ZoneInfo("Europe/London")


def _count(model: type) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model)) or 0


def _new(key: str, themes: dict[str, Theme], **kwargs: object) -> services.NewConversation:
    values: dict[str, object] = {
        "summary": "Fly-tipping behind the shops",
        "theme_ids": [themes["litter-and-fly-tipping"].id],
        "ward_id": None,
        "sentiment": Sentiment.NEGATIVE,
        "idempotency_key": key,
    }
    values.update(kwargs)
    return services.NewConversation(**values)  # type: ignore[arg-type]


# --- saving once ---------------------------------------------------------------------


def test_saving_twice_with_the_same_key_keeps_one_conversation(
    world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    officer = world.people["officer"]
    event = make_event(wards=[world.ward])
    data = _new("0b9f3c62-1c4e-4c7a-9d0e-5a2b6f1e8d11", themes, ward_id=world.ward.id)
    first, created = services.log_conversation(
        db.session, actor=officer, event=event, data=data, now=utcnow()
    )
    db.session.commit()
    again, created_again = services.log_conversation(
        db.session, actor=officer, event=event, data=data, now=utcnow()
    )
    db.session.commit()
    assert created and not created_again
    assert again.id == first.id
    assert _count(Conversation) == 1 and _count(ConversationTheme) == 1


def test_the_database_refuses_a_second_copy_of_a_key(
    world: World, themes: dict[str, Theme]
) -> None:
    """Two requests racing past the look-up still cannot both save."""
    officer = world.people["officer"]
    for _ in range(2):
        db.session.add(
            services.build_conversation(
                actor=officer,
                event=None,
                data=_new("1c0a4d73-2d5f-4d8b-8e1f-6b3c7a2f9e22", themes),
                themes=[themes["enforcement"]],
                occurred_at=utcnow(),
                source=services.ConversationSource.STAND,
                now=utcnow(),
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert _count(Conversation) == 0


def test_contact_details_are_kept_only_when_they_want_a_reply(
    world: World, themes: dict[str, Theme]
) -> None:
    officer = world.people["officer"]
    contact = services.ContactDetails(name="Sam", email="sam@example.org")
    with_reply, _ = services.log_conversation(
        db.session,
        actor=officer,
        event=None,
        data=_new(
            "2d1b5e84-3e6a-4e9c-9f2a-7c4d8b3a0f33", themes, wants_reply=True, contact=contact
        ),
        now=utcnow(),
    )
    without, _ = services.log_conversation(
        db.session,
        actor=officer,
        event=None,
        data=_new("3e2c6f95-4f7b-4fad-8a3b-8d5e9c4b1a44", themes, contact=contact),
        now=utcnow(),
    )
    db.session.commit()
    assert with_reply.contact is not None and with_reply.contact.email == "sam@example.org"
    assert without.contact is None
    assert _count(ConversationContact) == 1
    with pytest.raises(RuleViolation, match="Select at least one theme"):
        services.log_conversation(
            db.session,
            actor=officer,
            event=None,
            data=_new("4f3d7a06-5a8c-4abe-9b4c-9e6f0d5c2b55", themes, theme_ids=[]),
            now=utcnow(),
        )


def test_replying_deletes_the_contact_details(
    world: World, make_conversation: Callable[..., Conversation]
) -> None:
    conversation = make_conversation(
        "enforcement", contact=services.ContactDetails(name="Sam", phone="07700 900123")
    )
    services.mark_followed_up(
        db.session, actor=world.people["officer"], conversation=conversation, now=utcnow()
    )
    db.session.commit()
    assert conversation.follow_up_done_at is not None
    assert _count(ConversationContact) == 0 and _count(Conversation) == 1
    with pytest.raises(RuleViolation, match="already been followed up"):
        conversation.mark_followed_up(utcnow())


# --- retention -----------------------------------------------------------------------


def test_retention_deletes_only_contact_details_older_than_the_setting(
    world: World, make_conversation: Callable[..., Conversation]
) -> None:
    now = datetime(2026, 11, 1, 9, tzinfo=UTC)
    details = services.ContactDetails(name="Sam", email="sam@example.org")
    old = make_conversation("enforcement", contact=details, created_at=now - timedelta(days=181))
    edge = make_conversation("enforcement", contact=details, created_at=now - timedelta(days=179))
    result = services.apply_contact_retention(db.session, now=now, days=180)
    db.session.commit()
    assert result.deleted == 1
    assert "deleted 1 set of contact details" in result.message
    db.session.expire_all()
    assert old.contact is None and edge.contact is not None
    # The conversations themselves stay counted.
    assert _count(Conversation) == 2
    # Running it again the same day deletes nothing more, and audits nothing more.
    again = services.apply_contact_retention(db.session, now=now, days=180)
    db.session.commit()
    assert again.deleted == 0
    entries = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "conversations.contacts.retention")
    ).all()
    assert [entry.details["deleted"] for entry in entries] == [1]


def test_the_councils_setting_overrides_the_default(world: World) -> None:
    assert services.contact_retention_days(db.session, 180) == 180
    services.set_contact_retention(
        db.session, actor=world.people["officer"], days=30, reason="DPO advice", now=utcnow()
    )
    db.session.commit()
    assert services.contact_retention_days(db.session, 180) == 30
    with pytest.raises(RuleViolation):
        services.set_contact_retention(
            db.session, actor=world.people["officer"], days=0, reason="x", now=utcnow()
        )


def test_the_shared_retention_command_runs_our_task(
    app, world: World, make_conversation: Callable[..., Conversation]
) -> None:
    make_conversation(
        "enforcement",
        contact=services.ContactDetails(name="Sam", email="sam@example.org"),
        created_at=utcnow() - timedelta(days=400),
    )
    assert any(task.__name__ == "_retention_task" for task in hooks(app).retention_tasks)
    result = app.test_cli_runner().invoke(args=["apply-retention"])
    assert result.exit_code == 0, result.output
    assert "Conversation log: deleted 1 set of contact details" in result.output
    db.session.rollback()
    assert _count(ConversationContact) == 0


# --- themes --------------------------------------------------------------------------


def test_merging_themes_retags_history(
    world: World, themes: dict[str, Theme], make_conversation: Callable[..., Conversation]
) -> None:
    asb, safety = themes["anti-social-behaviour"], themes["community-safety"]
    both = make_conversation("anti-social-behaviour", "community-safety", ward=world.ward)
    only_asb = make_conversation("anti-social-behaviour", ward=world.ward)
    response = PriorityResponse(
        ward_id=world.ward.id,
        theme_id=asb.id,
        you_said="Noise",
        we_did="Patrols",
        owner="Police",
        status=ResponseStatus.PLANNED,
        status_on=utcnow().date(),
    )
    db.session.add(response)
    db.session.commit()
    moved = services.merge_themes(
        db.session, actor=world.people["officer"], source=asb, target=safety, reason="Overlap"
    )
    db.session.commit()
    assert moved == 2
    db.session.expire_all()
    assert [t.key for t in db.session.get(Conversation, both.id).themes] == ["community-safety"]
    assert [t.key for t in db.session.get(Conversation, only_asb.id).themes] == ["community-safety"]
    assert db.session.get(PriorityResponse, response.id).theme_id == safety.id
    merged = db.session.get(Theme, asb.id)
    assert merged.merged_into_id == safety.id
    assert "antisocial" in db.session.get(Theme, safety.id).keyword_list
    with pytest.raises(RuleViolation, match="already been merged"):
        services.merge_themes(
            db.session, actor=world.people["officer"], source=merged, target=safety, reason="x"
        )


def test_theme_names_are_unique(world: World, themes: dict[str, Theme]) -> None:
    with pytest.raises(RuleViolation, match="already a theme called Housing"):
        services.save_theme(
            db.session, actor=world.people["officer"], theme=None, name="housing", keywords=""
        )
    theme = services.save_theme(
        db.session,
        actor=world.people["officer"],
        theme=None,
        name="Dog fouling",
        keywords="Dog mess, dog poo,\nfouling",
    )
    assert theme.key == "dog-fouling"
    assert theme.keyword_list == ["dog mess", "dog poo", "fouling"]


# --- ward priorities from every source -----------------------------------------------


def test_priorities_combine_conversations_with_every_registered_source(
    app,
    world: World,
    themes: dict[str, Theme],
    make_conversation: Callable[..., Conversation],
    priority_source: list[Mention],
) -> None:
    now = utcnow()
    period = Period(now - timedelta(days=30), now + timedelta(minutes=1))
    ward, other = world.ward, world.other_ward
    for _ in range(3):
        make_conversation("enforcement", ward=ward, when=now - timedelta(days=2))
    make_conversation("parks-and-green-spaces", ward=ward, when=now - timedelta(days=3))
    make_conversation("parks-and-green-spaces", ward=ward, when=now - timedelta(days=45))
    make_conversation("housing", ward=other, when=now - timedelta(days=1))
    make_conversation("housing", ward=None, when=now - timedelta(days=1))  # ward not known
    # Themes given by the source, themes found by keywords, and nothing to match.
    priority_source += [
        Mention(
            "pb",
            ward.id,
            now - timedelta(days=5),
            "New play area",
            weight=4,
            theme_keys=("parks-and-green-spaces",),
            reference="/pb/proposals/9",
        ),
        Mention(
            "forum",
            ward.id,
            now - timedelta(days=6),
            "Fly-tipping again, my email is jo@example.org",
            reference="/forums/t/3",
        ),
        Mention("forum", ward.id, now - timedelta(days=7), "Thanks for the update"),
        Mention("forum", ward.id, now - timedelta(days=40), "Littering in the park"),
        Mention("fund", None, now - timedelta(days=1), "Litter pick kit"),  # no ward
    ]
    results = priorities.compute_priorities(
        db.session, period=period, sources=hooks(app).priority_sources
    )
    east = results[ward.id]
    assert [(p.theme_key, p.score) for p in east.priorities] == [
        ("parks-and-green-spaces", 5),
        ("enforcement", 3),
        ("litter-and-fly-tipping", 1),
    ]
    parks = east.priority("parks-and-green-spaces")
    assert parks.by_source == {"conversations": 1, "pb": 4}
    assert parks.previous_score == 2  # a conversation and a keyword-matched forum post
    assert east.priority("enforcement").trend == Trend.NEW
    assert east.unclassified == 1
    quote = east.quotes["litter-and-fly-tipping"][0]
    assert quote.text == "Fly-tipping again, my email is [email removed]"
    assert quote.reference == "/forums/t/3"
    assert [(p.theme_key, p.score) for p in results[other.id].priorities] == [("housing", 1)]


def test_a_merged_themes_key_from_another_service_counts_for_its_new_theme(
    app, world: World, themes: dict[str, Theme], priority_source: list[Mention]
) -> None:
    services.merge_themes(
        db.session,
        actor=world.people["officer"],
        source=themes["anti-social-behaviour"],
        target=themes["community-safety"],
        reason="One theme",
    )
    db.session.commit()
    now = utcnow()
    priority_source.append(
        Mention(
            "forum",
            world.ward.id,
            now - timedelta(hours=1),
            "Noise",
            theme_keys=("anti-social-behaviour",),
        )
    )
    result = priorities.ward_priorities(
        db.session,
        ward=world.ward,
        period=Period(now - timedelta(days=1), now + timedelta(hours=1)),
        sources=hooks(app).priority_sources,
    )
    assert [(p.theme_key, p.score) for p in result.priorities] == [("community-safety", 1)]


def test_periods_are_allow_listed() -> None:
    now = datetime(2026, 11, 22, 15, tzinfo=UTC)
    chosen = priorities.choose_period("year", now)
    assert chosen.period.end == datetime(2026, 11, 23, tzinfo=UTC)
    assert chosen.period.length == timedelta(days=365)
    assert priorities.choose_period("2025", now).period == Period(
        datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    )
    for junk in ("2099", "1999", "'; drop table", None, "decade"):
        assert priorities.choose_period(junk, now).key == "quarter"


# --- import --------------------------------------------------------------------------


def test_importing_the_same_file_twice_imports_each_row_once(
    world: World, themes: dict[str, Theme]
) -> None:
    check = imports.check_rows(
        [
            (2, {"date": "01/07/2026", "raised": "Noise", "themes": "Anti-social behaviour"}),
            (3, {"date": "02/07/2026", "raised": "Play area", "themes": "Parks and green spaces"}),
        ],
        themes={t.name.lower(): t.key for t in themes.values()},
        wards={},
        classify=Classifier({}),
        zone=LONDON,
        now=utcnow(),
    )
    for expected in (2, 0):
        result = imports.import_rows(
            db.session,
            actor=world.people["officer"],
            event=None,
            check=check,
            digest="abc123",
            import_valid_rows=False,
            now=utcnow(),
        )
        db.session.commit()
        assert result.imported == expected
    assert _count(Conversation) == 2


def test_an_import_with_problems_is_refused_unless_valid_rows_are_chosen(
    world: World, themes: dict[str, Theme]
) -> None:
    rows = [
        (2, {"date": "01/07/2026", "raised": "Noise", "themes": "Anti-social behaviour"}),
        (3, {"date": "02/07/2026", "raised": "", "themes": "Housing"}),
    ]
    check = imports.check_rows(
        rows,
        themes={t.name.lower(): t.key for t in themes.values()},
        wards={},
        classify=Classifier({}),
        zone=LONDON,
        now=utcnow(),
    )
    with pytest.raises(RuleViolation, match="1 rows have problems, so nothing was imported"):
        imports.import_rows(
            db.session,
            actor=world.people["officer"],
            event=None,
            check=check,
            digest="f",
            import_valid_rows=False,
            now=utcnow(),
        )
    result = imports.import_rows(
        db.session,
        actor=world.people["officer"],
        event=None,
        check=check,
        digest="f",
        import_valid_rows=True,
        now=utcnow(),
    )
    db.session.commit()
    assert (result.imported, result.not_imported) == (1, 1)
    assert _count(Conversation) == 1


def test_events_for_a_ward_include_area_and_borough_wide_events(
    world: World, make_event: Callable[..., Event]
) -> None:
    soon = utcnow() + timedelta(days=3)
    make_event("In the ward", wards=[world.ward], starts_at=soon)
    make_event("In the other ward", wards=[world.other_ward], starts_at=soon)
    make_event("For the area", area_id=world.ward.area_id, starts_at=soon)
    make_event("Borough-wide", starts_at=soon)
    make_event("Last year", wards=[world.ward], starts_at=utcnow() - timedelta(days=300))
    titles = [e.title for e in queries.upcoming_events(db.session, utcnow(), ward=world.ward)]
    assert sorted(titles) == ["Borough-wide", "For the area", "In the ward"]


def test_councillors_cannot_sign_up_for_past_events(
    world: World, make_event: Callable[..., Event], make_user: Callable[..., User]
) -> None:
    councillor = make_user(Role.COUNCILLOR, ward=world.ward)
    past = make_event(starts_at=utcnow() - timedelta(days=2))
    with pytest.raises(RuleViolation, match="already happened"):
        services.set_attendance(
            db.session, councillor=councillor, event=past, attending=True, now=utcnow()
        )
    upcoming = make_event(starts_at=utcnow() + timedelta(days=2))
    services.set_attendance(
        db.session, councillor=councillor, event=upcoming, attending=True, now=utcnow()
    )
    assert councillor in upcoming.councillors


def test_response_status_moves_are_guarded(world: World, themes: dict[str, Theme]) -> None:
    response = priorities.save_response(
        db.session,
        actor=world.people["officer"],
        ward=world.ward,
        theme=themes["enforcement"],
        response=None,
        data=priorities.ResponseData(
            "Fines", "Patrols", "Enforcement", ResponseStatus.DONE, utcnow().date()
        ),
        now=utcnow(),
    )
    with pytest.raises(RuleViolation, match="done cannot be marked not possible"):
        response.move_to(ResponseStatus.NOT_POSSIBLE, utcnow().date())
    response.move_to(ResponseStatus.IN_PROGRESS, utcnow().date())
    assert response.status == ResponseStatus.IN_PROGRESS


def test_ward_ids_are_not_needed_for_every_ward(
    world: World, make_conversation: Callable[..., Conversation]
) -> None:
    make_conversation("housing", ward=world.other_ward)
    now = utcnow()
    results = priorities.compute_priorities(
        db.session, period=Period(now - timedelta(days=7), now), sources={}
    )
    assert set(results) == {world.ward.id, world.other_ward.id}
    assert results[world.ward.id].priorities == []
