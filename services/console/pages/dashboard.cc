// The officer's dashboard: what needs doing (approvals waiting, open review
// cases with overdue information requests, open findings), today's
// payments in (the payment schedule) and out (to PAs, agencies, HMRC,
// suppliers), and agreements by status. Each list shows its first rows
// here and all of them on its own page.
#include "absl/time/civil_time.h"
#include "base/strings.h"
#include "service/proto_convert.h"
#include "pages/pages.h"

namespace dp::console_service {

using console::Escape;

namespace {

constexpr int kHomeRows = 10;

std::string DaysWaiting(const v1::Agreement& a) {
  if (!a.has_submitted_at()) return "unknown";
  return std::to_string(absl::ToInt64Hours(absl::Now() - TimeOf(a.submitted_at())) / 24);
}

List ApprovalsList(Site& site, const SignedIn& who) {
  v1::ListAgreementsRequest query;
  query.set_authority_id(who.principal.organisation_id);
  query.set_status(v1::AGREEMENT_STATUS_AWAITING_APPROVAL);
  return {"/approvals",
          "Approvals waiting",
          {"Agreement", "Needs approval by", "Days waiting", "Panel wait"},
          "No agreement is waiting for approval.",
          PagedFetch<v1::ListAgreementsResponse>(
              query,
              [&site](auto* ctx, const auto& req, auto* got) {
                return site.backends.agreements().ListAgreements(ctx, req, got);
              },
              [](const v1::ListAgreementsResponse& got) -> const auto& { return got.agreements(); },
              [](const v1::Agreement& a) -> ListRow {
                const bool late = a.panel_wait_exceeded();
                return {AgreementCell(a.agreement_id()),
                        {a.required_approval_level()},
                        {DaysWaiting(a)},
                        {late ? "Longer than allowed" : "Within time", "", late}};
              })};
}

List PaymentsDayList(Site& site, const SignedIn& who, const v1::Date& day) {
  v1::ListOutgoingPaymentsRequest query;
  query.set_authority_id(who.principal.organisation_id);
  *query.mutable_due_date() = day;
  return PaymentsOutList(site, dp::StrCat("/payments/day?date=", IsoDay(day)),
                         dp::StrCat("Payments out due ", DayOf(day)),
                         "No payment out is due that day.", query);
}

v1::Date Today() {
  v1::Date d;
  service::DayToProto(service::TodayInLondon(), &d);
  return d;
}

// PaidInWords is what the payment schedule paid into agreements that day.
std::string PaidInWords(const v1::AgreementsSummary& s) {
  if (s.schedule_runs() == 0) {
    return dp::StrCat("The payment schedule has not run today. ",
                      console::Link("/payments/schedule", "Run the payment schedule"), ".");
  }
  return Escape(dp::StrCat(
      "The payment schedule ran ", s.schedule_runs(), s.schedule_runs() == 1 ? " time" : " times",
      " today and paid ", s.paid_in_payments(),
      s.paid_in_payments() == 1 ? " payment" : " payments", " into agreements, ",
      console::Pounds(s.paid_in_total().amount_pence()), " in all."));
}

}  // namespace

void OfficerHome(Site& site, const SignedIn& who, const httplib::Request&, httplib::Response& res) {
  v1::SummariseAgreementsRequest get;
  get.set_authority_id(who.principal.organisation_id);
  const v1::Date today = Today();
  *get.mutable_payments_on() = today;
  v1::AgreementsSummary summary;
  if (!Ask(site, who, res, [&](auto* ctx) {
        return site.backends.agreements().SummariseAgreements(ctx, get, &summary);
      })) {
    return;
  }
  console::Table counts{"Agreements by status", {"Status", "Agreements"}, {}, "No agreements yet."};
  for (const v1::StatusCount& c : summary.counts()) {
    counts.rows.push_back({Escape(StatusWords(c.status())), std::to_string(c.agreements())});
  }
  SendPage(res, 200, "Home", who.viewer,
           dp::StrCat("<p>", Escape(who.principal.organisation_id), ": what needs doing.</p>",
                      ListExcerpt(site, who, ApprovalsList(site, who), kHomeRows),
                      ListExcerpt(site, who, OpenCasesList(site, who), kHomeRows),
                      ListExcerpt(site, who, OpenFindingsList(site, who), kHomeRows),
                      "<h2>Today's payments</h2><p>", PaidInWords(summary), "</p>",
                      ListExcerpt(site, who, PaymentsDayList(site, who, today), kHomeRows),
                      console::DrawTable(counts)));
}

void ApprovalsPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res) {
  SendList(site, who, ApprovalsList(site, who), req, res);
}

void PaymentsDayPage(Site& site, const SignedIn& who, const httplib::Request& req,
                     httplib::Response& res) {
  v1::Date day = Today();
  if (req.has_param("date")) {
    const auto asked = ParseDay(req.get_param_value("date"));
    if (!asked) {
      return SendPage(res, 422, "Check the date", who.viewer,
                      dp::StrCat(console::ErrorBox("The date must be a day, for example "
                                                   "2026-12-01."),
                                 "<p>", console::Link("/", "Back to home"), "</p>"));
    }
    day = *asked;
  }
  SendList(site, who, PaymentsDayList(site, who, day), req, res,
           dp::StrCat("<form method=\"get\" action=\"/payments/day\"><p class=\"field\"><label "
                      "for=\"f-date\">Due on</label><input id=\"f-date\" name=\"date\" "
                      "type=\"date\" required value=\"",
                      IsoDay(day),
                      "\"></p><p><button type=\"submit\">Show another day</button></p></form>"));
}

}  // namespace dp::console_service
