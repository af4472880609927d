#include "payments/books/payees.h"

#include "agreements/workflow.h"
#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "db/sql.h"
#include "ledger/writer.h"
#include "money/money.h"
#include "payments/books/available.h"

namespace dp::payments {
namespace {

constexpr int64_t kMaxPlanRatePence = 1000'00;  // £1,000 an hour: beyond any care rate

constexpr std::string_view kPayeeColumns =
    "p.id, p.agreement_id, p.authority_id, p.kind, p.use, p.name, p.sort_code, p.account_number,"
    " p.account_last4, p.reference, coalesce(p.employee_id, 0), coalesce(p.plan_rate_pence, 0),"
    " coalesce(p.plan_centi_hours_per_week, 0), p.ledger_account_id, p.status = 'approved',"
    " coalesce(p.approved_by, ''), coalesce(p.approval_reason, '')";

// PayeeOf decodes a row of kPayeeColumns; the account name is the BACS
// name, kept inside the encrypted account number's context.
Payee PayeeOf(const pqxx::row& r, const crypto::FieldCipher& cipher) {
  Payee p;
  p.id = r[0].as<int64_t>();
  p.agreement_id = r[1].as<int64_t>();
  p.authority_id = r[2].as<std::string>();
  p.kind = *ParsePayeeKind(r[3].as<std::string>());
  p.use = r[4].as<std::string>();
  p.name = r[5].as<std::string>();
  const std::string context = dp::StrCat("payee:", p.id);
  auto sort = cipher.Decrypt(r[6].as<std::string>(), context);
  auto account = cipher.Decrypt(r[7].as<std::string>(), context);
  p.sort_code = sort.ok() ? *sort : "";
  // The account number is stored with its account name: "12345678|NAME".
  if (account.ok() && account->size() > 9) {
    p.account_number = account->substr(0, 8);
    p.account_name = account->substr(9);
  }
  p.account_last4 = r[8].as<std::string>();
  p.reference = r[9].as<std::string>();
  p.employee_id = r[10].as<int64_t>();
  p.plan = {r[11].as<int64_t>(), r[12].as<int64_t>()};
  p.ledger_account_id = r[13].as<int64_t>();
  p.approved = r[14].as<bool>();
  p.approved_by = r[15].as<std::string>();
  p.approval_reason = r[16].as<std::string>();
  return p;
}

absl::Status NeedReason(const std::string& reason, std::string_view field = "reason") {
  if (reason.empty() || reason.size() > 2000) {
    return FieldError(field, "is required (1 to 2000 characters, in plain words: the person reads it)");
  }
  return absl::OkStatus();
}

void Record(pqxx::work& tx, int64_t agreement_id, std::string kind, const Actor& actor,
            const std::string& reason, std::string summary) {
  agreements::InsertDecision(tx, {0, agreement_id, std::move(kind), actor.name, "", reason,
                                  std::move(summary), false, 0});
}

// EmployedHere: the PA is employed by a payroll employer of the agreement
// and has not left before `today`.
bool EmployedHere(pqxx::transaction_base& tx, int64_t employee_id, int64_t agreement_id,
                  absl::CivilDay today) {
  return !tx.exec_params(
                "SELECT 1 FROM payroll.employees m JOIN payroll.employers e ON e.id = m.employer_id"
                " WHERE m.id = $1 AND e.agreement_id = $2"
                " AND (m.leave_date IS NULL OR m.leave_date >= $3::date)",
                employee_id, agreement_id, agreements::DayText(today))
              .empty();
}

absl::Status NotEmployed(int64_t employee_id) {
  return Refusal(absl::StatusCode::kFailedPrecondition, reason::kNoPayrollEmployment,
                 dp::StrCat("employee ", employee_id,
                            " has no payroll employment under this agreement: a PA is paid as an "
                            "employee, so record their employment in payroll first"),
                 {{"employee_id", std::to_string(employee_id)}});
}

absl::StatusOr<agreements::Header> LiveAgreement(pqxx::transaction_base& tx, int64_t agreement_id) {
  auto header = agreements::GetHeader(tx, agreement_id);
  if (!header.ok()) return header.status();
  if (header->status == agreements::Status::kTerminated) {
    return Refusal(absl::StatusCode::kFailedPrecondition, reason::kAgreementNotPayable,
                   dp::StrCat("agreement ", agreement_id, " has ended: nothing more is paid from it"));
  }
  return header;
}

// PayeeOfAgreement reads a payee and checks that it is the agreement's.
absl::StatusOr<Payee> PayeeOfAgreement(pqxx::transaction_base& tx, const crypto::FieldCipher& cipher,
                                       int64_t payee_id, int64_t agreement_id) {
  auto payee = GetPayee(tx, cipher, payee_id);
  if (!payee.ok()) return payee.status();
  if (payee->agreement_id != agreement_id) {
    return FieldError("payee_id", dp::StrCat("names a payee of another agreement, not ", agreement_id));
  }
  return payee;
}

std::string_view InvoiceStatusName(InvoiceStatus s) {
  constexpr std::string_view kNames[] = {"awaiting_approval", "approved", "scheduled", "paid",
                                         "returned"};
  return kNames[static_cast<int>(s)];
}

InvoiceStatus ParseInvoiceStatus(const std::string& name) {
  for (int i = 0; i < 5; ++i) {
    if (InvoiceStatusName(static_cast<InvoiceStatus>(i)) == name) return static_cast<InvoiceStatus>(i);
  }
  DP_CHECK(false);
  return InvoiceStatus::kAwaitingApproval;
}

constexpr std::string_view kInvoiceColumns =
    "i.id, i.agreement_id, i.payee_id, i.number, coalesce(i.hours_centi, 0),"
    " coalesce(i.rate_pence, 0), i.amount_pence, i.period_start::text, i.period_end::text,"
    " i.due_date::text, i.description, i.status, i.flag, coalesce(i.approved_by, ''),"
    " coalesce(i.approval_reason, '')";

Invoice InvoiceOf(const pqxx::row& r) {
  Invoice i;
  i.id = r[0].as<int64_t>();
  i.agreement_id = r[1].as<int64_t>();
  i.payee_id = r[2].as<int64_t>();
  i.number = r[3].as<std::string>();
  i.line.centi_hours = r[4].as<int64_t>();
  i.line.rate_pence = r[5].as<int64_t>();
  i.amount_pence = r[6].as<int64_t>();
  i.line.amount_pence = i.amount_pence;
  if (!r[7].is_null()) {
    i.line.period_start = *agreements::ParseDay(r[7].as<std::string>());
    i.line.period_end = *agreements::ParseDay(r[8].as<std::string>());
  }
  i.due = *agreements::ParseDay(r[9].as<std::string>());
  i.description = r[10].as<std::string>();
  i.status = ParseInvoiceStatus(r[11].as<std::string>());
  i.flag = r[12].as<std::string>();
  i.approved_by = r[13].as<std::string>();
  i.approval_reason = r[14].as<std::string>();
  return i;
}

constexpr std::string_view kOrderColumns =
    "o.id, o.agreement_id, o.payee_id, o.amount_pence, o.frequency, o.first_date::text,"
    " o.end_date::text, o.reference, o.status = 'active', coalesce(o.cancel_reason, ''),"
    " o.generated_through::text";

StandingOrderRecord OrderOf(const pqxx::row& r) {
  StandingOrderRecord o;
  o.id = r[0].as<int64_t>();
  o.agreement_id = r[1].as<int64_t>();
  o.payee_id = r[2].as<int64_t>();
  o.order.amount_pence = r[3].as<int64_t>();
  o.order.frequency = *ParseFrequency(r[4].as<std::string>());
  o.order.first = *agreements::ParseDay(r[5].as<std::string>());
  if (!r[6].is_null()) o.order.end = *agreements::ParseDay(r[6].as<std::string>());
  o.reference = r[7].as<std::string>();
  o.active = r[8].as<bool>();
  o.cancel_reason = r[9].as<std::string>();
  const absl::CivilDay from =
      r[10].is_null() ? o.order.first : *agreements::ParseDay(r[10].as<std::string>()) + 1;
  if (o.active) {
    const auto next = Occurrences(o.order, from, from + 400);
    if (!next.empty()) o.next = next.front();
  }
  return o;
}

MandateRecord MandateOf(const pqxx::row& r) {
  return {r[0].as<int64_t>(), r[1].as<int64_t>(), r[2].as<int64_t>(), r[3].as<std::string>(),
          r[4].as<bool>(), r[5].as<std::string>()};
}

constexpr std::string_view kMandateColumns =
    "m.id, m.agreement_id, m.payee_id, m.reference, m.status = 'active',"
    " coalesce(m.cancel_reason, '')";

// ById and OfAgreement read one of the schema's tables, aliased as its
// columns expect ("payments.payees p"), and decode its rows: one by id
// (NOT_FOUND naming `what`), or an agreement's, at most 200, in `order`.
template <typename Decode>
auto ById(pqxx::transaction_base& tx, std::string_view what, std::string_view columns,
          std::string_view table, int64_t id, Decode decode)
    -> absl::StatusOr<decltype(decode(std::declval<pqxx::row>()))> {
  const char alias = table.back();
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT ", columns, " FROM ", table, " WHERE ", alias, ".id = $1"), id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat(what, " ", id, " does not exist"));
  return decode(r[0]);
}

template <typename Decode>
auto OfAgreement(pqxx::transaction_base& tx, std::string_view columns, std::string_view table,
                 int64_t agreement_id, std::string_view order, Decode decode) {
  const char alias = table.back();
  std::vector<decltype(decode(std::declval<pqxx::row>()))> out;
  for (const auto& r : tx.exec_params(
           dp::StrCat("SELECT ", columns, " FROM ", table, " WHERE ", alias,
                      ".agreement_id = $1 ORDER BY ", alias, ".id ", order, " LIMIT 200"),
           agreement_id)) {
    out.push_back(decode(r));
  }
  return out;
}

}  // namespace

absl::StatusOr<agreements::Header> PayableAgreement(pqxx::transaction_base& tx,
                                                    int64_t agreement_id) {
  auto header = agreements::GetHeader(tx, agreement_id);
  if (!header.ok()) return header.status();
  if (header->status != agreements::Status::kActive) {
    return Refusal(absl::StatusCode::kFailedPrecondition, reason::kAgreementNotPayable,
                   dp::StrCat("agreement ", agreement_id, " is ",
                              agreements::StatusName(header->status),
                              ", not active: no money leaves it until it is active again"));
  }
  return header;
}

absl::StatusOr<int64_t> AddPayee(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                 const ModulusRules& modulus, const NewPayee& payee,
                                 const Actor& actor, absl::CivilDay today) {
  if (payee.name.empty()) return FieldError("name", "is required");
  auto account_name = BacsName(payee.account_name, 18, "account_name");
  if (!account_name.ok()) return account_name.status();
  auto reference = BacsName(payee.reference, 18, "reference");
  if (!reference.ok()) return reference.status();
  auto sort_code = NormaliseSortCode(payee.sort_code, "sort_code");
  if (!sort_code.ok()) return sort_code.status();
  auto account_number = NormaliseAccountNumber(payee.account_number, "account_number");
  if (!account_number.ok()) return account_number.status();
  auto use = UseOfPayee(payee.kind, payee.use);
  if (!use.ok()) return use.status();
  if (payee.kind == PayeeKind::kPa && payee.employee_id <= 0) {
    return FieldError("employee_id", "is required for a PA: their payroll employment");
  }
  if (payee.kind != PayeeKind::kPa && payee.employee_id != 0) {
    return FieldError("employee_id", "is only for a PA");
  }
  if (payee.plan.rate_pence < 0 || payee.plan.rate_pence > kMaxPlanRatePence) {
    return FieldError("plan_rate", "must be between £0 and £1,000 an hour");
  }
  if (payee.plan.centi_hours_per_week < 0 || payee.plan.centi_hours_per_week > 16800) {
    return FieldError("plan_centi_hours_per_week", "must be between 0 and 168 hours a week");
  }
  if (auto s = NeedReason(payee.reason); !s.ok()) return s;
  if (auto s = modulus.Check(*sort_code, *account_number); !s.ok()) return s;
  auto header = LiveAgreement(tx, payee.agreement_id);
  if (!header.ok()) return header.status();
  const auto versions = agreements::Versions(tx, payee.agreement_id);
  const auto& version = agreements::VersionInForce(versions, today);
  if (auto s = CheckUsePermitted(*use, version.version.terms.permitted_uses); !s.ok()) return s;
  if (payee.kind == PayeeKind::kPa && !EmployedHere(tx, payee.employee_id, payee.agreement_id, today)) {
    return NotEmployed(payee.employee_id);
  }

  const int64_t id = tx.exec1("SELECT nextval('payments.payees_id_seq')")[0].as<int64_t>();
  ledger::NewAccount account;
  account.code = dp::StrCat("AGR-", payee.agreement_id, ":PAYEE-", id);
  account.idem = ledger::ServiceIdempotency(dp::StrCat("payments:payee:", id), account.code);
  account.name = dp::StrCat("Agreement ", payee.agreement_id, " paid to ", payee.name.substr(0, 80));
  account.type = ledger::AccountType::kExpense;
  account.currency = "GBP";
  account.owner_type = "agreement";
  account.owner_id = std::to_string(payee.agreement_id);
  account.authority_id = header->authority_id;
  auto made = ledger::CreateAccount(tx, account);
  if (!made.ok()) return made.status();
  const std::string context = dp::StrCat("payee:", id);
  tx.exec_params(
      "INSERT INTO payments.payees (id, agreement_id, authority_id, kind, use, name, sort_code,"
      " account_number, account_last4, reference, employee_id, plan_rate_pence,"
      " plan_centi_hours_per_week, ledger_account_id, status, created_by)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, nullif($11::bigint, 0),"
      " nullif($12::bigint, 0), nullif($13::integer, 0), $14, 'awaiting_approval', $15)",
      id, payee.agreement_id, header->authority_id, std::string(PayeeKindName(payee.kind)), *use,
      payee.name, cipher.Encrypt(*sort_code, context),
      cipher.Encrypt(dp::StrCat(*account_number, "|", *account_name), context),
      account_number->substr(4), *reference, payee.employee_id, payee.plan.rate_pence,
      payee.plan.centi_hours_per_week, made->id, actor.name);
  Record(tx, payee.agreement_id, "payee_added", actor, payee.reason,
         dp::StrCat(payee.name, " (", PayeeKindName(payee.kind), ", account ending ",
                    account_number->substr(4), ") was added as someone your direct payment may "
                    "pay. It cannot be paid until it is approved."));
  return id;
}

absl::Status ApprovePayee(pqxx::work& tx, int64_t payee_id, const std::string& reason,
                          const Actor& actor) {
  if (auto s = NeedReason(reason); !s.ok()) return s;
  const pqxx::result r = tx.exec_params(
      "UPDATE payments.payees SET status = 'approved', approved_by = $2, approval_reason = $3,"
      " approved_at = now() WHERE id = $1 AND status = 'awaiting_approval'"
      " RETURNING agreement_id, name",
      payee_id, actor.name, reason);
  if (r.empty()) {
    if (tx.exec_params("SELECT 1 FROM payments.payees WHERE id = $1", payee_id).empty()) {
      return absl::NotFoundError(dp::StrCat("payee ", payee_id, " does not exist"));
    }
    return absl::FailedPreconditionError(dp::StrCat("payee ", payee_id, " is already approved"));
  }
  Record(tx, r[0][0].as<int64_t>(), "payee_approved", actor, reason,
         dp::StrCat(r[0][1].as<std::string>(), " was approved: your direct payment may now pay them."));
  return absl::OkStatus();
}

absl::StatusOr<Payee> GetPayee(pqxx::transaction_base& tx, const crypto::FieldCipher& cipher,
                               int64_t payee_id) {
  return ById(tx, "payee", kPayeeColumns, "payments.payees p", payee_id,
              [&](const pqxx::row& r) { return PayeeOf(r, cipher); });
}

std::vector<Payee> ListPayees(pqxx::transaction_base& tx, const crypto::FieldCipher& cipher,
                              int64_t agreement_id) {
  return OfAgreement(tx, kPayeeColumns, "payments.payees p", agreement_id, "",
                     [&](const pqxx::row& r) { return PayeeOf(r, cipher); });
}

absl::Status PayableTo(const Payee& payee) {
  if (payee.approved) return absl::OkStatus();
  return Refusal(absl::StatusCode::kFailedPrecondition, reason::kPayeeNotApproved,
                 dp::StrCat("payee ", payee.id, " (", payee.name,
                            ") has not been approved: the person's payment manager or an officer "
                            "must approve them (ApprovePayee) before the first payment"),
                 {{"payee_id", std::to_string(payee.id)}});
}

absl::StatusOr<int64_t> SubmitInvoice(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                      const NewInvoice& invoice, const Actor& actor,
                                      absl::CivilDay today) {
  if (invoice.number.empty()) return FieldError("number", "is required");
  const InvoiceLine& line = invoice.line;
  if ((line.centi_hours > 0) == (line.amount_pence > 0)) {
    return FieldError("amount", "give hours at a rate, or an amount: one or the other");
  }
  if (line.centi_hours < 0 || line.centi_hours > 100000) {
    return FieldError("centi_hours", "must be between 0.01 and 1000 hours");
  }
  if (line.centi_hours > 0 && line.rate_pence <= 0) return FieldError("rate", "is required with hours");
  if (line.centi_hours == 0 && line.rate_pence != 0) return FieldError("rate", "goes with hours");
  if (line.period_start.has_value() != line.period_end.has_value() ||
      (line.period_start && *line.period_end < *line.period_start)) {
    return FieldError("period_end", "must be given with period_start, and not before it");
  }
  const int64_t amount = InvoiceAmount(line);
  if (amount <= 0 || amount > kMaxBacsPence) {
    return FieldError("amount", "must be positive and at most £999,999,999.99 (the BACS limit)");
  }
  auto header = LiveAgreement(tx, invoice.agreement_id);
  if (!header.ok()) return header.status();
  auto payee = PayeeOfAgreement(tx, cipher, invoice.payee_id, invoice.agreement_id);
  if (!payee.ok()) return payee.status();
  if (payee->kind == PayeeKind::kPa && !EmployedHere(tx, payee->employee_id, invoice.agreement_id, today)) {
    return NotEmployed(payee->employee_id);
  }
  if (payee->kind == PayeeKind::kHmrc || payee->kind == PayeeKind::kPension) {
    return FieldError("payee_id", "names HMRC or the pension scheme: they are paid what payroll owes, not by invoice");
  }
  const std::string flag = InvoiceFlag(line, payee->plan);
  const pqxx::result r = tx.exec_params(
      "INSERT INTO payments.invoices (agreement_id, payee_id, number, hours_centi, rate_pence,"
      " amount_pence, period_start, period_end, due_date, description, status, flag, created_by)"
      " VALUES ($1, $2, $3, nullif($4::integer, 0), nullif($5::bigint, 0), $6, $7::date,"
      " $8::date, $9::date, $10, 'awaiting_approval', $11, $12) ON CONFLICT (payee_id, number) DO NOTHING RETURNING id",
      invoice.agreement_id, invoice.payee_id, invoice.number, line.centi_hours, line.rate_pence,
      amount,
      line.period_start ? std::optional<std::string>(agreements::DayText(*line.period_start)) : std::nullopt,
      line.period_end ? std::optional<std::string>(agreements::DayText(*line.period_end)) : std::nullopt,
      agreements::DayText(invoice.due), invoice.description, flag, actor.name);
  if (r.empty()) {
    return Refusal(absl::StatusCode::kAlreadyExists, reason::kAlreadyExists,
                   dp::StrCat("payee ", invoice.payee_id, " already has an invoice numbered ",
                              Quoted(invoice.number)));
  }
  return r[0][0].as<int64_t>();
}

absl::Status ApproveInvoice(pqxx::work& tx, int64_t invoice_id, const std::string& reason,
                            const std::string& override_reason, const Actor& actor,
                            absl::CivilDay today) {
  if (auto s = NeedReason(reason); !s.ok()) return s;
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT ", kInvoiceColumns, " FROM payments.invoices i WHERE i.id = $1 FOR UPDATE"),
      invoice_id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("invoice ", invoice_id, " does not exist"));
  const Invoice invoice = InvoiceOf(r[0]);
  if (invoice.status != InvoiceStatus::kAwaitingApproval) {
    return absl::FailedPreconditionError(dp::StrCat("invoice ", invoice_id, " is already ",
                                                    InvoiceStatusName(invoice.status)));
  }
  if (!invoice.flag.empty() && !actor.officer) {
    return Refusal(absl::StatusCode::kPermissionDenied, reason::kPermissionDenied,
                   dp::StrCat("invoice ", invoice_id, " is above the support plan (", invoice.flag,
                              "): an officer must approve it"));
  }
  auto header = PayableAgreement(tx, invoice.agreement_id);
  if (!header.ok()) return header.status();
  if (auto s = FundedOrOverridden(tx, *header, invoice.amount_pence,
                                  dp::StrCat("invoice ", invoice.number), override_reason, actor,
                                  today);
      !s.ok()) {
    return s;
  }
  tx.exec_params("UPDATE payments.invoices SET status = 'approved', approved_by = $2,"
                 " approval_reason = $3 WHERE id = $1",
                 invoice_id, actor.name, reason);
  if (!invoice.flag.empty()) {
    Record(tx, invoice.agreement_id, "invoice_approved", actor, reason,
           dp::StrCat("Invoice ", invoice.number, " for ", Pounds(invoice.amount_pence),
                      " was approved although ", invoice.flag, "."));
  }
  return absl::OkStatus();
}

