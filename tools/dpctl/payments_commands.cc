// dpctl payments: payees, invoices, standing orders, direct debit mandates,
// one-off payments, payment runs and their BACS files, the bank's
// collections and returns, and what an agreement has available to spend.
#include "payments_commands.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "call.h"
#include "channel.h"
#include "dp/v1/payments.grpc.pb.h"

namespace dpctl {

std::string NewRequestId();  // main.cc

namespace {

namespace v1 = dp::v1;

// PaymentService is hosted by dp-agreements.
constexpr Endpoint kPayments{"agreements (payments)", "--agreements", "DP_AGREEMENTS_ADDR"};

struct Flags {
  std::string address, request_id, reason, kind, name, account_name, sort_code, account_number,
      reference, use, plan_rate, amount, rate, hours, from, to, due, number, description, frequency,
      first, end, override_reason, authority, date, bacs_file, status;
  int64_t id = 0, agreement = 0, payee = 0, employee = 0, run = 0;
  double plan_hours = 0;
  bool payroll = false, all = false;
} f;

std::function<Output()> out;
int* exit_code = nullptr;

std::string PaymentsAddress() {
  if (!f.address.empty()) return f.address;
  const char* env = std::getenv("DP_AGREEMENTS_ADDR");
  return env != nullptr && *env ? env : "127.0.0.1:7052";
}

std::unique_ptr<v1::PaymentService::Stub> Stub() {
  return v1::PaymentService::NewStub(MakeChannel(PaymentsAddress()));
}

std::string RequestId() { return f.request_id.empty() ? NewRequestId() : f.request_id; }

// Usage reports a flag that cannot be read (exit code 2); false.
bool Usage(const std::string& message) {
  std::cerr << "dpctl: " << message << "\n";
  *exit_code = 2;
  return false;
}

bool Money(const std::string& text, const std::string& flag, v1::Money* m) {
  if (MoneyFlag(text, flag, m)) return true;
  *exit_code = 2;
  return false;
}

bool Date(const std::string& text, const std::string& flag, v1::Date* d) {
  if (ParseDate(text, d)) return true;
  return Usage(flag + " must be a date such as 2026-12-01, not \"" + text + "\"");
}

// Hours reads "12.5" hours into hundredths exactly; false when it is not hours.
bool Hours(const std::string& text, const std::string& flag, int32_t* centi) {
  v1::Money as_pounds;  // the same two-decimal reading
  if (!MoneyFlag(text, flag, &as_pounds)) {
    *exit_code = 2;
    return false;
  }
  *centi = static_cast<int32_t>(as_pounds.amount_pence());
  return true;
}

std::string HoursText(int64_t centi) {
  std::ostringstream s;
  s << centi / 100 << "." << (centi % 100 < 10 ? "0" : "") << centi % 100;
  return s.str();
}

template <typename Enum>
bool EnumFlag(const std::string& text, const std::string& prefix, const std::string& flag,
              const std::string& choices, bool (*parse)(const std::string&, Enum*), Enum* value) {
  std::string upper = prefix;
  for (char c : text) upper += static_cast<char>(c == '-' ? '_' : std::toupper(c));
  if (parse(upper, value) && static_cast<int>(*value) != 0) return true;
  return Usage(flag + ": \"" + text + "\" is not one of " + choices);
}

void PrintPayee(const v1::Payee& p) {
  if (out().json()) return out().Json(p);
  out().KeyValues({
      {"payee", std::to_string(p.payee_id())},
      {"agreement", std::to_string(p.agreement_id())},
      {"kind", Lower(v1::PayeeKind_Name(p.kind()), "PAYEE_KIND_") + ", for " + p.use()},
      {"name", p.name()},
      {"bank account", p.account_name() + ", " + p.sort_code() + " " + p.account_number_masked()},
      {"reference", p.reference()},
      {"approved", p.approved() ? "by " + p.approved_by() + ": " + p.approval_reason()
                                : "not yet: the payment manager or an officer approves it"},
      {"plan", p.has_plan_rate() ? Gbp(p.plan_rate()) + " an hour, " +
                                       HoursText(p.plan_centi_hours_per_week()) + " hours a week"
                                 : "-"},
  });
}

void PrintInvoice(const v1::Invoice& i) {
  if (out().json()) return out().Json(i);
  out().KeyValues({
      {"invoice", std::to_string(i.invoice_id()) + " (" + i.number() + ")"},
      {"payee", std::to_string(i.payee_id())},
      {"amount", Gbp(i.amount()) + (i.centi_hours() > 0 ? " (" + HoursText(i.centi_hours()) +
                                                               " hours at " + Gbp(i.rate()) + ")"
                                                         : "")},
      {"period", DateText(i.period_start()) + " to " + DateText(i.period_end())},
      {"due", DateText(i.due_date())},
      {"status", Lower(v1::InvoiceStatus_Name(i.status()), "INVOICE_STATUS_")},
      {"flagged", i.flag().empty() ? "no: within the plan" : i.flag() + " (an officer approves)"},
      {"approved by", i.approved_by().empty() ? "-" : i.approved_by() + ": " + i.approval_reason()},
  });
}

void PrintOrder(const v1::StandingOrder& o) {
  if (out().json()) return out().Json(o);
  out().KeyValues({
      {"standing order", std::to_string(o.standing_order_id())},
      {"payee", std::to_string(o.payee_id())},
      {"amount", Gbp(o.amount()) + " " + Lower(v1::OrderFrequency_Name(o.frequency()), "ORDER_FREQUENCY_")},
      {"dates", DateText(o.first_date()) + " to " + DateText(o.end_date())},
      {"next", DateText(o.next_date())},
      {"reference", o.reference()},
      {"active", o.active() ? "yes" : "no: " + o.cancel_reason()},
  });
}

void PrintMandate(const v1::Mandate& m) {
  if (out().json()) return out().Json(m);
  out().KeyValues({{"mandate", std::to_string(m.mandate_id())},
                   {"payee", std::to_string(m.payee_id())},
                   {"reference", m.reference()},
                   {"active", m.active() ? "yes" : "no: " + m.cancel_reason()}});
}

std::string StatusText(v1::PaymentStatus s) { return Lower(v1::PaymentStatus_Name(s), "PAYMENT_STATUS_"); }

void PrintPayment(const v1::OutgoingPayment& p) {
  if (out().json()) return out().Json(p);
  out().KeyValues({
      {"payment", std::to_string(p.payment_id())},
      {"to", p.payee_name() + " (payee " + std::to_string(p.payee_id()) + ")"},
      {"for", p.source_key()},
      {"amount", Gbp(p.amount())},
      {"due", DateText(p.due_date())},
      {"reference", p.reference()},
      {"status", StatusText(p.status()) + (p.return_reason().empty() ? "" : ": " + p.return_reason())},
      {"override", p.override_reason().empty() ? "-" : p.override_reason()},
  });
}

void PrintRun(const v1::PaymentsRun& r) {
  if (!f.bacs_file.empty()) {
    std::ofstream file(f.bacs_file, std::ios::binary);
    file << r.bacs();
    if (!file) {
      std::cerr << "dpctl: could not write " << f.bacs_file << "\n";
      *exit_code = 1;
    }
  }
  if (out().json()) return out().Json(r);
  out().KeyValues({
      {"run", std::to_string(r.run_id())},
      {"authority", r.authority_id()},
      {"date", DateText(r.run_date())},
      {"payments", std::to_string(r.payments()) + " for " + Gbp(r.total())},
      {"state", r.settled() ? "settled by the bank" : "submitted: settle once the bank confirms"},
      {"BACS file", f.bacs_file.empty() ? std::to_string(r.bacs().size()) + " bytes (--bacs FILE writes it)"
                                        : f.bacs_file},
      {"held back", std::to_string(r.held_size())},
      {"returned", std::to_string(r.returned_size())},
  });
  std::vector<std::vector<std::string>> rows;
  for (const auto& h : r.held()) {
    rows.push_back({std::to_string(h.agreement_id()), h.what(), Gbp(h.amount()), h.reason()});
  }
  if (!rows.empty()) out().Table({"AGREEMENT", "HELD BACK", "AMOUNT", "WHY"}, rows);
}

void PrintReport(const v1::BankFileReport& r) {
  if (out().json()) return out().Json(r);
  out().KeyValues({{"lines read", std::to_string(r.lines_read())},
                   {"matched", std::to_string(r.matched()) + " for " + Gbp(r.total())},
                   {"not matched", std::to_string(r.unmatched())},
                   {"seen before", std::to_string(r.seen_before())},
                   {"malformed", std::to_string(r.malformed())}});
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : r.lines()) {
    rows.push_back({std::to_string(l.line()), l.outcome(), l.detail()});
  }
  if (!rows.empty()) out().Table({"LINE", "OUTCOME", "DETAIL"}, rows);
}

void Write(const std::string& what, const std::function<grpc::Status(grpc::ClientContext*)>& rpc) {
  *exit_code = Call(kPayments, what, rpc);
}

void AddPayeeCommands(CLI::App* payments) {
  CLI::App* payee = payments->add_subcommand("payee", "who an agreement may pay");
  payee->require_subcommand(1);
  CLI::App* add = payee->add_subcommand("add", "add a payee (approved before its first payment)");
  add->add_option("--agreement", f.agreement, "agreement id")->required();
  add->add_option("--kind", f.kind, "pa, agency, hmrc, pension or supplier")->required();
  add->add_option("--name", f.name, "the payee's name")->required();
  add->add_option("--account-name", f.account_name, "the name on their bank account (18 BACS characters)")
      ->required();
  add->add_option("--sort-code", f.sort_code, "e.g. 20-29-59")->required();
  add->add_option("--account-number", f.account_number, "six to eight digits")->required();
  add->add_option("--reference", f.reference, "what they see on their statement")->required();
  add->add_option("--employee", f.employee, "a PA: their payroll employee id");
  add->add_option("--use", f.use, "a supplier: what it is paid for (equipment, transport, ...)");
  add->add_option("--plan-rate", f.plan_rate, "the support plan's hourly rate, pounds");
  add->add_option("--plan-hours", f.plan_hours, "the support plan's hours a week");
  add->add_option("--reason", f.reason, "why, in plain words (the person reads it)")->required();
  add->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  add->callback([] {
    v1::AddPayeeRequest req;
    v1::PayeeKind kind;
    if (!EnumFlag<v1::PayeeKind>(f.kind, "PAYEE_KIND_", "--kind", "pa, agency, hmrc, pension, supplier",
                                 v1::PayeeKind_Parse, &kind)) {
      return;
    }
    if (!f.plan_rate.empty() && !Money(f.plan_rate, "--plan-rate", req.mutable_plan_rate())) return;
    req.set_request_id(RequestId());
    req.set_agreement_id(f.agreement);
    req.set_kind(kind);
    req.set_name(f.name);
    req.set_account_name(f.account_name);
    req.set_sort_code(f.sort_code);
    req.set_account_number(f.account_number);
    req.set_reference(f.reference);
    req.set_employee_id(f.employee);
    req.set_use(f.use);
    req.set_plan_centi_hours_per_week(static_cast<int32_t>(f.plan_hours * 100 + 0.5));
    req.set_reason(f.reason);
    *exit_code = CallAndPrint<v1::Payee>(
        kPayments, "adding the payee",
        [&](grpc::ClientContext* c, v1::Payee* r) { return Stub()->AddPayee(c, req, r); }, PrintPayee);
  });
  CLI::App* approve = payee->add_subcommand("approve", "approve a payee for payment");
  approve->add_option("id", f.id, "payee id")->required();
  approve->add_option("--reason", f.reason, "why, in plain words")->required();
  approve->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  approve->callback([] {
    v1::ApprovePayeeRequest req;
    req.set_request_id(RequestId());
    req.set_payee_id(f.id);
    req.set_reason(f.reason);
    *exit_code = CallAndPrint<v1::Payee>(
        kPayments, "approving the payee",
        [&](grpc::ClientContext* c, v1::Payee* r) { return Stub()->ApprovePayee(c, req, r); },
        PrintPayee);
  });
}

void AddInvoiceCommands(CLI::App* payments) {
  CLI::App* invoice = payments->add_subcommand("invoice", "agencies' and suppliers' invoices");
  invoice->require_subcommand(1);
  CLI::App* submit = invoice->add_subcommand("submit", "record an invoice (hours at a rate, or an amount)");
  submit->add_option("--agreement", f.agreement, "agreement id")->required();
  submit->add_option("--payee", f.payee, "payee id")->required();
  submit->add_option("--number", f.number, "the invoice's number")->required();
  submit->add_option("--hours", f.hours, "hours, e.g. 25.5 (with --rate)");
  submit->add_option("--rate", f.rate, "pounds an hour");
  submit->add_option("--amount", f.amount, "pounds (instead of hours and rate)");
  submit->add_option("--from", f.from, "the period's first day, YYYY-MM-DD");
  submit->add_option("--to", f.to, "the period's last day");
  submit->add_option("--due", f.due, "when it is due, YYYY-MM-DD")->required();
  submit->add_option("--description", f.description, "what it is for");
  submit->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  submit->callback([] {
    v1::SubmitInvoiceRequest req;
    int32_t centi = 0;
    if (!f.hours.empty() && !Hours(f.hours, "--hours", &centi)) return;
    if (!f.rate.empty() && !Money(f.rate, "--rate", req.mutable_rate())) return;
    if (!f.amount.empty() && !Money(f.amount, "--amount", req.mutable_amount())) return;
    if (!f.from.empty() && !Date(f.from, "--from", req.mutable_period_start())) return;
    if (!f.to.empty() && !Date(f.to, "--to", req.mutable_period_end())) return;
    if (!Date(f.due, "--due", req.mutable_due_date())) return;
    req.set_request_id(RequestId());
    req.set_agreement_id(f.agreement);
    req.set_payee_id(f.payee);
    req.set_number(f.number);
    req.set_centi_hours(centi);
    req.set_description(f.description);
    *exit_code = CallAndPrint<v1::Invoice>(
        kPayments, "recording the invoice",
        [&](grpc::ClientContext* c, v1::Invoice* r) { return Stub()->SubmitInvoice(c, req, r); },
        PrintInvoice);
  });
  CLI::App* approve = invoice->add_subcommand("approve", "approve an invoice for payment");
  approve->add_option("id", f.id, "invoice id")->required();
  approve->add_option("--reason", f.reason, "why, in plain words")->required();
  approve->add_option("--override", f.override_reason,
                      "an officer's reason to approve although it leaves commitments unfunded");
  approve->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  approve->callback([] {
    v1::ApproveInvoiceRequest req;
    req.set_request_id(RequestId());
    req.set_invoice_id(f.id);
    req.set_reason(f.reason);
    req.set_override_reason(f.override_reason);
    *exit_code = CallAndPrint<v1::Invoice>(
        kPayments, "approving the invoice",
        [&](grpc::ClientContext* c, v1::Invoice* r) { return Stub()->ApproveInvoice(c, req, r); },
        PrintInvoice);
  });
}

void AddArrangementCommands(CLI::App* payments) {
  CLI::App* order = payments->add_subcommand("standing-order", "fixed payments on a schedule");
  order->require_subcommand(1);
  CLI::App* add = order->add_subcommand("add", "set up a standing order");
  add->add_option("--agreement", f.agreement, "agreement id")->required();
  add->add_option("--payee", f.payee, "payee id")->required();
  add->add_option("--amount", f.amount, "pounds each time")->required();
  add->add_option("--frequency", f.frequency, "weekly, four_weekly or monthly")->required();
  add->add_option("--first", f.first, "the first date, YYYY-MM-DD")->required();
  add->add_option("--end", f.end, "the last date, if it ends");
  add->add_option("--reference", f.reference, "what the payee sees (default: the payee's)");
  add->add_option("--override", f.override_reason, "an officer's reason, if commitments go unfunded");
  add->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  add->callback([] {
    v1::CreateStandingOrderRequest req;
    v1::OrderFrequency frequency;
    if (!EnumFlag<v1::OrderFrequency>(f.frequency, "ORDER_FREQUENCY_", "--frequency",
                                      "weekly, four_weekly, monthly", v1::OrderFrequency_Parse,
                                      &frequency)) {
      return;
    }
    if (!Money(f.amount, "--amount", req.mutable_amount())) return;
    if (!Date(f.first, "--first", req.mutable_first_date())) return;
    if (!f.end.empty() && !Date(f.end, "--end", req.mutable_end_date())) return;
    req.set_request_id(RequestId());
    req.set_agreement_id(f.agreement);
    req.set_payee_id(f.payee);
    req.set_frequency(frequency);
    req.set_reference(f.reference);
    req.set_override_reason(f.override_reason);
    *exit_code = CallAndPrint<v1::StandingOrder>(
        kPayments, "setting up the standing order",
        [&](grpc::ClientContext* c, v1::StandingOrder* r) { return Stub()->CreateStandingOrder(c, req, r); },
        PrintOrder);
  });
  CLI::App* mandate = payments->add_subcommand("mandate", "direct debit mandates");
  mandate->require_subcommand(1);
  CLI::App* madd = mandate->add_subcommand("add", "record a direct debit mandate");
  madd->add_option("--agreement", f.agreement, "agreement id")->required();
  madd->add_option("--payee", f.payee, "payee id (who collects)")->required();
  madd->add_option("--reference", f.reference, "the collector's reference for it")->required();
  madd->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  madd->callback([] {
    v1::CreateMandateRequest req;
    req.set_request_id(RequestId());
    req.set_agreement_id(f.agreement);
    req.set_payee_id(f.payee);
    req.set_reference(f.reference);
    *exit_code = CallAndPrint<v1::Mandate>(
        kPayments, "recording the mandate",
        [&](grpc::ClientContext* c, v1::Mandate* r) { return Stub()->CreateMandate(c, req, r); },
        PrintMandate);
  });
  for (CLI::App* parent : {order, mandate}) {
    const bool is_order = parent == order;
    CLI::App* cancel = parent->add_subcommand("cancel", is_order ? "cancel a standing order"
                                                                 : "cancel a mandate");
    cancel->add_option("id", f.id, "its id")->required();
    cancel->add_option("--reason", f.reason, "why, in plain words")->required();
    cancel->add_option("--request-id", f.request_id, "idempotency key (default: random)");
    cancel->callback([is_order] {
      v1::CancelArrangementRequest req;
      req.set_request_id(RequestId());
      req.set_id(f.id);
      req.set_reason(f.reason);
      if (is_order) {
        *exit_code = CallAndPrint<v1::StandingOrder>(
            kPayments, "cancelling the standing order",
            [&](grpc::ClientContext* c, v1::StandingOrder* r) { return Stub()->CancelStandingOrder(c, req, r); },
            PrintOrder);
      } else {
        *exit_code = CallAndPrint<v1::Mandate>(
            kPayments, "cancelling the mandate",
            [&](grpc::ClientContext* c, v1::Mandate* r) { return Stub()->CancelMandate(c, req, r); },
            PrintMandate);
      }
    });
  }
  CLI::App* list = payments->add_subcommand("arrangements", "an agreement's payees, invoices, standing orders and mandates");
  list->add_option("agreement", f.agreement, "agreement id")->required();
  list->callback([] {
    v1::ListArrangementsRequest req;
    req.set_agreement_id(f.agreement);
    *exit_code = CallAndPrint<v1::Arrangements>(
        kPayments, "listing the arrangements",
        [&](grpc::ClientContext* c, v1::Arrangements* r) { return Stub()->ListArrangements(c, req, r); },
        [](const v1::Arrangements& a) {
          if (out().json()) return out().Json(a);
          std::vector<std::vector<std::string>> rows;
          for (const auto& p : a.payees()) {
            rows.push_back({std::to_string(p.payee_id()), Lower(v1::PayeeKind_Name(p.kind()), "PAYEE_KIND_"),
                            p.name(), p.sort_code() + " " + p.account_number_masked(),
                            p.approved() ? "approved" : "awaiting approval"});
          }
          out().Table({"PAYEE", "KIND", "NAME", "ACCOUNT", "STATE"}, rows);
          rows.clear();
          for (const auto& i : a.invoices()) {
            rows.push_back({std::to_string(i.invoice_id()), i.number(), std::to_string(i.payee_id()),
                            Gbp(i.amount()), DateText(i.due_date()),
                            Lower(v1::InvoiceStatus_Name(i.status()), "INVOICE_STATUS_"),
                            i.flag().empty() ? "-" : i.flag()});
          }
          if (!rows.empty()) {
            std::cout << "\n";
            out().Table({"INVOICE", "NUMBER", "PAYEE", "AMOUNT", "DUE", "STATUS", "FLAG"}, rows);
          }
          rows.clear();
          for (const auto& o : a.standing_orders()) {
            rows.push_back({std::to_string(o.standing_order_id()), std::to_string(o.payee_id()),
                            Gbp(o.amount()), Lower(v1::OrderFrequency_Name(o.frequency()), "ORDER_FREQUENCY_"),
                            DateText(o.next_date()), o.active() ? "active" : "cancelled"});
          }
          if (!rows.empty()) {
            std::cout << "\n";
            out().Table({"STANDING ORDER", "PAYEE", "AMOUNT", "EVERY", "NEXT", "STATE"}, rows);
          }
          rows.clear();
          for (const auto& m : a.mandates()) {
            rows.push_back({std::to_string(m.mandate_id()), std::to_string(m.payee_id()), m.reference(),
                            m.active() ? "active" : "cancelled"});
          }
          if (!rows.empty()) {
            std::cout << "\n";
            out().Table({"MANDATE", "PAYEE", "REFERENCE", "STATE"}, rows);
          }
        });
  });
}

void AddPaymentCommands(CLI::App* payments) {
  CLI::App* pay = payments->add_subcommand("pay", "schedule a one-off payment to an approved payee");
  pay->add_option("--agreement", f.agreement, "agreement id")->required();
  pay->add_option("--payee", f.payee, "payee id")->required();
  pay->add_option("--amount", f.amount, "pounds")->required();
  pay->add_option("--due", f.due, "the day it is sent, YYYY-MM-DD")->required();
  pay->add_option("--reference", f.reference, "what the payee sees (default: the payee's)");
  pay->add_option("--override", f.override_reason, "an officer's reason, if commitments go unfunded");
  pay->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  pay->callback([] {
    v1::SchedulePaymentRequest req;
    if (!Money(f.amount, "--amount", req.mutable_amount())) return;
    if (!Date(f.due, "--due", req.mutable_due_date())) return;
    req.set_request_id(RequestId());
    req.set_agreement_id(f.agreement);
    req.set_payee_id(f.payee);
    req.set_reference(f.reference);
    req.set_override_reason(f.override_reason);
    *exit_code = CallAndPrint<v1::OutgoingPayment>(
        kPayments, "scheduling the payment",
        [&](grpc::ClientContext* c, v1::OutgoingPayment* r) { return Stub()->SchedulePayment(c, req, r); },
        PrintPayment);
  });
  CLI::App* run = payments->add_subcommand("run", "an authority's payment run for a day, as one BACS file");
  run->add_option("--authority", f.authority, "authority id")->required();
  run->add_option("--date", f.date, "the run's date, YYYY-MM-DD (default: today)");
  run->add_flag("--payroll", f.payroll, "also pay payroll's wages, HMRC and pension owed");
  run->add_option("--bacs", f.bacs_file, "write the BACS Standard 18 file here");
  run->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  run->callback([] {
    v1::RunPaymentsRequest req;
    if (f.date.empty()) {
      *req.mutable_run_date() = TodayUtc();
    } else if (!Date(f.date, "--date", req.mutable_run_date())) {
      return;
    }
    req.set_request_id(RequestId());
    req.set_authority_id(f.authority);
    req.set_include_payroll(f.payroll);
    *exit_code = CallAndPrint<v1::PaymentsRun>(
        kPayments, "running the payments",
        [&](grpc::ClientContext* c, v1::PaymentsRun* r) { return Stub()->RunPayments(c, req, r); },
        PrintRun);
  });
  CLI::App* show = payments->add_subcommand("show-run", "a payment run, what it held back and what came back");
  show->add_option("id", f.run, "run id")->required();
  show->add_option("--bacs", f.bacs_file, "write its BACS file here");
  show->callback([] {
    v1::GetPaymentsRunRequest req;
    req.set_run_id(f.run);
    *exit_code = CallAndPrint<v1::PaymentsRun>(
        kPayments, "reading the run",
        [&](grpc::ClientContext* c, v1::PaymentsRun* r) { return Stub()->GetPaymentsRun(c, req, r); },
        PrintRun);
  });
  CLI::App* settle = payments->add_subcommand("settle", "the bank processed a run: its payments are paid");
  settle->add_option("id", f.run, "run id")->required();
  settle->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  settle->callback([] {
    v1::SettlePaymentsRunRequest req;
    req.set_request_id(RequestId());
    req.set_run_id(f.run);
    *exit_code = CallAndPrint<v1::PaymentsRun>(
        kPayments, "settling the run",
        [&](grpc::ClientContext* c, v1::PaymentsRun* r) { return Stub()->SettlePaymentsRun(c, req, r); },
        PrintRun);
  });
  for (const char* kind : {"collections", "returns"}) {
    const bool collections = std::string(kind) == "collections";
    CLI::App* import = payments->add_subcommand(
        kind, collections ? "import the bank's direct debit collections file (CSV)"
                          : "import the bank's returned payments file (ARUCS-style CSV)");
    import->add_option("file", f.name, "the CSV file")->required()->check(CLI::ExistingFile);
    import->add_option("--authority", f.authority, "authority id")->required();
    import->add_option("--request-id", f.request_id, "idempotency key (default: random)");
    import->callback([collections] {
      std::ifstream file(f.name, std::ios::binary);
      std::stringstream text;
      text << file.rdbuf();
      v1::ImportBankFileRequest req;
      req.set_request_id(RequestId());
      req.set_authority_id(f.authority);
      req.set_file_name(std::filesystem::path(f.name).filename().string());  // not where it lies
      req.set_content(text.str());
      *exit_code = CallAndPrint<v1::BankFileReport>(
          kPayments, collections ? "importing the collections" : "importing the returns",
          [&](grpc::ClientContext* c, v1::BankFileReport* r) {
            return collections ? Stub()->ImportCollections(c, req, r) : Stub()->ImportReturns(c, req, r);
          },
          PrintReport);
    });
  }
  CLI::App* history = payments->add_subcommand(
      "history", "payments of an agreement, of a run, or of an authority due on a day");
  history->add_option("--agreement", f.agreement, "agreement id");
  history->add_option("--run", f.run, "run id");
  history->add_option("--authority", f.authority, "authority id (with --due)");
  history->add_option("--due", f.due, "due on this day, YYYY-MM-DD");
  history->add_option("--status", f.status, "scheduled, submitted, paid or returned");
  history->add_flag("--all", f.all, "follow every page");
  history->callback([] {
    v1::ListOutgoingPaymentsRequest req;
    req.set_agreement_id(f.agreement);
    req.set_run_id(f.run);
    req.set_authority_id(f.authority);
    if (!f.due.empty() && !Date(f.due, "--due", req.mutable_due_date())) return;
    if (!f.status.empty()) {
      v1::PaymentStatus status;
      if (!EnumFlag<v1::PaymentStatus>(f.status, "PAYMENT_STATUS_", "--status",
                                       "scheduled, submitted, paid, returned",
                                       v1::PaymentStatus_Parse, &status)) {
        return;
      }
      req.set_status(status);
    }
    v1::ListOutgoingPaymentsResponse all;
    *exit_code = CallPages(kPayments, "listing the payments", req, f.all, &all,
        [&](grpc::ClientContext* c, const v1::ListOutgoingPaymentsRequest& r,
            v1::ListOutgoingPaymentsResponse* p) { return Stub()->ListOutgoingPayments(c, r, p); });
    if (*exit_code != 0) return;
    if (out().json()) return out().Json(all);
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : all.payments()) {
      rows.push_back({std::to_string(p.payment_id()), DateText(p.due_date()), p.payee_name(),
                      p.source_key(), Gbp(p.amount()), StatusText(p.status()),
                      p.return_reason().empty() ? "-" : p.return_reason()});
    }
    out().Table({"PAYMENT", "DUE", "TO", "FOR", "AMOUNT", "STATUS", "RETURNED"}, rows);
    if (!all.next_page_token().empty()) std::cout << "(more: --all)\n";
  });
  CLI::App* available = payments->add_subcommand("available", "what an agreement has available to spend");
  available->add_option("agreement", f.agreement, "agreement id")->required();
  available->callback([] {
    v1::AvailableToSpend a;
    *exit_code = Call(kPayments, "reading what is available",
                      [&](grpc::ClientContext* c) { return FetchAvailable(c, f.agreement, &a); });
    if (*exit_code == 0) PrintAvailable(a);
  });
}

}  // namespace

