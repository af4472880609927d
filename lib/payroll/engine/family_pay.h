#ifndef DP_LIB_PAYROLL_ENGINE_FAMILY_PAY_H_
#define DP_LIB_PAYROLL_ENGINE_FAMILY_PAY_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "payroll/engine/sickness.h"
#include "payroll/engine/tax_year.h"

// Statutory family pay: Maternity (SMP), Paternity (SPP), Adoption (SAP),
// Shared Parental (ShPP) and Parental Bereavement Pay (SPBP), after HMRC's
// employer guides ("Statutory Maternity Pay: employer guide" and the
// others). The rules are here; every figure (the prescribed weekly rate and
// the day it changes, 90%, the weeks, 26 weeks' service, recovery rates) is
// tax-year data (TaxYear::family_pay).
//
// - The qualifying week (QW) is a Sunday-to-Saturday week: the 15th before
//   the expected week of childbirth for SMP, SPP and ShPP; the week the
//   adopter is told of the match for SAP; the week before the child's death
//   for SPBP.
// - Entitled: employed in each of the 26 weeks up to and including the QW,
//   and average weekly earnings (AWE) at least the weekly LEL in force at
//   the QW's end. Not entitled is a decision in words (form SMP1), not an
//   error.
// - AWE: pay received after the last payday at least 8 weeks before the
//   last payday in the QW, up to that payday, over the weeks it covers
//   (months: x 12 / 52). A PA here too briefly has AWE recorded from before.
// - Weekly amount: 90% of AWE, rounded up to the penny, for SMP's and SAP's
//   first 6 weeks; then (and for SPP, ShPP, SPBP throughout) the lower of
//   that and the prescribed rate in force when the pay week starts. A part
//   week is paid by the day (weekly x days / 7, rounded up), worked out on
//   the whole leave so far, so periods never add up to more than the weeks.
namespace dp::payroll {

enum class FamilyPayKind { kMaternity, kPaternity, kAdoption, kSharedParental, kBereavement };
inline constexpr int kFamilyPayKinds = 5;
inline constexpr FamilyPayKind kAllFamilyPayKinds[kFamilyPayKinds] = {
    FamilyPayKind::kMaternity, FamilyPayKind::kPaternity, FamilyPayKind::kAdoption,
    FamilyPayKind::kSharedParental, FamilyPayKind::kBereavement};
std::string_view FamilyPayKindName(FamilyPayKind kind);  // "maternity", ...
std::optional<FamilyPayKind> ParseFamilyPayKind(std::string_view name);
std::string_view FamilyPayAbbreviation(FamilyPayKind kind);  // "SMP", "SPP", "SAP", "ShPP", "SPBP"
std::string_view FamilyPayLongName(FamilyPayKind kind);  // "Statutory Maternity Pay", ...

// FamilyPayClaim is what an employer is told: the kind, the date that
// fixes the qualifying week (the due date, the matching date, or the
// date of death), the leave, and the PA's employment and pay.
struct FamilyPayClaim {
  FamilyPayKind kind = FamilyPayKind::kMaternity;
  absl::CivilDay relevant_date;
  absl::CivilDay pay_start;
  int weeks = 0;
  PayFrequency frequency = PayFrequency::kFourWeekly;
  absl::CivilDay employment_start;
  std::vector<PaidOn> earlier_pay;
  std::optional<int64_t> average_weekly_earnings_before_pence;
};

// FamilyPayDecision is whether the PA is entitled, why in words, and the
// figures a pay run needs.
struct FamilyPayDecision {
  absl::CivilDay qualifying_week_start, qualifying_week_end;  // Sunday, Saturday
  int weeks_employed = 0;  // up to and including the QW
  int64_t average_weekly_earnings_pence = 0;
  bool entitled = false;
  std::string reason;
};

// WeekStart is the Sunday that begins the week `day` falls in.
absl::CivilDay WeekStart(absl::CivilDay day);

// DecideFamilyPay works out entitlement. Refused, naming the field: weeks
// outside 1 to the kind's maximum, a pay start the rules do not allow (SMP
// no earlier than the 11th week before the expected week; SPP, SPBP after
// the birth or death and within 52 or 56 weeks). FAILED_PRECONDITION,
// AVERAGE_EARNINGS_NEEDED: too little pay here for AWE and none recorded.
//
//   DecideFamilyPay(years, {kMaternity, due 2026-09-14, pay from 2026-08-03, 39 weeks, ...})
//   -> QW 2026-05-24..30; entitled: "26 weeks' service by the qualifying week ..."
absl::StatusOr<FamilyPayDecision> DecideFamilyPay(const TaxYears& years,
                                                  const FamilyPayClaim& claim);

// FamilyLeave is an entitled leave as a pay run reads it.
struct FamilyLeave {
  FamilyPayKind kind = FamilyPayKind::kMaternity;
  absl::CivilDay pay_start;
  int weeks = 0;
  int64_t average_weekly_earnings_pence = 0;
};

// WeeklyFamilyPay is what week `week` (0: the first) of a leave pays.
absl::StatusOr<int64_t> WeeklyFamilyPay(const TaxYears& years, const FamilyLeave& leave, int week);

// FamilyPayForPeriod is what a leave pays for its days within `start` to
// `end` (inclusive).
//   SMP on AWE £500 from Monday 2025-06-02: weeks 1 to 6 £450.00 each.
absl::StatusOr<int64_t> FamilyPayForPeriod(const TaxYears& years, const FamilyLeave& leave,
                                           absl::CivilDay start, absl::CivilDay end);

// FamilyPayRecovery is what the employer recovers of `paid_pence` from
// HMRC: `recovered` (92%, or 100% for a small employer) and, for a small
// employer, `compensation` (8.5%), as the EPS reports them.
struct FamilyPayRecovery {
  int64_t recovered_pence = 0;
  int64_t compensation_pence = 0;
};
FamilyPayRecovery RecoverFamilyPay(const TaxYear& year, int64_t paid_pence, bool small_employer);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_ENGINE_FAMILY_PAY_H_
