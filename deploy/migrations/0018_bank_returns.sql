-- Bank returns: the lines of a bank-paid agreement's statements, each
-- sorted into a category (data/monitoring/bank_rules.json) and matched to
-- what the books expected (payments in, PA wages, HMRC, pension, the
-- person's contribution). A line is stored once: line_key is the digest of
-- its date, amount, description and balance (or its place among identical
-- lines), so importing a file again changes nothing.
CREATE TABLE monitoring.bank_lines (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  authority_id text NOT NULL,
  line_key text NOT NULL CHECK (line_key ~ '^[0-9a-f]{64}$'),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  line_no integer NOT NULL CHECK (line_no >= 1),
  posted_on date NOT NULL,
  amount_pence bigint NOT NULL CHECK (amount_pence <> 0),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  category text NOT NULL,
  blocked boolean NOT NULL,
  matched_kind text CHECK (matched_kind IN ('payment_in', 'wages', 'hmrc', 'pension', 'contribution')),
  matched_ref text,
  imported_by text NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (agreement_id, line_key),
  CHECK ((matched_kind IS NULL) = (matched_ref IS NULL))
);
CREATE INDEX bank_lines_agreement_day_idx ON monitoring.bank_lines (agreement_id, posted_on);
GRANT SELECT, INSERT, UPDATE ON monitoring.bank_lines TO dp_monitoring;
GRANT USAGE ON SEQUENCE monitoring.bank_lines_id_seq TO dp_monitoring;

-- Two checks read them: PA payments that do not match payroll, and a gross
-- payment's assessed contribution not paid in.
ALTER TABLE monitoring.findings DROP CONSTRAINT findings_check_name_check;
ALTER TABLE monitoring.findings ADD CONSTRAINT findings_check_name_check CHECK (check_name IN (
  'surplus', 'underspend', 'blocked_spending', 'unpaid_liability', 'negative_balance', 'dormant',
  'overdue_review', 'overdue_information', 'pa_payments', 'contribution_unpaid'));

-- Reports and sweeps find a ledger transaction's card settlement, and an
-- agreement's cases.
CREATE INDEX settlements_transaction_idx ON cards.settlements (transaction_id);
CREATE INDEX cases_agreement_idx ON monitoring.cases (agreement_id, id);

-- An agreement with no new activity is checked again only when time alone
-- could change what the checks say (a review falling due, a liability
-- becoming late, dormancy beginning), and at least weekly.
ALTER TABLE monitoring.checked ADD COLUMN recheck_on date NOT NULL DEFAULT '2000-01-01';
-- A check reads an agreement's earlier findings.
CREATE INDEX findings_agreement_idx ON monitoring.findings (agreement_id, id);
