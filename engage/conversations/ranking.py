"""How ward priorities are ranked, as pure functions over plain data.

The method (shown to officers and councillors on the priorities page, and in
docs/conversations.md):

1. Every mention of a theme in the ward during the period counts its weight: a
   conversation at an event counts 1 for each theme it was tagged with; other
   services give their own weights (for example a participatory budgeting proposal
   counts once plus once for each supporter). The total is the theme's score.
2. Themes are ranked by score, highest first. Ties go to the theme raised through
   more sources (conversations, forums, bids ...), then alphabetically.
3. The trend compares the score with the period of the same length just before:
   "new" if the theme was not raised then; "rising" or "falling" if the score moved by
   at least a quarter of the earlier score and by at least 2; otherwise "steady".
4. Movers are the themes whose score rose most since the previous period.

Mentions from other services that carry no theme are given themes by keywords that
officers edit: a theme matches when one of its keywords (or its plural) appears as a
word or phrase in the text; a keyword ending in * matches any word starting with it.
Mentions that match no theme are not counted, and their number is shown.
"""

from __future__ import annotations

import enum
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MIN_MOVE = 2  # a change smaller than this is noise, however large in proportion
MOVE_SHARE = 0.25


@dataclass(frozen=True)
class Period:
    """[start, end): the time ward priorities are counted over."""

    start: datetime
    end: datetime

    @property
    def previous(self) -> Period:
        return Period(self.start - (self.end - self.start), self.start)

    @property
    def length(self) -> timedelta:
        return self.end - self.start


class Trend(enum.StrEnum):
    NEW = "new"
    RISING = "rising"
    STEADY = "steady"
    FALLING = "falling"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Tally:
    """Weighted mentions of one theme from one source, now and in the period before."""

    theme_key: str
    source: str
    current: int
    previous: int = 0


@dataclass(frozen=True)
class Priority:
    theme_key: str
    rank: int
    score: int
    previous_score: int
    previous_rank: int | None
    trend: Trend
    by_source: Mapping[str, int] = field(default_factory=dict)

    @property
    def change(self) -> int:
        return self.score - self.previous_score


def trend(current: int, previous: int) -> Trend:
    if previous == 0:
        return Trend.NEW if current > 0 else Trend.STEADY
    threshold = max(MIN_MOVE, MOVE_SHARE * previous)
    if current - previous >= threshold:
        return Trend.RISING
    if previous - current >= threshold:
        return Trend.FALLING
    return Trend.STEADY


def _order(scores: Mapping[str, int], sources: Mapping[str, int]) -> list[str]:
    ranked = [key for key, score in scores.items() if score > 0]
    return sorted(ranked, key=lambda key: (-scores[key], -sources.get(key, 0), key))


def rank_priorities(tallies: Iterable[Tally]) -> list[Priority]:
    """Rank one ward's themes by their weighted mentions (see the module docstring)."""
    current: dict[str, int] = defaultdict(int)
    previous: dict[str, int] = defaultdict(int)
    by_source: dict[str, dict[str, int]] = defaultdict(dict)
    previous_sources: dict[str, set[str]] = defaultdict(set)
    for tally in tallies:
        current[tally.theme_key] += tally.current
        previous[tally.theme_key] += tally.previous
        if tally.current:
            counts = by_source[tally.theme_key]
            counts[tally.source] = counts.get(tally.source, 0) + tally.current
        if tally.previous:
            previous_sources[tally.theme_key].add(tally.source)

    source_count = {key: len(counts) for key, counts in by_source.items()}
    previous_ranks = {
        key: rank
        for rank, key in enumerate(
            _order(previous, {k: len(v) for k, v in previous_sources.items()}), start=1
        )
    }
    return [
        Priority(
            theme_key=key,
            rank=rank,
            score=current[key],
            previous_score=previous[key],
            previous_rank=previous_ranks.get(key),
            trend=trend(current[key], previous[key]),
            by_source=dict(sorted(by_source[key].items())),
        )
        for rank, key in enumerate(_order(current, source_count), start=1)
    ]


def movers(priorities: Sequence[Priority], limit: int = 3) -> list[Priority]:
    """The themes whose score rose most since the previous period."""
    rising = [p for p in priorities if p.change > 0 and p.trend in (Trend.NEW, Trend.RISING)]
    return sorted(rising, key=lambda p: (-p.change, p.rank))[:limit]


def _keyword_pattern(keyword: str) -> str:
    if keyword.endswith("*"):
        return r"\b" + re.escape(keyword[:-1].strip())
    return r"\b" + re.escape(keyword) + r"(?:s|es)?\b"


class Classifier:
    """Gives a text the themes whose keywords appear in it.

    "park" matches "park" and "parks" but not "parking"; "fly-tip*" matches
    "fly-tipping"; matching ignores case. Themes come back in the order given.
    """

    def __init__(self, keywords_by_theme: Mapping[str, Sequence[str]]) -> None:
        self._patterns = []
        for key, words in keywords_by_theme.items():
            usable = [word.strip().lower() for word in words if word.strip("* ")]
            if usable:
                # Lower-casing the text once beats a case-insensitive search per theme.
                pattern = re.compile("|".join(map(_keyword_pattern, usable)))
                self._patterns.append((key, pattern))

    def __call__(self, text: str) -> tuple[str, ...]:
        lowered = (text or "").lower()
        return tuple(key for key, pattern in self._patterns if pattern.search(lowered))


def monthly_counts(
    items: Iterable[tuple[datetime, str, int]], months: Sequence[tuple[int, int]]
) -> dict[str, list[int]]:
    """Weighted mentions per theme in each (year, month), in the order of ``months``."""
    index = {month: i for i, month in enumerate(months)}
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    for when, key, weight in items:
        slot = index.get((when.year, when.month))
        if slot is not None:
            counts[key][slot] += weight
    return dict(counts)
