-- Identity and access: who may call what, for which authorities, agreements
-- and employers. A principal is named by the common name of its client
-- certificate; the certificate proves the name, these tables give it a role.
CREATE SCHEMA iam;

CREATE TABLE iam.organisations (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  kind text NOT NULL CHECK (kind IN ('authority', 'iso', 'audit', 'internal')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE iam.principals (
  name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9@._-]{0,127}$'),
  organisation_id text NOT NULL REFERENCES iam.organisations (id),
  role text NOT NULL CHECK (role IN ('finance_officer', 'iso', 'auditor', 'service', 'admin')),
  -- Delegated budget approval (SDS standard 8.2): finance officers only.
  approver_level text NOT NULL DEFAULT 'none'
    CHECK (approver_level IN ('none', 'worker', 'manager', 'panel')),
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (approver_level = 'none' OR role = 'finance_officer')
);

-- What an organisation may see beyond itself: an ISO the agreements and
-- employers an authority linked to it; an auditor the authorities it audits.
CREATE TABLE iam.grants (
  organisation_id text NOT NULL REFERENCES iam.organisations (id),
  scope_type text NOT NULL CHECK (scope_type IN ('authority', 'agreement', 'employer')),
  scope_id text NOT NULL CHECK (length(scope_id) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, scope_type, scope_id)
);

-- Ledger accounts belong to an authority, for scoping reads and writes.
ALTER TABLE ledger.accounts ADD COLUMN authority_id text NOT NULL DEFAULT '';
CREATE INDEX accounts_authority_idx ON ledger.accounts (authority_id, id);
-- The guard on accounts keeps authority_id as immutable as the owner.
CREATE OR REPLACE FUNCTION ledger.guard_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'ledger accounts are never deleted' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF (NEW.id, NEW.code, NEW.type, NEW.currency, NEW.owner_type, NEW.owner_id, NEW.authority_id,
      NEW.debits_must_not_exceed_credits, NEW.credits_must_not_exceed_debits, NEW.created_at)
     IS DISTINCT FROM
     (OLD.id, OLD.code, OLD.type, OLD.currency, OLD.owner_type, OLD.owner_id, OLD.authority_id,
      OLD.debits_must_not_exceed_credits, OLD.credits_must_not_exceed_debits, OLD.created_at) THEN
    RAISE EXCEPTION 'only the name of a ledger account may change' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TABLE iam.requests (
  request_id text PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 128),
  operation text NOT NULL,
  request_digest text NOT NULL,
  resource_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
