-- Alerts scale with each subject's own cushion, and speak the client's language.
--
-- alert_baselines: per subject ('<portfolio id>:<subject>', as alert_state keys it), what
-- it looked like when it was opened or last changed (`fingerprint`, a digest of its
-- positions and wallet) and its distance to liquidation then (`cushion`, a fraction;
-- NULL: it had no liquidation price). The default warning is half of that cushion
-- gone, danger three quarters.
--
-- alert_settings.fixed_distance: 1 once the user chose distance thresholds
-- (/alerts distance 8% 3%); 0 keeps the cushion-scaled defaults. A row that holds
-- other distances than the old defaults was set by hand, so it keeps them.
--
-- users.telegram_language: the language_code Telegram reported in the user's last
-- update, for pushes (alerts, digests, notices) to a user who never chose /lang.

CREATE TABLE alert_baselines (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    position_key TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    cushion      TEXT,
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (user_id, position_key)
) STRICT, WITHOUT ROWID;

ALTER TABLE alert_settings
    ADD COLUMN fixed_distance INTEGER NOT NULL DEFAULT 0 CHECK (fixed_distance IN (0, 1));

UPDATE alert_settings SET fixed_distance = 1
WHERE warn_distance <> '0.10' OR danger_distance <> '0.05';

ALTER TABLE users ADD COLUMN telegram_language TEXT;
