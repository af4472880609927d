-- A PA off sick within 8 weeks of starting has their SSP worked out from
-- what they earned a week before they started, when it is recorded.
ALTER TABLE payroll.employees ADD COLUMN average_weekly_earnings_before_pence bigint
  CHECK (average_weekly_earnings_before_pence >= 0);
