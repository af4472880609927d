-- HMRC's tax code notices (P6, P6B, P9) and a starter's declaration, each
-- with the pay date from which its code applies. History is kept: a pay
-- run uses the latest notice in force on its payment date, else the code
-- the employee was registered with.
CREATE TABLE payroll.tax_code_notices (
  id bigserial PRIMARY KEY,
  employee_id bigint NOT NULL REFERENCES payroll.employees (id),
  kind text NOT NULL CHECK (kind IN ('starter', 'P6', 'P6B', 'P9')),
  tax_code text NOT NULL CHECK (length(tax_code) BETWEEN 2 AND 10),
  week1_month1 boolean NOT NULL,
  effective_from date NOT NULL,
  -- A starter: the declaration (A, B, C) when there was no P45, and the
  -- P45's figures when there was one.
  starter_declaration text CHECK (starter_declaration IN ('A', 'B', 'C')),
  p45_pay_pence bigint CHECK (p45_pay_pence >= 0),
  p45_tax_pence bigint,
  CHECK (kind = 'starter' OR (starter_declaration IS NULL AND p45_pay_pence IS NULL)),
  CHECK (kind <> 'starter' OR starter_declaration IS NOT NULL OR p45_pay_pence IS NOT NULL),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- One starter declaration an employment.
CREATE UNIQUE INDEX tax_code_notices_starter_idx ON payroll.tax_code_notices (employee_id)
  WHERE kind = 'starter';
CREATE INDEX tax_code_notices_employee_idx ON payroll.tax_code_notices
  (employee_id, effective_from DESC, id DESC);
CREATE TRIGGER tax_code_notices_append_only BEFORE UPDATE OR DELETE ON payroll.tax_code_notices
  FOR EACH ROW EXECUTE FUNCTION agreements.refuse_change();

GRANT SELECT, INSERT ON payroll.tax_code_notices TO dp_payroll;
GRANT USAGE ON SEQUENCE payroll.tax_code_notices_id_seq TO dp_payroll;
GRANT SELECT ON payroll.tax_code_notices TO dp_monitoring;
