-- Scheduled mode advice: the advice last told in a digest (so the next digest
-- repeats it only when it changed), the weekly review opt-in, and the closest
-- calls the weekly review restates.
--
-- Distances are fractions of the mark as exact decimal text; times are UTC text.

CREATE TABLE advice_told (
    portfolio_id INTEGER PRIMARY KEY REFERENCES portfolios (id) ON DELETE CASCADE,
    advice_key   TEXT NOT NULL,  -- engine.advice.AdviceResult.key
    told_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- per position, the smallest distance to liquidation seen each UTC day; a week
-- of these is all the weekly review needs, so older days are pruned
CREATE TABLE distance_samples (
    portfolio_id INTEGER NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    position_id  TEXT NOT NULL,
    day          TEXT NOT NULL,  -- 'YYYY-MM-DD', UTC
    symbol       TEXT NOT NULL,
    distance     TEXT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (portfolio_id, position_id, day)
) STRICT, WITHOUT ROWID;

ALTER TABLE alert_settings ADD COLUMN weekly_review INTEGER NOT NULL DEFAULT 0
    CHECK (weekly_review IN (0, 1));
