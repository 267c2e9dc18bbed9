"""The normal distribution in Decimal: erfc and the CDF, with no float anywhere.

What a user is told about liquidation odds is computed here, so it follows
the engine's rule that numbers shown to people never pass through float.
Every function works at `PRECISION` significant digits and returns a value
rounded to the caller's context.

erfc(x), x >= 0, is computed two ways, each where it converges fast:

* ``x < 3``: the series with positive terms only (no cancellation)
  erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n * x / (1*3*...*(2n+1))
  (Abramowitz & Stegun, Handbook of Mathematical Functions, 7.1.6),
  then erfc = 1 - erf; the absolute error stays below 10^-40.
* ``x >= 3``: the continued fraction
  erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
  (A&S 7.1.14), evaluated bottom-up; relative error below 10^-45 there.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from engine.numbers import ONE, ZERO

__all__ = ["PRECISION", "erfc", "normal_cdf"]

PRECISION = 50
_PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459")
_TWO = Decimal(2)
_SERIES_LIMIT = Decimal(3)
_FRACTION_DEPTH = 200  # terms of the continued fraction: 47 digits at x = 3, more above
_UNDERFLOW = Decimal(110)  # erfc(110) < 10^-5000: no probability we show can tell it from 0


def erfc(x: Decimal) -> Decimal:
    """The complementary error function, 1 - erf(x)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        result = _TWO - _erfc_positive(-x) if x < ZERO else _erfc_positive(x)
    return +result


def normal_cdf(x: Decimal) -> Decimal:
    """P(Z <= x) for a standard normal Z: erfc(-x / sqrt(2)) / 2."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        result = erfc(-x / _TWO.sqrt()) / _TWO
    return +result


def _erfc_positive(x: Decimal) -> Decimal:
    if x >= _UNDERFLOW:
        return ZERO
    if x < _SERIES_LIMIT:
        return ONE - _erf_series(x)
    return _erfc_fraction(x)


def _erf_series(x: Decimal) -> Decimal:
    two_x2 = _TWO * x * x
    term = x
    total = term
    n = 0
    threshold = Decimal(10) ** -(PRECISION + 2)
    while term > threshold:
        n += 1
        term = term * two_x2 / (2 * n + 1)
        total += term
    return _TWO / _PI.sqrt() * (-x * x).exp() * total


def _erfc_fraction(x: Decimal) -> Decimal:
    tail = x
    for k in range(_FRACTION_DEPTH, 0, -1):
        tail = x + (Decimal(k) / _TWO) / tail
    return (-x * x).exp() / _PI.sqrt() / tail
