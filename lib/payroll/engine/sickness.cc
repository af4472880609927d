#include "payroll/engine/sickness.h"

#include <algorithm>

#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"

namespace dp::payroll {
namespace {

constexpr int kPiwMinDays = 4;
constexpr int kLinkingGapDays = 56;
constexpr int kAweWeeks = 8;
constexpr size_t kMaxSickDays = 2000;  // bounds the loops: over five years of days

// A linked series of PIWs: its first day, and its days in order.
struct Series {
  absl::CivilDay first;
  std::vector<absl::CivilDay> days;
};

std::vector<Series> LinkedSeries(std::vector<absl::CivilDay> days) {
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  // Spells of consecutive days; only spells of 4 or more are PIWs.
  std::vector<std::vector<absl::CivilDay>> piws;
  for (size_t i = 0; i < days.size();) {
    size_t j = i + 1;
    while (j < days.size() && days[j] - days[j - 1] == 1) ++j;
    if (j - i >= kPiwMinDays) piws.emplace_back(days.begin() + i, days.begin() + j);
    i = j;
  }
  std::vector<Series> series;
  for (auto& piw : piws) {
    if (!series.empty() && piw.front() - series.back().days.back() - 1 <= kLinkingGapDays) {
      series.back().days.insert(series.back().days.end(), piw.begin(), piw.end());
    } else {
      series.push_back({piw.front(), std::move(piw)});
    }
  }
  return series;
}

constexpr int kMaxSspWeeks = 28;

int64_t AverageWeeklyEarnings(const std::vector<PaidOn>& pay, absl::CivilDay series_start) {
  int64_t total = 0;
  for (const PaidOn& p : pay) {
    const int64_t days_before = series_start - p.payment_date;
    if (days_before > 0 && days_before <= kAweWeeks * 7) total += p.gross_pence;
  }
  return total / kAweWeeks;
}

}  // namespace

bool IsQualifyingDay(absl::CivilDay day, int qualifying_days_per_week) {
  int weekday = 0;  // Monday 0 .. Sunday 6
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday: weekday = 0; break;
    case absl::Weekday::tuesday: weekday = 1; break;
    case absl::Weekday::wednesday: weekday = 2; break;
    case absl::Weekday::thursday: weekday = 3; break;
    case absl::Weekday::friday: weekday = 4; break;
    case absl::Weekday::saturday: weekday = 5; break;
    case absl::Weekday::sunday: weekday = 6; break;
  }
  return weekday < qualifying_days_per_week;
}

std::optional<int64_t> WeeklySspRate(const TaxYear& year, int64_t awe_pence,
                                     int64_t lower_earnings_limit_weekly_pence) {
  if (year.ssp.lower_earnings_limit_test && awe_pence < lower_earnings_limit_weekly_pence) {
    return std::nullopt;
  }
  int64_t weekly = year.ssp.weekly_rate_pence;
  if (year.ssp.percent_of_awe_bp) {
    weekly = std::min(weekly, awe_pence * *year.ssp.percent_of_awe_bp / 10000);
  }
  return weekly;
}

absl::StatusOr<SickPay> SickPayForPeriod(const TaxYear& year, const SickPayInput& in) {
  if (in.qualifying_days_per_week < 1 || in.qualifying_days_per_week > 7) {
    return FieldError("qualifying_days_per_week", "must be 1 to 7");
  }
  if (in.sick_days.size() > kMaxSickDays) {
    return absl::InvalidArgumentError("too many sick days to assess at once");
  }
  SickPay out;
  for (absl::CivilDay d : in.sick_days) {
    if (d >= in.period_start && d <= in.period_end) ++out.sick_days_this_period;
  }
  int64_t payable_pence_times_days = 0;  // sum over series of weekly rate x days
  // SSP is paid for at most 28 weeks of qualifying days in a linked series.
  const int max_days = kMaxSspWeeks * in.qualifying_days_per_week;
  for (const Series& s : LinkedSeries(in.sick_days)) {
    int served_before = 0, paid_before = 0, waiting = 0, payable = 0;
    for (absl::CivilDay d : s.days) {
      if (d > in.period_end || !IsQualifyingDay(d, in.qualifying_days_per_week)) continue;
      const bool is_waiting = served_before + waiting < year.ssp.waiting_days;
      if (d < in.period_start) {
        is_waiting ? ++served_before : ++paid_before;
        continue;
      }
      is_waiting ? ++waiting : ++payable;
    }
    if (paid_before + payable > max_days) {
      payable = std::max(0, max_days - paid_before);
      out.maximum_reached = true;
    }
    if (waiting + payable == 0) continue;
    // Average weekly earnings: the 8 weeks' pay before the series here, or,
    // for a PA employed here for less, what they earned before (recorded).
    int64_t awe = AverageWeeklyEarnings(in.earlier_pay, s.first);
    if (in.employment_start && s.first - *in.employment_start < kAweWeeks * 7) {
      if (!in.average_weekly_earnings_before_pence) {
        return Refusal(absl::StatusCode::kFailedPrecondition, reason::kAverageEarningsNeeded,
                       dp::StrCat("sickness from ", absl::FormatCivilTime(s.first),
                                  " began within 8 weeks of the PA starting here on ",
                                  absl::FormatCivilTime(*in.employment_start),
                                  ": record their average weekly earnings from before they "
                                  "started (RecordStarter's p45.average_weekly_earnings_pence, "
                                  "or CreateEmployee's average_weekly_earnings_before_pence), so "
                                  "that SSP can be worked out"));
      }
      awe = *in.average_weekly_earnings_before_pence;
    }
    out.average_weekly_earnings_pence = awe;
    out.qualifying_days_this_period += waiting + payable;
    out.waiting_days_served += waiting;
    const std::optional<int64_t> weekly =
        WeeklySspRate(year, awe, year.ni_thresholds.at(PayFrequency::kWeekly).lel_pence);
    if (!weekly) {
      out.entitled = false;
      continue;
    }
    out.payable_days += payable;
    payable_pence_times_days += *weekly * payable;
  }
  // Rounded up to the penny, as HMRC's daily rate tables.
  out.amount_pence = (payable_pence_times_days + in.qualifying_days_per_week - 1) /
                     in.qualifying_days_per_week;
  DP_CHECK(out.amount_pence >= 0);
  return out;
}

}  // namespace dp::payroll
