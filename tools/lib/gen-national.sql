-- A national-scale data set for tools/bench-monitoring, loaded in bulk by a
-- superuser (tools/gen-national): triggers are off while it loads, so the
-- ledger's balances are computed once at the end from the postings, and
-- every row obeys the tables' CHECK constraints. psql variables:
--   agreements (10000), authorities (32), card_txns (3000000), pas (24000).
-- Agreement g is paid onto a card when g is even, into a bank account when
-- odd; most started on 8 December 2025 (a year of 4-weekly payments), one
-- in ten on 17 August 2026. Authority LA01 is the largest (about a sixth).
\set ON_ERROR_STOP on
SET session_replication_role = replica;
SET synchronous_commit = off;

\echo authorities and their funding accounts
INSERT INTO iam.organisations (id, kind, name)
SELECT 'LA' || lpad(a::text, 2, '0'), 'authority', 'Authority ' || a FROM generate_series(1, :authorities) a;
INSERT INTO ledger.accounts (id, code, name, type, currency, owner_type, owner_id, authority_id)
SELECT 9000000 + a, 'LA' || lpad(a::text, 2, '0') || ':DP-FUNDING', 'Funding ' || a, 'asset', 'GBP',
       'authority', 'LA' || lpad(a::text, 2, '0'), 'LA' || lpad(a::text, 2, '0')
  FROM generate_series(1, :authorities) a;
INSERT INTO agreements.authority_settings (authority_id, effective_from, worker_limit_pence,
  manager_limit_pence, panel_max_wait_days, payment_frequency, cycle_anchor, contingency_weeks,
  surplus_threshold_weeks, blocked_card_categories, funding_account_id, created_by)
SELECT 'LA' || lpad(a::text, 2, '0'), '2025-04-01', 2000000, 5000000, 28, 'four_weekly', '2025-12-08',
       4, 8, '{7995,7800,5813,5921}', 9000000 + a, 'gen-national'
  FROM generate_series(1, :authorities) a;

\echo agreements, their people, versions, decisions and accounts
CREATE TEMP TABLE ga AS
SELECT g,
       'LA' || lpad((CASE WHEN g % 8 = 0 THEN 1 ELSE 1 + g % :authorities END)::text, 2, '0') AS authority,
       g % 2 = 0 AS card,
       CASE WHEN g % 10 = 5 THEN date '2026-08-17' ELSE date '2025-12-08' END AS start,
       (400 + abs(hashint4(g)) % 2400)::bigint * 100 AS gross
  FROM generate_series(1, :agreements) g;
INSERT INTO people.persons (id, authority_id, display_name)
SELECT g, authority, 'Person ' || g FROM ga;
INSERT INTO ledger.accounts (id, code, name, type, currency, owner_type, owner_id, authority_id,
  credits_must_not_exceed_debits)
SELECT 1000000 + g, 'AGR-' || g || CASE WHEN card THEN ':CARD' ELSE ':BANK' END,
       'Agreement ' || g, 'asset', 'GBP', 'agreement', g::text, authority, true
  FROM ga;
INSERT INTO agreements.agreements (id, authority_id, person_id, manager_kind, manager_person_id,
  status, status_reason, required_level, approved_level, payable_from, holding_account_id, created_at)
SELECT g, authority, g, CASE WHEN g % 7 = 0 THEN 'guardian' ELSE 'self' END,
       CASE WHEN g % 7 = 0 THEN g END, 'active', 'as assessed', 'worker', 'worker', start,
       1000000 + g, start - 14
  FROM ga;
INSERT INTO agreements.versions (agreement_id, version, effective_from, model_version, personal_outcomes,
  permitted_uses, excluded_uses, gross_budget_pence, contribution_pence, pay_gross, start_date,
  payment_frequency, contingency_weeks, surplus_threshold_weeks, payment_method, reason, created_by,
  created_at)
SELECT g, 1, start, 'GEN-1', '{"Live at home with support I choose"}',
       '{pa_employment,transport,activities,equipment}', '{}', gross, 0, false, start, 'four_weekly', 0, 0,
       CASE WHEN card THEN 'card' ELSE 'bank' END, 'as assessed', 'gen-national', start - 14
  FROM ga;
INSERT INTO agreements.decisions (agreement_id, kind, decided_by, reason, summary, decided_at)
SELECT g, k, 'gen-national', 'as assessed', k, start - 14 + i::int
  FROM ga, unnest('{created,submitted,approved,activated}'::text[]) WITH ORDINALITY AS d(k, i);

