-- Supported people, PA employees and payment managers: the personal data
-- that UK GDPR treats as special category. National Insurance numbers,
-- dates of birth and bank details are stored only as AES-256-GCM
-- ciphertext ("v1:<key id>:<base64>"); the CHECKs refuse anything else, so
-- no code path can store them in clear. The NI number also has a keyed hash
-- for exact-match lookups without decrypting.
CREATE SCHEMA people;

CREATE TABLE people.persons (
  id bigserial PRIMARY KEY,
  authority_id text NOT NULL,
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  ni_number text CHECK (ni_number ~ '^v1:[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+$'),
  ni_number_lookup text CHECK (ni_number_lookup ~ '^[0-9a-f]{64}$'),
  date_of_birth text CHECK (date_of_birth ~ '^v1:[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+$'),
  bank_sort_code text CHECK (bank_sort_code ~ '^v1:[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+$'),
  bank_account_number text CHECK (bank_account_number ~ '^v1:[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((ni_number IS NULL) = (ni_number_lookup IS NULL))
);
CREATE INDEX persons_ni_lookup_idx ON people.persons (ni_number_lookup);
CREATE INDEX persons_authority_idx ON people.persons (authority_id, id);
