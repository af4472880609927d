// The console's sign-in against the real database: invitations that work
// once and expire, passwords and TOTP codes, codes that work once, the
// lockout, and sessions' idle and absolute timeouts and sign-out.
#include <algorithm>

#include "base/sha256.h"
#include "console/signin/totp.h"
#include "console/store/accounts.h"
#include "crypto/field_cipher.h"
#include "gtest/gtest.h"
#include "test_db.h"

namespace dp::testing {
namespace {

using console::SignInResult;


constexpr char kPassword[] = "heather and thistle";

// Name is a unique name fit for an organisation or principal (no colons).
std::string Name(const std::string& stem) {
  std::string n = UniqueName(stem);
  std::replace(n.begin(), n.end(), ':', '.');
  return n;
}

class ConsoleDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = MigratedConnection();
    org_ = Name("CON");
    officer_ = Name("officer") + "@con";
    iso_ = Name("iso") + "@con";
    pqxx::work tx(*conn_);
    tx.exec_params("INSERT INTO iam.organisations (id, kind, name) VALUES ($1, 'authority', 'C')",
                   org_);
    tx.exec_params(
        "INSERT INTO iam.principals (name, organisation_id, role) VALUES"
        " ($1, $3, 'finance_officer'), ($2, $3, 'iso')",
        officer_, iso_, org_);
    tx.commit();
  }

  // SetUpOfficer accepts an invitation with a TOTP secret; returns it.
  std::string SetUpOfficer() {
    pqxx::work tx(*conn_);
    auto token = console::IssueInvitation(tx, officer_, "admin", now_, policy_);
    EXPECT_TRUE(token.ok()) << token.status();
    const std::string secret = console::NewTotpSecret();
    EXPECT_TRUE(console::AcceptInvitation(tx, *token, kPassword, secret,
                                          console::TotpAt(secret, absl::ToUnixSeconds(now_)),
                                          ring_, now_)
                    .ok());
    tx.commit();
    return secret;
  }

  SignInResult SignIn(const std::string& name, const std::string& password, const std::string& code,
                      absl::Time at) {
    pqxx::work tx(*conn_);
    SignInResult r = console::SignIn(tx, name, password, code, ring_, at, policy_);
    tx.commit();
    return r;
  }

  std::optional<console::Session> Find(const std::string& token, absl::Time at) {
    pqxx::work tx(*conn_);
    auto s = console::FindSession(tx, token, at, policy_);
    tx.commit();
    return s;
  }

  std::unique_ptr<pqxx::connection> conn_;
  std::string org_, officer_, iso_;
  // The tests' own keyring: the audit events written here join the trail
  // the other tests verify, so they are keyed as the services key theirs.
  crypto::Keyring ring_ =
      *crypto::Keyring::FromFile(std::string(DP_SOURCE_DIR) + "/tests/support/test.keys");
  console::SignInPolicy policy_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST_F(ConsoleDbTest, InvitationsWorkOnceAndExpire) {
  pqxx::work tx(*conn_);
  auto token = console::IssueInvitation(tx, iso_, "admin", now_, policy_);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->size(), 43u);
  // Only the token's digest is stored.
  const std::string count = "SELECT count(*) FROM iam.console_invitations WHERE token_sha256 = $1";
  EXPECT_EQ(tx.exec_params1(count, *token)[0].as<int>(), 0);
  EXPECT_EQ(tx.exec_params1(count, Sha256Hex(*token))[0].as<int>(), 1);
  auto open = console::OpenInvitation(tx, *token, now_);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->principal, iso_);
  EXPECT_FALSE(open->needs_totp);
  EXPECT_EQ(console::OpenInvitation(tx, *token, now_ + absl::Hours(73)).status().code(),
            absl::StatusCode::kNotFound);
  const absl::Status weak = console::AcceptInvitation(tx, *token, "short", "", "", ring_, now_);
  EXPECT_EQ(weak.message(), "Choose a password of at least 12 characters.");
  ASSERT_TRUE(console::AcceptInvitation(tx, *token, kPassword, "", "", ring_, now_).ok());
  EXPECT_EQ(console::AcceptInvitation(tx, *token, kPassword, "", "", ring_, now_).code(),
            absl::StatusCode::kNotFound);
  // The password is stored as scrypt, never as typed.
  const std::string stored = tx.exec_params1(
                                   "SELECT password_hash FROM iam.console_accounts"
                                   " WHERE principal_name = $1",
                                   iso_)[0]
                                 .as<std::string>();
  EXPECT_EQ(stored.rfind("scrypt$", 0), 0u);
  EXPECT_EQ(stored.find(kPassword), std::string::npos);
}

