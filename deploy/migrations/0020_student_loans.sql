-- Student and postgraduate loans (lib/payroll/engine/student_loan.h): each
-- plan an employee repays, from the notice that started it (SL1, PGL1, a
-- starter declaration or a P45) to the one that stopped it (SL2, PGL2).
-- `stops` is the first payment date with no deduction: HMRC's stop notice
-- takes effect from the next payday after it.
CREATE TABLE payroll.student_loans (
  id bigserial PRIMARY KEY,
  employee_id bigint NOT NULL REFERENCES payroll.employees (id),
  plan text NOT NULL CHECK (plan IN ('plan_1', 'plan_2', 'plan_4', 'plan_5', 'postgraduate')),
  starts date NOT NULL,
  start_notice text NOT NULL CHECK (start_notice IN ('SL1', 'PGL1', 'starter', 'P45')),
  stops date CHECK (stops > starts),
  stop_notice text CHECK (stop_notice IN ('SL2', 'PGL2')),
  CHECK ((stops IS NULL) = (stop_notice IS NULL)),
  -- SL1 and SL2 are for the plans, PGL1 and PGL2 for a postgraduate loan.
  CHECK ((plan = 'postgraduate') = (start_notice = 'PGL1') OR start_notice IN ('starter', 'P45')),
  CHECK (stop_notice IS NULL OR (plan = 'postgraduate') = (stop_notice = 'PGL2')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- A plan is collected once at a time.
CREATE UNIQUE INDEX student_loans_open_idx ON payroll.student_loans (employee_id, plan)
  WHERE stops IS NULL;

-- A payslip's loan deductions, inside its net pay.
ALTER TABLE payroll.payslips
  ADD COLUMN student_loan_pence bigint NOT NULL DEFAULT 0 CHECK (student_loan_pence >= 0),
  ADD COLUMN postgraduate_loan_pence bigint NOT NULL DEFAULT 0
    CHECK (postgraduate_loan_pence >= 0);
ALTER TABLE payroll.payslips DROP CONSTRAINT payslips_check;
ALTER TABLE payroll.payslips ADD CONSTRAINT payslips_net_check CHECK (net_pence = gross_pence
  - tax_pence - employee_ni_pence - employee_pension_pence - student_loan_pence
  - postgraduate_loan_pence);

GRANT SELECT, INSERT, UPDATE ON payroll.student_loans TO dp_payroll;
GRANT USAGE ON SEQUENCE payroll.student_loans_id_seq TO dp_payroll;
GRANT SELECT ON payroll.student_loans TO dp_monitoring;
