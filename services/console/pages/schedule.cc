// The payment schedule run (officer): pays every active agreement of the
// authority what its schedule says is due by the run date, through the
// agreements service (a balanced ledger transaction each, idempotent by the
// form's request id, so sending the form twice pays once). The page is
// sent as the run goes: a line each time the service tells how far it has
// got, then what the run paid; no script is needed to watch it.
#include <memory>

#include "base/strings.h"
#include "pages/pages.h"

namespace dp::console_service {

using console::Escape;

namespace {

constexpr int kRunTimeout_ms = 10 * 60 * 1000;

std::string ProgressLine(const v1::PaymentScheduleProgress& p) {
  if (p.agreements_done() == p.agreements_total()) {
    return dp::StrCat("<li>All ", console::Count(p.agreements_total()),
                      " agreements considered; posting the payments.</li>");
  }
  return dp::StrCat("<li>", console::Count(p.agreements_done()), " of ",
                    console::Count(p.agreements_total()), " agreements considered.</li>");
}

std::string RunHtml(const v1::PaymentRun& run) {
  console::Table paid{"Payments made",
                      {"Agreement", "Period", "Due", "Amount"},
                      {},
                      "Nothing was due: every agreement is paid up to this date."};
  for (const v1::Payment& p : run.payments()) {
    paid.rows.push_back({AgreementLink(p.agreement_id()),
                         Escape(dp::StrCat(DayOf(p.period_start()), " to ", DayOf(p.period_end()),
                                           p.pro_rated() ? " (part period)" : "")),
                         Escape(DayOf(p.due_date())),
                         Escape(console::Pounds(p.amount().amount_pence()))});
  }
  return dp::StrCat("<h2 id=\"run\">Payment run ", run.run_id(), "</h2><dl class=\"summary\">",
                    Row("Run date", Escape(DayOf(run.run_date()))),
                    Row("Agreements considered", console::Count(run.agreements_considered())),
                    Row("Payments", console::Count(run.payments_size())),
                    Row("Paid in all", Escape(console::Pounds(run.total().amount_pence()))),
                    "</dl>", console::DrawTable(paid));
}

// Watch is a run being watched: the call, and what it said first.
struct Watch {
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::ClientReader<v1::PaymentScheduleProgress>> reader;
  v1::PaymentScheduleProgress first;
};

}  // namespace

void SchedulePage(Site&, const SignedIn& who, const httplib::Request&, httplib::Response& res) {
  const std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), London());
  SendPage(
      res, 200, "Payment schedule", who.viewer,
      dp::StrCat("<p>Pay every active agreement of ", Escape(who.principal.organisation_id),
                 " what its schedule says is due by the run date. Each payment is its own ledger "
                 "transaction; an agreement already paid for a period is not paid again. The "
                 "next page shows how far the run has got as it goes.</p>",
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
  auto watch = std::make_shared<Watch>();
  watch->ctx = site.backends.For(who.principal.name, kRunTimeout_ms);
  watch->reader = site.backends.agreements().RunPaymentScheduleWithProgress(watch->ctx.get(), run);
  // The first word decides the page: a refusal is a refusal page, with its
  // HTTP status; anything else is the run, sent as it goes.
  if (!watch->reader->Read(&watch->first)) {
    const grpc::Status s = watch->reader->Finish();
    return SendRefusal(res, who.viewer,
                       s.ok() ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "no answer") : s);
  }
  const console::Viewer viewer = who.viewer;
  const std::string intro =
      dp::StrCat("<p>Paying ", Escape(run.authority_id()), "'s agreements what is due by ",
                 Escape(DayOf(*day)), ".</p><ol class=\"progress\">");
  res.set_chunked_content_provider(
      "text/html; charset=utf-8", [watch, viewer, intro](size_t, httplib::DataSink& sink) {
        // A reader gone away stops the page, not the run: it is read to
        // its end, and the same form sent again answers with it.
        auto send = [&sink](const std::string& html) {
          if (sink.is_writable()) sink.write(html.data(), html.size());
        };
        send(dp::StrCat(console::PageStart("Payment schedule run", viewer), intro));
        v1::PaymentScheduleProgress p = watch->first;
        while (!p.has_run()) {
          send(ProgressLine(p));
          if (!watch->reader->Read(&p)) break;
        }
        v1::PaymentScheduleProgress rest;
        while (watch->reader->Read(&rest)) {
        }
        const grpc::Status s = watch->reader->Finish();
        send("</ol>");
        if (s.ok() && p.has_run()) {
          send(RunHtml(p.run()));
        } else {
          send(dp::StrCat(console::ErrorBox(dp::StrCat(
                              "The console did not see the run finish (",
                              s.ok() ? "no answer" : s.error_message(),
                              "). Go back and send the form again: a run that was made is shown, "
                              "not made twice.")),
                          "<p>", console::Link("/payments/schedule", "Back"), "</p>"));
        }
        send(console::PageEnd());
        sink.done();
        return true;
      });
}

}  // namespace dp::console_service
