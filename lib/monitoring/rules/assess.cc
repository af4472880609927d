#include "monitoring/rules/assess.h"

#include <algorithm>
#include <tuple>

#include "base/check.h"
#include "base/strings.h"
#include "money/money.h"

namespace dp::monitoring {
namespace {

constexpr std::string_view kMonths[] = {"January", "February", "March",     "April",
                                        "May",     "June",     "July",      "August",
                                        "September", "October", "November", "December"};

// Day is a date as people read it: "1 May 2026".
std::string Day(absl::CivilDay d) {
  return dp::StrCat(d.day(), " ", kMonths[d.month() - 1], " ", d.year());
}

absl::CivilDay AddMonths(absl::CivilDay d, int months) {
  const absl::CivilMonth m = absl::CivilMonth(d) + months;
  const absl::CivilDay last = absl::CivilDay(m + 1) - 1;
  return std::min(absl::CivilDay(m.year(), m.month(), d.day()), last);
}

// DueDate: HMRC and pension contributions for pay in a tax month are due
// by the 22nd of the next calendar month (electronic payment).
absl::CivilDay DueDate(absl::CivilDay pay_date) {
  const absl::CivilMonth next = absl::CivilMonth(pay_date) + 1;
  return absl::CivilDay(next.year(), next.month(), 22);
}

std::string ManagerWords(const std::string& kind) {
  if (kind == "iso_managed_account") return "a support organisation manages the money for you";
  if (kind == "family_member") return "a member of your family manages the money for you";
  return dp::StrCat("your ", kind, " manages the money for you");
}

std::string Plural(int n, std::string_view one, std::string_view many) {
  return dp::StrCat(n, " ", n == 1 ? one : many);
}

int FullYears(absl::CivilDay from, absl::CivilDay to) {
  int years = static_cast<int>(to.year() - from.year());
  if (to.month() < from.month() || (to.month() == from.month() && to.day() < from.day())) --years;
  return std::max(0, years);
}

}  // namespace

Overdue OverdueOf(const std::vector<Accrual>& accruals, int64_t owed_pence, int grace_days,
                  absl::CivilDay today) {
  // What is still owed is the newest accruals: payments clear the oldest first.
  Overdue out;
  int64_t unpaid = std::max<int64_t>(owed_pence, 0);
  std::vector<const Accrual*> newest_first;
  for (auto it = accruals.rbegin(); it != accruals.rend(); ++it) newest_first.push_back(&*it);
  for (const Accrual* a : newest_first) {
    if (unpaid <= 0) break;
    const int64_t part = std::min(unpaid, a->pence);
    unpaid -= part;
    if (DueDate(a->pay_date) + grace_days < today) {
      out.pence += part;
      out.since = DueDate(a->pay_date);  // ends as the oldest
      out.transaction_ids.push_back(a->transaction_id);
    }
  }
  std::reverse(out.transaction_ids.begin(), out.transaction_ids.end());
  DP_CHECK(out.pence <= std::max<int64_t>(owed_pence, 0));
  return out;
}

Contingency PaContingency(const std::vector<PaFacts>& pas, const Settings& settings,
                          absl::CivilDay today) {
  Contingency c;
  for (const PaFacts& pa : pas) {
    const int64_t holiday_centi =
        std::max<int64_t>(0, pa.holiday_accrued_centi_hours - pa.holiday_taken_centi_hours);
    c.holiday_pence += holiday_centi * pa.holiday_rate_pence / 100;
    const int64_t week_pence = pa.recent_weeks > 0 ? pa.recent_gross_pence / pa.recent_weeks : 0;
    const int years = FullYears(pa.start_date, today);
    // Statutory notice: a week after a month's service, then a week a year
    // from two years, at most twelve.
    const int notice_weeks = today - pa.start_date < 31 ? 0 : std::clamp(years, 1, 12);
    c.notice_pence += notice_weeks * week_pence;
    // Statutory redundancy from two years: a week's pay (capped) a year, at
    // most twenty (the 22-to-40 rate: age is not used).
    if (years >= 2) {
      c.redundancy_pence += std::min(years, 20) * std::min(week_pence, settings.redundancy_week_cap_pence);
    }
  }
  return c;
}

Surplus SurplusOf(const Facts& f, const Settings& settings) {
  Surplus s;
  s.balance_pence = f.balance_pence;
  s.held_pence = f.held_pence;
  s.owed_pence = f.wages_owed_pence + f.hmrc_owed_pence + f.pension_owed_pence + f.shortfall_pence;
  s.contingency = PaContingency(f.pas, settings, f.today);
  s.free_pence = s.balance_pence - s.held_pence - s.owed_pence - s.contingency.total();
  s.weeks = settings.surplus_weeks > 0 ? settings.surplus_weeks
            : f.agreement_surplus_weeks > 0 ? f.agreement_surplus_weeks
                                            : 8;
  s.threshold_pence = s.weeks * f.net_per_week_pence;
  s.above_pence = std::max<int64_t>(0, s.free_pence - s.threshold_pence);
  return s;
}

Assessment Assess(const Facts& f, const Settings& st) {
  Assessment a;
  auto add = [&](std::string name, int points, std::string words) {
    if (points <= 0) return;
    a.points += points;
    a.factors.push_back({std::move(name), points, std::move(words)});
  };
  if (AddMonths(f.start_date, st.new_agreement_months) > f.today) {
    add("new_agreement", st.new_agreement_points,
        dp::StrCat("Your direct payment started on ", Day(f.start_date), ", less than ",
                   st.new_agreement_months, " months ago."));
  }
  if (f.annual_cost_pence > st.large_budget_annual_pence) {
    add("large_budget", st.large_budget_points,
        dp::StrCat("Your budget is ", Pounds(f.annual_cost_pence), " a year, more than ",
                   Pounds(st.large_budget_annual_pence), "."));
  }
  if (f.manager_kind != "self") {
    add("representative", st.representative_points,
        dp::StrCat("Someone else looks after the money: ", ManagerWords(f.manager_kind), "."));
  }
  if (f.earlier_findings_actioned > 0) {
    add("earlier_findings", st.earlier_findings_points,
        dp::StrCat(Plural(f.earlier_findings_actioned, "review", "reviews"),
                   " in the last year ended with action."));
  }
  const Overdue hmrc = OverdueOf(f.hmrc_accruals, f.hmrc_owed_pence, st.liability_grace_days, f.today);
  const Overdue pension =
      OverdueOf(f.pension_accruals, f.pension_owed_pence, st.liability_grace_days, f.today);
  if (hmrc.pence + pension.pence > 0) {
    add("unpaid_liability", st.unpaid_liability_points,
        dp::StrCat("Tax or pension money for your PAs is overdue: ",
                   Pounds(hmrc.pence + pension.pence), "."));
  }
  if (f.balance_pence < 0 || f.shortfall_pence > 0) {
    add("negative_balance", st.negative_balance_points,
        dp::StrCat("Your account is short by ",
                   Pounds(std::max<int64_t>(-f.balance_pence, 0) + f.shortfall_pence), "."));
  }
  if (f.force_posts_90d > 0) {
    add("force_post", st.force_post_points,
        dp::StrCat(Plural(f.force_posts_90d, "card payment was", "card payments were"),
                   " taken in the last 90 days without being authorised first."));
  }
  if (f.blocked_declines_90d >= st.blocked_declines_at_least) {
    add("blocked_declines", st.blocked_decline_points,
        dp::StrCat(Plural(f.blocked_declines_90d, "card payment was", "card payments were"),
                   " declined in the last 90 days because of what they were for."));
  }
  if (f.cash_90d_pence > 0) {
    add("cash_use", st.cash_use_points,
        dp::StrCat(Pounds(f.cash_90d_pence), " was taken as cash in the last 90 days."));
  }
  const absl::CivilDay active_since = f.last_spend_day.value_or(f.start_date);
  if (f.today - active_since >= st.dormant_days && f.today - f.start_date >= st.dormant_days) {
    add("dormant", st.dormant_points,
        dp::StrCat("Nothing has been spent from your account since ", Day(active_since), "."));
  }
  a.tier = a.points >= st.enhanced_from_points   ? Tier::kEnhanced
           : a.points >= st.standard_from_points ? Tier::kStandard
                                                 : Tier::kLight;
  const size_t t = static_cast<size_t>(a.tier);
  a.next_review_due = AddMonths(f.last_review_day.value_or(f.start_date), st.review_months[t]);
  constexpr std::string_view kTierWords[] = {"light", "standard", "closer"};
  a.words = dp::StrCat("Your direct payment has ", kTierWords[t], " monitoring: it is reviewed every ",
                       st.review_months[t], " months, next by ", Day(a.next_review_due), ". ",
                       "What we may ask for: ", st.evidence[t],
                       a.factors.empty() ? " Nothing in your records adds to this."
                                         : " This is because:");
  for (const Factor& factor : a.factors) a.words += dp::StrCat("\n- ", factor.words);
  return a;
}

std::vector<Candidate> Check(const Facts& f, const Settings& st, const Assessment& a) {
  std::vector<Candidate> out;
  const Surplus s = SurplusOf(f, st);
  if (s.above_pence > 0) {
    Candidate c{"surplus", "surplus", s.above_pence, "", f.payment_transactions, {}};
    c.summary = dp::StrCat(
        "The account holds ", Pounds(s.balance_pence), ". Less ", Pounds(s.held_pence),
        " committed to card purchases, ", Pounds(s.owed_pence), " owed (wages, tax, pension), and ",
        Pounds(s.contingency.total()), " kept for PAs (holiday ", Pounds(s.contingency.holiday_pence),
        ", notice ", Pounds(s.contingency.notice_pence), ", redundancy ",
        Pounds(s.contingency.redundancy_pence), "), ", Pounds(s.free_pence), " is free: ",
        Pounds(s.above_pence), " more than ", s.weeks, " weeks of budget (", Pounds(s.threshold_pence),
        "). Talk with the person about why before deciding anything.");
    for (const PaFacts& pa : f.pas) c.payslips.insert(c.payslips.end(), pa.payslips.begin(), pa.payslips.end());
    out.push_back(std::move(c));
  }
  if (f.payments_in_window >= st.underspend_periods && f.paid_in_window_pence > 0 &&
      f.spent_in_window_pence * 100 < f.paid_in_window_pence * st.underspend_percent) {
    out.push_back({"underspend", "underspend", f.paid_in_window_pence - f.spent_in_window_pence,
                   dp::StrCat("Over the last ", f.payments_in_window, " payments (",
                              Pounds(f.paid_in_window_pence), " paid in), ",
                              Pounds(f.spent_in_window_pence), " was spent: less than ",
                              st.underspend_percent, "%. Ask the person whether their support "
                              "is working for them."),
                   f.payment_transactions, {}});
  }
  if (f.blocked_declines_90d >= st.blocked_declines_at_least || f.blocked_bank_lines_90d > 0) {
    std::string summary;
    if (f.blocked_declines_90d >= st.blocked_declines_at_least) {
      summary = dp::StrCat(Plural(f.blocked_declines_90d, "card payment was", "card payments were"),
                           " declined in the last 90 days in categories the card may not be used for.");
    }
    if (f.blocked_bank_lines_90d > 0) {
      summary += dp::StrCat(summary.empty() ? "" : " ", "The bank statement shows ",
                            Plural(f.blocked_bank_lines_90d, "payment", "payments"), " (",
                            Pounds(f.blocked_bank_pence_90d),
                            ") in the last 90 days of a kind a direct payment may not buy.");
    }
    out.push_back({"blocked_spending", "blocked_spending", f.blocked_bank_pence_90d, summary, {}, {}});
  }
  if (!f.unpaid_payslips.empty() || f.unexplained_wages_lines > 0) {
    std::string summary;
    if (!f.unpaid_payslips.empty()) {
      summary = dp::StrCat(Plural(static_cast<int>(f.unpaid_payslips.size()), "payslip's", "payslips'"),
                           " net wages (", Pounds(f.unpaid_wages_pence),
                           ") do not appear on the bank statement.");
    }
    if (f.unexplained_wages_lines > 0) {
      summary += dp::StrCat(summary.empty() ? "" : " ", "The statement shows ",
                            Plural(f.unexplained_wages_lines, "wage payment", "wage payments"), " (",
                            Pounds(f.unexplained_wages_pence), ") that no payslip explains.");
    }
    out.push_back({"pa_payments", "pa_payments", f.unpaid_wages_pence + f.unexplained_wages_pence,
                   summary + " Check with the person and their payroll provider.", {},
                   f.unpaid_payslips});
  }
  if (f.contributions_missing > 0) {
    out.push_back({"contribution_unpaid", "contribution_unpaid", f.contributions_missing_pence,
                   dp::StrCat(Plural(f.contributions_missing, "assessed contribution", "assessed contributions"),
                              " (", Pounds(f.contributions_missing_pence),
                              ") due to be paid in have not reached the account."),
                   {}, {}});
  }
  for (auto [name, accruals, owed] :
       {std::tuple{"HMRC", &f.hmrc_accruals, f.hmrc_owed_pence},
        std::tuple{"the pension scheme", &f.pension_accruals, f.pension_owed_pence}}) {
    const Overdue o = OverdueOf(*accruals, owed, st.liability_grace_days, f.today);
    if (o.pence <= 0) continue;
    const std::string key = name == std::string_view("HMRC") ? "unpaid_liability:hmrc"
                                                             : "unpaid_liability:pension";
    out.push_back({"unpaid_liability", key, o.pence,
                   dp::StrCat(Pounds(o.pence), " owed to ", name, " was due by ", Day(*o.since),
                              " and is unpaid."),
                   o.transaction_ids, {}});
  }
  if (f.balance_pence < 0 || f.shortfall_pence > 0) {
    const int64_t short_pence = std::max<int64_t>(-f.balance_pence, 0) + f.shortfall_pence;
    out.push_back({"negative_balance", "negative_balance", short_pence,
                   dp::StrCat("The account is short by ", Pounds(short_pence),
                              f.shortfall_pence > 0 ? ": card payments taken without "
                                                      "authorisation went beyond the money on the card."
                                                    : "."),
                   f.force_post_transactions, {}});
  }
  for (const Factor& factor : a.factors) {
    if (factor.name != "dormant") continue;
    out.push_back({"dormant", "dormant", f.balance_pence, factor.words, {}, {}});
  }
  if (a.next_review_due < f.today) {
    out.push_back({"overdue_review", "overdue_review", 0,
                   dp::StrCat("The review due by ", Day(a.next_review_due), " has not been recorded."),
                   {}, {}});
  }
  for (const auto& [case_id, due] : f.information_overdue) {
    out.push_back({"overdue_information", dp::StrCat("overdue_information:", case_id), 0,
                   dp::StrCat("Information asked for in case ", case_id, " was due by ", Day(due),
                              " and has not been recorded."),
                   {}, {}});
  }
  return out;
}

absl::CivilDay RecheckOn(const Facts& f, const Settings& st, const Assessment& a) {
  absl::CivilDay next = f.today + 7;
  auto upcoming = [&](absl::CivilDay day) {
    if (day > f.today) next = std::min(next, day);
  };
  upcoming(a.next_review_due + 1);  // overdue from the day after
  upcoming(AddMonths(f.start_date, st.new_agreement_months));
  upcoming(f.last_spend_day.value_or(f.start_date) + st.dormant_days);
  if (f.information_due_next) upcoming(*f.information_due_next + 1);
  for (const auto* accruals : {&f.hmrc_accruals, &f.pension_accruals}) {
    for (const Accrual& accrual : *accruals) upcoming(DueDate(accrual.pay_date) + st.liability_grace_days + 1);
  }
  DP_CHECK(next > f.today);
  return next;
}

}  // namespace dp::monitoring
