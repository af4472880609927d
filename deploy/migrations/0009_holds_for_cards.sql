-- Holds that card authorisations can use:
--   * a hold may be posted above its amount, up to a tolerance fixed when it
--     was made (tips, fuel): post_tolerance_pence;
--   * a hold may grow (incremental authorisation): each increase is a row of
--     ledger.pending_increases, append-only, that raises the hold and the
--     balances' pending totals in one step;
--   * the database refuses to post or grow a hold whose time is up, however
--     the writer got there.
ALTER TABLE ledger.pending_transfers
  ADD COLUMN post_tolerance_pence bigint NOT NULL DEFAULT 0
    CHECK (post_tolerance_pence >= 0 AND post_tolerance_pence <= 1000000000000);
ALTER TABLE ledger.pending_transfers DROP CONSTRAINT pending_transfers_check;  -- posted <= amount
ALTER TABLE ledger.pending_transfers ADD CONSTRAINT pending_transfers_posted_within_tolerance
  CHECK (posted_amount_pence > 0 AND posted_amount_pence <= amount_pence + post_tolerance_pence);

CREATE TABLE ledger.pending_increases (
  id bigserial PRIMARY KEY,
  pending_transfer_id bigint NOT NULL REFERENCES ledger.pending_transfers (id),
  request_id text NOT NULL,
  amount_pence bigint NOT NULL CHECK (amount_pence > 0 AND amount_pence <= 1000000000000),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_increases_hold_idx ON ledger.pending_increases (pending_transfer_id);
CREATE TRIGGER pending_increases_append_only BEFORE UPDATE OR DELETE ON ledger.pending_increases
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER pending_increases_no_truncate BEFORE TRUNCATE ON ledger.pending_increases
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();

CREATE FUNCTION ledger.apply_increase() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The guard below lets the amount grow only from here (trigger depth 2).
  UPDATE ledger.pending_transfers SET amount_pence = amount_pence + NEW.amount_pence
   WHERE id = NEW.pending_transfer_id;
  RETURN NULL;
END $$;
CREATE TRIGGER pending_increases_apply AFTER INSERT ON ledger.pending_increases
  FOR EACH ROW EXECUTE FUNCTION ledger.apply_increase();

CREATE OR REPLACE FUNCTION ledger.guard_pending_resolution() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state <> 'pending' THEN
    RAISE EXCEPTION 'pending transfer % is already %', OLD.id, OLD.state
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.state IN ('posted', 'pending') AND OLD.expires_at <= now() THEN
    RAISE EXCEPTION 'pending transfer % expired at %: an expired hold can be neither posted nor increased',
      OLD.id, OLD.expires_at USING ERRCODE = 'check_violation';
  END IF;
  IF (NEW.id, NEW.request_id, NEW.debit_account_id, NEW.credit_account_id, NEW.currency,
      NEW.description, NEW.created_at, NEW.expires_at, NEW.post_tolerance_pence)
     IS DISTINCT FROM
     (OLD.id, OLD.request_id, OLD.debit_account_id, OLD.credit_account_id, OLD.currency,
      OLD.description, OLD.created_at, OLD.expires_at, OLD.post_tolerance_pence) THEN
    RAISE EXCEPTION 'a pending transfer can only be resolved, not edited'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.amount_pence <> OLD.amount_pence AND
     NOT (NEW.state = 'pending' AND NEW.amount_pence > OLD.amount_pence AND pg_trigger_depth() = 2) THEN
    RAISE EXCEPTION 'a hold''s amount grows only by a row of ledger.pending_increases'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;

-- An increase holds the extra on both sides, as creating the hold did.
CREATE FUNCTION ledger.grow_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ledger.balances SET debits_pending = debits_pending + (NEW.amount_pence - OLD.amount_pence)
   WHERE account_id = NEW.debit_account_id;
  UPDATE ledger.balances SET credits_pending = credits_pending + (NEW.amount_pence - OLD.amount_pence)
   WHERE account_id = NEW.credit_account_id;
  RETURN NULL;
END $$;
CREATE TRIGGER pending_grow AFTER UPDATE ON ledger.pending_transfers
  FOR EACH ROW WHEN (OLD.state = 'pending' AND NEW.state = 'pending'
                     AND NEW.amount_pence > OLD.amount_pence)
  EXECUTE FUNCTION ledger.grow_pending();

-- The open holds of an account, for its available balance.
CREATE INDEX pending_transfers_open_debit_idx ON ledger.pending_transfers (debit_account_id)
  WHERE state = 'pending';
CREATE INDEX pending_transfers_open_credit_idx ON ledger.pending_transfers (credit_account_id)
  WHERE state = 'pending';
