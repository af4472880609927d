-- An officer's "today's payments": an authority's payments out due on a day,
-- whatever their status (payments_due_idx holds only the scheduled ones), and
-- the payment schedule's runs of a day.
CREATE INDEX payments_due_day_idx ON payments.payments (due_date, id);
CREATE INDEX payment_runs_authority_day_idx ON agreements.payment_runs (authority_id, run_date);
