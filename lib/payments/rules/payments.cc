#include "payments/rules/payments.h"

#include <algorithm>

#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "base/uses.h"
#include "money/money.h"

namespace dp::payments {
namespace {

constexpr std::pair<PayeeKind, std::string_view> kKinds[] = {
    {PayeeKind::kPa, "pa"}, {PayeeKind::kAgency, "agency"}, {PayeeKind::kHmrc, "hmrc"},
    {PayeeKind::kPension, "pension"}, {PayeeKind::kSupplier, "supplier"}};
constexpr std::pair<Frequency, std::string_view> kFrequencies[] = {
    {Frequency::kWeekly, "weekly"}, {Frequency::kFourWeekly, "four_weekly"},
    {Frequency::kMonthly, "monthly"}};
constexpr int kMaxOccurrences = 400;

absl::CivilDay MonthlyOn(absl::CivilDay first, int months_on) {
  const absl::CivilMonth month = absl::CivilMonth(first) + months_on;
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  return std::min(absl::CivilDay(month.year(), month.month(), first.day()), last,
                  [](absl::CivilDay a, absl::CivilDay b) { return a < b; });
}

std::string HoursText(int64_t centi_hours) { return dp::Hundredths(centi_hours); }

}  // namespace

std::string_view PayeeKindName(PayeeKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  DP_CHECK(false);
  return "";
}

std::optional<PayeeKind> ParsePayeeKind(std::string_view name) {
  for (const auto& [k, n] : kKinds) {
    if (n == name) return k;
  }
  return std::nullopt;
}

absl::StatusOr<std::string> UseOfPayee(PayeeKind kind, std::string_view supplier_use) {
  switch (kind) {
    case PayeeKind::kPa:
    case PayeeKind::kHmrc:
    case PayeeKind::kPension:
      return std::string("pa_employment");
    case PayeeKind::kAgency:
      return std::string("agency_care");
    case PayeeKind::kSupplier:
      if (!IsAgreementUse(supplier_use)) {
        return FieldError("use", "must be what the supplier is paid for: one of the agreement uses");
      }
      return std::string(supplier_use);
  }
  DP_CHECK(false);
  return std::string();
}

absl::Status CheckUsePermitted(std::string_view use, const std::vector<std::string>& permitted) {
  if (std::find(permitted.begin(), permitted.end(), use) != permitted.end()) {
    return absl::OkStatus();
  }
  return Refusal(absl::StatusCode::kFailedPrecondition, reason::kUseNotPermitted,
                 dp::StrCat("the agreement does not permit its money to be spent on ",
                            UseWords(use), ", so this payee cannot be paid from it"),
                 {{"use", std::string(use)}});
}

std::string_view FrequencyName(Frequency f) {
  for (const auto& [k, name] : kFrequencies) {
    if (k == f) return name;
  }
  DP_CHECK(false);
  return "";
}

std::optional<Frequency> ParseFrequency(std::string_view name) {
  for (const auto& [k, n] : kFrequencies) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::vector<absl::CivilDay> Occurrences(const StandingOrder& order, absl::CivilDay from,
                                        absl::CivilDay to) {
  std::vector<absl::CivilDay> days;
  const absl::CivilDay last = order.end ? std::min(*order.end, to) : to;
  // Bounded: at most kMaxOccurrences dates, however far apart from and to are.
  int skipped = 0;
  for (int n = 0; days.size() < kMaxOccurrences; ++n) {
    absl::CivilDay day;
    switch (order.frequency) {
      case Frequency::kWeekly:
        day = order.first + 7 * n;
        break;
      case Frequency::kFourWeekly:
        day = order.first + 28 * n;
        break;
      case Frequency::kMonthly:
        day = MonthlyOn(order.first, n);
        break;
    }
    if (day > last) break;
    if (day >= from) {
      days.push_back(day);
    } else if (++skipped > 100000) {
      break;  // a first date centuries before `from`
    }
  }
  return days;
}

int64_t InvoiceAmount(const InvoiceLine& line) {
  if (line.centi_hours == 0) return line.amount_pence;
  // Hours in hundredths: pence = centi_hours * rate / 100, half up.
  return (line.centi_hours * line.rate_pence + 50) / 100;
}

std::string InvoiceFlag(const InvoiceLine& line, const Plan& plan) {
  std::vector<std::string> why;
  if (plan.rate_pence > 0 && line.centi_hours > 0 && line.rate_pence > plan.rate_pence) {
    why.push_back(dp::StrCat("the rate ", Pounds(line.rate_pence), " an hour is above the plan's ",
                             Pounds(plan.rate_pence)));
  }
  if (line.period_start && line.period_end) {
    const int64_t days = (*line.period_end - *line.period_start) + 1;
    if (plan.centi_hours_per_week > 0 && line.centi_hours > 0) {
      // The plan's hours for the period's days, in hundredths, rounded up.
      const int64_t allowed = (plan.centi_hours_per_week * days + 6) / 7;
      if (line.centi_hours > allowed) {
        why.push_back(dp::StrCat(HoursText(line.centi_hours), " hours are more than the plan's ",
                                 HoursText(allowed), " for ", days, " days"));
      }
    }
    if (line.centi_hours == 0 && plan.rate_pence > 0 && plan.centi_hours_per_week > 0) {
      const int64_t allowed_pence =
          (plan.rate_pence * plan.centi_hours_per_week * days + 699) / 700;
      if (line.amount_pence > allowed_pence) {
        why.push_back(dp::StrCat("the amount ", Pounds(line.amount_pence),
                                 " is more than the plan's ", Pounds(allowed_pence), " for ", days,
                                 " days"));
      }
    }
  }
  std::string out;
  for (const auto& w : why) dp::StrAppend(&out, out.empty() ? "" : "; ", w);
  return out;
}

Available AvailableOf(int64_t balance_pence, int64_t held_pence,
                      std::vector<Commitment> commitments) {
  Available a;
  a.balance_pence = balance_pence;
  a.held_pence = held_pence;
  for (const Commitment& c : commitments) {
    DP_CHECK(c.amount_pence >= 0);
    a.committed_pence += c.amount_pence;
  }
  a.commitments = std::move(commitments);
  a.available_pence = balance_pence - held_pence - a.committed_pence;
  return a;
}

absl::Status CheckFunded(const Available& available, int64_t amount_pence) {
  DP_CHECK(amount_pence > 0);
  int64_t free = available.balance_pence - available.held_pence - amount_pence;
  for (const Commitment& c : available.commitments) {
    if (free >= c.amount_pence) {
      free -= c.amount_pence;
      continue;
    }
    const int64_t short_pence = c.amount_pence - std::max<int64_t>(free, 0);
    return Refusal(absl::StatusCode::kFailedPrecondition, reason::kCommitmentsUnfunded,
                   dp::StrCat("paying ", Pounds(amount_pence), " would leave ", c.words, " (",
                              Pounds(c.amount_pence), ") ", Pounds(short_pence),
                              " short; available to spend is ",
                              Pounds(std::max<int64_t>(available.available_pence, 0)),
                              ". An officer may pay it anyway with a recorded reason"),
                   {{"commitment", c.kind},
                    {"available_pence", std::to_string(available.available_pence)}});
  }
  if (free < 0) {
    return Refusal(absl::StatusCode::kFailedPrecondition, reason::kInsufficientFunds,
                   dp::StrCat("paying ", Pounds(amount_pence), " is more than the ",
                              Pounds(std::max<int64_t>(
                                  available.balance_pence - available.held_pence, 0)),
                              " the account holds free of holds"),
                   {{"available_pence", std::to_string(available.available_pence)}});
  }
  return absl::OkStatus();
}

}  // namespace dp::payments
