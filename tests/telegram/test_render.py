"""Replies as Telegram HTML: escaped, paged under the limit, never cut inside a tag; every
page is checked by the fake Bot API's own entity parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.reply import Button, Paragraph, Reply, Table, Title
from bot.telegram import deeplink, render
from tests.fakes.telegram_html import parse_html, utf16_length


def test_blocks_become_bold_titles_escaped_paragraphs_and_monospace_tables() -> None:
    reply = Reply(
        (
            Title("P&L <today>"),
            Paragraph('Long "BTC" & short <ETH>'),
            Table(("#", "Liq."), (("1", "56,024.10"), ("2", "3,252.00"))),
        )
    )
    [page] = render.pages(reply)
    assert page == (
        "<b>P&amp;L &lt;today&gt;</b>\n\n"
        'Long "BTC" &amp; short &lt;ETH&gt;\n\n'
        "<pre>#       Liq.\n1  56,024.10\n2   3,252.00</pre>"
    )
    assert parse_html(page).startswith("P&L <today>")


def test_a_long_reply_is_cut_between_blocks_and_a_huge_table_repeats_its_head() -> None:
    rows = tuple((f"#{n}", f"SYM{n}USDT", f"{n * 1000:,}.00") for n in range(1, 400))
    reply = Reply((Title("Positions"), Table(("#", "Symbol", "Liq."), rows), Paragraph("end")))
    pages = render.pages(reply)
    assert len(pages) > 2
    for page in pages:
        assert utf16_length(page) <= render.TEXT_LIMIT
        parse_html(page)  # raises on a cut tag or entity
    assert pages[0].startswith("<b>Positions</b>\n\n<pre>")
    head = parse_html(pages[0]).splitlines()[2]  # after the title and the blank line
    assert "Symbol" in head and "Liq." in head
    assert all(p.startswith("<pre>") and parse_html(p).splitlines()[0] == head for p in pages[1:-1])
    shown = "\n".join(parse_html(p) for p in pages)
    assert all(f"SYM{n}USDT" in shown for n in range(1, 400))
    assert pages[-1].endswith("end")


@given(st.lists(st.text(alphabet="ab<>&\"' \n€𝔘", min_size=0, max_size=3000), max_size=6))
def test_any_text_pages_within_the_limit_and_parses(texts: list[str]) -> None:
    reply = Reply(tuple(Paragraph(t) for t in texts if t.strip()))
    for page in render.pages(reply, limit=500):
        assert utf16_length(page) <= 500
        parse_html(page)


def test_buttons_carry_their_command_line_and_over_64_bytes_is_refused() -> None:
    markup = render.keyboard(((Button("Close", "/close 1"), Button("Undo", "/undo")),))
    assert markup is not None
    assert [b.callback_data for b in markup.inline_keyboard[0]] == ["/close 1", "/undo"]
    with pytest.raises(ValueError, match="64"):
        render.callback_data("/whatif " + "x" * 60)
    assert render.keyboard(()) is None


def test_page_buttons_point_to_the_neighbouring_pages() -> None:
    row = render.page_row(1, 3, "/positions")
    assert row is not None
    assert [(b.label, b.action) for b in row] == [
        ("‹", "pg:0:/positions"),
        ("2/3", "pg:1:/positions"),
        ("›", "pg:2:/positions"),
    ]
    assert render.parse_page("pg:2:/positions") == (2, "/positions")
    assert render.parse_page("pg:x:/positions") is None
    assert render.page_row(0, 2, "/whatif " + "BTC -10% " * 6) is None  # would not fit


KEY = deeplink.key_for("123:TEST")
NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    "request_line", ["/positions", "/long BTC 0.5 @ 62000 x10 iso", "/whatif btc -15% eth -20%"]
)
def test_deep_link_payloads_round_trip(request_line: str) -> None:
    payload = deeplink.encode(request_line, 8_123_456_789, KEY, NOW)
    assert len(payload) <= 64 and payload.replace("-", "").replace("_", "").isalnum()
    found = deeplink.decode(payload, KEY)
    assert found is not None and found.request == request_line
    assert found.for_user(8_123_456_789, NOW + deeplink.LIFETIME - 1)
    assert not found.for_user(8_123_456_788, NOW)  # someone else
    assert not found.for_user(8_123_456_789, NOW + deeplink.LIFETIME + 3600)  # expired


def test_deep_link_payloads_stay_short_and_foreign_ones_are_ignored() -> None:
    long_line = "/whatif " + " ".join(f"sym{n} -1%" for n in range(20))
    found = deeplink.decode(deeplink.encode(long_line, 5, KEY, NOW), KEY)
    assert found is not None and found.request == "/whatif"
    assert deeplink.decode("ref_campaign_42", KEY) is None
    assert deeplink.decode("c%%%", KEY) is None
    # another bot's key, and the unsigned links of old, are not ours
    assert deeplink.decode(deeplink.encode("/reset yes", 5, b"other", NOW), KEY) is None
    assert deeplink.decode("cL3Jlc2V0IHllcw", KEY) is None  # '/reset yes' unsigned
