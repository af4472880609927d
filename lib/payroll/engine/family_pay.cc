#include "payroll/engine/family_pay.h"

#include <algorithm>

#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "money/money.h"

namespace dp::payroll {
namespace {

constexpr int kAweWeeks = 8;

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// NotEntitledStep is what the employer must do when a PA is not entitled.
std::string NotEntitledStep(FamilyPayKind kind) {
  switch (kind) {
    case FamilyPayKind::kMaternity:
      return "Give the PA form SMP1 within 7 days; they may claim Maternity Allowance.";
    case FamilyPayKind::kAdoption:
      return "Give the PA form SAP1 within 7 days.";
    default:
      return "Tell the PA in writing within 28 days.";
  }
}

// Average is the AWE from pay here: received after the last payday at
// least 8 weeks before the last payday in the qualifying week, up to it.
std::optional<int64_t> Average(const std::vector<PaidOn>& pay, PayFrequency frequency,
                               absl::CivilDay qualifying_week_end) {
  std::optional<absl::CivilDay> last, before;
  for (const PaidOn& p : pay) {
    if (p.payment_date <= qualifying_week_end && (!last || p.payment_date > *last)) {
      last = p.payment_date;
    }
  }
  if (!last) return std::nullopt;
  for (const PaidOn& p : pay) {
    if (p.payment_date <= *last - kAweWeeks * 7 && (!before || p.payment_date > *before)) {
      before = p.payment_date;
    }
  }
  if (!before) return std::nullopt;
  int64_t sum = 0;
  int payments = 0;
  for (const PaidOn& p : pay) {
    if (p.payment_date > *before && p.payment_date <= *last) {
      sum += p.gross_pence;
      ++payments;
    }
  }
  if (frequency == PayFrequency::kMonthly) return sum * 12 / (52 * payments);
  return sum * 7 / (*last - *before);
}

const TaxYear* RateYear(const TaxYears& years, absl::CivilDay week_start) {
  const std::string day = Day(week_start);
  const TaxYear* best = nullptr;
  for (const TaxYear& y : years.All()) {
    if (y.family_pay.rate_from <= day && (!best || y.family_pay.rate_from > best->family_pay.rate_from)) {
      best = &y;
    }
  }
  return best;
}

// DueThrough is what the leave pays for its days up to and including
// `through`: whole weeks, and a part week by the day, rounded up.
absl::StatusOr<int64_t> DueThrough(const TaxYears& years, const FamilyLeave& leave,
                                   absl::CivilDay through) {
  if (through < leave.pay_start) return 0;
  const int64_t days = std::min<int64_t>(through - leave.pay_start + 1, leave.weeks * 7);
  int64_t due = 0;
  for (int week = 0; week * 7 < days; ++week) {
    auto weekly = WeeklyFamilyPay(years, leave, week);
    if (!weekly.ok()) return weekly.status();
    const int64_t in_week = std::min<int64_t>(7, days - week * 7);
    due += in_week == 7 ? *weekly : CeilDiv(*weekly * in_week, 7);
  }
  return due;
}

}  // namespace

std::string_view FamilyPayKindName(FamilyPayKind kind) {
  switch (kind) {
    case FamilyPayKind::kMaternity: return "maternity";
    case FamilyPayKind::kPaternity: return "paternity";
    case FamilyPayKind::kAdoption: return "adoption";
    case FamilyPayKind::kSharedParental: return "shared_parental";
    case FamilyPayKind::kBereavement: return "bereavement";
  }
  return "";
}

std::optional<FamilyPayKind> ParseFamilyPayKind(std::string_view name) {
  for (FamilyPayKind k : kAllFamilyPayKinds) {
    if (FamilyPayKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view FamilyPayLongName(FamilyPayKind kind) {
  switch (kind) {
    case FamilyPayKind::kMaternity: return "Statutory Maternity Pay";
    case FamilyPayKind::kPaternity: return "Statutory Paternity Pay";
    case FamilyPayKind::kAdoption: return "Statutory Adoption Pay";
    case FamilyPayKind::kSharedParental: return "Statutory Shared Parental Pay";
    case FamilyPayKind::kBereavement: return "Statutory Parental Bereavement Pay";
  }
  return "";
}

std::string_view FamilyPayAbbreviation(FamilyPayKind kind) {
  switch (kind) {
    case FamilyPayKind::kMaternity: return "SMP";
    case FamilyPayKind::kPaternity: return "SPP";
    case FamilyPayKind::kAdoption: return "SAP";
    case FamilyPayKind::kSharedParental: return "ShPP";
    case FamilyPayKind::kBereavement: return "SPBP";
  }
  return "";
}

absl::CivilDay WeekStart(absl::CivilDay day) {
  const int since_sunday = (static_cast<int>(absl::GetWeekday(day)) + 1) % 7;
  return day - since_sunday;
}

absl::StatusOr<FamilyPayDecision> DecideFamilyPay(const TaxYears& years,
                                                  const FamilyPayClaim& c) {
  auto start_year = years.ForDate(Day(c.pay_start));
  if (!start_year.ok()) return start_year.status();
  const FamilyPayFigures& f = (*start_year)->family_pay;
  const int max_weeks = f.max_weeks.at(c.kind);
  if (c.weeks < 1 || c.weeks > max_weeks) {
    return FieldError("weeks", dp::StrCat("must be 1 to ", max_weeks, " for ",
                                          FamilyPayAbbreviation(c.kind)));
  }
  FamilyPayDecision d;
  const absl::CivilDay relevant_week = WeekStart(c.relevant_date);
  switch (c.kind) {
    case FamilyPayKind::kMaternity:
    case FamilyPayKind::kPaternity:
    case FamilyPayKind::kSharedParental:
      d.qualifying_week_start = relevant_week - 7 * f.qualifying_week_before_due;
      break;
    case FamilyPayKind::kAdoption:
      d.qualifying_week_start = relevant_week;
      break;
    case FamilyPayKind::kBereavement:
      d.qualifying_week_start = relevant_week - 7;
      break;
  }
  d.qualifying_week_end = d.qualifying_week_start + 6;
  // When pay may start.
  if (c.kind == FamilyPayKind::kMaternity && c.pay_start < relevant_week - 11 * 7) {
    return FieldError("pay_start", dp::StrCat(
        "SMP starts no earlier than the 11th week before the expected week of childbirth (",
        Day(relevant_week - 11 * 7), ")"));
  }
  if (c.kind == FamilyPayKind::kAdoption && c.pay_start < d.qualifying_week_start) {
    return FieldError("pay_start", "SAP starts no earlier than the week of the match");
  }
  if ((c.kind == FamilyPayKind::kPaternity || c.kind == FamilyPayKind::kSharedParental) &&
      (c.pay_start < relevant_week || c.pay_start > c.relevant_date + 52 * 7)) {
    return FieldError("pay_start", dp::StrCat(
        FamilyPayAbbreviation(c.kind), " is paid from the week of the birth (",
        Day(relevant_week), ") to 52 weeks after it"));
  }
  if (c.kind == FamilyPayKind::kBereavement &&
      (c.pay_start < c.relevant_date || c.pay_start > c.relevant_date + 56 * 7)) {
    return FieldError("pay_start", "SPBP is paid from the death to 56 weeks after it");
  }
  // Service: employed in each week up to and including the QW.
  d.weeks_employed =
      c.employment_start > d.qualifying_week_end
          ? 0
          : static_cast<int>((d.qualifying_week_start - WeekStart(c.employment_start)) / 7) + 1;
  // Average weekly earnings, from pay here or recorded from before.
  const std::optional<int64_t> here = Average(c.earlier_pay, c.frequency, d.qualifying_week_end);
  if (here) {
    d.average_weekly_earnings_pence = *here;
  } else if (c.average_weekly_earnings_before_pence) {
    d.average_weekly_earnings_pence = *c.average_weekly_earnings_before_pence;
  } else if (d.weeks_employed >= f.qualifying_service_weeks) {
    return Refusal(absl::StatusCode::kFailedPrecondition, reason::kAverageEarningsNeeded,
                   dp::StrCat("there is not 8 weeks' pay here before the qualifying week ",
                              Day(d.qualifying_week_start), " to ", Day(d.qualifying_week_end),
                              " to work out average weekly earnings: give "
                              "average_weekly_earnings_pence from the payroll records"));
  }
  auto qw_year = years.ForDate(Day(d.qualifying_week_end));
  if (!qw_year.ok()) return qw_year.status();
  const int64_t lel = (*qw_year)->ni_thresholds.at(PayFrequency::kWeekly).lel_pence;
  const std::string qw = dp::StrCat("the qualifying week (", Day(d.qualifying_week_start), " to ",
                                    Day(d.qualifying_week_end), ")");
  if (d.weeks_employed < f.qualifying_service_weeks) {
    d.reason = dp::StrCat("Not entitled to ", FamilyPayLongName(c.kind), ": employed here for ",
                          d.weeks_employed, " weeks by ", qw, "; ", f.qualifying_service_weeks,
                          " are needed. ", NotEntitledStep(c.kind));
    return d;
  }
  if (d.average_weekly_earnings_pence < lel) {
    d.reason = dp::StrCat("Not entitled to ", FamilyPayLongName(c.kind), ": average weekly earnings of £",
                          FormatPence(d.average_weekly_earnings_pence),
                          " are below the lower earnings limit of £", FormatPence(lel), " for ",
                          qw, ". ", NotEntitledStep(c.kind));
    return d;
  }
  d.entitled = true;
  const int64_t ninety = CeilDiv(d.average_weekly_earnings_pence * f.earnings_related_bp, 10000);
  const int high_weeks = std::min(c.weeks, f.earnings_related_weeks.count(c.kind)
                                               ? f.earnings_related_weeks.at(c.kind)
                                               : 0);
  d.reason = dp::StrCat("Entitled to ", FamilyPayLongName(c.kind), ": employed here for ",
                        d.weeks_employed, " weeks by ", qw, ", average weekly earnings £",
                        FormatPence(d.average_weekly_earnings_pence), " (at least £",
                        FormatPence(lel), "). ", c.weeks, " weeks from ", Day(c.pay_start), ": ");
  if (high_weeks > 0) {
    dp::StrAppend(&d.reason, high_weeks, " at £", FormatPence(ninety), " (90%)",
                  c.weeks > high_weeks ? ", then " : ".");
  }
  if (c.weeks > high_weeks) {
    dp::StrAppend(&d.reason, "£", FormatPence(std::min(ninety, f.weekly_rate_pence)),
                  " a week (the lower of 90% and the statutory rate, which changes each April).");
  }
  return d;
}

absl::StatusOr<int64_t> WeeklyFamilyPay(const TaxYears& years, const FamilyLeave& leave,
                                        int week) {
  DP_CHECK(week >= 0 && week < leave.weeks);
  auto start_year = years.ForDate(Day(leave.pay_start));
  if (!start_year.ok()) return start_year.status();
  const FamilyPayFigures& f = (*start_year)->family_pay;
  const int64_t ninety = CeilDiv(leave.average_weekly_earnings_pence * f.earnings_related_bp, 10000);
  const auto high = f.earnings_related_weeks.find(leave.kind);
  if (high != f.earnings_related_weeks.end() && week < high->second) return ninety;
  const absl::CivilDay week_start = leave.pay_start + 7 * week;
  const TaxYear* rate_year = RateYear(years, week_start);
  if (rate_year == nullptr) {
    return absl::NotFoundError(dp::StrCat("no statutory family pay rate in force on ",
                                          Day(week_start), "; add its tax year's data"));
  }
  return std::min(ninety, rate_year->family_pay.weekly_rate_pence);
}

absl::StatusOr<int64_t> FamilyPayForPeriod(const TaxYears& years, const FamilyLeave& leave,
                                           absl::CivilDay start, absl::CivilDay end) {
  DP_CHECK(start <= end);
  auto to_end = DueThrough(years, leave, end);
  if (!to_end.ok()) return to_end.status();
  auto before = DueThrough(years, leave, start - 1);
  if (!before.ok()) return before.status();
  DP_CHECK(*to_end >= *before);
  return *to_end - *before;
}

FamilyPayRecovery RecoverFamilyPay(const TaxYear& year, int64_t paid_pence, bool small_employer) {
  const FamilyPayFigures& f = year.family_pay;
  auto share = [&](int32_t bp) { return (paid_pence * bp + 5000) / 10000; };
  if (!small_employer) return {share(f.recovery_bp), 0};
  return {share(f.small_employer_recovery_bp), share(f.small_employer_compensation_bp)};
}

}  // namespace dp::payroll
