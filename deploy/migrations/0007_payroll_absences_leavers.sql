-- Payroll, second part: sickness absences for Statutory Sick Pay, the
-- working pattern that defines SSP qualifying days, the gender HMRC's RTI
-- submissions require, auto-enrolment postponement and opting out, and the payslip figures the year-end and RTI
-- documents read (tax code and NI letter as used, SSP paid).

ALTER TABLE payroll.employees
  ADD COLUMN qualifying_days_per_week smallint NOT NULL DEFAULT 5
    CHECK (qualifying_days_per_week BETWEEN 1 AND 7),
  ADD COLUMN gender text CHECK (gender IN ('M', 'F')),
  -- Auto-enrolment postponed (at most 3 months from the start date).
  ADD COLUMN pension_postponed_until date,
  ADD COLUMN pension_opted_out boolean NOT NULL DEFAULT false,
  ADD CHECK (pension_postponed_until IS NULL OR
             pension_postponed_until BETWEEN start_date AND start_date + interval '3 months');

-- A sickness absence on one day of a timesheet's period. A day's hours and
-- its absence are exclusive: a PA off sick did not work that day.
CREATE TABLE payroll.timesheet_absences (
  timesheet_id bigint NOT NULL REFERENCES payroll.timesheets (id),
  absence_date date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('sick')),
  PRIMARY KEY (timesheet_id, absence_date)
);
CREATE TRIGGER absences_append_only BEFORE UPDATE OR DELETE ON payroll.timesheet_absences
  FOR EACH ROW EXECUTE FUNCTION agreements.refuse_change();

-- As used on the payslip, not as the employee has them now: a code changed
-- later must not rewrite a P60. Rows from 0006 have these in `detail` or
-- not at all, hence nullable and defaulted.
ALTER TABLE payroll.payslips
  ADD COLUMN tax_code text,
  ADD COLUMN ni_category text,
  ADD COLUMN ssp_pence bigint NOT NULL DEFAULT 0 CHECK (ssp_pence >= 0);

CREATE INDEX payslips_employee_idx ON payroll.payslips (employee_id);
