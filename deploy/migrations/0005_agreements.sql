-- Option 1 direct payment agreements (AgreementService). History is never
-- overwritten: settings and agreement versions are effective-dated rows,
-- decisions are append-only, and each scheduled payment is one row with the
-- ledger transaction that paid it. The only mutable row is an agreement's
-- header (its current status), and every change to it has a decision row.
CREATE SCHEMA agreements;

CREATE TABLE agreements.authority_settings (
  authority_id text NOT NULL REFERENCES iam.organisations (id),
  effective_from date NOT NULL,
  worker_limit_pence bigint NOT NULL CHECK (worker_limit_pence >= 0),
  manager_limit_pence bigint NOT NULL CHECK (manager_limit_pence >= worker_limit_pence),
  panel_max_wait_days integer NOT NULL CHECK (panel_max_wait_days BETWEEN 1 AND 365),
  payment_frequency text NOT NULL CHECK (payment_frequency IN ('four_weekly', 'monthly')),
  cycle_anchor date NOT NULL,
  contingency_weeks integer NOT NULL CHECK (contingency_weeks BETWEEN 0 AND 52),
  surplus_threshold_weeks integer NOT NULL CHECK (surplus_threshold_weeks BETWEEN 1 AND 52),
  blocked_card_categories text[] NOT NULL DEFAULT '{}',
  funding_account_id bigint NOT NULL REFERENCES ledger.accounts (id),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (authority_id, effective_from)
);

CREATE TABLE agreements.agreements (
  id bigserial PRIMARY KEY,
  authority_id text NOT NULL REFERENCES iam.organisations (id),
  person_id bigint NOT NULL REFERENCES people.persons (id),
  manager_kind text NOT NULL CHECK (manager_kind IN
    ('self', 'guardian', 'attorney', 'appointee', 'family_member', 'iso_managed_account')),
  manager_person_id bigint REFERENCES people.persons (id),
  manager_organisation_id text REFERENCES iam.organisations (id),
  status text NOT NULL CHECK (status IN
    ('draft', 'awaiting_approval', 'approved', 'active', 'suspended', 'terminated')),
  status_reason text NOT NULL,
  required_level text NOT NULL DEFAULT '' CHECK (required_level IN ('', 'worker', 'manager', 'panel')),
  approved_level text NOT NULL DEFAULT '' CHECK (approved_level IN ('', 'worker', 'manager', 'panel')),
  submitted_at timestamptz,
  panel_wait_exceeded boolean NOT NULL DEFAULT false,
  -- Payments are due for periods starting on or after this day: the start
  -- on activation, the resume day after a suspension.
  payable_from date,
  holding_account_id bigint REFERENCES ledger.accounts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((manager_kind = 'self') = (manager_person_id IS NULL AND manager_organisation_id IS NULL)),
  CHECK (manager_kind <> 'iso_managed_account' OR manager_organisation_id IS NOT NULL),
  CHECK (status IN ('draft', 'awaiting_approval', 'approved') OR holding_account_id IS NOT NULL)
);
CREATE INDEX agreements_authority_idx ON agreements.agreements (authority_id, id);

CREATE TABLE agreements.versions (
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  version integer NOT NULL CHECK (version >= 1),
  effective_from date NOT NULL,
  model_version text NOT NULL,
  personal_outcomes text[] NOT NULL,
  permitted_uses text[] NOT NULL CHECK (NOT ('long_term_residential_care' = ANY (permitted_uses))),
  excluded_uses text[] NOT NULL,
  gross_budget_pence bigint NOT NULL CHECK (gross_budget_pence > 0),
  contribution_pence bigint NOT NULL CHECK (contribution_pence BETWEEN 0 AND gross_budget_pence),
  pay_gross boolean NOT NULL,
  start_date date NOT NULL,
  review_date date,
  end_date date CHECK (end_date >= start_date),
  payment_frequency text NOT NULL CHECK (payment_frequency IN ('four_weekly', 'monthly')),
  contingency_weeks integer NOT NULL,
  surplus_threshold_weeks integer NOT NULL,
  payment_method text NOT NULL CHECK (payment_method IN ('bank', 'card')),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agreement_id, version)
);

-- The person's record (SDS standard 9): every decision with its reason.
CREATE TABLE agreements.decisions (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  kind text NOT NULL,
  decided_by text NOT NULL,
  approval_level text NOT NULL DEFAULT '',
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  summary text NOT NULL,
  panel_wait_exceeded boolean NOT NULL DEFAULT false,
  decided_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decisions_agreement_idx ON agreements.decisions (agreement_id, id);

CREATE TABLE agreements.payment_runs (
  id bigserial PRIMARY KEY,
  authority_id text NOT NULL,
  run_date date NOT NULL,
  agreements_considered integer NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per paid period: the primary key is what makes a second run pay
-- nothing twice.
CREATE TABLE agreements.payments (
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  period_start date NOT NULL,
  period_end date NOT NULL CHECK (period_end >= period_start),
  due_date date NOT NULL,
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  pro_rated boolean NOT NULL,
  version integer NOT NULL,
  run_id bigint NOT NULL REFERENCES agreements.payment_runs (id),
  transaction_id bigint NOT NULL REFERENCES ledger.transactions (id),
  PRIMARY KEY (agreement_id, period_start)
);
CREATE INDEX payments_run_idx ON agreements.payments (run_id);

CREATE TABLE agreements.terminations (
  agreement_id bigint PRIMARY KEY REFERENCES agreements.agreements (id),
  end_date date NOT NULL,
  notice_pay_pence bigint NOT NULL CHECK (notice_pay_pence >= 0),
  holiday_pay_pence bigint NOT NULL CHECK (holiday_pay_pence >= 0),
  recovered_pence bigint CHECK (recovered_pence > 0),
  recovery_transaction_id bigint REFERENCES ledger.transactions (id),
  confirmed_by text,
  confirmed_at timestamptz,
  CHECK ((recovered_pence IS NULL) = (confirmed_at IS NULL))
);

CREATE TABLE agreements.requests (
  request_id text PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 128),
  operation text NOT NULL,
  request_digest text NOT NULL,
  resource_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- History is append-only.
CREATE FUNCTION agreements.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are history and are never changed or deleted', TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER settings_append_only BEFORE UPDATE OR DELETE ON agreements.authority_settings
  FOR EACH ROW EXECUTE FUNCTION agreements.refuse_change();
CREATE TRIGGER versions_append_only BEFORE UPDATE OR DELETE ON agreements.versions
  FOR EACH ROW EXECUTE FUNCTION agreements.refuse_change();
CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON agreements.decisions
  FOR EACH ROW EXECUTE FUNCTION agreements.refuse_change();
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON agreements.payments
  FOR EACH ROW EXECUTE FUNCTION agreements.refuse_change();
