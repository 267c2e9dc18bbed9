"""What a subject looked like when it was opened or last changed, and its cushion then.

The watch compares a subject's fingerprint with the stored one on every
judgement: a new one means a position was opened, resized, re-levered, given
or relieved of margin, switched mode, or (for a cross account) the wallet
changed. Then the cushion is measured again at the marks of that moment and
the level that holds is armed without an alert. Noticing it here rather than
in each command's write path means every way a portfolio changes (a command,
/undo, a restore, another process) is covered by one rule.
"""

from __future__ import annotations

import hashlib

from engine.models import Portfolio
from engine.triggers import Subject

__all__ = ["fingerprint"]

_DIGEST_BYTES = 12


def fingerprint(portfolio: Portfolio, subject: Subject) -> str:
    """A short digest of what decides the subject's liquidation price, marks aside: its
    positions' terms, the exchange's rules, and the wallet when the subject is cross."""
    wanted = set(subject.position_ids)
    parts = [portfolio.exchange.value, portfolio.position_mode.value]
    for position in portfolio.positions:
        if position.id in wanted:
            parts.append(
                "|".join(
                    str(value)
                    for value in (
                        position.id,
                        position.symbol,
                        position.side.value,
                        position.qty,
                        position.entry_price,
                        position.leverage,
                        position.margin_mode.value,
                        position.isolated_margin,
                        position.extra_margin,
                    )
                )
            )
    if subject.cross:
        parts.append(str(portfolio.wallet_balance))
    text = "\n".join(parts).encode()
    return hashlib.blake2b(text, digest_size=_DIGEST_BYTES).hexdigest()
