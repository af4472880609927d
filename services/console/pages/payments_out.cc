// Payments out of an agreement, for its ISO (the payment manager) and its
// officer: payees with their bank details masked, invoices with any flag
// above the support plan, standing orders, direct debit mandates, and every
// payment made; the forms to submit an invoice and to approve a payee or an
// invoice, each approval with the reason the person reads. The payments
// service decides who may do which (a flagged invoice is an officer's).
#include "absl/strings/numbers.h"
#include "base/strings.h"
#include "pages/pages.h"

namespace dp::console_service {

using console::Escape;

namespace {

std::string KindWords(v1::PayeeKind k) {
  switch (k) {
    case v1::PAYEE_KIND_PA:
      return "Personal assistant";
    case v1::PAYEE_KIND_AGENCY:
      return "Care agency";
    case v1::PAYEE_KIND_HMRC:
      return "HMRC";
    case v1::PAYEE_KIND_PENSION:
      return "Pension scheme";
    case v1::PAYEE_KIND_SUPPLIER:
      return "Supplier";
    default:
      return "Unknown";
  }
}

std::string InvoiceWords(v1::InvoiceStatus s) {
  switch (s) {
    case v1::INVOICE_STATUS_AWAITING_APPROVAL:
      return "Waiting for approval";
    case v1::INVOICE_STATUS_APPROVED:
      return "Approved: paid on its due date";
    case v1::INVOICE_STATUS_SCHEDULED:
      return "In a payment run";
    case v1::INVOICE_STATUS_PAID:
      return "Paid";
    case v1::INVOICE_STATUS_RETURNED:
      return "Returned by the bank";
    default:
      return "Unknown";
  }
}

std::string FrequencyWords(v1::OrderFrequency f) {
  switch (f) {
    case v1::ORDER_FREQUENCY_WEEKLY:
      return "Weekly";
    case v1::ORDER_FREQUENCY_FOUR_WEEKLY:
      return "Every four weeks";
    case v1::ORDER_FREQUENCY_MONTHLY:
      return "Monthly";
    default:
      return "Unknown";
  }
}

std::string PaymentWords(const v1::OutgoingPayment& p) {
  switch (p.status()) {
    case v1::PAYMENT_STATUS_SCHEDULED:
      return "Due: waits for the payment run";
    case v1::PAYMENT_STATUS_SUBMITTED:
      return dp::StrCat("Sent to the bank in run ", p.run_id());
    case v1::PAYMENT_STATUS_PAID:
      return "Paid";
    case v1::PAYMENT_STATUS_RETURNED:
      return dp::StrCat("Returned by the bank: ", p.return_reason());
    default:
      return "Unknown";
  }
}

std::string Period(const v1::Date& from, const v1::Date& to) {
  return dp::StrCat(DayOf(from), " to ", DayOf(to));
}

std::string Back(int64_t id) {
  return dp::StrCat(
      "<p>",
      console::Link(dp::StrCat("/agreements/", id, "/payments-out"), "Back to the payments out"),
      "</p>");
}

// Refuse answers a form that cannot be sent as filled, saying what to fix.
void Refuse(httplib::Response& res, const SignedIn& who, int64_t id, const std::string& problem) {
  SendPage(res, 422, "Check the form", who.viewer,
           dp::StrCat(console::ErrorBox(problem), Back(id)));
}

std::string InvoiceForm(const SignedIn& who, int64_t id, const v1::Arrangements& got) {
  std::vector<std::pair<std::string, std::string>> payees;
  for (const v1::Payee& p : got.payees()) {
    if (p.approved() &&
        (p.kind() == v1::PAYEE_KIND_AGENCY || p.kind() == v1::PAYEE_KIND_SUPPLIER)) {
      payees.emplace_back(std::to_string(p.payee_id()), p.name());
    }
  }
  if (payees.empty()) return "";
  return dp::StrCat(
      "<h2>Submit an invoice</h2><p>An agency's or supplier's invoice: hours at a rate, or an "
      "amount. One above the support plan's rate or hours waits for the officer.</p>"
      "<form method=\"post\" action=\"/agreements/",
      id, "/invoices\">", console::CsrfField(who.session.csrf_token), console::RequestIdField(),
      console::Select("From", "payee", payees),
      console::Field("Invoice number", "number", "text", "off"),
      console::DateField("Period from", "period_start", ""),
      console::DateField("Period to", "period_end", ""),
      console::DateField("Due on", "due_date", ""),
      console::Field("Hours", "hours", "text", "off", "Like 20 or 7.5; leave empty for an amount",
                     false),
      console::Field("Rate an hour", "rate", "text", "off", "Like 22.00", false),
      console::Field("Or the amount", "amount", "text", "off", "Like 150.00, with no hours", false),
      console::TextArea("What it is for", "description", 2000),
      "<p><button type=\"submit\">Submit the invoice</button></p></form>");
}

// ApprovalForm is the form approving one of `choices` (value, words), with
// the reason the person reads; `extra` adds fields (an officer's override).
std::string ApprovalForm(const SignedIn& who, int64_t id, std::string_view what,
                         std::string_view action,
                         const std::vector<std::pair<std::string, std::string>>& choices,
                         const std::string& extra = "") {
  if (choices.empty()) return "";
  return dp::StrCat(
      "<h2>Approve ", what, "</h2><form method=\"post\" action=\"/agreements/", id, "/", action,
      "/approve\">", console::CsrfField(who.session.csrf_token), console::RequestIdField(),
      console::Select(dp::StrCat("Which ", what), "id", choices), console::ReasonField(), extra,
      "<p><button type=\"submit\">Approve the ", what, "</button></p></form>");
}

}  // namespace

void PaymentsOutPage(Site& site, const SignedIn& who, const httplib::Request& req,
                     httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::ListArrangementsRequest list;
  list.set_agreement_id(id);
  v1::Arrangements got;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.payments().ListArrangements(ctx, list, &got); })) {
    return;
  }
  std::map<int64_t, std::string> names;
  console::Table payees{"Payees",
                        {"Name", "Kind", "Bank account", "Their reference", "Approved"},
                        {},
                        "No payee yet."};
  std::vector<std::pair<std::string, std::string>> waiting_payees, waiting_invoices;
  for (const v1::Payee& p : got.payees()) {
    names[p.payee_id()] = p.name();
    payees.rows.push_back(
        {Escape(p.name()),
         Escape(KindWords(p.kind()) + (p.use().empty() ? "" : ", for " + p.use())),
         Escape(dp::StrCat(p.sort_code(), " ", p.account_number_masked())), Escape(p.reference()),
         p.approved() ? Escape("Yes: " + p.approval_reason()) : "<strong>Not yet</strong>"});
    if (!p.approved()) waiting_payees.emplace_back(std::to_string(p.payee_id()), p.name());
  }
  console::Table invoices{"Invoices",
                          {"Number", "From", "Period", "Amount", "Due", "Status", "Above the plan"},
                          {},
                          "No invoice yet."};
  for (const v1::Invoice& i : got.invoices()) {
    const std::string amount =
        i.centi_hours() > 0
            ? dp::StrCat(console::Pounds(i.amount().amount_pence()), " (", i.centi_hours() / 100,
                         ".", i.centi_hours() % 100 < 10 ? "0" : "", i.centi_hours() % 100,
                         " hours at ", console::Pounds(i.rate().amount_pence()), ")")
            : console::Pounds(i.amount().amount_pence());
    invoices.rows.push_back(
        {Escape(i.number()), Escape(names[i.payee_id()]),
         Escape(Period(i.period_start(), i.period_end())), Escape(amount),
         Escape(DayOf(i.due_date())), Escape(InvoiceWords(i.status())),
         i.flag().empty() ? "No" : "<strong>" + Escape(i.flag()) + "</strong>"});
    if (i.status() == v1::INVOICE_STATUS_AWAITING_APPROVAL) {
      waiting_invoices.emplace_back(std::to_string(i.invoice_id()),
                                    dp::StrCat(i.number(), ", ", names[i.payee_id()], ", ",
                                               console::Pounds(i.amount().amount_pence())));
    }
  }
  console::Table orders{
      "Standing orders", {"To", "Amount", "How often", "Next", "State"}, {}, "No standing order."};
  for (const v1::StandingOrder& o : got.standing_orders()) {
    orders.rows.push_back({Escape(names[o.payee_id()]),
                           Escape(console::Pounds(o.amount().amount_pence())),
                           Escape(FrequencyWords(o.frequency())), Escape(DayOf(o.next_date())),
                           Escape(o.active() ? "Active" : "Cancelled: " + o.cancel_reason())});
  }
  console::Table mandates{
      "Direct debits", {"To", "Their reference", "State"}, {}, "No direct debit mandate."};
  for (const v1::Mandate& m : got.mandates()) {
    mandates.rows.push_back({Escape(names[m.payee_id()]), Escape(m.reference()),
                             Escape(m.active() ? "Active" : "Cancelled: " + m.cancel_reason())});
  }
  std::string html = dp::StrCat("<p>", AgreementLink(id), "</p>");
  if (req.has_param("done")) {
    html += console::NoticeBox(
        dp::StrCat("Recorded: ", req.get_param_value("done").substr(0, 40), "."));
  }
  const std::string override_field =
      who.principal.role == iam::Role::kFinanceOfficer
          ? console::Field("Override: why approve although it leaves commitments unfunded",
                           "override_reason", "text", "off",
                           "Only when the money is not all there; the person's record shows it",
                           false)
          : "";
  html += dp::StrCat(console::DrawTable(payees), console::DrawTable(invoices),
                     console::DrawTable(orders), console::DrawTable(mandates), "<p>",
                     console::Link(dp::StrCat("/agreements/", id, "/payments-out/history"),
                                   "Every payment made out of this agreement"),
                     "</p>", ApprovalForm(who, id, "payee", "payees", waiting_payees),
                     ApprovalForm(who, id, "invoice", "invoices", waiting_invoices, override_field),
                     InvoiceForm(who, id, got));
  SendPage(res, 200, dp::StrCat("Payments out of agreement ", id), who.viewer, html);
}

