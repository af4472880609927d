-- The guard on ledger.balances (0001) ran its PL/pgSQL function for every
-- balance row every hold and posting moved, only to find itself called from
-- inside one of the ledger's own triggers and let the change through: two
-- calls a card hold, the dearest part of its triggers. The trigger's WHEN
-- now asks the same question first (pg_trigger_depth() there is the depth
-- of the statement changing the row: 0 for a statement sent by a client,
-- 1 or more from a trigger), so the function runs only to refuse a change
-- made directly. Deletion stays refused at any depth. The function is
-- unchanged, and so is what is refused and how (SQLSTATE 23000).
DROP TRIGGER balances_guard ON ledger.balances;
CREATE TRIGGER balances_guard BEFORE INSERT OR UPDATE ON ledger.balances
  FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION ledger.guard_balance();
CREATE TRIGGER balances_no_delete BEFORE DELETE ON ledger.balances
  FOR EACH ROW EXECUTE FUNCTION ledger.guard_balance();
