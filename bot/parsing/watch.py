"""/watch and /unwatch: a Hyperliquid wallet address and the label its portfolio goes by.

    /watch                      -> WatchWallet(None, None): list the watched wallets
    /watch 0xABC…(40 hex) main  -> WatchWallet("0xabc…", "main")
    /unwatch main               -> UnwatchWallet("main")

An address is 0x and exactly 40 hex digits (read lower-cased, as Hyperliquid does); a
label is what a portfolio name may be (letters, digits, - or _, at most 29 so that
'hl:<label>' fits a portfolio name), 'main' when left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.errors import ParseError
from bot.parsing.intents import Intent

__all__ = ["DEFAULT_LABEL", "UnwatchWallet", "WatchWallet", "unwatch", "watch"]

DEFAULT_LABEL = "main"
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_LABEL = re.compile(r"[A-Za-z0-9_-]{1,29}")


@dataclass(frozen=True, slots=True)
class WatchWallet(Intent):
    address: str | None  # None: list the watched wallets
    label: str | None = None


@dataclass(frozen=True, slots=True)
class UnwatchWallet(Intent):
    label: str


def watch(words: list[str]) -> WatchWallet:
    if not words:
        return WatchWallet(None)
    if len(words) > 2:
        raise ParseError("unexpected", "watch", token=words[2][:30])
    if not _ADDRESS.fullmatch(words[0]):
        raise ParseError("bad_address", "watch", token=words[0][:50])
    label = _label(words[1], "watch") if len(words) == 2 else DEFAULT_LABEL
    return WatchWallet(words[0].lower(), label)


def unwatch(words: list[str]) -> UnwatchWallet:
    if len(words) != 1:
        if not words:
            raise ParseError("missing_argument", "unwatch")
        raise ParseError("unexpected", "unwatch", token=words[1][:30])
    word = words[0][3:] if words[0].lower().startswith("hl:") else words[0]
    return UnwatchWallet(_label(word, "unwatch"))


def _label(word: str, command: str) -> str:
    if not _LABEL.fullmatch(word):
        raise ParseError("bad_label", command, token=word[:30])
    return word
