-- Payments out of a direct payment account (PaymentService, hosted by
-- dp-agreements): payees with encrypted bank details and their approval,
-- invoices, standing orders, direct debit mandates and their collections,
-- and payment runs written as BACS files, with the bank's returns. Every
-- payment's money moves in the ledger: from the agreement's account to the
-- authority's payments clearing account when submitted, and on to the payee
-- when paid; a return brings it back.
CREATE SCHEMA payments;

CREATE TABLE payments.payees (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  authority_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('pa', 'agency', 'hmrc', 'pension', 'supplier')),
  -- What it is paid for, one of the agreement uses (lib/base/uses.h).
  use text NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- Encrypted like people's bank details (crypto/field_cipher.h).
  sort_code text NOT NULL CHECK (sort_code ~ '^v1:[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+$'),
  account_number text NOT NULL CHECK (account_number ~ '^v1:[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+$'),
  account_last4 text NOT NULL CHECK (account_last4 ~ '^[0-9]{4}$'),
  reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 18),
  -- A PA is paid as an employee of the agreement's payroll employer.
  employee_id bigint REFERENCES payroll.employees (id),
  CHECK ((kind = 'pa') = (employee_id IS NOT NULL)),
  -- The support plan's line for this provider: its hourly rate and hours a
  -- week. An invoice above either is flagged for an officer.
  plan_rate_pence bigint CHECK (plan_rate_pence > 0),
  plan_centi_hours_per_week integer CHECK (plan_centi_hours_per_week > 0),
  ledger_account_id bigint NOT NULL REFERENCES ledger.accounts (id),
  status text NOT NULL CHECK (status IN ('awaiting_approval', 'approved')),
  approved_by text,
  approval_reason text,
  approved_at timestamptz,
  CHECK ((status = 'approved') = (approved_by IS NOT NULL)),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payees_agreement_idx ON payments.payees (agreement_id, id);

CREATE TABLE payments.invoices (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  payee_id bigint NOT NULL REFERENCES payments.payees (id),
  number text NOT NULL CHECK (length(number) BETWEEN 1 AND 64),
  hours_centi integer CHECK (hours_centi > 0),
  rate_pence bigint CHECK (rate_pence > 0),
  CHECK ((hours_centi IS NULL) = (rate_pence IS NULL)),
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  period_start date,
  period_end date,
  CHECK ((period_start IS NULL) = (period_end IS NULL) AND period_end >= period_start),
  due_date date NOT NULL,
  description text NOT NULL,
  status text NOT NULL CHECK (status IN ('awaiting_approval', 'approved', 'scheduled', 'paid',
    'returned')),
  -- Why an officer must look at it (above the plan's rate or hours); empty if not.
  flag text NOT NULL DEFAULT '',
  approved_by text,
  approval_reason text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (payee_id, number)
);
CREATE INDEX invoices_agreement_idx ON payments.invoices (agreement_id, id);

CREATE TABLE payments.standing_orders (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  payee_id bigint NOT NULL REFERENCES payments.payees (id),
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  frequency text NOT NULL CHECK (frequency IN ('weekly', 'four_weekly', 'monthly')),
  first_date date NOT NULL,
  end_date date,
  CHECK (end_date IS NULL OR end_date >= first_date),
  reference text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'cancelled')),
  cancel_reason text,
  -- The last date a payment run has made its payment for (it goes on from
  -- the day after).
  generated_through date,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX standing_orders_agreement_idx ON payments.standing_orders (agreement_id, id);

CREATE TABLE payments.mandates (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  payee_id bigint NOT NULL REFERENCES payments.payees (id),
  reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 18),
  status text NOT NULL CHECK (status IN ('active', 'cancelled')),
  cancel_reason text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- A collection names its mandate by the originator's reference.
CREATE UNIQUE INDEX mandates_reference_idx ON payments.mandates (reference) WHERE status = 'active';

CREATE TABLE payments.runs (
  id bigserial PRIMARY KEY,
  authority_id text NOT NULL,
  run_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('submitted', 'settled')),
  payments integer NOT NULL,
  total_pence bigint NOT NULL,
  bacs text NOT NULL,
  -- What the run held back, and why: [{agreement_id, what, amount_pence, reason}].
  held jsonb NOT NULL DEFAULT '[]',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payments.payments (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  payee_id bigint NOT NULL REFERENCES payments.payees (id),
  -- What it pays: an invoice, a standing order's occurrence, a payslip's
  -- net wages, HMRC or pension owed, a direct debit collection, or a
  -- one-off payment.
  source text NOT NULL CHECK (source IN ('invoice', 'standing_order', 'wages', 'hmrc',
    'pension', 'direct_debit', 'one_off')),
  source_key text NOT NULL,
  due_date date NOT NULL,
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  reference text NOT NULL,
  -- Where the money ends: the payee's expense account, or payroll's wages,
  -- HMRC or pension liability it pays off.
  to_account_id bigint NOT NULL REFERENCES ledger.accounts (id),
  status text NOT NULL CHECK (status IN ('scheduled', 'submitted', 'paid', 'returned')),
  run_id bigint REFERENCES payments.runs (id),
  submit_transaction_id bigint REFERENCES ledger.transactions (id),
  paid_transaction_id bigint REFERENCES ledger.transactions (id),
  return_transaction_id bigint REFERENCES ledger.transactions (id),
  return_reason text,
  override_reason text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- A standing order's occurrence, a payslip, an invoice is paid once.
  UNIQUE (source, source_key)
);
CREATE INDEX payments_agreement_idx ON payments.payments (agreement_id, id);
CREATE INDEX payments_due_idx ON payments.payments (due_date) WHERE status = 'scheduled';
CREATE INDEX payments_run_idx ON payments.payments (run_id);

-- Every line of the bank's files read once: a file imported again, or a
-- line seen in another file, changes nothing.
CREATE TABLE payments.file_lines (
  kind text NOT NULL CHECK (kind IN ('collections', 'returns')),
  line_key text NOT NULL,
  outcome text NOT NULL,
  payment_id bigint REFERENCES payments.payments (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, line_key)
);

CREATE TABLE payments.requests (
  request_id text PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 128),
  operation text NOT NULL,
  request_digest text NOT NULL,
  resource_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

GRANT USAGE ON SCHEMA payments TO dp_service_base;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA payments TO dp_agreements;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA payments TO dp_agreements;
GRANT SELECT ON ALL TABLES IN SCHEMA payments TO dp_monitoring;
GRANT USAGE ON SCHEMA payroll TO dp_agreements;
-- A payment run pays each payslip's net wages, and available to spend
-- counts the holiday PAs have earned: the columns that needs, no more (not
-- tax, NI or the employee's personal details).
GRANT SELECT ON payroll.employers, payroll.pay_runs, payroll.timesheets,
  payroll.timesheet_entries TO dp_agreements;
GRANT SELECT (id, employer_id, leave_date, holiday_rate_pence, standard_rate_pence)
  ON payroll.employees TO dp_agreements;
GRANT SELECT (run_id, employee_id, net_pence, detail) ON payroll.payslips TO dp_agreements;
