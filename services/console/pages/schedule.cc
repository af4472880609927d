// The payment schedule run (officer): pays every active agreement of the
// authority what its schedule says is due by the run date, through the
// agreements service (a balanced ledger transaction each, idempotent by the
// form's request id, so sending the form twice pays once).
#include "base/strings.h"
#include "pages/pages.h"

namespace dp::console_service {

using console::Escape;

void SchedulePage(Site&, const SignedIn& who, const httplib::Request&, httplib::Response& res) {
  const std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), London());
  SendPage(
      res, 200, "Payment schedule", who.viewer,
      dp::StrCat("<p>Pay every active agreement of ", Escape(who.principal.organisation_id),
                 " what its schedule says is due by the run date. Each payment is its own ledger "
                 "transaction; an agreement already paid for a period is not paid again.</p>",
                 "<form method=\"post\" action=\"/payments/schedule\">",
                 console::CsrfField(who.session.csrf_token), console::RequestIdField(),
                 "<p class=\"field\"><label for=\"f-run_date\">Run date</label><input "
                 "id=\"f-run_date\" name=\"run_date\" type=\"date\" required value=\"",
                 today,
                 "\"></p><p><button type=\"submit\">Run the payment schedule</button></p></form>"));
}

void SchedulePost(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res) {
  const auto day = ParseDay(req.get_param_value("run_date"));
  if (!day) {
    return SendPage(
        res, 422, "Check the run date", who.viewer,
        dp::StrCat(console::ErrorBox("The run date must be a date, for example 2026-12-01."), "<p>",
                   console::Link("/payments/schedule", "Back"), "</p>"));
  }
  v1::RunPaymentScheduleRequest run;
  run.set_request_id(req.get_param_value("request_id").substr(0, 100));
  run.set_authority_id(who.principal.organisation_id);
  *run.mutable_run_date() = *day;
  v1::PaymentRun out;
  if (!Ask(site, who, res, [&](auto* ctx) {
        return site.backends.agreements().RunPaymentSchedule(ctx, run, &out);
      })) {
    return;
  }
  console::Table paid{"Payments made",
                      {"Agreement", "Period", "Due", "Amount"},
                      {},
                      "Nothing was due: every agreement is paid up to this date."};
  for (const v1::Payment& p : out.payments()) {
    paid.rows.push_back({AgreementLink(p.agreement_id()),
                         Escape(dp::StrCat(DayOf(p.period_start()), " to ", DayOf(p.period_end()),
                                           p.pro_rated() ? " (part period)" : "")),
                         Escape(DayOf(p.due_date())),
                         Escape(console::Pounds(p.amount().amount_pence()))});
  }
  SendPage(res, 200, dp::StrCat("Payment run ", out.run_id()), who.viewer,
           dp::StrCat("<dl class=\"summary\">", Row("Run date", Escape(DayOf(out.run_date()))),
                      Row("Agreements considered", std::to_string(out.agreements_considered())),
                      Row("Payments", std::to_string(out.payments_size())),
                      Row("Paid in all", Escape(console::Pounds(out.total().amount_pence()))),
                      "</dl>", console::DrawTable(paid)));
}

}  // namespace dp::console_service
