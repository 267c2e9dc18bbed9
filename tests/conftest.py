"""Fixtures shared by every test: the shipped tier book, loaded once."""

from __future__ import annotations

import pytest

from engine.tiers import TierBook, load_tier_book


@pytest.fixture(scope="session")
def book() -> TierBook:
    return load_tier_book()
