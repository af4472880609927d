-- Reports on a replica (issue 17). Read-only report queries (auditor
-- reports, and verifying one) may run on a streaming replica. A replica
-- cannot compute the settled horizon itself: its pg_stat_activity shows
-- its own readers, not the primary's open transactions. So the primary
-- marks its horizon in a row once a second (dp-ledger calls
-- ledger.mark_horizon()), and the row replicates in commit order: once a
-- replica has the mark, it has everything stamped before it. On a replica
-- the settled horizon is that mark, at most a second plus the replication
-- lag behind; reports say which instant they are as of.
CREATE TABLE ledger.horizon_mark (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  settled_at timestamptz NOT NULL
);
INSERT INTO ledger.horizon_mark (settled_at) VALUES (ledger.settled_horizon());

CREATE OR REPLACE FUNCTION ledger.settled_horizon() RETURNS timestamptz
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN pg_is_in_recovery() THEN (SELECT settled_at FROM ledger.horizon_mark)
  ELSE (SELECT least(statement_timestamp(), coalesce(min(xact_start), statement_timestamp()))
          FROM pg_stat_activity
         WHERE datname = current_database() AND backend_type = 'client backend'
           AND xact_start IS NOT NULL AND pid <> pg_backend_pid()) END
$$;

-- mark_horizon moves the mark to the primary's settled horizon now (never
-- back) and returns it.
CREATE FUNCTION ledger.mark_horizon() RETURNS timestamptz
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  UPDATE ledger.horizon_mark SET settled_at = greatest(settled_at, ledger.settled_horizon())
  RETURNING settled_at
$$;
REVOKE EXECUTE ON FUNCTION ledger.mark_horizon() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ledger.mark_horizon() TO dp_ledger;
