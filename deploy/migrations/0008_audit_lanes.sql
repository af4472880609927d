-- The audit trail in lanes: independent hash chains, each with its own head
-- row, so that writers of different services and batches do not queue on
-- one lock. A write's event is appended inside the write's own database
-- transaction, holding one lane's head until it commits.
--
-- The single chain written so far becomes lane 0 and is closed: its events
-- keep their seq and hash (hashed without a lane, as they were written).
-- New events go to lanes 1..16 (lib/audit/chain.h: kLanes).
CREATE TABLE audit.lanes (
  lane integer PRIMARY KEY CHECK (lane BETWEEN 0 AND 64),
  seq bigint NOT NULL CHECK (seq >= 0),
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);
INSERT INTO audit.lanes SELECT 0, seq, hash FROM audit.head;
INSERT INTO audit.lanes SELECT g, 0, repeat('0', 64) FROM generate_series(1, 16) g;
DROP TABLE audit.head;

-- Adding columns rewrites no row through UPDATE: the append-only trigger
-- is not involved, and old rows keep their hashes.
ALTER TABLE audit.events ADD COLUMN lane integer NOT NULL DEFAULT 0;
ALTER TABLE audit.events ALTER COLUMN lane DROP DEFAULT;
ALTER TABLE audit.events DROP CONSTRAINT events_pkey;
ALTER TABLE audit.events ADD PRIMARY KEY (lane, seq);
-- id orders the trail for listing, across lanes, in the order written.
ALTER TABLE audit.events ADD COLUMN id bigserial;
CREATE UNIQUE INDEX events_id_idx ON audit.events (id);
DROP INDEX audit.events_authority_idx;
CREATE INDEX events_authority_idx ON audit.events (authority_id, id);
