-- A hold's two accounts were checked by foreign keys (0001): for every
-- hold, two queries of their own, each locking its account's row (a WAL
-- record apiece); with the records' foreign keys, about 8% of the card
-- batch's time in the database at saturation (perf). An account is never deleted and
-- never changes its currency (ledger.guard_account), and a hold never
-- changes its accounts or currency (ledger.guard_pending_resolution), so
-- what an insert finds holds for good: the hold trigger now checks every
-- new hold's accounts in one query a statement, as the postings' trigger
-- does (ledger.apply_postings), with the foreign keys' SQLSTATE (23503).
ALTER TABLE ledger.pending_transfers
  DROP CONSTRAINT pending_transfers_debit_account_id_currency_fkey,
  DROP CONSTRAINT pending_transfers_credit_account_id_currency_fkey;

CREATE OR REPLACE FUNCTION ledger.hold_pending() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (
      SELECT 1 FROM new_pending p
       WHERE NOT EXISTS (SELECT 1 FROM ledger.accounts a
                          WHERE a.id = p.debit_account_id AND a.currency = p.currency)
          OR NOT EXISTS (SELECT 1 FROM ledger.accounts a
                          WHERE a.id = p.credit_account_id AND a.currency = p.currency)) THEN
    RAISE EXCEPTION 'a pending transfer names an account that does not exist or holds another currency'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  UPDATE ledger.balances b
     SET debits_pending = b.debits_pending + s.debits,
         credits_pending = b.credits_pending + s.credits
    FROM (SELECT account_id, sum(debits)::bigint AS debits, sum(credits)::bigint AS credits
            FROM (SELECT debit_account_id AS account_id, amount_pence AS debits, 0::bigint AS credits
                    FROM new_pending WHERE state = 'pending'
                  UNION ALL
                  SELECT credit_account_id, 0::bigint, amount_pence
                    FROM new_pending WHERE state = 'pending') u
           GROUP BY account_id) s
   WHERE b.account_id = s.account_id;
  RETURN NULL;
END $$;