absl::StatusOr<Invoice> GetInvoice(pqxx::transaction_base& tx, int64_t invoice_id) {
  return ById(tx, "invoice", kInvoiceColumns, "payments.invoices i", invoice_id, InvoiceOf);
}

std::vector<Invoice> ListInvoices(pqxx::transaction_base& tx, int64_t agreement_id) {
  return OfAgreement(tx, kInvoiceColumns, "payments.invoices i", agreement_id, "DESC", InvoiceOf);
}

absl::StatusOr<int64_t> CreateStandingOrder(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                            int64_t agreement_id, int64_t payee_id,
                                            const StandingOrder& order, const std::string& reference,
                                            const std::string& override_reason, const Actor& actor,
                                            absl::CivilDay today) {
  if (order.amount_pence <= 0 || order.amount_pence > kMaxBacsPence) {
    return FieldError("amount", "must be positive and at most £999,999,999.99 (the BACS limit)");
  }
  if (order.first < today) return FieldError("first_date", "must not be in the past");
  if (order.end && *order.end < order.first) {
    return FieldError("end_date", "must not be before first_date");
  }
  auto header = PayableAgreement(tx, agreement_id);
  if (!header.ok()) return header.status();
  auto payee = PayeeOfAgreement(tx, cipher, payee_id, agreement_id);
  if (!payee.ok()) return payee.status();
  if (auto s = PayableTo(*payee); !s.ok()) return s;
  std::string ref = payee->reference;
  if (!reference.empty()) {
    auto r = BacsName(reference, 18, "reference");
    if (!r.ok()) return r.status();
    ref = *r;
  }
  const int64_t due_soon =
      order.amount_pence * static_cast<int64_t>(Occurrences(order, today, today + 27).size());
  if (due_soon > 0) {
    if (auto s = FundedOrOverridden(tx, *header, due_soon,
                                    dp::StrCat("a standing order to ", payee->name), override_reason,
                                    actor, today);
        !s.ok()) {
      return s;
    }
  }
  const pqxx::row r = tx.exec_params1(
      "INSERT INTO payments.standing_orders (agreement_id, payee_id, amount_pence, frequency,"
      " first_date, end_date, reference, status, created_by)"
      " VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, 'active', $8) RETURNING id",
      agreement_id, payee_id, order.amount_pence, std::string(FrequencyName(order.frequency)),
      agreements::DayText(order.first),
      order.end ? std::optional<std::string>(agreements::DayText(*order.end)) : std::nullopt, ref,
      actor.name);
  return r[0].as<int64_t>();
}