\echo a year of 4-weekly payments
CREATE TEMP TABLE gp AS
SELECT g, authority, card, k, start + 28 * k AS period_start, gross AS amount,
       2000000 + g * 16 + k AS transaction_id
  FROM ga, generate_series(0, 13) k
 WHERE start + 28 * k <= date '2026-12-02';
INSERT INTO agreements.payment_runs (id, authority_id, run_date, agreements_considered, created_by, created_at)
SELECT row_number() OVER (ORDER BY authority, period_start), authority, period_start, count(*), 'gen-national',
       period_start
  FROM gp GROUP BY authority, period_start;
INSERT INTO ledger.transactions (id, request_id, kind, description, created_by, posted_at)
SELECT transaction_id, 'agreements:pay:' || g || ':' || period_start, 'direct_payment',
       'Direct payment for 4 weeks from ' || period_start, 'gen-national', period_start + time '06:00'
  FROM gp;
INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_pence, posted_at)
SELECT transaction_id, 1000000 + g, 'GBP', amount, period_start + time '06:00' FROM gp
UNION ALL
SELECT transaction_id, 9000000 + substr(authority, 3)::int, 'GBP', -amount, period_start + time '06:00' FROM gp;
INSERT INTO agreements.payments (agreement_id, period_start, period_end, due_date, amount_pence, pro_rated,
  version, run_id, transaction_id)
SELECT gp.g, gp.period_start, gp.period_start + 27, gp.period_start, gp.amount, false, 1, r.id, gp.transaction_id
  FROM gp JOIN agreements.payment_runs r ON r.authority_id = gp.authority AND r.run_date = gp.period_start;

\echo cards, and the card transactions
INSERT INTO ledger.accounts (id, code, name, type, currency, owner_type, owner_id, authority_id)
SELECT 3000000 + g, 'AGR-' || g || ':CARD-SPEND', 'Card spending ' || g, 'expense', 'GBP', 'agreement',
       g::text, authority FROM ga WHERE card
UNION ALL
SELECT 4000000 + g, 'AGR-' || g || ':CARD-SHORTFALL', 'Card shortfall ' || g, 'liability', 'GBP',
       'agreement', g::text, authority FROM ga WHERE card;
INSERT INTO cards.cards (id, agreement_id, authority_id, account_id, spend_account_id, shortfall_account_id,
  processor_token, last4, expiry_month, expiry_year, additional_holder, holder_name, status, status_reason,
  created_by, created_at)
SELECT g, g, authority, 1000000 + g, 3000000 + g, 4000000 + g, 'gencard' || lpad(g::text, 8, '0'),
       lpad((g % 10000)::text, 4, '0'), 9, 2029, false, 'Person ' || g, 'active', 'issued', 'gen-national', start
  FROM ga WHERE card;
INSERT INTO cards.controls (card_id, effective_from, controls, reason, created_by)
SELECT g, start, '{"cash_allowed": false, "cash_daily_limit_pence": 25000, "limits": [], "channels": [],
  "countries": [], "allowed_categories": [], "blocked_categories": []}', 'issued', 'gen-national'
  FROM ga WHERE card;
-- Each card agreement's share of the transactions, spread over the days
-- it was paid for; about 2% are declined in a blocked category.
CREATE TEMP TABLE gc AS
SELECT row_number() OVER () AS n, ga.g, ga.authority, ga.start, i,
       least(date '2026-12-01', ga.start + (i * (date '2026-12-02' - ga.start) / per.cards)) AS day,
       -- Three quarters of what was paid in, spread over the purchases.
       (ga.gross * ((date '2026-12-02' - ga.start) / 28 + 1) * 75 / 100 / per.cards
        * (50 + abs(hashint4(ga.g * 7919 + i)) % 100) / 100)::bigint + 1 AS amount,
       (ARRAY['5411', '5812', '4121', '5542', '7997', '5912', '5311', '4111'])[1 + abs(hashint4(i + ga.g)) % 8]
         AS mcc,
       abs(hashint4(ga.g * 31 + i)) % 50 = 0 AS declined
  FROM ga, LATERAL (SELECT (:card_txns / (SELECT count(*) FROM ga WHERE card))::int AS cards) per,
       generate_series(1, per.cards) i
 WHERE ga.card;
