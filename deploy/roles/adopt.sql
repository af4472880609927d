-- Gives dp_owner what an earlier setup created as another role (a
-- development database made before roles existed). Run by a superuser in
-- the project's database; idempotent.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT nspname FROM pg_namespace
            WHERE nspname IN ('ledger', 'iam', 'audit', 'people', 'agreements', 'payroll', 'cards', 'monitoring')
              AND nspowner <> 'dp_owner'::regrole LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO dp_owner', r.nspname);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('ledger', 'iam', 'audit', 'people', 'agreements', 'payroll', 'cards', 'monitoring', 'public')
              AND c.relkind IN ('r', 'S', 'v', 'p') AND c.relowner <> 'dp_owner'::regrole LOOP
    IF r.relkind = 'S' THEN
      -- Sequences owned by a column follow their table.
      IF NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = r.rel::oid AND d.deptype IN ('a', 'i')) THEN
        EXECUTE format('ALTER SEQUENCE %s OWNER TO dp_owner', r.rel);
      END IF;
    ELSE
      EXECUTE format('ALTER TABLE %s OWNER TO dp_owner', r.rel);
    END IF;
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('ledger', 'iam', 'audit', 'people', 'agreements', 'payroll')
              AND p.proowner <> 'dp_owner'::regrole LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO dp_owner', r.fn);
  END LOOP;
END $$;
