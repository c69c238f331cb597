"""Personal details are removed from quotes."""

from __future__ import annotations

import pytest

from engage.conversations.redaction import redact


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("Email me at jo.bloggs+parks@mail.example.co.uk", "Email me at [email removed]"),
        ("Ring 07700 900123 any time", "Ring [phone number removed] any time"),
        ("mobile 07700900123", "mobile [phone number removed]"),
        ("call +44 7700 900123", "call [phone number removed]"),
        ("office +44 (0)20 7946 0000", "office [phone number removed]"),
        ("landline (020) 7946 0000.", "landline [phone number removed]."),
        ("0161-496-0000 is the number", "[phone number removed] is the number"),
        ("I live in RV1 1AA", "I live in [postcode removed]"),
        ("postcode rv11aa", "postcode [postcode removed]"),
        ("outside 12 Acacia Avenue", "outside [address removed]"),
        ("at flat 3, 22b High Street near the shops", "at [address removed] near the shops"),
        ("14-16 Mill Lane keeps flooding", "[address removed] keeps flooding"),
        ("12 The Avenue", "[address removed]"),
    ],
)
def test_personal_details_are_removed(said: str, shown: str) -> None:
    assert redact(said) == shown


@pytest.mark.parametrize(
    "said",
    [
        "There are 3 bins on the park",
        "I have lived here 30 years and the road is bad",
        "Bins emptied on 01/02/2026 at 10",
        "The 42 bus is too infrequent",
        "Open 24 hours on Kings Road",
        "Over 500 people signed the petition",
    ],
)
def test_ordinary_sentences_are_left_alone(said: str) -> None:
    assert redact(said) == said


def test_everything_in_one_quote() -> None:
    said = "Dumped outside 14 Mill Lane, RV2 3AB; ring 07700 900123 or email a@b.org"
    assert redact(said) == (
        "Dumped outside [address removed], [postcode removed]; ring [phone number removed] "
        "or email [email removed]"
    )
