-- The double-entry ledger. Every rule that protects money is enforced here as
-- well as in C++, so that no path (not even hand-written SQL from another
-- service) can commit an unbalanced transaction, rewrite history, or take a
-- no-negative account below zero.
CREATE SCHEMA ledger;

CREATE TABLE ledger.accounts (
  id bigserial PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9:._/-]{0,99}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  type text NOT NULL CHECK (type IN ('asset', 'liability', 'income', 'expense', 'equity')),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  owner_type text NOT NULL DEFAULT '',
  owner_id text NOT NULL DEFAULT '',
  debits_must_not_exceed_credits boolean NOT NULL DEFAULT false,
  credits_must_not_exceed_debits boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT (debits_must_not_exceed_credits AND credits_must_not_exceed_debits)),
  UNIQUE (id, currency)
);
CREATE INDEX accounts_owner_idx ON ledger.accounts (owner_type, owner_id, id);

-- One row per account, maintained only by the triggers below. The CHECK
-- constraints are the last line of defence for no-negative accounts.
CREATE TABLE ledger.balances (
  account_id bigint PRIMARY KEY REFERENCES ledger.accounts (id),
  debits_posted bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
  credits_posted bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
  debits_pending bigint NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
  credits_pending bigint NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
  debits_must_not_exceed_credits boolean NOT NULL,
  credits_must_not_exceed_debits boolean NOT NULL,
  CONSTRAINT debits_within_credits CHECK (
    NOT debits_must_not_exceed_credits OR debits_posted + debits_pending <= credits_posted),
  CONSTRAINT credits_within_debits CHECK (
    NOT credits_must_not_exceed_debits OR credits_posted + credits_pending <= debits_posted)
);

CREATE SEQUENCE ledger.transaction_id_seq;
CREATE SEQUENCE ledger.pending_transfer_id_seq;

CREATE TABLE ledger.pending_transfers (
  id bigint PRIMARY KEY,
  request_id text NOT NULL,
  debit_account_id bigint NOT NULL,
  credit_account_id bigint NOT NULL,
  currency char(3) NOT NULL,
  amount_pence bigint NOT NULL CHECK (amount_pence > 0 AND amount_pence <= 1000000000000),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  state text NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'posted', 'voided', 'expired')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  resolved_at timestamptz,
  resolve_reason text,
  posted_amount_pence bigint CHECK (posted_amount_pence > 0 AND posted_amount_pence <= amount_pence),
  posting_transaction_id bigint,
  FOREIGN KEY (debit_account_id, currency) REFERENCES ledger.accounts (id, currency),
  FOREIGN KEY (credit_account_id, currency) REFERENCES ledger.accounts (id, currency),
  CHECK (debit_account_id <> credit_account_id),
  CHECK ((state = 'pending') = (resolved_at IS NULL)),
  CHECK ((state = 'posted') = (posted_amount_pence IS NOT NULL AND posting_transaction_id IS NOT NULL))
);
CREATE INDEX pending_transfers_expiry_idx ON ledger.pending_transfers (expires_at) WHERE state = 'pending';

CREATE TABLE ledger.transactions (
  id bigint PRIMARY KEY,
  request_id text NOT NULL,
  kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,63}$'),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  created_by text NOT NULL DEFAULT '',
  posted_at timestamptz NOT NULL DEFAULT now(),
  reverses_transaction_id bigint UNIQUE REFERENCES ledger.transactions (id),
  pending_transfer_id bigint UNIQUE REFERENCES ledger.pending_transfers (id)
);

ALTER TABLE ledger.pending_transfers
  ADD FOREIGN KEY (posting_transaction_id) REFERENCES ledger.transactions (id)
  DEFERRABLE INITIALLY DEFERRED;