List PaymentsOutList(Site& site, std::string path, std::string caption, std::string empty_words,
                     const v1::ListOutgoingPaymentsRequest& query) {
  return {
      std::move(path),
      std::move(caption),
      {"Agreement", "Due", "To", "For", "Amount", "What became of it"},
      std::move(empty_words),
      PagedFetch<v1::ListOutgoingPaymentsResponse>(
          query,
          [&site](auto* ctx, const auto& req, auto* got) {
            return site.backends.payments().ListOutgoingPayments(ctx, req, got);
          },
          [](const v1::ListOutgoingPaymentsResponse& got) -> const auto& { return got.payments(); },
          [](const v1::OutgoingPayment& p) -> ListRow {
            return {AgreementCell(p.agreement_id()),
                    {DayOf(p.due_date())},
                    {p.payee_name()},
                    {p.source_key()},
                    {console::Pounds(p.amount().amount_pence())},
                    {PaymentWords(p), "", p.status() == v1::PAYMENT_STATUS_RETURNED}};
          })};
}

void PaymentsOutHistory(Site& site, const SignedIn& who, const httplib::Request& req,
                        httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::ListOutgoingPaymentsRequest query;
  query.set_agreement_id(id);
  SendList(site, who,
           PaymentsOutList(site, dp::StrCat("/agreements/", id, "/payments-out/history"),
                           dp::StrCat("Payments out of agreement ", id),
                           "No payment has been made out of this agreement yet.", query),
           req, res, Back(id));
}

