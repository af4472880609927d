-- Monitoring (MonitoringService): an authority's monitoring settings,
-- each agreement's tier history, findings with their evidence, review
-- cases with their conversations and decisions, and where each agreement's
-- last check stood. Tiers, findings and case events are never changed once
-- written but for a finding's closing and a case's closing.
CREATE SCHEMA monitoring;

CREATE TABLE monitoring.settings (
  authority_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  effective_from date NOT NULL,
  settings jsonb NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (authority_id, version)
);
CREATE INDEX settings_in_force_idx ON monitoring.settings (authority_id, effective_from DESC, version DESC);

CREATE TABLE monitoring.tiers (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  tier text NOT NULL CHECK (tier IN ('light', 'standard', 'enhanced')),
  points integer NOT NULL CHECK (points >= 0),
  factors jsonb NOT NULL,
  settings_version text NOT NULL,
  next_review_due date NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tiers_agreement_idx ON monitoring.tiers (agreement_id, id DESC);

CREATE TABLE monitoring.cases (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  authority_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'closed')),
  information_due date,
  opened_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz
);
-- One open case per agreement: a new finding joins it.
CREATE UNIQUE INDEX cases_open_idx ON monitoring.cases (agreement_id) WHERE state = 'open';
CREATE INDEX cases_authority_idx ON monitoring.cases (authority_id, id);

CREATE TABLE monitoring.findings (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  authority_id text NOT NULL,
  check_name text NOT NULL CHECK (check_name IN ('surplus', 'underspend', 'blocked_spending',
    'unpaid_liability', 'negative_balance', 'dormant', 'overdue_review', 'overdue_information')),
  dedupe_key text NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'closed')),
  amount_pence bigint NOT NULL,
  summary text NOT NULL,
  transaction_ids bigint[] NOT NULL,
  payslips text[] NOT NULL,
  settings_version text NOT NULL,
  case_id bigint NOT NULL REFERENCES monitoring.cases (id),
  outcome text CHECK (outcome IN ('no_action', 'plan_agreed', 'recovered', 'suspended')),
  opened_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  CHECK ((state = 'open') = (outcome IS NULL))
);
-- Findings are deduplicated while open.
CREATE UNIQUE INDEX findings_open_idx ON monitoring.findings (agreement_id, dedupe_key)
  WHERE state = 'open';
CREATE INDEX findings_authority_idx ON monitoring.findings (authority_id, id);
CREATE INDEX findings_case_idx ON monitoring.findings (case_id);

CREATE TABLE monitoring.case_events (
  id bigserial PRIMARY KEY,
  case_id bigint NOT NULL REFERENCES monitoring.cases (id),
  decision text CHECK (decision IN ('no_action', 'request_information', 'agree_plan', 'recover',
    'suspend')),  -- NULL: a note
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
  due_date date,
  amount_pence bigint CHECK (amount_pence > 0),
  transaction_id bigint REFERENCES ledger.transactions (id),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_events_case_idx ON monitoring.case_events (case_id, id);
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON monitoring.case_events
  FOR EACH ROW EXECUTE FUNCTION agreements.refuse_change();
CREATE TRIGGER tiers_append_only BEFORE UPDATE OR DELETE ON monitoring.tiers
  FOR EACH ROW EXECUTE FUNCTION agreements.refuse_change();

-- Where each agreement's last check stood: what activity it had seen, and
-- on which day (time alone moves some checks on: dormancy, due dates).
CREATE TABLE monitoring.checked (
  agreement_id bigint PRIMARY KEY REFERENCES agreements.agreements (id),
  activity_mark text NOT NULL,
  checked_on date NOT NULL,
  checked_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE monitoring.requests (
  request_id text PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 300),
  operation text NOT NULL,
  request_digest text NOT NULL,
  resource_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- dp-monitoring: its schema; reads of the books it watches; the ledger and
-- the person's record, for a recovery or a suspension decided in a case
-- (through the agreements library, in the same transaction as the case).
GRANT USAGE ON SCHEMA monitoring TO dp_service_base;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA monitoring TO dp_monitoring;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA monitoring TO dp_monitoring;
GRANT USAGE ON SCHEMA cards TO dp_monitoring;
GRANT SELECT ON ALL TABLES IN SCHEMA agreements, payroll, cards TO dp_monitoring;
GRANT INSERT ON agreements.decisions TO dp_monitoring;
-- A suspension decided in a case moves the agreement's status.
GRANT UPDATE ON agreements.agreements TO dp_monitoring;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA agreements TO dp_monitoring;
