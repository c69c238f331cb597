"""Shared helpers for the counting engine's tests: the real Pabulib files."""

from __future__ import annotations

from pathlib import Path

import pytest

from engage.pb import pabulib

PABULIB = Path(__file__).resolve().parents[4] / "shared" / "pabulib"
FILES = sorted(PABULIB.glob("*.pb"))


def pb_file(name: str) -> pabulib.PbFile:
    path = PABULIB / name
    if not path.exists():
        pytest.skip(f"{name} is not in {PABULIB}")
    return _cache.get(name) or _cache.setdefault(name, pabulib.read(path))


_cache: dict[str, pabulib.PbFile] = {}
