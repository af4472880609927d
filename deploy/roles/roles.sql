-- The database roles, created once per PostgreSQL cluster by a superuser
-- (tools/start and tools/test run this; an operator runs it with psql).
-- Idempotent. What each role may do is granted by migration 0011, which the
-- owner applies.
--
--   dp_owner          owns every schema and table; runs the migrations.
--   dp_ledger ...     one login role per service, with least privilege.
--   dp_service_base, dp_ledger_writer, dp_audit_writer
--                     privileges the services share (no login).
DO $$
DECLARE
  r text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dp_owner') THEN
    CREATE ROLE dp_owner LOGIN CREATEDB;
  END IF;
  FOREACH r IN ARRAY ARRAY['dp_service_base', 'dp_ledger_writer', 'dp_audit_writer'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
  END LOOP;
  FOREACH r IN ARRAY ARRAY['dp_ledger', 'dp_agreements', 'dp_payroll', 'dp_cards', 'dp_monitoring',
      'dp_console'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      -- NOINHERIT is not used: the shared grants reach them through membership.
      EXECUTE format('CREATE ROLE %I LOGIN', r);
    END IF;
    -- A session left open in a transaction would hold back the settled
    -- horizon (ledger.settled_horizon): the server ends it.
    EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', r, '60s');
  END LOOP;
END $$;
-- Which shared privileges each service has (the privileges themselves are
-- granted on the objects by migration 0011).
GRANT dp_audit_writer TO dp_service_base;
GRANT dp_service_base, dp_ledger_writer TO dp_ledger, dp_agreements, dp_payroll, dp_cards;
GRANT dp_service_base, dp_ledger_writer TO dp_monitoring;
-- The console reads and writes only its sign-in tables (migration 0025).
GRANT dp_service_base TO dp_console;
-- A monitoring sweep runs the same few statements for every agreement,
-- prepared once per connection: plan them once, not on each call (planning
-- them cost three quarters of their running).
ALTER ROLE dp_monitoring SET plan_cache_mode = force_generic_plan;
-- The settled horizon reads every session's transaction start.
GRANT pg_read_all_stats TO dp_owner;
