#ifndef DP_LIB_MONITORING_RULES_ASSESS_H_
#define DP_LIB_MONITORING_RULES_ASSESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "monitoring/rules/settings.h"

// Where a tier is worked out and a finding raised: plain C++ over the facts
// the monitoring books gather about one agreement (lib/monitoring/books),
// no database. Every figure the person is shown comes from here.
namespace dp::monitoring {

// Accrual is money a pay run made owing to HMRC or the pension scheme: due
// on the 22nd of the month after its pay date.
struct Accrual {
  absl::CivilDay pay_date;
  int64_t pence = 0;
  int64_t transaction_id = 0;
};

// PaFacts is one of the agreement's PAs, for the contingency an employer
// keeps: holiday accrued and not taken, notice pay, statutory redundancy.
struct PaFacts {
  int64_t employee_id = 0;
  absl::CivilDay start_date;
  int64_t holiday_accrued_centi_hours = 0;  // from payslips
  int64_t holiday_taken_centi_hours = 0;    // holiday hours on timesheets
  int64_t holiday_rate_pence = 0;           // an hour
  int64_t recent_gross_pence = 0;           // over recent_weeks of payslips
  int recent_weeks = 0;
  std::vector<std::string> payslips;        // "run 12, employee 3"
};

// Facts are what the books know about one active agreement on `today`.
struct Facts {
  int64_t agreement_id = 0;
  std::string authority_id;
  absl::CivilDay today;
  absl::CivilDay start_date;
  std::string manager_kind = "self";  // self, guardian, attorney, ..., iso_managed_account
  int64_t annual_cost_pence = 0;
  int64_t net_per_week_pence = 0;     // the net budget, a week
  int agreement_surplus_weeks = 0;    // the agreement's or its authority's; 0: none set
  bool pay_gross = false;

  // Money, from the ledger: the agreement's own and card accounts.
  int64_t balance_pence = 0;        // posted
  int64_t held_pence = 0;           // card purchases authorised, not yet paid
  int64_t wages_owed_pence = 0;
  int64_t hmrc_owed_pence = 0;
  int64_t pension_owed_pence = 0;
  int64_t shortfall_pence = 0;      // card spending beyond the money (force posts)
  std::vector<Accrual> hmrc_accruals;     // oldest first
  std::vector<Accrual> pension_accruals;
  std::vector<PaFacts> pas;

  // Activity.
  std::optional<absl::CivilDay> last_spend_day;
  int payments_in_window = 0;       // the last payments in, at most the settings' periods
  int64_t paid_in_window_pence = 0;
  int64_t spent_in_window_pence = 0;
  std::vector<int64_t> payment_transactions;  // those payments
  int force_posts_90d = 0;
  std::vector<int64_t> force_post_transactions;
  int blocked_declines_90d = 0;
  int64_t cash_90d_pence = 0;
  int earlier_findings_actioned = 0;  // closed with action in the last year
  std::optional<absl::CivilDay> last_review_day;  // the last case decision
  // Open requests for information past their due date: case id and due.
  std::vector<std::pair<int64_t, absl::CivilDay>> information_overdue;
  std::optional<absl::CivilDay> information_due_next;  // the next one not yet late

  // Bank returns, where the agreement sent statements (lib/monitoring/books/bank.h).
  int blocked_bank_lines_90d = 0;
  int64_t blocked_bank_pence_90d = 0;
  std::vector<std::string> unpaid_payslips;  // net wages no statement line paid
  int64_t unpaid_wages_pence = 0;
  int unexplained_wages_lines = 0;           // wages paid out that no payslip explains
  int64_t unexplained_wages_pence = 0;
  int contributions_missing = 0;             // a gross payment's contributions not paid in
  int64_t contributions_missing_pence = 0;
};

// Factor is one reason for a tier, in words the person can be shown.
struct Factor {
  std::string name;
  int points = 0;
  std::string words;
};

struct Assessment {
  Tier tier = Tier::kLight;
  int points = 0;
  std::vector<Factor> factors;
  absl::CivilDay next_review_due;
  std::string words;  // the tier, for the person
};

// Assess works out the tier and when the next review is due.
//
//   Assess(facts_of_a_new_guardian_managed_agreement, defaults)
//     -> standard, 3 points: new_agreement (2), representative (1)
Assessment Assess(const Facts& facts, const Settings& settings);

// Contingency is what a PA employer keeps back for its PAs.
struct Contingency {
  int64_t holiday_pence = 0;
  int64_t notice_pence = 0;
  int64_t redundancy_pence = 0;
  int64_t total() const { return holiday_pence + notice_pence + redundancy_pence; }
};
Contingency PaContingency(const std::vector<PaFacts>& pas, const Settings& settings,
                          absl::CivilDay today);

// Surplus is the Durham-style working: the balance, less holds, less what
// is owed (wages, HMRC, pension), less the PA contingency, against the
// threshold of N weeks of net budget.
struct Surplus {
  int64_t balance_pence = 0;
  int64_t held_pence = 0;
  int64_t owed_pence = 0;
  Contingency contingency;
  int64_t free_pence = 0;       // what is left
  int weeks = 0;
  int64_t threshold_pence = 0;
  int64_t above_pence = 0;      // free - threshold, when positive
};
Surplus SurplusOf(const Facts& facts, const Settings& settings);

// Overdue is what of `accruals` remains unpaid after `paid_pence` (paid
// oldest first) and was due (the 22nd of the month after the pay date,
// plus `grace_days`) before `today`, and the oldest such due date.
struct Overdue {
  int64_t pence = 0;
  std::optional<absl::CivilDay> since;
  std::vector<int64_t> transaction_ids;
};
Overdue OverdueOf(const std::vector<Accrual>& accruals, int64_t owed_pence, int grace_days,
                  absl::CivilDay today);

// Candidate is a finding a check raises: `key` deduplicates it while an
// earlier one is open ("surplus", "overdue_information:7").
struct Candidate {
  std::string check;
  std::string key;
  int64_t amount_pence = 0;
  std::string summary;
  std::vector<int64_t> transaction_ids;
  std::vector<std::string> payslips;
};

// Check runs every check on the facts.
//
//   Check(facts_holding_12_weeks_over, defaults)
//     -> {surplus, £..., "The account holds £8,374.64. ..."}
std::vector<Candidate> Check(const Facts& facts, const Settings& settings,
                             const Assessment& assessment);

// RecheckOn is the first day on which time alone, with no new activity,
// could change the agreement's tier or findings: a review falling due, a
// liability becoming late, an information request running out, dormancy
// beginning, the new-agreement months ending; never later than a week
// from today (what counts over the last 90 days ages too).
//
//   RecheckOn(facts_with_review_due_2026_12_10, defaults, a) -> 2026-12-09 ... at most today + 7
absl::CivilDay RecheckOn(const Facts& facts, const Settings& settings, const Assessment& assessment);

}  // namespace dp::monitoring

#endif  // DP_LIB_MONITORING_RULES_ASSESS_H_