INSERT INTO cards.authorisations (id, processor_id, request_digest, card_id, amount_pence, merchant_category,
  merchant_name, merchant_country, channel, decision, approved_pence, reason, message, hold_id,
  remaining_pence, decided_at)
SELECT n, 'gen-auth-' || n, 'gen', g, amount, CASE WHEN declined THEN '7995' ELSE mcc END,
       'Merchant ' || (n % 997), 'GB', 'in_person',
       CASE WHEN declined THEN 'declined' ELSE 'approved' END, CASE WHEN declined THEN 0 ELSE amount END,
       CASE WHEN declined THEN 'BLOCKED_CATEGORY' ELSE '' END,
       CASE WHEN declined THEN 'This card can''t be used for betting, lotteries or gambling.' ELSE '' END,
       CASE WHEN declined THEN NULL ELSE 10000000 + n END, 0, day + time '12:00'
  FROM gc;
INSERT INTO ledger.pending_transfers (id, request_id, debit_account_id, credit_account_id, currency,
  amount_pence, description, state, created_at, expires_at, resolved_at, resolve_reason,
  posted_amount_pence, posting_transaction_id)
SELECT 10000000 + n, 'cards:hold:gen-auth-' || n || ':0', 3000000 + g, 1000000 + g, 'GBP', amount,
       'Card purchase', 'posted', day + time '12:00', day + 7 + time '12:00', day + 1 + time '06:00',
       'captured', amount, 20000000 + n
  FROM gc WHERE NOT declined;
INSERT INTO cards.settlements (processor_id, request_digest, kind, card_id, authorisation_id, amount_pence,
  merchant_category, merchant_name, transaction_id, created_at)
SELECT 'gen-clr-' || n, 'gen', 'capture', g, n, amount, mcc, 'Merchant ' || (n % 997), 20000000 + n,
       day + 1 + time '06:00'
  FROM gc WHERE NOT declined;
INSERT INTO ledger.transactions (id, request_id, kind, description, created_by, posted_at, pending_transfer_id)
SELECT 20000000 + n, 'cards:capture:gen-clr-' || n, 'card_capture', 'Card purchase', 'gen-national',
       day + 1 + time '06:00', 10000000 + n
  FROM gc WHERE NOT declined;
INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_pence, posted_at)
SELECT 20000000 + n, 3000000 + g, 'GBP', amount, day + 1 + time '06:00' FROM gc WHERE NOT declined
UNION ALL
SELECT 20000000 + n, 1000000 + g, 'GBP', -amount, day + 1 + time '06:00' FROM gc WHERE NOT declined;

\echo PA employers, their PAs and a year of pay runs
-- The bank-paid agreements employ the PAs, five each, up to :pas of them.
CREATE TEMP TABLE ge AS
SELECT row_number() OVER (ORDER BY g) AS e, g, authority, start, gross
  FROM ga WHERE NOT card ORDER BY g LIMIT (:pas / 5);
INSERT INTO ledger.accounts (id, code, name, type, currency, owner_type, owner_id, authority_id)
SELECT 5000000 + e * 4 + x, 'AGR-' || g || ':EMP-' || e || ':' || part, part || ' ' || e,
       CASE WHEN x = 0 THEN 'expense' ELSE 'liability' END, 'GBP', 'agreement', g::text, authority
  FROM ge, unnest('{COST,WAGES,HMRC,PENSION}'::text[]) WITH ORDINALITY AS p(part, o), LATERAL (SELECT o - 1 AS x) xx;
INSERT INTO payroll.employers (id, agreement_id, authority_id, name, paye_reference, accounts_office_reference,
  pay_frequency, claims_employment_allowance, scottish_care_minimum, cost_account_id, wages_account_id,
  hmrc_account_id, pension_account_id)
SELECT e, g, authority, 'Employer ' || e, '123/G' || e, '123PA' || lpad(e::text, 8, '0'), 'four_weekly',
       false, true, 5000000 + e * 4, 5000000 + e * 4 + 1, 5000000 + e * 4 + 2, 5000000 + e * 4 + 3
  FROM ge;
INSERT INTO people.persons (id, authority_id, display_name)
SELECT 1000000 + e * 5 + j, authority, 'PA ' || e || '-' || j FROM ge, generate_series(0, 4) j;
INSERT INTO payroll.employees (id, employer_id, person_id, start_date, tax_code, week1_month1, ni_category,
  standard_rate_pence, night_rate_pence, sleepover_rate_pence, holiday_rate_pence, holiday_method,
  pension_member)
