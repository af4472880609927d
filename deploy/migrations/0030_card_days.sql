-- A card's approvals per UK day (issue 12): what its velocity limits count,
-- kept by a trigger as authorisations are recorded, so that a decision sums
-- a few day rows rather than every authorisation of the month (the bench's
-- busiest statement). What an authorisation counts (its card, approved
-- amount, time, channel, category, whether it increments another) never
-- changes once recorded: only what remains to capture and its hold do, and
-- a trigger refuses any other change, so the day rows stay the sums of the
-- rows they count.
CREATE TABLE cards.card_days (
  card_id bigint NOT NULL REFERENCES cards.cards (id),
  day date NOT NULL,
  approved_pence bigint NOT NULL CHECK (approved_pence >= 0),
  approvals integer NOT NULL CHECK (approvals >= 0),  -- increments are not counted
  cash_pence bigint NOT NULL CHECK (cash_pence >= 0 AND cash_pence <= approved_pence),
  PRIMARY KEY (card_id, day)
);

-- count_card_days adds what an INSERT recorded to its cards' days: cash is an ATM or
-- a cash category (6010, 6011), as the decision rules count it.
CREATE FUNCTION cards.count_card_days() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO cards.card_days AS d (card_id, day, approved_pence, approvals, cash_pence)
  SELECT card_id, (decided_at AT TIME ZONE 'Europe/London')::date, sum(approved_pence),
         count(*) FILTER (WHERE increments_id IS NULL),
         coalesce(sum(approved_pence) FILTER (WHERE channel = 'atm'
                                             OR merchant_category IN ('6010', '6011')), 0)
    FROM added WHERE approved_pence > 0 AND card_id IS NOT NULL
   GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (card_id, day) DO UPDATE
     SET approved_pence = d.approved_pence + EXCLUDED.approved_pence,
         approvals = d.approvals + EXCLUDED.approvals,
         cash_pence = d.cash_pence + EXCLUDED.cash_pence;
  RETURN NULL;
END $$;
CREATE TRIGGER authorisations_count_days AFTER INSERT ON cards.authorisations
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION cards.count_card_days();

CREATE FUNCTION cards.refuse_counted_change() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF (NEW.card_id, NEW.approved_pence, NEW.decided_at, NEW.channel, NEW.merchant_category,
      NEW.increments_id, NEW.decision)
     IS DISTINCT FROM
     (OLD.card_id, OLD.approved_pence, OLD.decided_at, OLD.channel, OLD.merchant_category,
      OLD.increments_id, OLD.decision) THEN
    RAISE EXCEPTION 'an authorisation''s decision is recorded once: only what remains to capture may change'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER authorisations_decided_once BEFORE UPDATE ON cards.authorisations
  FOR EACH ROW EXECUTE FUNCTION cards.refuse_counted_change();

INSERT INTO cards.card_days (card_id, day, approved_pence, approvals, cash_pence)
SELECT card_id, (decided_at AT TIME ZONE 'Europe/London')::date, sum(approved_pence),
       count(*) FILTER (WHERE increments_id IS NULL),
       coalesce(sum(approved_pence) FILTER (WHERE channel = 'atm'
                                           OR merchant_category IN ('6010', '6011')), 0)
  FROM cards.authorisations WHERE approved_pence > 0 AND card_id IS NOT NULL
 GROUP BY 1, 2;

GRANT SELECT, INSERT, UPDATE ON cards.card_days TO dp_cards;
GRANT SELECT ON cards.card_days TO dp_monitoring;
