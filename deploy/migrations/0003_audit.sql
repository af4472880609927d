-- The audit trail: one row per state-changing call, chained by a keyed
-- hash (HMAC-SHA256 under a key kept outside the database), so that editing,
-- inserting or deleting a row is detected by `dpctl audit verify`.
CREATE SCHEMA audit;

CREATE TABLE audit.events (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  at timestamptz NOT NULL,
  principal text NOT NULL,
  role text NOT NULL,
  organisation_id text NOT NULL,
  authority_id text NOT NULL,  -- the caller's authority, for auditors' scope
  service text NOT NULL,
  method text NOT NULL,
  resource text NOT NULL,
  request_digest text NOT NULL,
  code integer NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX events_authority_idx ON audit.events (authority_id, seq);

-- The head of the chain: appenders lock it, so events get consecutive
-- sequence numbers across every service process.
CREATE TABLE audit.head (
  id integer PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit.head VALUES (1, 0, repeat('0', 64));

-- Append-only for ordinary use; the chain still catches anyone who
-- disables this trigger.
CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit.events is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON audit.events
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
