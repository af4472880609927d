-- Least privilege. Every service connects as its own login role
-- (deploy/roles/roles.sql creates them) and may:
--   * write its own schema (no DELETE but where a row is truly removed);
--   * write the ledger only as the ledger library does: insert history, lock
--     balance rows, resolve holds; never update or delete history, never
--     touch a balance but through the ledger's own triggers;
--   * append to the audit trail, never change it;
--   * read only what it needs;
-- and, not owning any table, cannot alter or disable a trigger. The owner,
-- dp_owner, applies the migrations.
DO $$
BEGIN
  IF (SELECT count(*) FROM pg_roles WHERE rolname IN ('dp_service_base', 'dp_ledger_writer',
        'dp_audit_writer', 'dp_ledger', 'dp_agreements', 'dp_payroll', 'dp_cards',
        'dp_monitoring')) <> 8 THEN
    RAISE EXCEPTION 'the service roles do not exist: run deploy/roles/roles.sql as a superuser first'
      USING ERRCODE = 'undefined_object';
  END IF;
END $$;

-- The ledger's triggers maintain balances and grow holds on behalf of
-- whoever writes a posting or a hold: they run as their owner, so the
-- services need no privilege on those columns.
ALTER FUNCTION ledger.apply_postings() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION ledger.hold_pending() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION ledger.release_pending() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION ledger.grow_pending() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION ledger.apply_increase() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION ledger.open_balance() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION ledger.check_balanced() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
REVOKE EXECUTE ON FUNCTION ledger.settled_horizon() FROM PUBLIC;

-- What every service does: read the schema version and the principals,
-- append audit events (its refusals, its writes).
GRANT USAGE ON SCHEMA ledger, iam, audit, people, agreements, payroll TO dp_service_base;
GRANT SELECT ON public.schema_migrations TO dp_service_base;
GRANT SELECT ON iam.organisations, iam.principals, iam.grants TO dp_service_base;
GRANT SELECT, INSERT ON audit.events TO dp_audit_writer;
GRANT SELECT ON audit.lanes TO dp_audit_writer;
GRANT UPDATE (seq, hash) ON audit.lanes TO dp_audit_writer;
GRANT USAGE ON SEQUENCE audit.events_id_seq TO dp_audit_writer;

-- The ledger library, as any service posting through it uses it.
GRANT SELECT ON ALL TABLES IN SCHEMA ledger TO dp_ledger_writer;
GRANT INSERT ON ledger.accounts, ledger.transactions, ledger.postings, ledger.pending_transfers,
  ledger.pending_increases, ledger.requests TO dp_ledger_writer;
-- Resolving a hold; its amount and accounts stay out of reach.
GRANT UPDATE (state, resolved_at, resolve_reason, posted_amount_pence, posting_transaction_id)
  ON ledger.pending_transfers TO dp_ledger_writer;
-- Locking balance rows (SELECT ... FOR UPDATE needs an UPDATE privilege);
-- ledger.guard_balance refuses any update that is not a trigger's.
GRANT UPDATE (account_id) ON ledger.balances TO dp_ledger_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA ledger TO dp_ledger_writer;
GRANT EXECUTE ON FUNCTION ledger.settled_horizon() TO dp_ledger_writer;

-- dp-ledger: the ledger, the audit trail (read for auditors), and the
-- administration it hosts (iam; re-encrypting people's data on rotation).
GRANT SELECT ON audit.events, audit.lanes TO dp_ledger;
GRANT INSERT, UPDATE ON iam.organisations, iam.principals TO dp_ledger;
GRANT INSERT, DELETE ON iam.grants TO dp_ledger;
GRANT SELECT, INSERT ON iam.requests TO dp_ledger;
GRANT SELECT ON people.persons TO dp_ledger;
GRANT UPDATE (ni_number, ni_number_lookup, date_of_birth, bank_sort_code, bank_account_number)
  ON people.persons TO dp_ledger;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA iam TO dp_ledger;

-- dp-agreements: its schema, the people it records, the ledger.
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA agreements TO dp_agreements;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA agreements TO dp_agreements;
GRANT SELECT, INSERT, UPDATE ON people.persons TO dp_agreements;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA people TO dp_agreements;

-- dp-payroll: its schema, the PAs' personal data, the agreement an
-- employer belongs to, the ledger.
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA payroll TO dp_payroll;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA payroll TO dp_payroll;
GRANT SELECT, INSERT, UPDATE ON people.persons TO dp_payroll;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA people TO dp_payroll;
GRANT SELECT ON agreements.agreements TO dp_payroll;

-- dp-cards and dp-monitoring are skeletons: the shared base only (their
-- membership is in deploy/roles/roles.sql), until their issues grant what
-- they need.
