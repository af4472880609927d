#include "payroll/engine/leaving.h"

#include <algorithm>

#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "money/money.h"

namespace dp::payroll {
namespace {

constexpr int kWeeksPayWeeks = 12;
constexpr int kMaxNoticeWeeks = 52;

// YearsBefore is `day` moved back `years` years (29 February to the 28th).
absl::CivilDay YearsBefore(absl::CivilDay day, int years) {
  const absl::civil_year_t y = day.year() - years;
  absl::CivilDay moved(y, day.month(), day.day());
  if (moved.month() != day.month()) moved = absl::CivilDay(y, day.month() + 1, 1) - 1;
  return moved;
}

// Weeks and Years say a count in words: "1 week", "4 weeks".
std::string Weeks(int n) { return dp::StrCat(n, n == 1 ? " week" : " weeks"); }
std::string Years(int n) { return dp::StrCat(n, n == 1 ? " complete year's" : " complete years'"); }

}  // namespace

std::optional<int64_t> WeeksPay(const std::vector<PaidPeriod>& pay, absl::CivilDay leave_date) {
  int64_t gross = 0, days = 0;
  for (const PaidPeriod& p : pay) {
    if (p.period_end > leave_date || p.period_end <= leave_date - kWeeksPayWeeks * 7) continue;
    gross += p.gross_pence;
    days += p.period_end - p.period_start + 1;
  }
  if (days == 0) return std::nullopt;
  return gross * 7 / days;
}

int CompleteYears(absl::CivilDay from, absl::CivilDay to) {
  int years = static_cast<int>(to.year() - from.year());
  if (to.month() < from.month() || (to.month() == from.month() && to.day() < from.day())) --years;
  return std::max(years, 0);
}

absl::StatusOr<LeaverPay> LeaverFinalPay(const TaxYear& year, const LeaverClaim& c) {
  const LeaverFigures& f = year.leavers;
  LeaverPay out;
  out.complete_years = CompleteYears(c.employment_start, c.leave_date + 1);
  const int64_t service_days = c.leave_date - c.employment_start + 1;
  out.statutory_notice_weeks = service_days < f.notice_min_service_days ? 0
                               : out.complete_years < 2
                                   ? 1
                                   : std::min(out.complete_years, f.notice_max_weeks);
  out.notice_weeks = c.notice_weeks.value_or(out.statutory_notice_weeks);
  if (out.notice_weeks < out.statutory_notice_weeks || out.notice_weeks > kMaxNoticeWeeks) {
    return FieldError("notice_weeks", dp::StrCat(
        "must be from the statutory minimum of ", Weeks(out.statutory_notice_weeks), " (",
        Years(out.complete_years), " service) to ", kMaxNoticeWeeks));
  }
  const bool pays_something = (c.notice_in_lieu && out.notice_weeks > 0) || c.redundancy;
  if (pays_something && c.weeks_pay_pence <= 0) {
    return FieldError("weeks_pay_pence", "a week's pay is needed for notice or redundancy pay; "
                      "give it when there are no pay periods in the 12 weeks before leaving");
  }
  std::vector<std::string> words;
  if (c.notice_in_lieu) {
    out.notice_pay_pence = out.notice_weeks * c.weeks_pay_pence;
    words.push_back(dp::StrCat("Notice pay in lieu: ", Weeks(out.notice_weeks), " at £",
                               FormatPence(c.weeks_pay_pence), " = £",
                               FormatPence(out.notice_pay_pence), " (statutory minimum ",
                               Weeks(out.statutory_notice_weeks), "), taxed as pay."));
  }
  if (c.redundancy && out.complete_years < f.redundancy_min_years) {
    words.push_back(dp::StrCat("No statutory redundancy pay: ", Years(out.complete_years),
                               " service; ", f.redundancy_min_years, " are needed."));
  } else if (c.redundancy) {
    const int counted = std::min(out.complete_years, f.redundancy_max_years);
    std::vector<int> years_in_band(f.redundancy_bands.size(), 0);
    for (int k = 1; k <= counted; ++k) {
      // Year k back from the leave date begins the day after k years before it.
      const absl::CivilDay begins = YearsBefore(c.leave_date, k) + 1;
      const int age = CompleteYears(c.date_of_birth, begins);
      size_t band = 0;
      while (band + 1 < f.redundancy_bands.size() && f.redundancy_bands[band + 1].from_age <= age) {
        ++band;
      }
      ++years_in_band[band];
      out.redundancy_weeks_centi += f.redundancy_bands[band].weeks_centi;
    }
    out.redundancy_week_pay_pence = std::min(c.weeks_pay_pence, f.redundancy_week_pay_cap_pence);
    out.redundancy_pence = (out.redundancy_weeks_centi * out.redundancy_week_pay_pence + 50) / 100;
    std::string parts;
    for (size_t b = 0; b < years_in_band.size(); ++b) {
      if (years_in_band[b] == 0) continue;
      const bool last = b + 1 == f.redundancy_bands.size();
      dp::StrAppend(&parts, parts.empty() ? "" : ", ", years_in_band[b], " at ",
                    FormatPence(f.redundancy_bands[b].weeks_centi), " (aged ",
                    f.redundancy_bands[b].from_age,
                    last ? std::string(" or over")
                         : dp::StrCat(" to ", f.redundancy_bands[b + 1].from_age - 1),
                    ")");
    }
    words.push_back(dp::StrCat(
        "Statutory redundancy pay: ", counted, " years counted (", parts, ") = ",
        FormatPence(out.redundancy_weeks_centi), " weeks at £",
        FormatPence(out.redundancy_week_pay_pence),
        out.redundancy_week_pay_pence < c.weeks_pay_pence ? " (the statutory cap)" : "",
        " = £", FormatPence(out.redundancy_pence), ", paid free of tax and NI."));
  }
  out.explanation = words.empty() ? "No notice or redundancy pay." : words[0];
  for (size_t i = 1; i < words.size(); ++i) dp::StrAppend(&out.explanation, " ", words[i]);
  DP_CHECK(out.notice_pay_pence >= 0 && out.redundancy_pence >= 0);
  return out;
}

}  // namespace dp::payroll
