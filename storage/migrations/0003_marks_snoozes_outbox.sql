-- Manual marks (/price BTC 61000), per-symbol snoozes, and what the alert sender
-- needs to order and hold its messages.
--
-- Times are UTC text as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ') writes them, so
-- they compare correctly as text.

CREATE TABLE manual_marks (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    symbol  TEXT NOT NULL,  -- canonical, 'BTCUSDT'
    price   TEXT NOT NULL,  -- decimal text
    set_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, symbol)
) STRICT, WITHOUT ROWID;

CREATE TABLE alert_snoozes (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    symbol  TEXT NOT NULL,  -- canonical, or '*' for every symbol
    until   TEXT NOT NULL,
    PRIMARY KEY (user_id, symbol)
) STRICT, WITHOUT ROWID;

-- held in quiet hours: not sent before this time
ALTER TABLE outbox ADD COLUMN not_before TEXT;
-- within one urgency, smaller goes first: the distance to liquidation in millionths
ALTER TABLE outbox ADD COLUMN priority INTEGER;
-- why a message can never be delivered (the user blocked the bot); sent_at is set too
ALTER TABLE outbox ADD COLUMN failure TEXT;
