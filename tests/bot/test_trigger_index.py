"""The trigger index returns exactly the subjects a mark pushes out of their band."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.alerts.index import TriggerIndex

BTC = ("binance", "BTCUSDT")


def test_a_mark_finds_the_bands_it_leaves() -> None:
    index = TriggerIndex()
    index.add(1, BTC, Decimal("55332.44"), None)  # a long: warn at or below 55,332.44
    index.add(2, BTC, Decimal("52420.21"), Decimal("58587.29"))
    index.add(3, BTC, None, Decimal("66000"))  # a short: warn at or above 66,000
    index.add(4, ("bybit", "BTCUSDT"), Decimal("70000"), None)  # another market

    assert sorted(index.crossed(BTC, Decimal("60000"))) == [2]  # above 2's re-arm end
    assert index.crossed(BTC, Decimal("57000")) == []
    assert index.crossed(BTC, Decimal("55332.44")) == [1]  # exactly at the end counts
    assert sorted(index.crossed(BTC, Decimal("50000"))) == [1, 2]
    assert index.crossed(BTC, Decimal("66000")) == [2, 3]
    index.remove(2, BTC, Decimal("52420.21"), Decimal("58587.29"))
    assert index.crossed(BTC, Decimal("50000")) == [1]
    assert len(index) == 3


def test_float_storage_never_loses_a_crossing_at_an_exact_decimal_end() -> None:
    # 0.1 + 0.2 style: a Decimal end that no float represents exactly
    end = Decimal("0.30000000000000001665")
    index = TriggerIndex()
    index.add(1, BTC, end, None)
    index.add(2, BTC, None, end)
    assert index.crossed(BTC, end) == [1, 2]
    assert index.crossed(BTC, end + Decimal("1e-12")) == [2]


@settings(max_examples=200, deadline=None)
@given(
    bands=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(1, 200)), st.one_of(st.none(), st.integers(1, 200))
        ),
        max_size=40,
    ),
    removed=st.sets(st.integers(0, 39)),
    marks=st.lists(st.integers(0, 201), min_size=1, max_size=10),
)
def test_the_index_agrees_with_a_full_scan(
    bands: list[tuple[int | None, int | None]], removed: set[int], marks: list[int]
) -> None:
    index = TriggerIndex()
    kept: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    for subject, (low, high) in enumerate(bands):
        ends = (
            None if low is None else Decimal(low) / 4,
            None if high is None else Decimal(high) / 4,
        )
        index.add(subject, BTC, *ends)
        kept[subject] = ends
    for subject in removed & set(kept):
        index.remove(subject, BTC, *kept.pop(subject))
    for raw in marks:
        mark = Decimal(raw) / 4
        expected = sorted(
            [s for s, (low, _) in kept.items() if low is not None and mark <= low]
            + [s for s, (_, high) in kept.items() if high is not None and mark >= high]
        )
        assert sorted(index.crossed(BTC, mark)) == expected
