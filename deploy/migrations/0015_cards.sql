-- Prepaid cards: the cards linked to an agreement's card account, their
-- effective-dated controls, the processor's authorisations with the ledger
-- hold each approval placed, and what settled them. Only a processor's
-- token, the last four digits and the expiry of a card are ever stored.
CREATE SCHEMA cards;

-- The card processor is an organisation of its own, granted the
-- authorities whose cards it processes; its principals have role
-- `processor`, which may call only the card network's RPCs.
ALTER TABLE iam.organisations DROP CONSTRAINT organisations_kind_check;
ALTER TABLE iam.organisations ADD CONSTRAINT organisations_kind_check
  CHECK (kind IN ('authority', 'iso', 'audit', 'internal', 'processor'));
ALTER TABLE iam.principals DROP CONSTRAINT principals_role_check;
ALTER TABLE iam.principals ADD CONSTRAINT principals_role_check
  CHECK (role IN ('finance_officer', 'iso', 'auditor', 'service', 'admin', 'processor'));

-- How many cards, besides the person's own, an agreement may have.
ALTER TABLE agreements.authority_settings
  ADD COLUMN max_additional_cardholders integer NOT NULL DEFAULT 3
  CHECK (max_additional_cardholders BETWEEN 0 AND 10);

CREATE TABLE cards.cards (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  authority_id text NOT NULL REFERENCES iam.organisations (id),
  account_id bigint NOT NULL REFERENCES ledger.accounts (id),   -- AGR-n:CARD
  spend_account_id bigint NOT NULL REFERENCES ledger.accounts (id),  -- AGR-n:CARD-SPEND
  shortfall_account_id bigint NOT NULL REFERENCES ledger.accounts (id),
  processor_token text NOT NULL UNIQUE CHECK (processor_token ~ '^[A-Za-z0-9_-]{8,64}$'),
  last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  expiry_month integer NOT NULL CHECK (expiry_month BETWEEN 1 AND 12),
  expiry_year integer NOT NULL CHECK (expiry_year BETWEEN 2020 AND 2099),
  additional_holder boolean NOT NULL,
  holder_name text NOT NULL CHECK (length(holder_name) BETWEEN 1 AND 200),
  status text NOT NULL CHECK (status IN ('active', 'frozen', 'cancelled')),
  status_reason text NOT NULL CHECK (length(status_reason) BETWEEN 1 AND 2000),
  replaces_card_id bigint REFERENCES cards.cards (id),
  replaced_by_card_id bigint REFERENCES cards.cards (id),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cards_agreement_idx ON cards.cards (agreement_id, id);

-- A card's controls, in force from a date; earlier rows stay for the dates
-- they covered (what a decline was judged by can always be shown).
CREATE TABLE cards.controls (
  card_id bigint NOT NULL REFERENCES cards.cards (id),
  effective_from date NOT NULL,
  controls jsonb NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (card_id, effective_from)
);

-- Every authorisation the processor asked for, with the decision it got:
-- declines too, for the person's statement and for monitoring.
CREATE TABLE cards.authorisations (
  id bigserial PRIMARY KEY,
  processor_id text NOT NULL UNIQUE CHECK (length(processor_id) BETWEEN 1 AND 128),
  request_digest text NOT NULL,
  card_id bigint REFERENCES cards.cards (id),  -- null: an unknown card
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  merchant_category text NOT NULL,
  merchant_name text NOT NULL,
  merchant_country text NOT NULL,
  channel text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approved', 'partially_approved', 'declined')),
  approved_pence bigint NOT NULL CHECK (approved_pence >= 0 AND approved_pence <= amount_pence),
  reason text NOT NULL,
  limit_name text NOT NULL DEFAULT '',
  message text NOT NULL,
  hold_id bigint REFERENCES ledger.pending_transfers (id),
  increments_id bigint REFERENCES cards.authorisations (id),
  -- What the processor may still capture against the hold.
  remaining_pence bigint NOT NULL CHECK (remaining_pence >= 0),
  decided_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((decision = 'declined') = (approved_pence = 0)),
  CHECK ((decision = 'declined') = (hold_id IS NULL))
);
CREATE INDEX authorisations_card_idx ON cards.authorisations (card_id, decided_at);

-- What settled or released authorisations, and refunds: each with its
-- ledger transaction (none for a reversal, which releases a hold).
CREATE TABLE cards.settlements (
  id bigserial PRIMARY KEY,
  processor_id text NOT NULL UNIQUE CHECK (length(processor_id) BETWEEN 1 AND 128),
  request_digest text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('capture', 'force_post', 'reversal', 'refund')),
  card_id bigint NOT NULL REFERENCES cards.cards (id),
  authorisation_id bigint REFERENCES cards.authorisations (id),
  amount_pence bigint NOT NULL CHECK (amount_pence >= 0),
  shortfall_pence bigint NOT NULL DEFAULT 0 CHECK (shortfall_pence >= 0),
  merchant_category text NOT NULL DEFAULT '',
  merchant_name text NOT NULL DEFAULT '',
  transaction_id bigint REFERENCES ledger.transactions (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX settlements_card_idx ON cards.settlements (card_id, created_at);

CREATE TABLE cards.requests (
  request_id text PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 300),
  operation text NOT NULL,
  request_digest text NOT NULL,
  resource_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- dp-cards: its schema, the ledger (as the ledger library writes it), the
-- agreements and authority settings it decides by.
GRANT USAGE ON SCHEMA cards TO dp_service_base;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA cards TO dp_cards;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cards TO dp_cards;
GRANT SELECT ON agreements.agreements, agreements.versions, agreements.authority_settings
  TO dp_cards;
