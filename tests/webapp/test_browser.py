"""The page in headless Chromium (Debian's `chromium`, driven by Playwright) against the
real server on 127.0.0.1 and a real SQLite store: Telegram's launch parameters in the URL's
fragment, as Telegram opens a Mini App, read by the page's own tg.js.

Without Chromium they fail, never skip: `.ci/run` installs Debian's `chromium` when it is
missing, and on a developer's machine `apt-get install chromium` does.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, Page, async_playwright

from bot.i18n import Catalogs
from engine.margin import evaluate
from engine.models import Exchange, Portfolio, Position, Side
from tests.webapp.conftest import Web, init_data
from tests.webapp.test_api import PORTFOLIO

CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LIGHT = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#707579",
         "button_color": "#3390ec", "button_text_color": "#ffffff",
         "secondary_bg_color": "#f4f4f5"}  # fmt: skip
DARK = {"bg_color": "#17212b", "text_color": "#f5f5f5", "hint_color": "#708499",
        "button_color": "#5288c1", "button_text_color": "#ffffff",
        "secondary_bg_color": "#232e3c"}  # fmt: skip
SHOTS = (
    Path(os.environ.get("ISOCROSS_SCREENSHOTS", ""))
    if os.environ.get("ISOCROSS_SCREENSHOTS")
    else None
)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: apt-get install chromium (.ci/run does)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        yield launched
        await launched.close()


def launch_url(
    web: Web, user_id: int, theme: dict[str, str], query: str = "", data: str | None = None
) -> str:
    data = data or init_data(user_id)
    fragment = f"tgWebAppData={quote(data)}&tgWebAppThemeParams={quote(json.dumps(theme))}"
    return f"{web.url}/app/{query}#{fragment}"


async def open_page(browser: Browser, url: str) -> Page:
    page = await browser.new_page(viewport={"width": 360, "height": 740})
    await page.goto(url)
    return page


async def no_horizontal_scroll(page: Page) -> bool:
    width = await page.evaluate("document.documentElement.scrollWidth")
    return bool(width <= 360)


async def test_a_typed_position_shows_the_engines_liquidation_price(
    web: Web, browser: Browser, tmp_path: Path
) -> None:
    page = await open_page(browser, launch_url(web, 7, LIGHT))
    await page.fill("#symbol", "ETH")
    await page.fill("#entry", "3100")
    await page.fill("#leverage", "25")
    await page.fill("#size", "2")
    await page.fill("#balance", "2000")
    await page.select_option("#side", "short")
    position = Position(symbol="ETHUSDT", side=Side.SHORT, qty=Decimal(2),
                        entry_price=Decimal(3100), leverage=Decimal(25))  # fmt: skip
    portfolio = Portfolio(exchange=Exchange.BINANCE, wallet_balance=Decimal(2000),
                          positions=(position,))  # fmt: skip
    result = evaluate(portfolio, web.services.book).positions[0]
    assert result.liquidation_price is not None
    expected = Catalogs().translator("en").liquidation(result.liquidation_price, Decimal(3100))
    iso = page.locator("#calc-liquidation-0")
    await iso.wait_for()
    await page.wait_for_function(
        "t => document.getElementById('calc-title').textContent.startsWith(t)", arg="short 2"
    )
    assert await iso.text_content() == expected
    assert await no_horizontal_scroll(page)
    assert not await page.evaluate("document.documentElement.classList.contains('dark')")
    await page.screenshot(path=str(tmp_path / "calculator-light.png"), full_page=True)
    if SHOTS:
        await page.screenshot(path=str(SHOTS / "webapp-calculator.png"))


async def test_the_slider_past_a_liquidation_marks_it_in_one_mode_only(
    web: Web, browser: Browser, tmp_path: Path
) -> None:
    await web.say(7, *PORTFOLIO)
    async with web.client(7) as client:
        prices = (await client.get("/api/portfolio?symbol=BTCUSDT")).json()["chart"]["prices"]
    page = await open_page(browser, launch_url(web, 7, DARK, "?view=portfolio"))
    await page.locator(".card").nth(2).wait_for()
    assert await page.locator(".card").count() == 3
    await page.select_option("#market", "BTCUSDT")  # the chart opens on the closest call, ETH
    await page.locator("#chart polyline.iso").wait_for()
    await page.wait_for_function("document.getElementById('market').value === 'BTCUSDT'")
    # 55,000 lies between #1's isolated (56,024.10) and cross (52,313.66) liquidation prices
    value = round(1000 * (55000 - prices[0]) / (prices[-1] - prices[0]))
    await page.eval_on_selector(
        "#slider", "(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }", value
    )
    card = page.locator("#card-1[data-isolated='liquidated'][data-cross='survives']")
    await card.wait_for()
    assert await page.get_attribute("#card-3", "data-isolated") == "survives"
    assert await page.text_content("#outcome-liquidated-0") == "1"
    assert await page.text_content("#outcome-liquidated-1") == "0"
    assert await no_horizontal_scroll(page)
    # Telegram's dark theme: its colours, and the dark scheme read from bg_color
    assert await page.evaluate("document.documentElement.classList.contains('dark')")
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"  # DARK's bg_color #17212b
    await page.screenshot(path=str(tmp_path / "portfolio-dark.png"), full_page=True)
    if SHOTS:
        await page.screenshot(path=str(SHOTS / "webapp-portfolio.png"))


async def test_a_tampered_launch_gets_an_error_page_and_no_data(web: Web, browser: Browser) -> None:
    await web.say(7, *PORTFOLIO)
    forged = init_data(8).replace("%22id%22%3A8", "%22id%22%3A7")
    page = await open_page(browser, launch_url(web, 7, LIGHT, "?view=portfolio", data=forged))
    await page.locator("#problem").wait_for()
    text = await page.text_content("#problem")
    assert text == "Telegram could not confirm who you are: open the app again from the chat."
    assert await page.locator(".card").count() == 0
    assert await page.is_hidden("#app")
