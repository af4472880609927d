#ifndef DP_LIB_MONITORING_BOOKS_REVIEW_H_
#define DP_LIB_MONITORING_BOOKS_REVIEW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "agreements/workflow.h"
#include "db/pool.h"
#include "monitoring/rules/assess.h"
#include "monitoring/rules/settings.h"

// Monitoring at work over the database: checking an agreement (its tier,
// its findings, the cases they open, the person's record), sweeping an
// authority, and an officer's notes and decisions in a review case.
namespace dp::monitoring {

// CheckOutcome is what checking one agreement changed.
struct CheckOutcome {
  bool tier_changed = false;
  int findings_opened = 0;
  int cases_opened = 0;
};

// CheckAgreement works out the agreement's tier and runs every check, in
// the caller's transaction: a new tier, and each finding not already open,
// is stored and written in the person's record in plain words; a finding
// opens the agreement's review case or joins the open one.
absl::StatusOr<CheckOutcome> CheckAgreement(pqxx::work& tx, int64_t agreement_id,
                                            absl::CivilDay today,
                                            const std::vector<Settings>& defaults);

struct SweepOptions {
  std::string authority_id;
  bool full = false;  // every agreement, not only those with new activity
  int64_t after_agreement_id = 0;
  int max_agreements = 1000;  // this call's share; a caller loops for more
  absl::CivilDay today;
  int workers = 4;  // agreements checked at once, each on its own connection (1 to 8)
};

struct SweepResult {
  int agreements = 0;  // active in the authority
  int checked = 0;
  int unchanged = 0;
  int findings_opened = 0;
  int cases_opened = 0;
  int tier_changes = 0;
  int64_t last_agreement_id = 0;  // resume after this one
  bool done = false;              // no agreement left after it
};

// Sweep checks up to `max_agreements` of the authority's active agreements
// after `after_agreement_id`, each in its own transaction, so that an
// interrupted sweep keeps what it did and a re-run finds nothing twice.
// `workers` threads share the agreements: a check is mostly waiting on the
// database, so several at once use it better. A database failure is a
// status, never an exception.
absl::StatusOr<SweepResult> Sweep(db::PgPool& pool, const SweepOptions& options,
                                  const std::vector<Settings>& defaults);

// TierPreview is an agreement's tier now and under proposed settings.
struct TierPreview {
  int64_t agreement_id = 0;
  Assessment now;
  Assessment proposed;
};
std::vector<TierPreview> PreviewTiers(pqxx::transaction_base& tx, const std::string& authority_id,
                                      const Settings& proposed, absl::CivilDay today,
                                      const std::vector<Settings>& defaults);

enum class Decision { kNoAction, kRequestInformation, kAgreePlan, kRecover, kSuspend };
inline constexpr int kDecisions = 5;
std::string_view DecisionName(Decision d);  // "no_action", ...

struct CaseDecision {
  Decision decision = Decision::kNoAction;
  std::string reason;
  std::optional<absl::CivilDay> due_date;  // kRequestInformation
  int64_t amount_pence = 0;                // kRecover
};

// AddNote records a conversation in an open case, and in the person's record.
absl::Status AddNote(pqxx::work& tx, int64_t case_id, const std::string& note,
                     const agreements::Actor& actor);

// Decide records an officer's decision with its reason in the case and the
// person's record. Every decision but a request for information closes the
// case and its open findings with the outcome; a recovery posts through the
// agreements recovery path (agreements::RecoverSurplus) and a suspension
// through the agreement's lifecycle (agreements::Decide), in this same
// transaction. `request_key` makes a recovery's posting once-only.
absl::Status DecideCase(pqxx::work& tx, int64_t case_id, const CaseDecision& decision,
                        const agreements::Actor& actor, const std::string& request_key,
                        absl::CivilDay today, int64_t now_us, const std::vector<Settings>& defaults);

}  // namespace dp::monitoring

#endif  // DP_LIB_MONITORING_BOOKS_REVIEW_H_
