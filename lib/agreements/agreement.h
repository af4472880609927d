#ifndef DP_LIB_AGREEMENTS_AGREEMENT_H_
#define DP_LIB_AGREEMENTS_AGREEMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

// The rules of an Option 1 direct payment agreement that need no database:
// its status lifecycle, who may approve it (SDS standard 8.2, 8.9), the
// validity of its terms, and the payments it generates.
namespace dp::agreements {

enum class Status { kDraft, kAwaitingApproval, kApproved, kActive, kSuspended, kTerminated };
std::string_view StatusName(Status status);

// CheckTransition refuses a move the lifecycle does not allow, with
// FAILED_PRECONDITION naming both states:
//   draft -> awaiting_approval -> approved -> active <-> suspended
//   awaiting_approval -> draft (returned for changes)
//   any state but terminated -> terminated
absl::Status CheckTransition(Status from, Status to);

enum class ApprovalLevel { kWorker, kManager, kPanel };
std::string_view ApprovalLevelName(ApprovalLevel level);

// ApprovalLimits are an authority's delegated limits on annual cost, as
// effective-dated data: workers up to `worker_max`, managers up to
// `manager_max`, a panel above (the national threshold).
struct ApprovalLimits {
  int64_t worker_max_pence = 0;
  int64_t manager_max_pence = 0;
};

ApprovalLevel RequiredApprovalLevel(int64_t annual_cost_pence, const ApprovalLimits& limits);

// CheckApprover refuses (PERMISSION_DENIED) an approver whose level is
// below what the annual cost requires.
absl::Status CheckApprover(ApprovalLevel approver, int64_t annual_cost_pence,
                           const ApprovalLimits& limits);

enum class Frequency { kFourWeekly, kMonthly };
int PeriodsPerYear(Frequency f);
std::string_view FrequencyName(Frequency f);  // "four_weekly", "monthly"
std::optional<Frequency> ParseFrequency(std::string_view name);

// Terms are what the money side of an agreement says.
struct Terms {
  absl::CivilDay start;
  std::optional<absl::CivilDay> end;  // inclusive; empty: open-ended
  Frequency frequency = Frequency::kFourWeekly;
  int64_t gross_budget_per_period_pence = 0;
  int64_t contribution_per_period_pence = 0;  // the person's assessed contribution
  bool pay_gross = false;                     // the person asked to be paid gross
  std::vector<std::string> permitted_uses;
};

// ValidateTerms names the bad field: end before start, a negative budget,
// a contribution above the budget, a use no direct payment may buy.
absl::Status ValidateTerms(const Terms& terms);

// NetPerPeriod is what the authority pays each full period.
int64_t NetPerPeriod(const Terms& terms);

// AnnualCost is the gross budget over a year of periods: what decides who
// may approve the agreement.
int64_t AnnualCost(const Terms& terms);

// Payment is one scheduled payment, in advance, for one period.
struct Payment {
  absl::CivilDay period_start;
  absl::CivilDay period_end;  // inclusive
  absl::CivilDay due;         // the period's first day: paid in advance
  int64_t amount_pence = 0;
  bool pro_rated = false;
  int64_t covered_days = 0;  // of the period, inside the agreement
  int64_t period_days = 0;   // of the whole period
  int version = 0;           // set by PaymentsDue
};

// Schedule lists the payments whose periods start on or before `horizon`.
// Four-weekly periods run in 28-day steps from `cycle_anchor` (the
// authority's payment cycle); monthly periods are calendar months. A first
// or last period only partly inside the agreement is paid pro rata by
// days, rounded down to the penny.
absl::StatusOr<std::vector<Payment>> Schedule(const Terms& terms, absl::CivilDay cycle_anchor,
                                              absl::CivilDay horizon);

// Version is one effective-dated version of an agreement's terms.
struct Version {
  int version = 0;
  absl::CivilDay effective_from;
  Terms terms;
};

// PaymentsDue lists the payments of periods due between `payable_from` and
// `horizon` (inclusive). The latest version lays out the periods (its start
// and end decide the pro-rating); each period is paid at the rate of the
// version in force on its due date, so an amendment changes future periods
// only. `versions` must be in ascending version order, and all versions
// share one start date and frequency (AmendAgreement keeps them).
//
//   PaymentsDue({{1, start, terms}}, anchor, start, today)
absl::StatusOr<std::vector<Payment>> PaymentsDue(const std::vector<Version>& versions,
                                                 absl::CivilDay cycle_anchor,
                                                 absl::CivilDay payable_from,
                                                 absl::CivilDay horizon);

// Position is an ended agreement's money: what its account holds and what
// is still owed from it.
struct Position {
  int64_t balance_held_pence = 0;
  int64_t wages_owed_pence = 0;
  int64_t hmrc_owed_pence = 0;
  int64_t pension_owed_pence = 0;
  int64_t other_owed_pence = 0;
  int64_t notice_pay_owed_pence = 0;
  int64_t holiday_pay_owed_pence = 0;
};

// LiabilityKind sorts an agreement's liability account by its code's
// ending: the wages, HMRC and pension payable that payroll opens
// (":WAGES", ":HMRC", ":PENSION"), or another (a card shortfall, ...).
//
//   LiabilityOf("AGR-1:EMP-1:HMRC") -> kHmrc
enum class LiabilityKind { kWages, kHmrc, kPension, kOther };
LiabilityKind LiabilityOf(std::string_view account_code);

// Recoverable is what the authority may recover: the balance held less
// everything still owed, never below zero (a shortfall is not recovered
// from the person).
int64_t Recoverable(const Position& position);

}  // namespace dp::agreements

#endif  // DP_LIB_AGREEMENTS_AGREEMENT_H_
