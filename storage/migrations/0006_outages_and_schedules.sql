-- alert_state held three things under one key column, told apart by the key's
-- shape: a subject's level ('<portfolio id>:<subject>'), the start of a feed
-- outage the user was told about ('feed:<exchange>', UTC text) and the local
-- date a digest or weekly review was last done ('digest', 'weekly'). Each gets
-- its own table; the rows move over, and alert_state keeps only levels.

CREATE TABLE outage_notices (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    exchange TEXT NOT NULL,  -- the feed that is down: 'binance', 'bybit', 'okx'
    since    TEXT NOT NULL,  -- UTC text: since when its prices are unavailable
    PRIMARY KEY (user_id, exchange)
) STRICT, WITHOUT ROWID;

-- a schedule done for a day: sent, or due with nothing to say
CREATE TABLE schedules_done (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    schedule TEXT NOT NULL CHECK (schedule IN ('digest', 'weekly')),
    day      TEXT NOT NULL,  -- 'YYYY-MM-DD' in the user's timezone
    PRIMARY KEY (user_id, schedule)
) STRICT, WITHOUT ROWID;

INSERT INTO outage_notices (user_id, exchange, since)
SELECT user_id, substr(position_key, 6), level FROM alert_state
WHERE position_key GLOB 'feed:?*';

INSERT INTO schedules_done (user_id, schedule, day)
SELECT user_id, position_key, level FROM alert_state
WHERE position_key IN ('digest', 'weekly');

DELETE FROM alert_state WHERE position_key GLOB 'feed:?*' OR position_key IN ('digest', 'weekly');