-- amount_pence is signed: a debit is positive, a credit negative, so a
-- balanced transaction sums to zero in each currency.
--
-- Its references to transactions and to (account, currency) are checked once
-- per statement by ledger.apply_postings() below rather than by row-by-row
-- foreign keys: the hot path inserts many postings at a time, and neither
-- accounts nor transactions can ever be deleted.
CREATE TABLE ledger.postings (
  id bigserial PRIMARY KEY,
  transaction_id bigint NOT NULL,
  account_id bigint NOT NULL,
  currency char(3) NOT NULL,
  amount_pence bigint NOT NULL
    CHECK (amount_pence <> 0 AND abs(amount_pence) <= 1000000000000),
  posted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX postings_account_idx ON ledger.postings (account_id, id);
CREATE INDEX postings_account_time_idx ON ledger.postings (account_id, posted_at);
CREATE INDEX postings_transaction_idx ON ledger.postings (transaction_id);

-- Idempotency: one row per request_id that produced something.
CREATE TABLE ledger.requests (
  request_id text PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 128),
  operation text NOT NULL,
  request_digest text NOT NULL,  -- hex SHA-256 of the request without its request_id
  resource_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

---------------------------------------------------------------------------
-- Append-only history.
CREATE FUNCTION ledger.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger.% is append-only: % is not allowed; post a reversing transaction instead',
    TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON ledger.postings
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON ledger.postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER transactions_append_only BEFORE UPDATE OR DELETE ON ledger.transactions
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER transactions_no_truncate BEFORE TRUNCATE ON ledger.transactions
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER requests_append_only BEFORE UPDATE OR DELETE ON ledger.requests
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER pending_no_delete BEFORE DELETE ON ledger.pending_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER pending_no_truncate BEFORE TRUNCATE ON ledger.pending_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER balances_no_truncate BEFORE TRUNCATE ON ledger.balances
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
CREATE TRIGGER accounts_no_truncate BEFORE TRUNCATE ON ledger.accounts
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();

-- Accounts keep their type, currency and flags for life; only the name may change.
CREATE FUNCTION ledger.guard_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'ledger accounts are never deleted' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF (NEW.id, NEW.code, NEW.type, NEW.currency, NEW.owner_type, NEW.owner_id,
      NEW.debits_must_not_exceed_credits, NEW.credits_must_not_exceed_debits, NEW.created_at)
     IS DISTINCT FROM
     (OLD.id, OLD.code, OLD.type, OLD.currency, OLD.owner_type, OLD.owner_id,
      OLD.debits_must_not_exceed_credits, OLD.credits_must_not_exceed_debits, OLD.created_at) THEN
    RAISE EXCEPTION 'only the name of a ledger account may change' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER accounts_guard BEFORE UPDATE OR DELETE ON ledger.accounts
  FOR EACH ROW EXECUTE FUNCTION ledger.guard_account();

CREATE FUNCTION ledger.open_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger.balances (account_id, debits_must_not_exceed_credits, credits_must_not_exceed_debits)
  VALUES (NEW.id, NEW.debits_must_not_exceed_credits, NEW.credits_must_not_exceed_debits);
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_open_balance AFTER INSERT ON ledger.accounts
  FOR EACH ROW EXECUTE FUNCTION ledger.open_balance();

-- Balances change only as a consequence of postings and pending transfers,
-- that is from inside one of the ledger's own triggers.
CREATE FUNCTION ledger.guard_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'ledger.balances is maintained by postings only; % is not allowed', TG_OP
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'ledger balances are never deleted' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER balances_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger.balances
  FOR EACH ROW EXECUTE FUNCTION ledger.guard_balance();

---------------------------------------------------------------------------
-- Postings: belong to a transaction created in the same database
-- transaction (so no one can add a leg to committed history), name an
-- existing account in that account's currency, and move the balances, one
-- UPDATE per account per statement.
-- The planner cannot know how few rows a transition table holds; left to
-- itself it hash-joins whole tables. Index lookups are always right here.
CREATE FUNCTION ledger.apply_postings() RETURNS trigger LANGUAGE plpgsql
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (
      SELECT 1 FROM new_postings p LEFT JOIN ledger.transactions t ON t.id = p.transaction_id
      WHERE t.id IS NULL
         OR t.xmin <> (pg_current_xact_id()::text::bigint % 4294967296)::text::xid) THEN
    RAISE EXCEPTION 'postings may only be added to a transaction created in the same database transaction'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (
      SELECT 1 FROM new_postings p LEFT JOIN ledger.accounts a
          ON a.id = p.account_id AND a.currency = p.currency
      WHERE a.id IS NULL) THEN
    RAISE EXCEPTION 'a posting names an account that does not exist or holds another currency'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  UPDATE ledger.balances b
     SET debits_posted = b.debits_posted + s.debits,
         credits_posted = b.credits_posted + s.credits
    FROM (SELECT account_id,
                 coalesce(sum(amount_pence) FILTER (WHERE amount_pence > 0), 0) AS debits,
                 coalesce(-sum(amount_pence) FILTER (WHERE amount_pence < 0), 0) AS credits
            FROM new_postings GROUP BY account_id) s
   WHERE b.account_id = s.account_id;
  RETURN NULL;
END $$;
CREATE TRIGGER postings_apply AFTER INSERT ON ledger.postings
  REFERENCING NEW TABLE AS new_postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.apply_postings();

-- A transaction must, by commit time, have two or more postings that sum to
-- zero in each currency.
CREATE FUNCTION ledger.check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  unbalanced text;
BEGIN
  SELECT coalesce(sum(legs), 0),
         string_agg(currency || ' ' || total, ', ') FILTER (WHERE total <> 0)
    INTO n, unbalanced
    FROM (SELECT currency, count(*) AS legs, sum(amount_pence) AS total FROM ledger.postings
           WHERE transaction_id = NEW.id GROUP BY currency) u;
  IF n < 2 THEN
    RAISE EXCEPTION 'ledger transaction % has % posting(s); at least two are required', NEW.id, n
      USING ERRCODE = 'check_violation';
  END IF;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'ledger transaction % is unbalanced: postings sum to % pence', NEW.id, unbalanced
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER transactions_balanced AFTER INSERT ON ledger.transactions
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger.check_balanced();

---------------------------------------------------------------------------
-- Pending transfers hold funds until they are posted, voided or expire.
CREATE FUNCTION ledger.hold_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ledger.balances SET debits_pending = debits_pending + NEW.amount_pence
   WHERE account_id = NEW.debit_account_id;
  UPDATE ledger.balances SET credits_pending = credits_pending + NEW.amount_pence
   WHERE account_id = NEW.credit_account_id;
  RETURN NULL;
END $$;
CREATE TRIGGER pending_hold AFTER INSERT ON ledger.pending_transfers
  FOR EACH ROW WHEN (NEW.state = 'pending') EXECUTE FUNCTION ledger.hold_pending();

CREATE FUNCTION ledger.guard_pending_resolution() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state <> 'pending' THEN
    RAISE EXCEPTION 'pending transfer % is already %', OLD.id, OLD.state
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF (NEW.id, NEW.request_id, NEW.debit_account_id, NEW.credit_account_id, NEW.currency,
      NEW.amount_pence, NEW.description, NEW.created_at, NEW.expires_at)
     IS DISTINCT FROM
     (OLD.id, OLD.request_id, OLD.debit_account_id, OLD.credit_account_id, OLD.currency,
      OLD.amount_pence, OLD.description, OLD.created_at, OLD.expires_at) THEN
    RAISE EXCEPTION 'a pending transfer can only be resolved, not edited'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER pending_guard BEFORE UPDATE ON ledger.pending_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger.guard_pending_resolution();

CREATE FUNCTION ledger.release_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ledger.balances SET debits_pending = debits_pending - OLD.amount_pence
   WHERE account_id = OLD.debit_account_id;
  UPDATE ledger.balances SET credits_pending = credits_pending - OLD.amount_pence
   WHERE account_id = OLD.credit_account_id;
  RETURN NULL;
END $$;
CREATE TRIGGER pending_release AFTER UPDATE ON ledger.pending_transfers
  FOR EACH ROW WHEN (OLD.state = 'pending' AND NEW.state <> 'pending')
  EXECUTE FUNCTION ledger.release_pending();
