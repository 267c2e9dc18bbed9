-- The question a user was last asked ("Delete all 3 positions?"): the command line a
-- plain "yes" runs, until it expires or another line comes. One per user, in the
-- database so it survives a restart and holds across replicas.
CREATE TABLE pending_confirmations (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    line       TEXT NOT NULL,
    expires_at TEXT NOT NULL  -- UTC text, as storage/_time.py writes it
) STRICT;

-- A deleted portfolio is kept, hidden, until /undo brings it back or the user deletes
-- another one (only the latest deletion is undoable) or reuses its name. Its history
-- gets a 'delete_portfolio' row, so /undo can tell which came last: that deletion or
-- the active portfolio's latest change.
ALTER TABLE portfolios ADD COLUMN deleted_at TEXT;
ALTER TABLE portfolios ADD COLUMN deleted_while_active INTEGER NOT NULL DEFAULT 0
    CHECK (deleted_while_active IN (0, 1));