grpc::Status FetchAvailable(grpc::ClientContext* context, int64_t agreement_id,
                            v1::AvailableToSpend* out) {
  v1::GetAvailableToSpendRequest req;
  req.set_agreement_id(agreement_id);
  return Stub()->GetAvailableToSpend(context, req, out);
}

void PrintAvailable(const v1::AvailableToSpend& a) {
  if (out().json()) return out().Json(a);
  std::vector<std::pair<std::string, std::string>> lines = {
      {"available to spend", Gbp(a.available())},
      {"in the account", Gbp(a.balance())},
      {"held for card purchases", Gbp(a.held())}};
  for (const auto& c : a.commitments()) lines.push_back({"less " + c.words(), Gbp(c.amount())});
  lines.push_back({"committed in all", Gbp(a.committed())});
  out().KeyValues(lines);
}

void AddPaymentsCommands(CLI::App& app, int& code, std::function<Output()> make_output) {
  out = std::move(make_output);
  exit_code = &code;
  CLI::App* payments = app.add_subcommand(
      "payments", "payees, invoices, standing orders, direct debits, payment runs, available to spend");
  payments->require_subcommand(1);
  payments->add_option("--agreements", f.address,
                       "AgreementService (and PaymentService) address (env DP_AGREEMENTS_ADDR)");
  AddPayeeCommands(payments);
  AddInvoiceCommands(payments);
  AddArrangementCommands(payments);
  AddPaymentCommands(payments);
}

}  // namespace dpctl
