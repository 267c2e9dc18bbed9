"""How each command is written, shown in /help and under every error about it."""

from __future__ import annotations

from bot.i18n import N_

__all__ = ["SUMMARY", "USAGE"]

# command -> (syntax, examples); the syntax line itself is not translated
USAGE: dict[str, tuple[str, str]] = {
    "long": (
        "/long SYMBOL SIZE [@ PRICE] [LEVx] [iso|cross] [margin AMOUNT]",
        "/long BTC 0.5 @ 62000 x10 iso · /long eth $5000 at 3.1k 20x cross",
    ),
    "short": (
        "/short SYMBOL SIZE [@ PRICE] [LEVx] [iso|cross] [margin AMOUNT]",
        "/short ETH 3 @ 3100 20x cross",
    ),
    "positions": ("/positions", "/positions"),
    "balance": ("/balance [AMOUNT]", "/balance 5000"),
    "close": ("/close N|SYMBOL", "/close 2 · /close btc"),
    "margin": ("/margin N +AMOUNT|-AMOUNT", "/margin 1 +200 · /margin 1 -100"),
    "lev": ("/lev N LEVERAGE", "/lev 1 20"),
    "mode": ("/mode N|all cross|isolated", "/mode 2 cross · /mode all iso"),
    "undo": ("/undo", "/undo"),
    "reset": ("/reset [yes]", "/reset"),
    "risk": ("/risk", "/risk"),
    "compare": ("/compare", "/compare"),
    "whatif": ("/whatif SYMBOL|all CHANGE ...", "/whatif BTC -15% ETH -20% · /whatif all -10%"),
    "recommend": ("/recommend [N|SYMBOL]", "/recommend · /recommend 2"),
    "chart": (
        "/chart [N|SYMBOL] · /chart whatif SYMBOL|all CHANGE ...",
        "/chart · /chart btc · /chart whatif btc -15%",
    ),
    "profile": (
        "/profile [experience|style|risk [ANSWER]] · /profile reset",
        "/profile · /profile style swing · /profile risk 2%",
    ),
    "calc": (
        "/calc long|short SYMBOL @ PRICE [LEVx] [SIZE] [BALANCE]",
        "/calc long BTC @ 62000 x20 0.1 1000",
    ),
    "portfolio": ("/portfolio [list|NAME|new NAME|delete NAME]", "/portfolio new test"),
    "exchange": (
        "/exchange binance|bybit|okx|custom [MMR% FEE% [AMOUNT]]",
        "/exchange bybit · /exchange custom 0.5% 0.05%",
    ),
    "lang": ("/lang [CODE]", "/lang en"),
    "defaults": ("/defaults [LEVx] [iso|cross]", "/defaults 10x iso"),
    "help": ("/help [COMMAND]", "/help whatif"),
    "price": ("/price [SYMBOL [PRICE|off]]", "/price BTC · /price BTC 61000 · /price BTC off"),
    "alerts": (
        "/alerts [on|off|ratio WARN DANGER|distance WARN DANGER|snooze SYMBOL|all TIME|"
        "quiet HH:MM-HH:MM [ZONE]|quiet off]",
        "/alerts ratio 60 80 · /alerts distance 8% 3% · /alerts snooze BTC 2h · "
        "/alerts quiet 23:00-07:00 Europe/Berlin",
    ),
    "digest": (
        "/digest [HH:MM [ZONE]|off|weekly [off]]",
        "/digest 09:00 · /digest off · /digest weekly",
    ),
    "faq": ("/faq [TOPIC]", "/faq isolated · /faq liquidation"),
}

SUMMARY: dict[str, str] = {
    "long": N_("Add a long position."),
    "short": N_("Add a short position."),
    "positions": N_("Every position with its liquidation price in both modes."),
    "balance": N_("Set or show the wallet balance in USDT."),
    "close": N_("Remove a position by its number or symbol."),
    "margin": N_("Add margin to an isolated position, or take some out."),
    "lev": N_("Change a position's leverage."),
    "mode": N_("Switch a position, or all of them, between cross and isolated."),
    "undo": N_("Revert the last change."),
    "reset": N_("Delete every position and the balance of this portfolio."),
    "risk": N_("The account summary: equity, maintenance margin, margin ratio."),
    "compare": N_("The whole portfolio side by side in isolated and in cross."),
    "whatif": N_(
        "A price shock, and what it does in each mode. CHANGE is -15% (percent), "
        "55000 (a price) or -500 (a move)."
    ),
    "recommend": N_(
        "Isolated, cross or a split: which margin mode suits your portfolio, "
        "with the figures behind the advice."
    ),
    "chart": N_(
        "A picture of your account's equity against a market's price, in isolated and in cross."
    ),
    "profile": N_(
        "A few questions on how you trade (experience, style, loss per trade) for /recommend."
    ),
    "calc": N_("A quick calculation that stores nothing."),
    "portfolio": N_("List, switch, create or delete portfolios."),
    "exchange": N_(
        "Choose whose margin rules to use; custom takes your exchange's "
        "maintenance rate, fee and maintenance amount."
    ),
    "lang": N_("Choose the language."),
    "defaults": N_("The leverage and mode used when a command leaves them out."),
    "help": N_("Every command, or one command in detail."),
    "price": N_(
        "The mark of a market on each exchange and its age; with a price, a manual mark "
        "used when no live price is fresh."
    ),
    "alerts": N_(
        "Liquidation alerts: show them, turn them on or off, set the margin-ratio and "
        "distance thresholds, snooze a symbol, or set quiet hours (warnings wait)."
    ),
    "digest": N_("A daily summary of your positions at the time you choose; off by default."),
    "faq": N_("Short answers about isolated and cross margin, liquidation and leverage."),
}