SELECT e * 5 + j, e, 1000000 + e * 5 + j, start, '1257L', false, 'A', 1260, 0, 0, 0,
       CASE WHEN j = 4 THEN 'accrual_12_07' ELSE 'weeks_5_6' END, true
  FROM ge, generate_series(0, 4) j;
-- Each run pays the five PAs about 80% of the period's budget between them.
CREATE TEMP TABLE gr AS
SELECT ge.e, ge.g, ge.authority, k, ge.start + 28 * k AS period_start, ge.start + 28 * k + 27 AS period_end,
       ge.start + 28 * k + 25 AS pay_date, ge.gross * 80 / 100 / 5 AS gross_each,
       e * 16 + k AS run_id, 30000000 + e * 64 + k * 4 AS transaction_id
  FROM ge, generate_series(0, 12) k
 WHERE ge.start + 28 * k + 25 <= date '2026-12-02';
INSERT INTO payroll.pay_runs (id, employer_id, tax_year, period, period_start, period_end, payment_date,
  status, transaction_id, reason, created_by, created_at)
SELECT run_id, e, CASE WHEN pay_date < date '2026-04-06' THEN '2025-26' ELSE '2026-27' END, k + 1,
       period_start, period_end, pay_date, 'posted', transaction_id, 'gen-national', 'gen-national', pay_date
  FROM gr;
INSERT INTO payroll.payslips (run_id, employee_id, gross_pence, tax_pence, employee_ni_pence,
  employer_ni_pence, employment_allowance_pence, employee_pension_pence, employer_pension_pence, net_pence,
  taxable_pay_to_date_pence, tax_paid_to_date_pence, detail)
SELECT run_id, e * 5 + j, gross_each, gross_each / 10, gross_each / 20, gross_each * 7 / 100, 0,
       gross_each * 3 / 100, gross_each * 3 / 100,
       gross_each - gross_each / 10 - gross_each / 20 - gross_each * 3 / 100, 0, 0,
       jsonb_build_object('holiday_accrued_centi_hours', CASE WHEN j = 4 THEN 1000 ELSE 0 END)
  FROM gr, generate_series(0, 4) j;
-- The run's posting, then the wages paid the same day and HMRC and the
-- pension scheme on the 19th of the next month.
CREATE TEMP TABLE gm AS
SELECT gr.*, 5 * gross_each AS gross5,
       5 * (gross_each - gross_each / 10 - gross_each / 20 - gross_each * 3 / 100) AS net5,
       5 * (gross_each / 10 + gross_each / 20 + gross_each * 7 / 100) AS hmrc5,
       5 * (gross_each * 3 / 100 * 2) AS pension5,
       (date_trunc('month', pay_date) + interval '1 month 18 days')::date AS liability_paid_on
  FROM gr;
INSERT INTO ledger.transactions (id, request_id, kind, description, created_by, posted_at)
SELECT transaction_id + x, 'gen:payroll:' || run_id || ':' || x,
       (ARRAY['pay_run', 'liability_payment', 'liability_payment', 'liability_payment'])[x + 1],
       (ARRAY['Pay run', 'Wages paid', 'HMRC paid', 'Pension paid'])[x + 1], 'gen-national',
       CASE WHEN x <= 1 THEN pay_date ELSE liability_paid_on END + time '10:00'
  FROM gm, generate_series(0, 3) x
 WHERE x <= 1 OR liability_paid_on <= date '2026-12-01';
INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_pence, posted_at)
SELECT transaction_id, 5000000 + e * 4, 'GBP', gross5 + 5 * (gross_each * 7 / 100 + gross_each * 3 / 100), pay_date + time '10:00' FROM gm
UNION ALL SELECT transaction_id, 5000000 + e * 4 + 1, 'GBP', -net5, pay_date + time '10:00' FROM gm
UNION ALL SELECT transaction_id, 5000000 + e * 4 + 2, 'GBP', -hmrc5, pay_date + time '10:00' FROM gm
UNION ALL SELECT transaction_id, 5000000 + e * 4 + 3, 'GBP', -pension5, pay_date + time '10:00' FROM gm
UNION ALL SELECT transaction_id + 1, 5000000 + e * 4 + 1, 'GBP', net5, pay_date + time '10:00' FROM gm
UNION ALL SELECT transaction_id + 1, 1000000 + g, 'GBP', -net5, pay_date + time '10:00' FROM gm
UNION ALL SELECT transaction_id + 2, 5000000 + e * 4 + 2, 'GBP', hmrc5, liability_paid_on + time '10:00'
  FROM gm WHERE liability_paid_on <= date '2026-12-01'
