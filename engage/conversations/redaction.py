"""Remove personal data from quotes before anyone else reads them.

Residents sometimes say where they live or how to reach them while telling an
officer about a problem. Quotes shown as evidence, and the exported conversation
log, go through ``redact`` first. It errs towards removing too much: "2 broken
street lights" loses "2 broken street", which is a fair price for never showing
"12 Acacia Avenue".
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

# UK numbers: 0 and 9 or 10 more digits, or +44 / 0044 (maybe with "(0)") and 9 or
# 10 digits, with spaces, dashes, dots or brackets between the digits.
PHONE = re.compile(
    r"""
    (?<![\w+])
    (?: (?:\+|00)44\s*(?:\(0\)\s*)? | \(?0 )
    \d (?:[\s\-.()]{0,2}\d){8,9}
    (?!\d)
    """,
    re.VERBOSE,
)

POSTCODE = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPS-UW]|[A-HK-Y]\d[ABEHMNPRV-Y])"
    r"\s?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

STREET_TYPES = (
    "street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|court|ct|"
    "place|pl|gardens|gdns|grove|terrace|tce|walk|hill|row|square|sq|mews|parade|rise|"
    "view|green|park|estate"
)
# Little words that join a number to a place in ordinary speech ("3 bins on the
# park") but are not part of street names.
_NOT_A_STREET_WORD = r"(?!(?:on|in|at|near|by|to|from|and|or|for|with|is|are|was|were)\b)"
ADDRESS = re.compile(
    rf"""
    (?:\b(?:flat|apartment|unit)\s+\d+[a-z]?,?\s+)?
    \b\d{{1,4}}[a-z]?(?:\s*[-–]\s*\d{{1,4}}[a-z]?)?,?\s+
    (?:{_NOT_A_STREET_WORD}[a-z'’.-]+\s+){{1,3}}
    (?:{STREET_TYPES})\b\.?
    """,
    re.VERBOSE | re.IGNORECASE,
)

REPLACEMENTS = (
    (EMAIL, "[email removed]"),
    (PHONE, "[phone number removed]"),
    (POSTCODE, "[postcode removed]"),
    (ADDRESS, "[address removed]"),
)


def redact(text: str) -> str:
    """``text`` with email addresses, UK phone numbers, postcodes and house
    number-and-street addresses replaced by a note saying what was removed."""
    for pattern, replacement in REPLACEMENTS:
        text = pattern.sub(replacement, text)
    return text
