-- Emergency loads: money an officer puts on an agreement's card outside the
-- payment schedule, with the reason the person sees on their statement.
CREATE TABLE cards.loads (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  transaction_id bigint NOT NULL REFERENCES ledger.transactions (id),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX loads_agreement_idx ON cards.loads (agreement_id, id);
GRANT SELECT, INSERT ON cards.loads TO dp_cards;
GRANT USAGE ON SEQUENCE cards.loads_id_seq TO dp_cards;
