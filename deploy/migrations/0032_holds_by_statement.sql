-- A new hold moves its two accounts' pending totals (0001). That was a row
-- trigger: for every hold, a call of a SECURITY DEFINER function (its user
-- and search_path set and restored) and two UPDATEs of ledger.balances,
-- each preparing the table's six CHECK constraints afresh from their
-- stored text. A card batch of fifteen holds paid that fifteen times: a
-- profile of the batch's backend at saturation put a third of its time in
-- triggers. It is now a statement trigger, as the postings' is
-- (ledger.apply_postings): one call and one UPDATE of each account touched
-- per statement, however many holds it inserts. The totals it leaves are
-- the same sums, checked by the same constraints.
DROP TRIGGER pending_hold ON ledger.pending_transfers;
DROP FUNCTION ledger.hold_pending();

-- hold_pending adds the statement's new holds to their accounts' pending
-- totals: debits_pending of each debit account, credits_pending of each
-- credit account. The planner cannot know how few rows a transition table
-- holds: index lookups are always right here.
CREATE FUNCTION ledger.hold_pending() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
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
CREATE TRIGGER pending_hold AFTER INSERT ON ledger.pending_transfers
  REFERENCING NEW TABLE AS new_pending
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.hold_pending();
