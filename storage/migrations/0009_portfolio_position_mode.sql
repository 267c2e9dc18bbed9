-- Hedge mode belongs to a portfolio, not to a user: one portfolio may hedge while
-- another nets one position per symbol. Each portfolio takes its owner's mode, and the
-- users column goes, so the mode has one home.

ALTER TABLE portfolios ADD COLUMN position_mode TEXT NOT NULL DEFAULT 'one_way'
    CHECK (position_mode IN ('one_way', 'hedge'));

UPDATE portfolios SET position_mode = (
    SELECT users.position_mode FROM users WHERE users.id = portfolios.user_id
);

ALTER TABLE users DROP COLUMN position_mode;
