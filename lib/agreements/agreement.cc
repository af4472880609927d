#include "agreements/agreement.h"

#include <algorithm>

#include "base/bounds.h"
#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "base/uses.h"
#include "money/money.h"

namespace dp::agreements {
namespace {

// Uses a direct payment may never buy (Social Care (Self-directed Support)
// (Scotland) Act 2013 regulations): long-term residential accommodation.
constexpr std::string_view kExcludedUses[] = {"long_term_residential_care"};

int64_t DaysInclusive(absl::CivilDay a, absl::CivilDay b) { return (b - a) + 1; }

absl::CivilDay FirstOfMonth(absl::CivilDay d) { return absl::CivilDay(d.year(), d.month(), 1); }

absl::CivilDay LastOfMonth(absl::CivilDay d) {
  return absl::CivilDay(absl::CivilMonth(d) + 1) - 1;
}

}  // namespace

std::string_view StatusName(Status status) {
  switch (status) {
    case Status::kDraft: return "draft";
    case Status::kAwaitingApproval: return "awaiting_approval";
    case Status::kApproved: return "approved";
    case Status::kActive: return "active";
    case Status::kSuspended: return "suspended";
    case Status::kTerminated: return "terminated";
  }
  return "draft";
}

absl::Status CheckTransition(Status from, Status to) {
  bool allowed = false;
  switch (to) {
    case Status::kAwaitingApproval: allowed = from == Status::kDraft; break;
    case Status::kDraft: allowed = from == Status::kAwaitingApproval; break;
    case Status::kApproved: allowed = from == Status::kAwaitingApproval; break;
    case Status::kActive: allowed = from == Status::kApproved || from == Status::kSuspended; break;
    case Status::kSuspended: allowed = from == Status::kActive; break;
    case Status::kTerminated: allowed = from != Status::kTerminated; break;
  }
  if (allowed) return absl::OkStatus();
  return absl::FailedPreconditionError(dp::StrCat("an agreement that is ", StatusName(from),
                                                  " cannot become ", StatusName(to)));
}

std::string_view ApprovalLevelName(ApprovalLevel level) {
  switch (level) {
    case ApprovalLevel::kWorker: return "worker";
    case ApprovalLevel::kManager: return "manager";
    case ApprovalLevel::kPanel: return "panel";
  }
  return "panel";
}

ApprovalLevel RequiredApprovalLevel(int64_t annual_cost_pence, const ApprovalLimits& limits) {
  if (annual_cost_pence <= limits.worker_max_pence) return ApprovalLevel::kWorker;
  if (annual_cost_pence <= limits.manager_max_pence) return ApprovalLevel::kManager;
  return ApprovalLevel::kPanel;
}

absl::Status CheckApprover(ApprovalLevel approver, int64_t annual_cost_pence,
                           const ApprovalLimits& limits) {
  const ApprovalLevel required = RequiredApprovalLevel(annual_cost_pence, limits);
  if (static_cast<int>(approver) >= static_cast<int>(required)) return absl::OkStatus();
  return absl::PermissionDeniedError(dp::StrCat(
      "an annual cost of ", FormatPence(annual_cost_pence), " needs ", ApprovalLevelName(required),
      " approval; a ", ApprovalLevelName(approver), " may approve up to the authority's limit"));
}

int PeriodsPerYear(Frequency f) { return f == Frequency::kFourWeekly ? 13 : 12; }

std::string_view FrequencyName(Frequency f) {
  return f == Frequency::kFourWeekly ? "four_weekly" : "monthly";
}

std::optional<Frequency> ParseFrequency(std::string_view name) {
  if (name == "four_weekly") return Frequency::kFourWeekly;
  if (name == "monthly") return Frequency::kMonthly;
  return std::nullopt;
}

absl::Status ValidateTerms(const Terms& t) {
  if (t.end && *t.end < t.start) {
    return FieldError("end_date", "must not be before start_date");
  }
  if (t.gross_budget_per_period_pence <= 0) {
    return FieldError("gross_budget", "must be positive");
  }
  if (t.gross_budget_per_period_pence > bounds::kMaxBudgetPerPeriodPence) {
    return WithReason(FieldError("gross_budget",
                                 dp::StrCat("must be at most ",
                                            FormatPence(bounds::kMaxBudgetPerPeriodPence),
                                            " a period, more than any care package costs")),
                      reason::kOverLimit,
                      {{"limit_pence", std::to_string(bounds::kMaxBudgetPerPeriodPence)}});
  }
  if (t.contribution_per_period_pence < 0) {
    return FieldError("assessed_contribution", "must not be negative");
  }
  if (t.contribution_per_period_pence > t.gross_budget_per_period_pence) {
    return FieldError("assessed_contribution", "must not exceed the gross budget");
  }
  if (t.permitted_uses.empty()) {
    return FieldError("permitted_uses", "must list at least one use");
  }
  for (const std::string& use : t.permitted_uses) {
    if (std::find(std::begin(kExcludedUses), std::end(kExcludedUses), use) !=
        std::end(kExcludedUses)) {
      return FieldError("permitted_uses", dp::StrCat(
          "", use, " can never be bought with a direct payment"));
    }
    if (!IsAgreementUse(use)) {
      return FieldError("permitted_uses", dp::StrCat("unknown use \"", use, "\""));
    }
  }
  return absl::OkStatus();
}

int64_t NetPerPeriod(const Terms& t) {
  return t.pay_gross ? t.gross_budget_per_period_pence
                     : t.gross_budget_per_period_pence - t.contribution_per_period_pence;
}

int64_t AnnualCost(const Terms& t) {
  // Bounded by ValidateTerms; checked all the same, never wrapped.
  int64_t annual = 0;
  DP_CHECK(!__builtin_mul_overflow(t.gross_budget_per_period_pence,
                                   int64_t{PeriodsPerYear(t.frequency)}, &annual));
  return annual;
}

LiabilityKind LiabilityOf(std::string_view code) {
  if (code.ends_with(":WAGES")) return LiabilityKind::kWages;
  if (code.ends_with(":HMRC")) return LiabilityKind::kHmrc;
  if (code.ends_with(":PENSION")) return LiabilityKind::kPension;
  return LiabilityKind::kOther;
}

int64_t Recoverable(const Position& p) {
  const int64_t owed = p.wages_owed_pence + p.hmrc_owed_pence + p.pension_owed_pence +
                       p.other_owed_pence + p.notice_pay_owed_pence + p.holiday_pay_owed_pence;
  return std::max<int64_t>(0, p.balance_held_pence - owed);
}

absl::StatusOr<std::vector<Payment>> PaymentsDue(const std::vector<Version>& versions,
                                                 absl::CivilDay cycle_anchor,
                                                 absl::CivilDay payable_from,
                                                 absl::CivilDay horizon) {
  if (versions.empty()) return absl::InvalidArgumentError("an agreement needs a version");
  const Terms& latest = versions.back().terms;
  auto layout = Schedule(latest, cycle_anchor, horizon);
  if (!layout.ok()) return layout.status();
  std::vector<Payment> due;
  for (Payment p : *layout) {
    if (p.due < payable_from) continue;
    const Version* in_force = &versions.front();
    for (const Version& v : versions) {
      if (v.effective_from <= p.due) in_force = &v;
    }
    const int64_t rate = NetPerPeriod(in_force->terms);
    p.amount_pence = p.pro_rated ? rate * p.covered_days / p.period_days : rate;
    p.version = in_force->version;
    if (p.amount_pence > 0) due.push_back(p);
  }
  return due;
}

absl::StatusOr<std::vector<Payment>> Schedule(const Terms& t, absl::CivilDay cycle_anchor,
                                              absl::CivilDay horizon) {
  if (auto s = ValidateTerms(t); !s.ok()) return s;
  const int64_t net = NetPerPeriod(t);
  std::vector<Payment> payments;
  // The period containing the start date.
  absl::CivilDay period_start;
  if (t.frequency == Frequency::kMonthly) {
    period_start = FirstOfMonth(t.start);
  } else {
    const int64_t offset = ((t.start - cycle_anchor) % 28 + 28) % 28;
    period_start = t.start - offset;
  }
  for (int guard = 0; guard < 10000 && period_start <= horizon; ++guard) {  // bounded
    const absl::CivilDay period_end = t.frequency == Frequency::kMonthly
                                          ? LastOfMonth(period_start)
                                          : period_start + 27;
    if (t.end && period_start > *t.end) break;
    const absl::CivilDay covered_start = std::max(period_start, t.start);
    const absl::CivilDay covered_end = t.end ? std::min(period_end, *t.end) : period_end;
    const int64_t full_days = DaysInclusive(period_start, period_end);
    const int64_t covered = DaysInclusive(covered_start, covered_end);
    Payment p;
    p.period_start = covered_start;
    p.period_end = covered_end;
    p.due = covered_start;
    p.pro_rated = covered < full_days;
    p.covered_days = covered;
    p.period_days = full_days;
    p.amount_pence = p.pro_rated ? net * covered / full_days : net;
    if (covered_start <= horizon) payments.push_back(p);
    period_start = period_end + 1;
  }
  return payments;
}

}  // namespace dp::agreements