void InvoicePost(Site& site, const SignedIn& who, const httplib::Request& req,
                 httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::SubmitInvoiceRequest invoice;
  invoice.set_request_id(req.get_param_value("request_id").substr(0, 100));
  invoice.set_agreement_id(id);
  int64_t payee = 0;
  if (!absl::SimpleAtoi(req.get_param_value("payee"), &payee) || payee <= 0) {
    return Refuse(res, who, id, "Choose who the invoice is from.");
  }
  invoice.set_payee_id(payee);
  invoice.set_number(req.get_param_value("number").substr(0, 200));
  invoice.set_description(req.get_param_value("description").substr(0, 2000));
  const auto from = ParseDay(req.get_param_value("period_start"));
  const auto to = ParseDay(req.get_param_value("period_end"));
  const auto due = ParseDay(req.get_param_value("due_date"));
  if (!from || !to || !due) {
    return Refuse(res, who, id, "Give the period's first and last days and the due date as dates.");
  }
  *invoice.mutable_period_start() = *from;
  *invoice.mutable_period_end() = *to;
  *invoice.mutable_due_date() = *due;
  const std::string hours = req.get_param_value("hours"), rate = req.get_param_value("rate"),
                    amount = req.get_param_value("amount");
  if (!hours.empty() && amount.empty()) {
    const auto h = ParseHours(hours, 100000);
    const auto r = console::ParsePounds(rate);
    if (!h || !r) {
      return Refuse(res, who, id, "Give the hours (like 20 or 7.5) and the rate (like 22.00).");
    }
    invoice.set_centi_hours(*h);
    invoice.mutable_rate()->set_amount_pence(*r);
    invoice.mutable_rate()->set_currency("GBP");
  } else if (hours.empty() && rate.empty() && !amount.empty()) {
    const auto a = console::ParsePounds(amount);
    if (!a) return Refuse(res, who, id, "Give the amount in pounds, like 150.00.");
    invoice.mutable_amount()->set_amount_pence(*a);
    invoice.mutable_amount()->set_currency("GBP");
  } else {
    return Refuse(res, who, id, "Give either the hours and the rate, or the amount: one of them.");
  }
  v1::Invoice out;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.payments().SubmitInvoice(ctx, invoice, &out); })) {
    return;
  }
  res.set_redirect(dp::StrCat("/agreements/", id, "/payments-out?done=invoice+", out.invoice_id(),
                              out.flag().empty() ? "+submitted" : "+submitted+for+the+officer"),
                   303);
}

