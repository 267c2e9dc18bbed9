-- Funding a position has paid since it was opened, as the trader entered it
-- (`/margin 1 -funding 12.5`; received funding is negative). An isolated position
-- pays it out of its own margin, so it moves the liquidation price; decimal text.
ALTER TABLE positions ADD COLUMN funding_paid TEXT NOT NULL DEFAULT '0';