UNION ALL SELECT transaction_id + 2, 1000000 + g, 'GBP', -hmrc5, liability_paid_on + time '10:00'
  FROM gm WHERE liability_paid_on <= date '2026-12-01'
UNION ALL SELECT transaction_id + 3, 5000000 + e * 4 + 3, 'GBP', pension5, liability_paid_on + time '10:00'
  FROM gm WHERE liability_paid_on <= date '2026-12-01'
UNION ALL SELECT transaction_id + 3, 1000000 + g, 'GBP', -pension5, liability_paid_on + time '10:00'
  FROM gm WHERE liability_paid_on <= date '2026-12-01';

\echo bank returns of the bank-paid agreements
INSERT INTO monitoring.bank_lines (agreement_id, authority_id, line_key, file_name, line_no, posted_on,
  amount_pence, description, category, blocked, matched_kind, matched_ref, imported_by)
SELECT g, authority, encode(sha256(convert_to('in|' || g || '|' || k, 'UTF8')), 'hex'), 'statement.csv',
       k + 2, period_start + 1, amount, authority || ' DIRECT PAYMENT', 'payment_in', false, 'payment_in',
       'payment ' || period_start, 'gen-national'
  FROM gp WHERE NOT card
UNION ALL
SELECT g, authority, encode(sha256(convert_to('wages|' || run_id || '|' || j, 'UTF8')), 'hex'),
       'statement.csv', 100 + k * 5 + j, pay_date, -(gross_each - gross_each / 10 - gross_each / 20 - gross_each * 3 / 100),
       'WAGES PA ' || e || '-' || j, 'wages', false, 'wages', 'run ' || run_id || ', employee ' || (e * 5 + j),
       'gen-national'
  FROM gr, generate_series(0, 4) j;

\echo balances, from the postings
INSERT INTO ledger.balances (account_id, debits_posted, credits_posted, debits_pending, credits_pending,
  debits_must_not_exceed_credits, credits_must_not_exceed_debits)
SELECT a.id, coalesce(sum(p.amount_pence) FILTER (WHERE p.amount_pence > 0), 0),
       coalesce(-sum(p.amount_pence) FILTER (WHERE p.amount_pence < 0), 0), 0, 0,
       a.debits_must_not_exceed_credits, a.credits_must_not_exceed_debits
  FROM ledger.accounts a LEFT JOIN ledger.postings p ON p.account_id = a.id
 WHERE NOT EXISTS (SELECT 1 FROM ledger.balances b WHERE b.account_id = a.id)
 GROUP BY a.id;

\echo sequences past what was loaded
DO $$ BEGIN
  PERFORM setval(pg_get_serial_sequence('people.persons', 'id'), (SELECT max(id) FROM people.persons));
  PERFORM setval(pg_get_serial_sequence('ledger.accounts', 'id'), (SELECT max(id) FROM ledger.accounts));
  PERFORM setval(pg_get_serial_sequence('agreements.agreements', 'id'), (SELECT max(id) FROM agreements.agreements));
  PERFORM setval(pg_get_serial_sequence('agreements.payment_runs', 'id'), (SELECT max(id) FROM agreements.payment_runs));
  PERFORM setval(pg_get_serial_sequence('cards.cards', 'id'), (SELECT max(id) FROM cards.cards));
  PERFORM setval(pg_get_serial_sequence('cards.authorisations', 'id'), (SELECT max(id) FROM cards.authorisations));
  PERFORM setval(pg_get_serial_sequence('payroll.employers', 'id'), (SELECT max(id) FROM payroll.employers));
  PERFORM setval(pg_get_serial_sequence('payroll.employees', 'id'), (SELECT max(id) FROM payroll.employees));
  PERFORM setval(pg_get_serial_sequence('payroll.pay_runs', 'id'), (SELECT max(id) FROM payroll.pay_runs));
  PERFORM setval('ledger.transaction_id_seq', (SELECT max(id) FROM ledger.transactions));
  PERFORM setval('ledger.pending_transfer_id_seq', (SELECT max(id) FROM ledger.pending_transfers));
END $$;
\echo vacuum, statistics and a checkpoint: the steady state a live system is in
RESET synchronous_commit;
VACUUM ANALYZE;
CHECKPOINT;
