"""Every user-facing sentence goes through here: gettext catalogs plus Babel numbers.

Catalogs are the `.po` files under `locales/`, compiled in memory at start-up
(no build step, nothing generated is committed). Call sites write
`tr("Liquidation at {price}", price=...)` so `pybabel extract -k tr -k N_`
finds every message; `N_` marks a message defined away from where it is shown.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import (
    NumberPattern,
    format_scientific,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

from bot.parsing.numbers import NumberFormat
from engine.numbers import round_toward_danger

__all__ = ["DEFAULT_LOCALE", "LOCALES_DIR", "N_", "Catalogs", "Translator", "number_format"]

DEFAULT_LOCALE = "en"
DOMAIN = "isocross"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention extractors look for
    """Mark a message for extraction; it is translated where it is shown."""
    return message


class Catalogs:
    """The shipped languages, loaded once; `translator(code)` resolves a user's language."""

    def __init__(self, directory: Path = LOCALES_DIR) -> None:
        self._translations: dict[str, gettext.NullTranslations] = {}
        for po_path in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            code = po_path.parent.parent.name
            self._translations[code] = _compile(po_path)
        self._translations.setdefault(DEFAULT_LOCALE, gettext.NullTranslations())

    @property
    def languages(self) -> list[str]:
        return sorted(self._translations)

    def resolve(self, *codes: str | None) -> str:
        """The first shipped language among `codes`: 'pt-br' tries 'pt_BR', then 'pt'."""
        for code in codes:
            for candidate in _candidates(code):
                if candidate in self._translations:
                    return candidate
        return DEFAULT_LOCALE

    def translator(self, *codes: str | None) -> Translator:
        locale = self.resolve(*codes)
        return Translator(locale, self._translations[locale])


def _candidates(code: str | None) -> Iterable[str]:
    if not code:
        return ()
    normal = code.strip().replace("-", "_")
    if not normal:
        return ()
    parts = normal.split("_")
    full = parts[0].lower() + ("_" + parts[1].upper() if len(parts) > 1 else "")
    return (full, parts[0].lower())


def _compile(po_path: Path) -> gettext.GNUTranslations:
    with po_path.open("rb") as source:
        catalog = read_po(source, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@dataclass(frozen=True)
class Translator:
    """One user's language: translated messages and numbers in their locale's format."""

    locale: str
    translations: gettext.NullTranslations

    def __call__(self, message: str, /, **params: object) -> str:
        text = self.translations.gettext(message)
        return text.format(**params) if params else text

    def plural(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return text.format(n=self.integer(n), **params)

    @property
    def numbers(self) -> NumberFormat:
        """How this locale writes numbers, for reading the user's back (`bot.parsing`)."""
        return number_format(self.locale)

    def integer(self, value: int) -> str:
        return self._fixed(Decimal(value), 0)

    def money(self, value: Decimal) -> str:
        """An amount of USDT: two decimals."""
        return self._fixed(value, 2)

    def price(self, value: Decimal, *, toward_danger_of_long: bool | None = None) -> str:
        """A price with enough digits for its size; a liquidation price rounds toward danger."""
        places = price_places(value)
        if toward_danger_of_long is not None:
            value = round_toward_danger(value, places, long=toward_danger_of_long)
        return self._fixed(value, places)

    def liquidation(self, price: Decimal, mark: Decimal) -> str:
        """A liquidation price rounded toward the mark, so the number shown is never farther
        away than the math: below the mark (a long's, a hedge's fall) it rounds up, above it
        (a short's, a hedge's rally) down."""
        return self.price(price, toward_danger_of_long=price < mark)

    def quantity(self, value: Decimal) -> str:
        """A size with the digits the trader gave, no more."""
        exponent = value.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return self._fixed(value, min(places, 12))

    def percent(self, fraction: Decimal, places: int = 2) -> str:
        return self._fixed(fraction * 100, places) + "%"

    def _fixed(self, value: Decimal, places: int) -> str:
        """`value` with `places` decimals, grouped the locale's way. Babel quantizes in
        the current decimal context, so the context holds every digit (a 1e30 balance
        would not fit its 28); a number past any market's size is shown in scientific
        notation rather than as thirty digits."""
        locale = _babel_locale(self.locale)
        digits = value.adjusted() + 1 if value.is_finite() and value else 1
        if digits > _MAX_DIGITS:
            return str(format_scientific(value, "0.###E0", locale=locale))
        with localcontext() as context:
            context.prec = max(context.prec, digits + places + 2)
            return str(_pattern(places).apply(value, locale, decimal_quantization=True))


_MAX_DIGITS = 24  # integer digits shown in full; more is no market's figure


def price_places(value: Decimal) -> int:
    """Decimals that show a price as exchanges do: 2 for BTC, 5 significant for small coins."""
    magnitude = abs(value)
    if magnitude >= 1000:
        return 2
    if magnitude >= 1:
        return 4
    if magnitude == 0:
        return 2
    return min(12, 4 - magnitude.adjusted())


@cache
def _pattern(places: int) -> NumberPattern:
    """Parsed once per precision: Babel would parse the pattern text on every number."""
    return parse_pattern("#,##0" + ("." + "0" * places if places else ""))


@cache
def number_format(code: str) -> NumberFormat:
    """A locale's decimal and group symbols, from Babel's CLDR data: ',' and '.' for es."""
    locale = _babel_locale(code)
    return NumberFormat(get_decimal_symbol(locale), get_group_symbol(locale))


@cache
def _babel_locale(code: str) -> Locale:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)