absl::StatusOr<StandingOrderRecord> GetStandingOrder(pqxx::transaction_base& tx, int64_t id) {
  return ById(tx, "standing order", kOrderColumns, "payments.standing_orders o", id, OrderOf);
}

std::vector<StandingOrderRecord> ListStandingOrders(pqxx::transaction_base& tx, int64_t agreement_id) {
  return OfAgreement(tx, kOrderColumns, "payments.standing_orders o", agreement_id, "", OrderOf);
}

absl::StatusOr<int64_t> CreateMandate(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                      int64_t agreement_id, int64_t payee_id,
                                      const std::string& reference, const Actor& actor) {
  auto ref = BacsName(reference, 18, "reference");
  if (!ref.ok()) return ref.status();
  auto header = PayableAgreement(tx, agreement_id);
  if (!header.ok()) return header.status();
  auto payee = PayeeOfAgreement(tx, cipher, payee_id, agreement_id);
  if (!payee.ok()) return payee.status();
  if (auto s = PayableTo(*payee); !s.ok()) return s;
  const pqxx::result r = tx.exec_params(
      "INSERT INTO payments.mandates (agreement_id, payee_id, reference, status, created_by)"
      " VALUES ($1, $2, $3, 'active', $4) ON CONFLICT (reference) WHERE status = 'active'"
      " DO NOTHING RETURNING id",
      agreement_id, payee_id, *ref, actor.name);
  if (r.empty()) {
    return Refusal(absl::StatusCode::kAlreadyExists, reason::kAlreadyExists,
                   dp::StrCat("an active mandate already has the reference ", Quoted(*ref)));
  }
  return r[0][0].as<int64_t>();
}

