-- Reads that do not move. A posting's posted_at is its transaction's start
-- (now()), but it becomes visible only at commit, so a reader can see a
-- posting stamped 10:00:02 before one stamped 10:00:01 that commits later.
-- The settled horizon is the start of the oldest transaction still open in
-- this database: everything stamped before it has committed or never will,
-- so a balance or statement as of an instant before it never changes. See
-- docs/ARCHITECTURE.md, "Reads that do not move".
--
-- SECURITY DEFINER: pg_stat_activity shows other roles' xact_start only to
-- members of pg_read_all_stats; the owner of this function is one
-- (tools/lib/roles.sql), the services' roles need not be.
CREATE FUNCTION ledger.settled_horizon() RETURNS timestamptz
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT least(statement_timestamp(), coalesce(min(xact_start), statement_timestamp()))
    FROM pg_stat_activity
   WHERE datname = current_database() AND backend_type = 'client backend'
     AND xact_start IS NOT NULL AND pid <> pg_backend_pid()
$$;

-- Statements page by (posted_at, id), the order the horizon settles in.
CREATE INDEX postings_account_time_id_idx ON ledger.postings (account_id, posted_at, id);
DROP INDEX ledger.postings_account_time_idx;
