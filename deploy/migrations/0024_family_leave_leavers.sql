-- Statutory family pay (lib/payroll/engine/family_pay.h): each leave an
-- employer is told of, with the decision on it in words (entitled or not,
-- and why) and the average weekly earnings it pays on. A pay run pays an
-- entitled leave's days within its period.
CREATE TABLE payroll.family_leave (
  id bigserial PRIMARY KEY,
  employee_id bigint NOT NULL REFERENCES payroll.employees (id),
  kind text NOT NULL
    CHECK (kind IN ('maternity', 'paternity', 'adoption', 'shared_parental', 'bereavement')),
  relevant_date date NOT NULL,  -- due date, matching date or date of death
  pay_start date NOT NULL,
  weeks integer NOT NULL CHECK (weeks BETWEEN 1 AND 52),
  qualifying_week_start date NOT NULL,
  average_weekly_earnings_pence bigint NOT NULL CHECK (average_weekly_earnings_pence >= 0),
  entitled boolean NOT NULL,
  reason text NOT NULL CHECK (reason <> ''),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX family_leave_employee_idx ON payroll.family_leave (employee_id, pay_start);

-- A leaver's final pay beyond hours and holiday (leaving.h), decided when
-- the leave date is recorded and paid by the run whose period holds it.
ALTER TABLE payroll.employees
  ADD COLUMN notice_pay_pence bigint NOT NULL DEFAULT 0 CHECK (notice_pay_pence >= 0),
  ADD COLUMN redundancy_pence bigint NOT NULL DEFAULT 0 CHECK (redundancy_pence >= 0),
  ADD COLUMN leaving_explanation text NOT NULL DEFAULT '',
  -- When an opted-out PA opted out: re-enrolment (every 3 years from the
  -- employer's duties start) brings back those who opted out more than
  -- 12 months before it.
  ADD COLUMN pension_opted_out_on date,
  ADD CONSTRAINT employees_leave_pay_check
    CHECK (leave_date IS NOT NULL OR (notice_pay_pence = 0 AND redundancy_pence = 0));

-- Statutory redundancy pay is paid beside the taxable gross: inside the net.
ALTER TABLE payroll.payslips
  ADD COLUMN redundancy_pence bigint NOT NULL DEFAULT 0 CHECK (redundancy_pence >= 0);
ALTER TABLE payroll.payslips DROP CONSTRAINT payslips_net_check;
ALTER TABLE payroll.payslips ADD CONSTRAINT payslips_net_check CHECK (net_pence = gross_pence
  - tax_pence - employee_ni_pence - employee_pension_pence - student_loan_pence
  - postgraduate_loan_pence + redundancy_pence);

GRANT SELECT, INSERT ON payroll.family_leave TO dp_payroll;
GRANT USAGE ON SEQUENCE payroll.family_leave_id_seq TO dp_payroll;
GRANT SELECT ON payroll.family_leave TO dp_monitoring;