absl::StatusOr<MandateRecord> GetMandate(pqxx::transaction_base& tx, int64_t id) {
  return ById(tx, "mandate", kMandateColumns, "payments.mandates m", id, MandateOf);
}

std::vector<MandateRecord> ListMandates(pqxx::transaction_base& tx, int64_t agreement_id) {
  return OfAgreement(tx, kMandateColumns, "payments.mandates m", agreement_id, "", MandateOf);
}

absl::Status Cancel(pqxx::work& tx, const std::string& what, int64_t id, const std::string& reason,
                    const Actor& actor) {
  DP_CHECK(what == "standing_order" || what == "mandate");
  if (auto s = NeedReason(reason); !s.ok()) return s;
  const std::string table = what == "mandate" ? "payments.mandates" : "payments.standing_orders";
  const std::string words = what == "mandate" ? "direct debit mandate" : "standing order";
  const pqxx::result r = tx.exec_params(
      dp::StrCat("UPDATE ", table, " SET status = 'cancelled', cancel_reason = $2"
                                   " WHERE id = $1 AND status = 'active' RETURNING agreement_id, reference"),
      id, reason);
  if (r.empty()) {
    if (tx.exec_params(dp::StrCat("SELECT 1 FROM ", table, " WHERE id = $1"), id).empty()) {
      return absl::NotFoundError(dp::StrCat(words, " ", id, " does not exist"));
    }
    return absl::FailedPreconditionError(dp::StrCat(words, " ", id, " is already cancelled"));
  }
  Record(tx, r[0][0].as<int64_t>(), dp::StrCat(what, "_cancelled"), actor, reason,
         dp::StrCat("The ", words, " with reference ", r[0][1].as<std::string>(),
                    " was cancelled: nothing more is paid by it."));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> AgreementOfArrangement(pqxx::transaction_base& tx, const std::string& what,
                                               int64_t id) {
  std::string_view table = what == "payee"            ? "payments.payees"
                           : what == "invoice"        ? "payments.invoices"
                           : what == "standing_order" ? "payments.standing_orders"
                           : what == "mandate"        ? "payments.mandates"
                           : what == "payment"        ? "payments.payments"
                                                      : "";
  DP_CHECK(!table.empty());
  const pqxx::result r =
      tx.exec_params(dp::StrCat("SELECT agreement_id FROM ", table, " WHERE id = $1"), id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat(what, " ", id, " does not exist"));
  return r[0][0].as<int64_t>();
}

}  // namespace dp::payments