TEST_F(ConsoleDbTest, ConsoleAndServicePrincipalsAreNeverInvited) {
  pqxx::work tx(*conn_);
  const std::string svc = Name("svc");
  tx.exec_params(
      "INSERT INTO iam.principals (name, organisation_id, role) VALUES ($1, $2, 'console')", svc,
      org_);
  EXPECT_EQ(console::IssueInvitation(tx, svc, "admin", now_, policy_).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(console::IssueInvitation(tx, "nobody@nowhere", "admin", now_, policy_).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ConsoleDbTest, OfficersNeedACurrentCodeThatWorksOnce) {
  const std::string secret = SetUpOfficer();
  const absl::Time later = now_ + absl::Minutes(5);
  const std::string code = console::TotpAt(secret, absl::ToUnixSeconds(later));
  EXPECT_EQ(SignIn(officer_, kPassword, "", later).outcome, SignInResult::Outcome::kRefused);
  EXPECT_EQ(SignIn(officer_, kPassword, console::TotpAt(secret, absl::ToUnixSeconds(now_)), later)
                .outcome,
            SignInResult::Outcome::kRefused);  // a stale code
  const SignInResult ok = SignIn(officer_, kPassword, code, later);
  ASSERT_EQ(ok.outcome, SignInResult::Outcome::kSignedIn);
  EXPECT_EQ(SignIn(officer_, kPassword, code, later).outcome, SignInResult::Outcome::kRefused)
      << "the same code twice";
  // The secret is stored encrypted.
  pqxx::work tx(*conn_);
  const std::string stored = tx.exec_params1(
                                   "SELECT totp_secret FROM iam.console_accounts"
                                   " WHERE principal_name = $1",
                                   officer_)[0]
                                 .as<std::string>();
  EXPECT_EQ(stored.rfind("v1:k1:", 0), 0u);
}

TEST_F(ConsoleDbTest, FiveFailuresLockTheAccountForFifteenMinutes) {
  const std::string secret = SetUpOfficer();
  absl::Time at = now_ + absl::Minutes(1);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(SignIn(officer_, "wrong password", "", at).outcome, SignInResult::Outcome::kRefused);
  }
  const SignInResult locked = SignIn(officer_, "wrong password", "", at);
  ASSERT_EQ(locked.outcome, SignInResult::Outcome::kLocked);
  EXPECT_EQ(locked.locked_until, at + absl::Minutes(15));
  at += absl::Minutes(14);
  EXPECT_EQ(
      SignIn(officer_, kPassword, console::TotpAt(secret, absl::ToUnixSeconds(at)), at).outcome,
      SignInResult::Outcome::kLocked);
  at += absl::Minutes(2);
  EXPECT_EQ(
      SignIn(officer_, kPassword, console::TotpAt(secret, absl::ToUnixSeconds(at)), at).outcome,
      SignInResult::Outcome::kSignedIn);
}

TEST_F(ConsoleDbTest, SessionsEndWhenIdleTooLongAfterTwelveHoursAndAtSignOut) {
  const std::string secret = SetUpOfficer();
  absl::Time at = now_ + absl::Minutes(1);
  const SignInResult in =
      SignIn(officer_, kPassword, console::TotpAt(secret, absl::ToUnixSeconds(at)), at);
  ASSERT_EQ(in.outcome, SignInResult::Outcome::kSignedIn);
  auto s = Find(in.session_token, at + absl::Minutes(29));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->principal, officer_);
  EXPECT_GE(s->csrf_token.size(), 32u);
  EXPECT_FALSE(Find(in.session_token, at + absl::Minutes(29) + absl::Minutes(31)).has_value())
      << "idle for 31 minutes";
  // Kept busy, it still ends 12 hours after sign-in.
  const SignInResult again =
      SignIn(officer_, kPassword, console::TotpAt(secret, absl::ToUnixSeconds(at + absl::Hours(1))),
             at + absl::Hours(1));
  ASSERT_EQ(again.outcome, SignInResult::Outcome::kSignedIn);
  absl::Time t = at + absl::Hours(1);
  for (int i = 0; i < 24; ++i) {  // 11 h 36 min
    t += absl::Minutes(29);
    ASSERT_TRUE(Find(again.session_token, t).has_value()) << i;
  }
  t += absl::Minutes(29);  // 12 h 5 min after sign-in
  EXPECT_FALSE(Find(again.session_token, t).has_value());
  EXPECT_FALSE(Find("not-a-token", at).has_value());
  // Sign-out.
  const SignInResult third =
      SignIn(officer_, kPassword, console::TotpAt(secret, absl::ToUnixSeconds(t)), t);
  ASSERT_EQ(third.outcome, SignInResult::Outcome::kSignedIn);
  {
    pqxx::work tx(*conn_);
    console::EndSession(tx, third.session_token, ring_, t);
    tx.commit();
  }
  EXPECT_FALSE(Find(third.session_token, t).has_value());
}

TEST_F(ConsoleDbTest, ADisabledPrincipalsSessionEnds) {
  const std::string secret = SetUpOfficer();
  const absl::Time at = now_ + absl::Minutes(1);
  const SignInResult in =
      SignIn(officer_, kPassword, console::TotpAt(secret, absl::ToUnixSeconds(at)), at);
  ASSERT_EQ(in.outcome, SignInResult::Outcome::kSignedIn);
  {
    pqxx::work tx(*conn_);
    tx.exec_params("UPDATE iam.principals SET disabled = true WHERE name = $1", officer_);
    tx.commit();
  }
  EXPECT_FALSE(Find(in.session_token, at).has_value());
}

}  // namespace
}  // namespace dp::testing
