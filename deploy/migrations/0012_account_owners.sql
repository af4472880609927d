-- An account's owner belongs to the account's authority. The ledger library
-- checks this before it inserts (with a message naming owner_id); this
-- trigger makes it hold for any writer. The owner types are a closed list.
-- SECURITY DEFINER: it reads the owners' tables whoever inserts the account.
CREATE FUNCTION ledger.check_owner() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  ok boolean;
BEGIN
  IF NEW.owner_type = '' THEN
    ok := NEW.owner_id = '';
  ELSIF NEW.owner_type = 'authority' THEN
    ok := NEW.owner_id = NEW.authority_id AND NEW.authority_id <> '';
  ELSIF NEW.owner_type = 'agreement' THEN
    ok := NEW.owner_id ~ '^[1-9][0-9]{0,17}$' AND EXISTS (
      SELECT 1 FROM agreements.agreements a
       WHERE a.id = NEW.owner_id::bigint AND a.authority_id = NEW.authority_id);
  ELSIF NEW.owner_type = 'employer' THEN
    ok := NEW.owner_id ~ '^[1-9][0-9]{0,17}$' AND EXISTS (
      SELECT 1 FROM payroll.employers e JOIN agreements.agreements a ON a.id = e.agreement_id
       WHERE e.id = NEW.owner_id::bigint AND a.authority_id = NEW.authority_id);
  ELSE
    ok := false;
  END IF;
  IF NOT ok THEN
    RAISE EXCEPTION 'account %: its owner % % is not one of authority %',
      NEW.code, NEW.owner_type, NEW.owner_id, NEW.authority_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER accounts_owner BEFORE INSERT ON ledger.accounts
  FOR EACH ROW EXECUTE FUNCTION ledger.check_owner();

-- The ledger library's own check reads the same, for a clear message.
GRANT SELECT (id, authority_id) ON agreements.agreements TO dp_ledger_writer;
GRANT SELECT (id, agreement_id) ON payroll.employers TO dp_ledger_writer;
