"""/api/* on a real server: the chat's figures, the owner from initData, 401 otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.webapp.conftest import Web, init_data

PORTFOLIO = (
    "/balance 5000",
    "/long BTC 0.5 @ 62000 x10 iso",
    "/short ETH 3 @ 3100 x20 cross",
    "/long SOL 20 @ 150 x5 iso",
)
CALC = {"exchange": "binance", "side": "long", "symbol": "btc", "entry": "62000",
        "leverage": "20", "size": "0.1", "balance": "1000"}  # fmt: skip


def cell(body: dict[str, object], key: str) -> list[str]:
    rows = body["rows"]
    assert isinstance(rows, list)
    return next(row["values"] for row in rows if row["key"] == key)


async def test_the_calculator_shows_the_chats_figures(web: Web) -> None:
    chat = await web.say(7, "/calc long BTC @ 62000 x20 0.1 1000")
    async with web.client(7) as client:
        answer = await client.post("/api/calc", json={**CALC, "target": "65000"})
    assert answer.status_code == 200
    body = answer.json()
    # /calc's table: "Liquidation price  59,136.55  52,208.84", "Margin at stake  310.00  1,000.00"
    assert "59,136.55  52,208.84" in chat
    assert cell(body, "liquidation") == ["59,136.55", "52,208.84"]
    assert cell(body, "stake") == ["310.00", "1,000.00"]
    assert body["title"] == "long 0.1 BTCUSDT @ 62,000.00 ×20"
    # PnL at 65,000: 0.1 x (65,000 - 62,000) = 300.00; ROE 300 / 310 = 96.8%
    assert cell(body, "pnl") == ["300.00", "300.00"]
    assert cell(body, "roe") == ["96.8%", "96.8%"]
    assert body["raw"]["isolated"]["status"] == "ok"


async def test_the_calculator_reads_numbers_in_the_users_language(web: Web) -> None:
    async with web.client(8, language="es") as client:
        answer = await client.post(
            "/api/calc", json={**CALC, "entry": "62.000", "size": "0,1", "balance": "1.000"}
        )
    assert cell(answer.json(), "liquidation") == ["59.136,55", "52.208,84"]


async def test_a_field_it_cannot_read_is_named_and_nothing_is_stored(web: Web) -> None:
    async with web.client(9) as client:
        answer = await client.post("/api/calc", json={**CALC, "entry": "-5"})
        me = await client.get("/api/me")
    assert answer.status_code == 400
    assert answer.json() == {"error": "Type a number above zero.", "field": "entry"}
    assert me.json()["texts"]["calculator"] == "Calculator"
    assert await web.services.db.fetch_one("SELECT id FROM users WHERE id = 9") is None


async def test_the_portfolio_and_the_slider_are_the_chats_compare_and_whatif(web: Web) -> None:
    await web.say(7, *PORTFOLIO)
    compare = await web.say(7, "/compare")
    async with web.client(7) as client:
        view = (await client.get("/api/portfolio?symbol=BTCUSDT")).json()
        moved = await client.post("/api/slider", json={"symbol": "BTCUSDT", "price": "55000"})
    # /compare: "#1 BTCUSDT  56,024.10  52,313.66", "#3 SOLUSDT  120.6031  none"
    assert "#1 BTCUSDT      56,024.10   52,313.66" in compare
    cards = {card["id"]: card["liquidation"] for card in view["cards"]}
    assert cards == {
        "1": ["56,024.10", "52,313.66"],
        "2": ["3,242.03", "4,701.52"],
        "3": ["120.6031", "none"],
    }
    assert view["chart"]["symbol"] == "BTCUSDT"
    kinds = {(m["kind"], m["price"][:8]) for m in view["chart"]["markers"]}
    assert ("entry", "62000") in kinds
    # /whatif BTC 55000: BTC liquidated isolated, survives cross; equity left 1,900.00 / 1,500.00
    body = moved.json()
    assert body["positions"][0] == {
        "id": "1",
        "liquidated": [True, False],
        "texts": ["liquidated", "survives"],
    }
    assert body["equity"] == ["1,900.00", "1,500.00"]
    assert body["liquidated"] == ["1", "0"]


async def test_each_user_sees_only_their_own_portfolio(web: Web) -> None:
    await web.say(7, *PORTFOLIO)
    async with web.client(8) as other:
        theirs = (await other.get("/api/portfolio")).json()
        slid = await other.post("/api/slider", json={"symbol": "BTCUSDT", "price": "55000"})
    assert theirs == {"empty": True, "message": "No positions yet: add one in the chat."}
    assert slid.status_code == 400
    # user 8 signing a launch and then claiming user 7's id: the hash no longer matches
    forged = init_data(8).replace("%22id%22%3A8", "%22id%22%3A7")
    assert forged != init_data(8)
    async with web.client(None) as client:
        answer = await client.get("/api/portfolio", headers={"Authorization": "tma " + forged})
    assert answer.status_code == 401


async def test_without_valid_init_data_every_api_answers_401(web: Web) -> None:
    stale = datetime.now(UTC) - timedelta(hours=2)
    async with web.client(None) as client:
        for path in ("/api/me", "/api/portfolio"):
            assert (await client.get(path)).status_code == 401
            good = init_data(7)
            tampered = {"Authorization": "tma " + good[:-1] + ("1" if good[-1] == "0" else "0")}
            assert (await client.get(path, headers=tampered)).status_code == 401
            old = {"Authorization": "tma " + init_data(7, auth_date=stale)}
            assert (await client.get(path, headers=old)).status_code == 401
        answer = await client.post(
            "/api/calc", json=CALC, headers={"Accept-Language": "es-ES,es;q=0.9"}
        )
    assert answer.status_code == 401
    assert answer.json()["code"] == "missing"
    # nobody is validated yet: the browser's language explains the refusal
    assert answer.json()["message"] == (
        "Telegram no pudo confirmar quién eres: vuelve a abrir la app desde el chat."
    )


async def test_the_page_and_its_assets_are_served_from_the_bot(web: Web) -> None:
    async with web.client(None) as client:
        page = await client.get("/app/")
        script = await client.get("/app/app.js")
        bare = await client.get("/app", follow_redirects=False)
    assert page.status_code == 200 and "<title>IsoCross</title>" in page.text
    assert "http" not in page.text.split("<body>")[0].replace("http-equiv", "")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert script.status_code == 200
    assert bare.status_code == 308 and bare.headers["location"].endswith("/app/")


async def test_a_margin_instead_of_a_size_buys_what_it_covers(web: Web) -> None:
    form = {**CALC, "size": "", "margin": "310"}  # 310 x 20 / 62,000 = 0.1 BTC
    async with web.client(7) as client:
        body = (await client.post("/api/calc", json=form)).json()
    assert body["title"] == "long 0.1 BTCUSDT @ 62,000.00 ×20"
    assert cell(body, "liquidation") == ["59,136.55", "52,208.84"]
