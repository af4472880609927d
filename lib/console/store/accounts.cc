#include "console/store/accounts.h"

#include "audit/log.h"
#include "base/check.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "console/signin/password.h"
#include "console/signin/totp.h"
#include "crypto/field_cipher.h"

namespace dp::console {
namespace {

// The outcomes as gRPC codes, as every other event of the trail has them.
enum OutcomeCode { kOk = 0, kResourceExhausted = 8, kUnauthenticated = 16 };
constexpr char kSignIn[] = "/console/SignIn";

constexpr char kTotpContext[] = "iam.console_accounts.totp_secret";

std::string Digest(const std::string& token) { return Sha256Hex(token); }

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

// At is a parameter of microseconds since the epoch, as a timestamp.
std::string At(int n) { return dp::StrCat("to_timestamp($", n, "::bigint / 1e6)"); }

// Audit writes the event of a sign-in step in `tx`, with the principal's
// role and organisation (an authority's user's events carry the authority,
// so that its auditors see them); a name nobody has is recorded as typed,
// bounded.
void Audit(pqxx::work& tx, const crypto::Keyring& keyring, const std::string& principal,
           std::string_view method, OutcomeCode code) {
  audit::Event e;
  e.principal = principal.substr(0, 128);
  const pqxx::result who = tx.exec_params(
      "SELECT p.role, p.organisation_id, o.kind FROM iam.principals p"
      " JOIN iam.organisations o ON o.id = p.organisation_id WHERE p.name = $1",
      e.principal);
  if (!who.empty()) {
    e.role = who[0][0].as<std::string>();
    e.organisation_id = who[0][1].as<std::string>();
    if (who[0][2].as<std::string>() == "authority") e.authority_id = e.organisation_id;
  }
  e.service = "console";
  e.method = std::string(method);
  e.resource = "iam/principals/" + e.principal;
  e.code = static_cast<int>(code);
  std::vector<audit::Event> events{std::move(e)};
  audit::AppendInTransaction(tx, keyring.audit_key(), events);
}

}  // namespace

bool NeedsTotp(iam::Role role) {
  return role == iam::Role::kFinanceOfficer || role == iam::Role::kAuditor ||
         role == iam::Role::kAdmin;
}

absl::StatusOr<std::string> IssueInvitation(pqxx::work& tx, const std::string& principal,
                                            const std::string& issued_by, absl::Time now,
                                            const SignInPolicy& policy) {
  const pqxx::result r =
      tx.exec_params("SELECT role, disabled FROM iam.principals WHERE name = $1", principal);
  if (r.empty())
    return absl::NotFoundError(dp::StrCat("no principal is called \"", principal, "\""));
  if (r[0][1].as<bool>()) {
    return absl::FailedPreconditionError(dp::StrCat("principal \"", principal, "\" is disabled"));
  }
  iam::Role role;
  if (!iam::ParseRole(r[0][0].as<std::string>(), &role) || !iam::SignsInToConsole(role)) {
    return absl::FailedPreconditionError(dp::StrCat("principal \"", principal, "\" has role ",
                                                    r[0][0].as<std::string>(),
                                                    ", which does not sign in to the console"));
  }
  tx.exec_params(dp::StrCat("UPDATE iam.console_invitations SET used_at = ", At(2),
                            " WHERE principal_name = $1 AND used_at IS NULL"),
                 principal, Micros(now));
  const std::string token = NewToken();
  tx.exec_params(dp::StrCat("INSERT INTO iam.console_invitations (token_sha256, principal_name,"
                            " issued_by, issued_at, expires_at) VALUES ($1, $2, $3, ",
                            At(4), ", ", At(5), ")"),
                 Digest(token), principal, issued_by, Micros(now),
                 Micros(now + policy.invitation_ttl));
  return token;
}

absl::Status EnsurePerson(pqxx::work& tx, const std::string& name, int64_t agreement_id,
                          const std::string& authority_id) {
  const pqxx::result r = tx.exec_params(
      "SELECT role, coalesce(agreement_id, 0) FROM iam.principals WHERE name = $1", name);
  if (r.empty()) {
    tx.exec_params(
        "INSERT INTO iam.principals (name, organisation_id, role, agreement_id)"
        " VALUES ($1, $2, 'person', $3)",
        name, authority_id, agreement_id);
    return absl::OkStatus();
  }
  if (r[0][0].as<std::string>() != "person" || r[0][1].as<int64_t>() != agreement_id) {
    return absl::FailedPreconditionError(
        dp::StrCat("the name \"", name, "\" is already someone else's sign-in; choose another"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Invitation> OpenInvitation(pqxx::transaction_base& tx, const std::string& token,
                                          absl::Time now) {
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT i.principal_name, p.role FROM iam.console_invitations i"
                 " JOIN iam.principals p ON p.name = i.principal_name"
                 " WHERE i.token_sha256 = $1 AND i.used_at IS NULL AND NOT p.disabled"
                 " AND i.expires_at > ",
                 At(2)),
      Digest(token), Micros(now));
  if (r.empty()) {
    return absl::NotFoundError(
        "This invitation link has expired or has already been used. Ask your officer or "
        "administrator for a new one.");
  }
  Invitation inv;
  inv.principal = r[0][0].as<std::string>();
  iam::ParseRole(r[0][1].as<std::string>(), &inv.role);
  inv.needs_totp = NeedsTotp(inv.role);
  return inv;
}

absl::Status AcceptInvitation(pqxx::work& tx, const std::string& token, const std::string& password,
                              const std::string& totp_secret, const std::string& code,
                              const crypto::Keyring& keyring, absl::Time now) {
  const crypto::FieldCipher cipher(keyring);
  tx.exec_params("SELECT 1 FROM iam.console_invitations WHERE token_sha256 = $1 FOR UPDATE",
                 Digest(token));
  auto inv = OpenInvitation(tx, token, now);
  if (!inv.ok()) return inv.status();
  if (auto weak = CheckNewPassword(password); !weak.ok()) return weak;
  std::string stored_secret;
  int64_t step = 0;
  if (inv->needs_totp) {
    const auto matched = TotpStep(totp_secret, code, absl::ToUnixSeconds(now));
    if (totp_secret.size() < 16 || !matched) {
      return absl::InvalidArgumentError(
          "That code does not match. Check the time on your phone and enter the code your "
          "authenticator app shows now.");
    }
    stored_secret = cipher.Encrypt(totp_secret, kTotpContext);
    step = *matched;
  }
  tx.exec_params(
      dp::StrCat(
          "INSERT INTO iam.console_accounts (principal_name, password_hash, totp_secret,"
          " last_totp_step) VALUES ($1, $2, nullif($3, ''), $4)"
          " ON CONFLICT (principal_name) DO UPDATE SET password_hash = EXCLUDED.password_hash,"
          " totp_secret = EXCLUDED.totp_secret, last_totp_step = EXCLUDED.last_totp_step,"
          " failed_signins = 0, locked_until = NULL, updated_at = ",
          At(5)),
      inv->principal, HashPassword(password), stored_secret, step, Micros(now));
  tx.exec_params(dp::StrCat("UPDATE iam.console_invitations SET used_at = ", At(2),
                            " WHERE token_sha256 = $1"),
                 Digest(token), Micros(now));
  // Setting up again ends the sessions the old password opened.
  tx.exec_params(dp::StrCat("UPDATE iam.console_sessions SET ended_at = ", At(2),
                            " WHERE principal_name = $1 AND ended_at IS NULL"),
                 inv->principal, Micros(now));
  Audit(tx, keyring, inv->principal, "/console/AcceptInvitation", kOk);
  return absl::OkStatus();
}

SignInResult SignIn(pqxx::work& tx, const std::string& name, const std::string& password,
                    const std::string& code, const crypto::Keyring& keyring, absl::Time now,
                    const SignInPolicy& policy) {
  const crypto::FieldCipher cipher(keyring);
  SignInResult result;
  const pqxx::result r = tx.exec_params(
      "SELECT a.password_hash, coalesce(a.totp_secret, ''), a.last_totp_step, a.failed_signins,"
      " coalesce(extract(epoch FROM a.locked_until) * 1e6, 0)::bigint, p.role, p.disabled"
      " FROM iam.console_accounts a JOIN iam.principals p ON p.name = a.principal_name"
      " WHERE a.principal_name = $1 FOR UPDATE OF a",
      name);
  if (r.empty()) {
    // As long as a real check (one scrypt), so that timing does not tell
    // which names exist.
    static const std::string kNoSuchAccount = HashPassword("no such account");
    VerifyPassword(password, kNoSuchAccount);
    Audit(tx, keyring, name, kSignIn, kUnauthenticated);
    return result;
  }
  const absl::Time locked_until = absl::FromUnixMicros(r[0][4].as<int64_t>());
  if (locked_until > now) {
    result.outcome = SignInResult::Outcome::kLocked;
    result.locked_until = locked_until;
    Audit(tx, keyring, name, kSignIn, kResourceExhausted);
    return result;
  }
  iam::Role role;
  const bool role_ok = iam::ParseRole(r[0][5].as<std::string>(), &role);
  bool ok = role_ok && !r[0][6].as<bool>() && VerifyPassword(password, r[0][0].as<std::string>());
  int64_t step = r[0][2].as<int64_t>();
  if (ok && NeedsTotp(role)) {
    auto secret = cipher.Decrypt(r[0][1].as<std::string>(), kTotpContext);
    const auto matched =
        secret.ok() ? TotpStep(*secret, code, absl::ToUnixSeconds(now)) : std::nullopt;
    // A code works once: a step at or before the last one used is refused.
    ok = matched.has_value() && *matched > step;
    if (ok) step = *matched;
  }
  if (!ok) {
    const int failures = r[0][3].as<int>() + 1;
    const bool lock = failures >= policy.max_failures;
    tx.exec_params(dp::StrCat("UPDATE iam.console_accounts SET failed_signins = $2,"
                              " locked_until = CASE WHEN $3 THEN ",
                              At(4), " ELSE locked_until END WHERE principal_name = $1"),
                   name, lock ? 0 : failures, lock, Micros(now + policy.lockout));
    if (lock) {
      result.outcome = SignInResult::Outcome::kLocked;
      result.locked_until = now + policy.lockout;
    }
    Audit(tx, keyring, name, kSignIn, lock ? kResourceExhausted : kUnauthenticated);
    return result;
  }
  tx.exec_params(
      "UPDATE iam.console_accounts SET failed_signins = 0, locked_until = NULL,"
      " last_totp_step = $2 WHERE principal_name = $1",
      name, step);
  result.outcome = SignInResult::Outcome::kSignedIn;
  result.session_token = NewToken();
  tx.exec_params(dp::StrCat("INSERT INTO iam.console_sessions (token_sha256, principal_name,"
                            " csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, ",
                            At(4), ", ", At(4), ")"),
                 Digest(result.session_token), name, NewToken(), Micros(now));
  Audit(tx, keyring, name, kSignIn, kOk);
  return result;
}

std::optional<Session> FindSession(pqxx::work& tx, const std::string& token, absl::Time now,
                                   const SignInPolicy& policy) {
  const pqxx::result r = tx.exec_params(
      dp::StrCat("UPDATE iam.console_sessions s SET last_seen_at = ", At(2),
                 " FROM iam.principals p WHERE p.name = s.principal_name AND NOT p.disabled"
                 " AND s.token_sha256 = $1 AND s.ended_at IS NULL"
                 " AND s.last_seen_at > ",
                 At(3), " AND s.created_at > ", At(4), " RETURNING s.principal_name, s.csrf_token"),
      Digest(token), Micros(now), Micros(now - policy.idle_timeout),
      Micros(now - policy.absolute_timeout));
  if (r.empty()) return std::nullopt;
  return Session{r[0][0].as<std::string>(), r[0][1].as<std::string>()};
}

void EndSession(pqxx::work& tx, const std::string& token, const crypto::Keyring& keyring,
                absl::Time now) {
  const pqxx::result r =
      tx.exec_params(dp::StrCat("UPDATE iam.console_sessions SET ended_at = ", At(2),
                                " WHERE token_sha256 = $1 AND ended_at IS NULL"
                                " RETURNING principal_name"),
                     Digest(token), Micros(now));
  if (!r.empty()) Audit(tx, keyring, r[0][0].as<std::string>(), "/console/SignOut", kOk);
}

}  // namespace dp::console
