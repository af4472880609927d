-- Statements page by (account_id, posted_at, id) since 0010; the older
-- (account_id, id) index serves no query and costs every posting an insert.
DROP INDEX ledger.postings_account_idx;
