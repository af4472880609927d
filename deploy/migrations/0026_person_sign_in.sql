-- The people themselves (issue 16, SDS Standard 9): a supported person, or
-- their representative, signs in to the console to see their own record.
-- A principal of role 'person' belongs to the authority and reads exactly
-- one agreement: the one named here.
ALTER TABLE iam.principals DROP CONSTRAINT principals_role_check;
ALTER TABLE iam.principals ADD CONSTRAINT principals_role_check
  CHECK (role IN ('finance_officer', 'iso', 'auditor', 'service', 'admin', 'processor', 'console',
                  'person'));
ALTER TABLE iam.principals ADD COLUMN agreement_id bigint REFERENCES agreements.agreements (id);
ALTER TABLE iam.principals ADD CONSTRAINT principals_person_agreement_check
  CHECK ((role = 'person') = (agreement_id IS NOT NULL));

-- Officers invite the people of their agreements through dp-ledger's
-- administration: it checks the agreement's authority, and a new
-- invitation replaces an unused earlier one.
GRANT SELECT (id, authority_id) ON agreements.agreements TO dp_ledger;
GRANT UPDATE (used_at) ON iam.console_invitations TO dp_ledger;
