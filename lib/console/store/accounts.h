#ifndef DP_LIB_CONSOLE_STORE_ACCOUNTS_H_
#define DP_LIB_CONSOLE_STORE_ACCOUNTS_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "console/signin/token.h"
#include "crypto/keyring.h"
#include "iam/principal.h"

// The console's sign-in over the database (migration 0025): invitations,
// accounts (password and TOTP), sessions. Tokens are random; only their
// SHA-256 is stored, so a copy of the tables signs nobody in. Every
// sign-in, refusal, lockout, set-up and sign-out is an audit event written
// in the same transaction (service "console", methods /console/SignIn,
// /console/SignOut, /console/AcceptInvitation), so the trail shows who
// came in, and who tried.
namespace dp::console {

// SignInPolicy is how long things last and how many tries are allowed.
struct SignInPolicy {
  absl::Duration invitation_ttl = absl::Hours(72);
  absl::Duration idle_timeout = absl::Minutes(30);
  absl::Duration absolute_timeout = absl::Hours(12);
  int max_failures = 5;  // in a row, then locked
  absl::Duration lockout = absl::Minutes(15);
};

// NeedsTotp: officers, auditors and admins sign in with a second factor.
bool NeedsTotp(iam::Role role);

// IssueInvitation records an invitation for `principal` and returns its
// token (for the link, shown once); an unused earlier one stops working. NOT_FOUND for an unknown
// principal; FAILED_PRECONDITION for a disabled one or one that cannot use the console (services,
// processors, the console itself).
absl::StatusOr<std::string> IssueInvitation(pqxx::work& tx, const std::string& principal,
                                            const std::string& issued_by, absl::Time now,
                                            const SignInPolicy& policy);

// EnsurePerson makes `name` a principal of role person for agreement
// `agreement_id` of `authority_id` (the authority is their organisation),
// or finds them already so. FAILED_PRECONDITION when the name is someone
// else's, or a person's for another agreement.
absl::Status EnsurePerson(pqxx::work& tx, const std::string& name, int64_t agreement_id,
                          const std::string& authority_id);

// Invitation is an open invitation: who it is for and whether they must
// set up a TOTP code.
struct Invitation {
  std::string principal;
  iam::Role role = iam::Role::kFinanceOfficer;
  bool needs_totp = false;
};

// OpenInvitation finds the invitation a token names, still unused and in
// time; NOT_FOUND otherwise, with words for the page.
absl::StatusOr<Invitation> OpenInvitation(pqxx::transaction_base& tx, const std::string& token,
                                          absl::Time now);

// AcceptInvitation sets the user's password and, when they need one, TOTP
// secret (confirmed by a current `code` from their app), and uses the
// invitation up. INVALID_ARGUMENT, with words for the form, for a weak
// password or a code that does not match.
absl::Status AcceptInvitation(pqxx::work& tx, const std::string& token, const std::string& password,
                              const std::string& totp_secret, const std::string& code,
                              const crypto::Keyring& keyring, absl::Time now);

// SignIn checks a name, password and (when needed) TOTP code. Every
// failure counts towards a lockout and reads the same to the user, so
// that the form tells nobody which part was wrong or whether the name
// exists.
struct SignInResult {
  enum class Outcome { kSignedIn, kRefused, kLocked };
  Outcome outcome = Outcome::kRefused;
  std::string session_token;  // when signed in
  absl::Time locked_until;    // when locked
};
SignInResult SignIn(pqxx::work& tx, const std::string& name, const std::string& password,
                    const std::string& code, const crypto::Keyring& keyring, absl::Time now,
                    const SignInPolicy& policy);

// Session is a signed-in user's session: who, and the token every form
// must carry (CSRF).
struct Session {
  std::string principal;
  std::string csrf_token;
};

// FindSession returns the session a cookie's token names when it has not
// ended, been idle too long or lasted too long, and marks it used.
std::optional<Session> FindSession(pqxx::work& tx, const std::string& token, absl::Time now,
                                   const SignInPolicy& policy);

// EndSession ends it (sign-out).
void EndSession(pqxx::work& tx, const std::string& token, const crypto::Keyring& keyring,
                absl::Time now);

}  // namespace dp::console

#endif  // DP_LIB_CONSOLE_STORE_ACCOUNTS_H_
