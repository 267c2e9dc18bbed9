-- Liquidation alerts: per-user settings, the last level sent per position (so a
-- warning is not repeated every tick), and an outbox that survives restarts
-- (a message is written in the same transaction as the state that caused it,
-- and marked sent only after Telegram accepted it).
--
-- Ratios are maintenance margin / margin balance (1 = liquidation); distances
-- are the fraction the mark must move to reach the liquidation price.

CREATE TABLE alert_settings (
    user_id         INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    warn_ratio      TEXT NOT NULL DEFAULT '0.70',
    danger_ratio    TEXT NOT NULL DEFAULT '0.85',
    warn_distance   TEXT NOT NULL DEFAULT '0.10',
    danger_distance TEXT NOT NULL DEFAULT '0.05',
    quiet_start     TEXT,  -- 'HH:MM' in the user's timezone; NULL: no quiet hours
    quiet_end       TEXT,
    digest_time     TEXT,  -- 'HH:MM'; NULL: no daily digest
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE alert_state (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    position_key TEXT NOT NULL,
    level        TEXT NOT NULL,
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (user_id, position_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL CHECK (json_valid(payload)),
    urgency    TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('urgent', 'normal', 'digest')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    sent_at    TEXT
) STRICT;

-- The sender only ever looks at what is still to send; keep that lookup small.
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;
