-- PA employer payroll (PayrollService). An employer is linked to one
-- agreement; its wages, HMRC and pension payable accounts are ledger
-- liabilities owned by that agreement, so the agreement's final position
-- sees what is still owed. Pay runs and payslips are append-only; a
-- correction is a new run that reverses and replaces the old one.
CREATE SCHEMA payroll;

CREATE TABLE payroll.employers (
  id bigserial PRIMARY KEY,
  agreement_id bigint NOT NULL REFERENCES agreements.agreements (id),
  authority_id text NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  paye_reference text NOT NULL CHECK (paye_reference ~ '^[0-9]{3}/[A-Za-z0-9]{1,10}$'),
  accounts_office_reference text NOT NULL CHECK (accounts_office_reference ~ '^[0-9]{3}P[A-Za-z][0-9]{8}$'),
  pay_frequency text NOT NULL CHECK (pay_frequency IN ('weekly', 'fortnightly', 'four_weekly', 'monthly')),
  claims_employment_allowance boolean NOT NULL,
  scottish_care_minimum boolean NOT NULL,
  cost_account_id bigint NOT NULL REFERENCES ledger.accounts (id),
  wages_account_id bigint NOT NULL REFERENCES ledger.accounts (id),
  hmrc_account_id bigint NOT NULL REFERENCES ledger.accounts (id),
  pension_account_id bigint NOT NULL REFERENCES ledger.accounts (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payroll.employees (
  id bigserial PRIMARY KEY,
  employer_id bigint NOT NULL REFERENCES payroll.employers (id),
  person_id bigint NOT NULL REFERENCES people.persons (id),
  start_date date NOT NULL,
  leave_date date CHECK (leave_date >= start_date),
  tax_code text NOT NULL CHECK (length(tax_code) BETWEEN 2 AND 10),
  week1_month1 boolean NOT NULL,
  ni_category text NOT NULL CHECK (ni_category IN ('A', 'B', 'C', 'H', 'J', 'M', 'Z')),
  standard_rate_pence bigint NOT NULL CHECK (standard_rate_pence > 0),
  night_rate_pence bigint NOT NULL CHECK (night_rate_pence >= 0),
  sleepover_rate_pence bigint NOT NULL CHECK (sleepover_rate_pence >= 0),
  holiday_rate_pence bigint NOT NULL CHECK (holiday_rate_pence >= 0),
  holiday_method text NOT NULL CHECK (holiday_method IN ('weeks_5_6', 'accrual_12_07')),
  pension_member boolean NOT NULL,
  previous_pay_pence bigint NOT NULL DEFAULT 0 CHECK (previous_pay_pence >= 0),
  previous_tax_pence bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX employees_employer_idx ON payroll.employees (employer_id, id);

CREATE TABLE payroll.timesheets (
  id bigserial PRIMARY KEY,
  employee_id bigint NOT NULL REFERENCES payroll.employees (id),
  period_start date NOT NULL,
  period_end date NOT NULL CHECK (period_end >= period_start),
  submitted_by text NOT NULL,
  superseded boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX timesheets_current_idx ON payroll.timesheets (employee_id, period_start)
  WHERE NOT superseded;

CREATE TABLE payroll.timesheet_entries (
  timesheet_id bigint NOT NULL REFERENCES payroll.timesheets (id),
  line integer NOT NULL,
  work_date date NOT NULL,
  rate_type text NOT NULL CHECK (rate_type IN ('standard', 'night', 'sleepover', 'holiday')),
  hours_centi integer NOT NULL CHECK (hours_centi BETWEEN 1 AND 2400),
  PRIMARY KEY (timesheet_id, line)
);

CREATE TABLE payroll.pay_runs (
  id bigserial PRIMARY KEY,
  employer_id bigint NOT NULL REFERENCES payroll.employers (id),
  tax_year text NOT NULL,
  period integer NOT NULL CHECK (period BETWEEN 1 AND 56),
  period_start date NOT NULL,
  period_end date NOT NULL,
  payment_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('posted', 'replaced')),
  transaction_id bigint NOT NULL REFERENCES ledger.transactions (id),
  reversal_transaction_id bigint REFERENCES ledger.transactions (id),
  replaces_run_id bigint REFERENCES payroll.pay_runs (id),
  reason text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- One posted run per employer and period: a re-run finds it, a correction
-- replaces it.
CREATE UNIQUE INDEX pay_runs_posted_idx ON payroll.pay_runs (employer_id, tax_year, period)
  WHERE status = 'posted';

CREATE TABLE payroll.payslips (
  run_id bigint NOT NULL REFERENCES payroll.pay_runs (id),
  employee_id bigint NOT NULL REFERENCES payroll.employees (id),
  gross_pence bigint NOT NULL,
  tax_pence bigint NOT NULL,
  employee_ni_pence bigint NOT NULL,
  employer_ni_pence bigint NOT NULL,
  employment_allowance_pence bigint NOT NULL,
  employee_pension_pence bigint NOT NULL,
  employer_pension_pence bigint NOT NULL,
  net_pence bigint NOT NULL,
  taxable_pay_to_date_pence bigint NOT NULL,
  tax_paid_to_date_pence bigint NOT NULL,
  detail jsonb NOT NULL,
  PRIMARY KEY (run_id, employee_id),
  CHECK (net_pence = gross_pence - tax_pence - employee_ni_pence - employee_pension_pence)
);

CREATE TABLE payroll.requests (
  request_id text PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 128),
  operation text NOT NULL,
  request_digest text NOT NULL,
  resource_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER payslips_append_only BEFORE UPDATE OR DELETE ON payroll.payslips
  FOR EACH ROW EXECUTE FUNCTION agreements.refuse_change();
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON payroll.timesheet_entries
  FOR EACH ROW EXECUTE FUNCTION agreements.refuse_change();
