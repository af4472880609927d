-- An authorisation's card and hold were checked by foreign keys (0015):
-- for every decision recorded, two queries of their own, the hold's
-- locking the row the same statement's batch had just inserted (a WAL
-- record apiece). A card batch records one row per decision, so the
-- records' insert was one of the batch's three heaviest statements. A card
-- is never deleted (it is cancelled; refused below, as holds already are,
-- 0001), an authorisation's card never changes (cards.refuse_counted_change)
-- and its hold changes only to a later hold of its capture (checked below
-- on each such update): so what an insert finds holds for good, and the
-- trigger that counts the cards' days now checks every new record's card
-- and hold in one query a statement, as ledger.hold_pending does for a
-- hold's accounts (0033), with the foreign keys' SQLSTATE (23503).
ALTER TABLE cards.authorisations
  DROP CONSTRAINT authorisations_card_id_fkey,
  DROP CONSTRAINT authorisations_hold_id_fkey;

-- record_authorisations checks the statement's new records' cards and
-- holds exist, then adds what they approved to their cards' days (as
-- count_card_days did: cash is an ATM or a cash category, 6010, 6011, as
-- the decision rules count it).
CREATE FUNCTION cards.record_authorisations() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF EXISTS (
      SELECT 1 FROM added a
       WHERE (a.card_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM cards.cards c WHERE c.id = a.card_id))
          OR (a.hold_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM ledger.pending_transfers p WHERE p.id = a.hold_id))) THEN
    RAISE EXCEPTION 'an authorisation names a card or hold that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
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
DROP TRIGGER authorisations_count_days ON cards.authorisations;
DROP FUNCTION cards.count_card_days();
CREATE TRIGGER authorisations_recorded AFTER INSERT ON cards.authorisations
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION cards.record_authorisations();

-- check_new_hold refuses a capture's move of an authorisation to a hold
-- that does not exist (a row at a time: captures are few).
CREATE FUNCTION cards.check_new_hold() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ledger.pending_transfers WHERE id = NEW.hold_id) THEN
    RAISE EXCEPTION 'an authorisation names a hold that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER authorisations_hold_exists AFTER UPDATE OF hold_id ON cards.authorisations
  FOR EACH ROW WHEN (NEW.hold_id IS NOT NULL AND NEW.hold_id IS DISTINCT FROM OLD.hold_id)
  EXECUTE FUNCTION cards.check_new_hold();

-- A card is cancelled, never deleted: its authorisations name it.
CREATE FUNCTION cards.refuse_card_deletion() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'a card is cancelled, never deleted: its authorisations name it'
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER cards_no_delete BEFORE DELETE ON cards.cards
  FOR EACH STATEMENT EXECUTE FUNCTION cards.refuse_card_deletion();
CREATE TRIGGER cards_no_truncate BEFORE TRUNCATE ON cards.cards
  FOR EACH STATEMENT EXECUTE FUNCTION cards.refuse_card_deletion();
