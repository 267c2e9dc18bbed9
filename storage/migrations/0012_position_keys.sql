-- A stable key per position: what a button names (bot/commands/stale.py), since the
-- number the user sees (seq) is renumbered after a close and rows are rewritten on every
-- change. Kept through edits and undo snapshots; a new position gets a fresh one.
ALTER TABLE positions ADD COLUMN key TEXT;
UPDATE positions SET key = lower(hex(randomblob(5)));
