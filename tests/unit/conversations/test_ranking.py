"""The ranking method, checked on hand-made data."""

from __future__ import annotations

from datetime import UTC, datetime

from engage.conversations.ranking import (
    Classifier,
    Period,
    Tally,
    Trend,
    monthly_counts,
    movers,
    rank_priorities,
    trend,
)


def test_themes_are_ranked_by_weighted_mentions_from_every_source() -> None:
    ranked = rank_priorities(
        [
            Tally("litter", "conversations", current=5, previous=2),
            Tally("litter", "forum", current=3),
            Tally("enforcement", "conversations", current=6, previous=6),
            Tally("parks", "pb", current=4, previous=9),  # one proposal with 3 supporters
            Tally("housing", "conversations", current=0, previous=7),
        ]
    )
    assert [(p.rank, p.theme_key, p.score) for p in ranked] == [
        (1, "litter", 8),
        (2, "enforcement", 6),
        (3, "parks", 4),
    ]
    litter = ranked[0]
    assert litter.by_source == {"conversations": 5, "forum": 3}
    assert (litter.previous_score, litter.change, litter.trend) == (2, 6, Trend.RISING)
    # Housing was raised only before, so it is not a priority now.
    assert "housing" not in {p.theme_key for p in ranked}


def test_previous_ranks_come_from_the_period_before() -> None:
    ranked = rank_priorities(
        [
            Tally("litter", "conversations", 8, previous=1),
            Tally("parks", "conversations", 4, previous=9),
            Tally("transport", "conversations", 2, previous=0),
        ]
    )
    assert {p.theme_key: p.previous_rank for p in ranked} == {
        "litter": 2,
        "parks": 1,
        "transport": None,
    }


def test_ties_go_to_the_theme_raised_through_more_sources_then_alphabetically() -> None:
    ranked = rank_priorities(
        [
            Tally("youth", "conversations", 4),
            Tally("transport", "conversations", 2),
            Tally("transport", "forum", 2),
            Tally("housing", "conversations", 4),
        ]
    )
    assert [p.theme_key for p in ranked] == ["transport", "housing", "youth"]


def test_trend_needs_a_quarter_and_at_least_two() -> None:
    assert trend(3, 0) == Trend.NEW
    assert trend(0, 0) == Trend.STEADY
    assert trend(12, 10) == Trend.STEADY  # +2 is under a quarter of 10
    assert trend(13, 10) == Trend.RISING  # +3 is at least a quarter of 10 (2.5)
    assert trend(2, 1) == Trend.STEADY  # +1 is a big share but under 2
    assert trend(3, 1) == Trend.RISING
    assert trend(7, 10) == Trend.FALLING
    assert trend(8, 10) == Trend.STEADY


def test_movers_are_the_biggest_risers() -> None:
    ranked = rank_priorities(
        [
            Tally("a", "conversations", 20, previous=19),  # steady
            Tally("b", "conversations", 10, previous=2),  # +8
            Tally("c", "conversations", 5, previous=0),  # new, +5
            Tally("d", "conversations", 9, previous=3),  # +6
            Tally("e", "conversations", 4, previous=1),  # +3
            Tally("f", "conversations", 1, previous=8),  # falling
        ]
    )
    assert [m.theme_key for m in movers(ranked)] == ["b", "d", "c"]
    assert [m.theme_key for m in movers(ranked, limit=10)] == ["b", "d", "c", "e"]


def test_no_mentions_means_no_priorities() -> None:
    assert rank_priorities([]) == []
    assert movers([]) == []


def test_the_previous_period_has_the_same_length() -> None:
    period = Period(datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC))
    assert period.previous == Period(
        datetime(2025, 12, 31, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    )


def test_classifier_matches_words_plurals_and_starred_prefixes() -> None:
    classify = Classifier(
        {
            "litter": ["litter", "fly-tip*", "bin bags"],
            "parks": ["park", "playground"],
            "transport": ["parking", "bus"],
            "empty": [],
        }
    )
    assert classify("Fly-tipping again behind the shops") == ("litter",)
    assert classify("LITTER everywhere") == ("litter",)
    assert classify("Black bin bags left out") == ("litter",)
    assert classify("The parks need benches") == ("parks",)
    assert classify("Parking on the pavement") == ("transport",)  # not "park"
    assert classify("More buses, and a bigger playground") == ("parks", "transport")
    assert classify("Nothing to report") == ()
    assert classify("") == ()


def test_monthly_counts_add_weights_in_each_month() -> None:
    months = [(2026, 5), (2026, 6), (2026, 7)]
    counts = monthly_counts(
        [
            (datetime(2026, 6, 3, tzinfo=UTC), "litter", 1),
            (datetime(2026, 6, 30, tzinfo=UTC), "litter", 2),
            (datetime(2026, 7, 1, tzinfo=UTC), "parks", 4),
            (datetime(2025, 7, 1, tzinfo=UTC), "parks", 9),  # outside the months asked for
        ],
        months,
    )
    assert counts == {"litter": [0, 3, 0], "parks": [0, 0, 4]}
