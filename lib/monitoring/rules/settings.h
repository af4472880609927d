#ifndef DP_LIB_MONITORING_RULES_SETTINGS_H_
#define DP_LIB_MONITORING_RULES_SETTINGS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

// An authority's monitoring rules: the points each risk factor adds, where
// the tiers begin, how often each tier is reviewed, and the thresholds of
// the checks. Versioned data chosen by effective date: the defaults are
// data/monitoring/settings.json, an authority's own are rows of
// monitoring.settings.
namespace dp::monitoring {

enum class Tier { kLight, kStandard, kEnhanced };
inline constexpr size_t kTiers = 3;
std::string_view TierName(Tier tier);  // "light", "standard", "enhanced"
bool ParseTier(std::string_view name, Tier* tier);

// Settings is one version. Every field has a default: the defaults file
// sets them all, and an authority's version is stored whole.
struct Settings {
  std::string version;  // "default:2026-04-01", "FIFE:3"
  absl::CivilDay effective_from;

  int new_agreement_months = 6;
  int new_agreement_points = 2;
  int64_t large_budget_annual_pence = 50'000'00;
  int large_budget_points = 1;
  int representative_points = 1;
  int earlier_findings_points = 2;
  int unpaid_liability_points = 3;
  int negative_balance_points = 3;
  int force_post_points = 1;
  int blocked_declines_at_least = 3;
  int blocked_decline_points = 1;
  int cash_use_points = 1;
  int dormant_days = 90;
  int dormant_points = 1;
  int standard_from_points = 2;
  int enhanced_from_points = 5;
  std::array<int, kTiers> review_months = {12, 6, 3};
  std::array<std::string, kTiers> evidence = {
      "Nothing routinely: the card and bank records are enough.",
      "Receipts for purchases over £100 when a review asks for them.",
      "Receipts and invoices for each review period."};

  int surplus_weeks = 0;  // 0: the agreement's or the authority's
  int underspend_periods = 3;
  int underspend_percent = 50;
  int information_due_days = 28;
  int liability_grace_days = 0;
  int bank_match_days = 5;          // a bank line matches what was expected within this many days
  int64_t bank_match_pence = 0;     // and within this much
  int64_t redundancy_week_cap_pence = 719'00;  // 2025-26 statutory cap

  // Check refuses settings no authority could work by, naming the field
  // under `prefix` ("settings.").
  absl::Status Check(std::string_view prefix) const;
};

// ToJson and FromJson keep settings in monitoring.settings and in the
// defaults file; FromJson starts from the built-in defaults, so a file or
// row names only what it changes.
std::string ToJson(const Settings& settings);
absl::StatusOr<Settings> FromJson(std::string_view json);

// DefaultSettings reads the defaults file's versions: {"versions": [{
// "effective_from": "2026-04-01", ...fields...}]}. InForce picks the
// version on `day` (the earliest when `day` precedes them all).
absl::StatusOr<std::vector<Settings>> LoadDefaults(const std::string& path);
const Settings& InForce(const std::vector<Settings>& versions, absl::CivilDay day);

}  // namespace dp::monitoring

#endif  // DP_LIB_MONITORING_RULES_SETTINGS_H_
