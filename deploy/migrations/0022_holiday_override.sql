-- Holiday beyond a PA's balance is taken only when an officer or the ISO
-- allows it, with the reason kept on the timesheet.
ALTER TABLE payroll.timesheets ADD COLUMN holiday_override_reason text
  CHECK (length(holiday_override_reason) BETWEEN 1 AND 2000);
