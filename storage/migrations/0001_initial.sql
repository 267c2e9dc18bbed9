-- Users, their portfolios and positions, and the undo history.
--
-- Money, sizes, prices and rates are decimal TEXT, never REAL, so '62000.50'
-- comes back with its digits; STRICT tables keep SQLite from re-typing them.
-- Composite foreign keys on (user_id, portfolio id) make it impossible, at the
-- schema level, to point a user's active portfolio or history at another
-- user's portfolio.

CREATE TABLE users (
    id                        INTEGER PRIMARY KEY,  -- the Telegram user id
    language                  TEXT,
    exchange                  TEXT NOT NULL DEFAULT 'binance',
    timezone                  TEXT NOT NULL DEFAULT 'UTC',
    risk_profile              TEXT CHECK (risk_profile IS NULL OR json_valid(risk_profile)),
    default_leverage          TEXT NOT NULL DEFAULT '10',
    default_margin_mode       TEXT NOT NULL DEFAULT 'isolated'
                              CHECK (default_margin_mode IN ('isolated', 'cross')),
    position_mode             TEXT NOT NULL DEFAULT 'one_way'
                              CHECK (position_mode IN ('one_way', 'hedge')),
    custom_mmr                TEXT,
    custom_maintenance_amount TEXT,
    custom_fee_rate           TEXT,
    active_portfolio_id       INTEGER,
    created_at                TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (id, active_portfolio_id) REFERENCES portfolios (user_id, id)
) STRICT;

CREATE TABLE portfolios (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           TEXT NOT NULL COLLATE NOCASE,
    wallet_balance TEXT NOT NULL DEFAULT '0',
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (user_id, name),
    UNIQUE (user_id, id)  -- the target of the composite foreign keys
) STRICT;

-- seq is the number the user sees (1, 2, 3 in insertion order, compact after a close).
CREATE TABLE positions (
    id              INTEGER PRIMARY KEY,
    portfolio_id    INTEGER NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL CHECK (seq > 0),
    symbol          TEXT NOT NULL,
    side            TEXT NOT NULL CHECK (side IN ('long', 'short')),
    qty             TEXT NOT NULL,
    entry_price     TEXT NOT NULL,
    leverage        TEXT NOT NULL,
    margin_mode     TEXT NOT NULL CHECK (margin_mode IN ('isolated', 'cross')),
    isolated_margin TEXT,
    extra_margin    TEXT NOT NULL DEFAULT '0',
    mark_price      TEXT,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (portfolio_id, seq)
) STRICT;

-- One row per change, holding the portfolio as it was before it (JSON, decimal strings).
-- AUTOINCREMENT: ids are never reused, so "latest" is simply the largest id.
CREATE TABLE history (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL,
    portfolio_id INTEGER NOT NULL,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    description  TEXT NOT NULL,
    snapshot     TEXT NOT NULL CHECK (json_valid(snapshot)),
    FOREIGN KEY (user_id, portfolio_id) REFERENCES portfolios (user_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX history_by_portfolio ON history (portfolio_id, id);
