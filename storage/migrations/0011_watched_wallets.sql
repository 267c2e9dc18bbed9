-- Watched Hyperliquid wallets (/watch): which user watches which address, under which
-- label, and the read-only portfolio 'hl:<label>' the snapshots are written into; and
-- per address the last snapshot read (what the sync compares the next one with) and
-- since when reading it has failed. Nothing else about a wallet is stored: no key, no
-- history of snapshots.

CREATE TABLE watched_wallets (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    portfolio_id INTEGER NOT NULL,
    address      TEXT NOT NULL CHECK (length(address) = 42 AND address GLOB '0x*'),
    label        TEXT NOT NULL COLLATE NOCASE,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (user_id, label),
    UNIQUE (portfolio_id),
    FOREIGN KEY (user_id, portfolio_id) REFERENCES portfolios (user_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX watched_wallets_by_address ON watched_wallets (address);

CREATE TABLE wallet_snapshots (
    address      TEXT PRIMARY KEY,
    fetched_at   TEXT,  -- UTC text of the last snapshot read; NULL: none yet
    snapshot     TEXT CHECK (snapshot IS NULL OR json_valid(snapshot)),
    failed_since TEXT,  -- UTC text of the first failure since the last snapshot read
    stale_told   INTEGER NOT NULL DEFAULT 0 CHECK (stale_told IN (0, 1))
) STRICT, WITHOUT ROWID;
