#ifndef DP_LIB_AGREEMENTS_WORKFLOW_H_
#define DP_LIB_AGREEMENTS_WORKFLOW_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "agreements/agreement.h"
#include "agreements/store.h"

// What happens to an agreement, step by step, inside the caller's database
// transaction: each function checks the rules (agreement.h), writes the
// agreement's rows and any ledger postings together, and records the
// decision with its reason in the person's record. An error writes nothing
// the caller keeps: it rolls the transaction back.
namespace dp::agreements {

// Actor is who makes a decision: their name and delegated approval level
// ("none", "worker", "manager" or "panel").
struct Actor {
  std::string name;
  std::string approver_level = "none";
};

// CheckAuthority: NOT_FOUND naming authority_id unless it is a registered
// authority.
absl::Status CheckAuthority(pqxx::transaction_base& tx, const std::string& authority_id);

// SetSettings records an authority's settings from `settings.effective_from`
// and creates its funding account in the ledger the first time.
absl::StatusOr<Settings> SetSettings(pqxx::work& tx, Settings settings, const Actor& actor);

struct NewAgreement {
  std::string authority_id;
  int64_t person_id = 0;
  Manager manager;
  VersionRecord first;  // version 1; its effective_from is its start date
};

// CreateAgreement validates the terms against the authority's settings in
// force on the start date and drafts the agreement.
absl::StatusOr<int64_t> CreateAgreement(pqxx::work& tx, NewAgreement agreement,
                                        const Actor& actor);

// Amend adds a version. A live agreement keeps its start date and payment
// frequency, and the actor needs the delegated authority for its new cost.
absl::Status Amend(pqxx::work& tx, int64_t agreement_id, VersionRecord next, const Actor& actor);

enum class Action { kSubmit, kReturn, kApprove, kActivate, kSuspend, kResume };

// Decide applies one lifecycle decision. `now_us` and `today` are the
// clock's reading, passed in so that tests control time.
absl::Status Decide(pqxx::work& tx, int64_t agreement_id, Action action,
                    const std::string& reason, const Actor& actor, int64_t now_us,
                    absl::CivilDay today);

// VersionInForce is the version in force on `day`: the latest whose
// effective_from is on or before it, else the first.
const VersionRecord& VersionInForce(const std::vector<VersionRecord>& versions,
                                    absl::CivilDay day);

// PaymentRunResult is what one schedule run paid.
struct PaymentRunResult {
  RunRecord run;
  std::vector<PaidPeriod> payments;
};

// RunPaymentSchedule pays, from the authority's funding account into each
// active agreement's account, every period due by `run_date` and not paid
// yet. Each payment is a ledger transaction whose request id names the
// agreement and period, so no period is ever paid twice. `progress`, when
// given, hears (agreements done, agreements in all): at the start, about
// every twentieth agreement, and when all are done (before posting).
using RunProgress = std::function<void(int done, int total)>;
absl::StatusOr<PaymentRunResult> RunPaymentSchedule(pqxx::work& tx,
                                                    const std::string& authority_id,
                                                    absl::CivilDay run_date, const Actor& actor,
                                                    const RunProgress& progress = {});

// PositionOf reads an agreement's money from the ledger: the balance of
// its account, and what its liability accounts (wages, HMRC and pension
// payable, created by payroll with codes ending :WAGES, :HMRC, :PENSION)
// still owe.
absl::StatusOr<Position> PositionOf(pqxx::transaction_base& tx, const Header& header);

// Terminate ends the agreement on `end_date` and records what else is owed.
absl::StatusOr<Position> Terminate(pqxx::work& tx, int64_t agreement_id,
                                   absl::CivilDay end_date, int64_t notice_pay_pence,
                                   int64_t holiday_pay_pence, const std::string& reason,
                                   const Actor& actor);

// ConfirmRecovery posts the recovery of `amount_pence` (at most what is
// recoverable now) from the agreement's account back to the authority.
absl::Status ConfirmRecovery(pqxx::work& tx, int64_t agreement_id, int64_t amount_pence,
                             const std::string& reason, const Actor& actor);

// RecoverSurplus posts, for a live agreement, the recovery of
// `amount_pence` from its account to the authority's funding account, as
// an officer decided after a review (lib/monitoring): at most what the
// account holds free of everything it owes now. `request_key` makes the
// ledger transaction once-only. Returns the transaction's id.
absl::StatusOr<int64_t> RecoverSurplus(pqxx::work& tx, int64_t agreement_id, int64_t amount_pence,
                                       const std::string& request_key, const std::string& reason,
                                       const Actor& actor, absl::CivilDay today);

}  // namespace dp::agreements

#endif  // DP_LIB_AGREEMENTS_WORKFLOW_H_
