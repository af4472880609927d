-- The web console's sign-in (issue 16). Console users are principals in
-- iam, signing in with a password (scrypt) and, for officers, auditors and
-- admins, a TOTP code. The console itself is a principal of role 'console':
-- it calls the services with its own certificate and names the signed-in
-- user in call metadata; the services then apply the user's own role.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dp_console') THEN
    RAISE EXCEPTION 'the role dp_console does not exist: run deploy/roles/roles.sql as a superuser first'
      USING ERRCODE = 'undefined_object';
  END IF;
END $$;

ALTER TABLE iam.principals DROP CONSTRAINT principals_role_check;
ALTER TABLE iam.principals ADD CONSTRAINT principals_role_check
  CHECK (role IN ('finance_officer', 'iso', 'auditor', 'service', 'admin', 'processor', 'console'));

-- A user's credentials: the scrypt hash (console/signin/password.h), the
-- TOTP secret encrypted under the keyring (field cipher, context
-- 'iam.console_accounts.totp_secret'), and the last TOTP step used, so a
-- code works once. Failed sign-ins lock the account for a while.
CREATE TABLE iam.console_accounts (
  principal_name text PRIMARY KEY REFERENCES iam.principals (name),
  password_hash text NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
  totp_secret text,
  last_totp_step bigint NOT NULL DEFAULT 0,
  failed_signins integer NOT NULL DEFAULT 0 CHECK (failed_signins >= 0),
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- An invitation to set up (or reset) a user's sign-in; only its token's
-- SHA-256 is kept. It works once, before it expires.
CREATE TABLE iam.console_invitations (
  token_sha256 text PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  principal_name text NOT NULL REFERENCES iam.principals (name),
  issued_by text NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  CHECK (expires_at > issued_at)
);
CREATE INDEX console_invitations_principal_idx ON iam.console_invitations (principal_name);

-- Server-side sessions: the cookie holds a random token, the table its
-- SHA-256, the form token (CSRF) and when it was last used.
CREATE TABLE iam.console_sessions (
  token_sha256 text PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  principal_name text NOT NULL REFERENCES iam.principals (name),
  csrf_token text NOT NULL CHECK (length(csrf_token) >= 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz
);
CREATE INDEX console_sessions_principal_idx ON iam.console_sessions (principal_name);

GRANT SELECT, INSERT, UPDATE ON iam.console_accounts, iam.console_invitations,
  iam.console_sessions TO dp_console;
-- Officers and admins issue invitations through dp-ledger's administration.
GRANT SELECT, INSERT ON iam.console_invitations TO dp_ledger;
