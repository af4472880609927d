-- A card statement finds the authorisation behind each captured line
-- through the hold its capture posted, and a card account's cards by
-- account. At national scale (3,000,000 card transactions) each of the
-- first two was a sequential scan: of every hold, then of every
-- authorisation, 0.3 s each idle and seconds under load (tools/bench-console).
CREATE INDEX pending_transfers_posting_idx ON ledger.pending_transfers (posting_transaction_id)
  WHERE posting_transaction_id IS NOT NULL;
CREATE INDEX authorisations_hold_idx ON cards.authorisations (hold_id) WHERE hold_id IS NOT NULL;
CREATE INDEX cards_account_idx ON cards.cards (account_id);