void ApprovalPost(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  const bool payee = req.matches[2] == "payees";
  int64_t which = 0;
  if (!absl::SimpleAtoi(req.get_param_value("id"), &which) || which <= 0) {
    return Refuse(res, who, id, payee ? "Choose the payee." : "Choose the invoice.");
  }
  const std::string request_id = req.get_param_value("request_id").substr(0, 100);
  const std::string reason = req.get_param_value("reason").substr(0, 2000);
  bool ok = false;
  if (payee) {
    v1::ApprovePayeeRequest approve;
    approve.set_request_id(request_id);
    approve.set_payee_id(which);
    approve.set_reason(reason);
    v1::Payee out;
    ok = Ask(site, who, res,
             [&](auto* ctx) { return site.backends.payments().ApprovePayee(ctx, approve, &out); });
  } else {
    v1::ApproveInvoiceRequest approve;
    approve.set_request_id(request_id);
    approve.set_invoice_id(which);
    approve.set_reason(reason);
    approve.set_override_reason(req.get_param_value("override_reason").substr(0, 2000));
    v1::Invoice out;
    ok = Ask(site, who, res, [&](auto* ctx) {
      return site.backends.payments().ApproveInvoice(ctx, approve, &out);
    });
  }
  if (!ok) return;
  res.set_redirect(dp::StrCat("/agreements/", id, "/payments-out?done=",
                              payee ? "payee+" : "invoice+", which, "+approved"),
                   303);
}

}  // namespace dp::console_service
