#include "payments/books/runs.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "agreements/store.h"
#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "db/sql.h"
#include "ledger/store.h"
#include "ledger/writer.h"
#include "money/money.h"
#include "payments/books/available.h"
#include "payments/rules/bank_files.h"
#include "payroll/forms/bacs.h"
#include "people/person_store.h"

namespace dp::payments {
namespace {

using agreements::DayText;
using agreements::ParseDay;

constexpr size_t kMaxPaymentsPerRun = 200000;  // bounds one run's transaction
constexpr int kPayrollLookbackDays = 35;       // payslips older were paid by hand or earlier runs

constexpr std::string_view kPaymentColumns =
    "x.id, x.agreement_id, x.payee_id, p.name, x.source, x.source_key, x.due_date::text,"
    " x.amount_pence, x.reference, x.status, coalesce(x.run_id, 0),"
    " coalesce(x.submit_transaction_id, 0), coalesce(x.paid_transaction_id, 0),"
    " coalesce(x.return_transaction_id, 0), coalesce(x.return_reason, ''),"
    " coalesce(x.override_reason, '')";

PaymentStatus ParseStatus(const std::string& name) {
  for (auto s : {PaymentStatus::kScheduled, PaymentStatus::kSubmitted, PaymentStatus::kPaid,
                 PaymentStatus::kReturned}) {
    if (PaymentStatusName(s) == name) return s;
  }
  DP_CHECK(false);
  return PaymentStatus::kScheduled;
}

// SourceWords is what a payment pays, as its source key reads to people.
std::string SourceWords(const std::string& source, const std::string& key) {
  if (source == "invoice") return dp::StrCat("invoice ", key);
  if (source == "standing_order") {
    const size_t colon = key.find(':');
    return dp::StrCat("standing order ", key.substr(0, colon), " on ", key.substr(colon + 1));
  }
  if (source == "wages") {
    const size_t colon = key.find(':');
    return dp::StrCat("wages of run ", key.substr(0, colon), ", employee ", key.substr(colon + 1));
  }
  if (source == "direct_debit") {  // "2026-12-02|CL-EG-001|1850|CARELINE ALARMS"
    const size_t first = key.find('|'), second = key.find('|', first + 1);
    return dp::StrCat("direct debit ", key.substr(first + 1, second - first - 1), " collected ",
                      key.substr(0, first));
  }
  if (source == "one_off") return dp::StrCat("payment ", key);
  return dp::StrCat(source, " owed on ", key.substr(key.rfind(':') + 1));
}

Payment PaymentOf(const pqxx::row& r) {
  Payment x;
  x.id = r[0].as<int64_t>();
  x.agreement_id = r[1].as<int64_t>();
  x.payee_id = r[2].as<int64_t>();
  x.payee_name = r[3].as<std::string>();
  x.source = r[4].as<std::string>();
  x.source_key = SourceWords(x.source, r[5].as<std::string>());
  x.due = *ParseDay(r[6].as<std::string>());
  x.amount_pence = r[7].as<int64_t>();
  x.reference = r[8].as<std::string>();
  x.status = ParseStatus(r[9].as<std::string>());
  x.run_id = r[10].as<int64_t>();
  x.submit_transaction_id = r[11].as<int64_t>();
  x.paid_transaction_id = r[12].as<int64_t>();
  x.return_transaction_id = r[13].as<int64_t>();
  x.return_reason = r[14].as<std::string>();
  x.override_reason = r[15].as<std::string>();
  return x;
}

// ClearingAccount finds or opens the authority's payments clearing
// account: money sent to the bank and not yet settled.
absl::StatusOr<int64_t> ClearingAccount(pqxx::work& tx, const std::string& authority_id) {
  const std::string code = dp::StrCat(authority_id, ":PAYMENTS-CLEARING");
  if (auto existing = ledger::GetAccountByCode(tx, code); existing.ok()) return existing->id;
  ledger::NewAccount a;
  a.idem = ledger::ServiceIdempotency(dp::StrCat("payments:clearing:", authority_id), code);
  a.code = code;
  a.name = dp::StrCat(authority_id, " payments sent to the bank, not yet settled");
  a.type = ledger::AccountType::kAsset;
  a.currency = "GBP";
  a.owner_type = "authority";
  a.owner_id = authority_id;
  a.authority_id = authority_id;
  a.flags.credits_must_not_exceed_debits = true;
  auto account = ledger::CreateAccount(tx, a);
  if (!account.ok()) return account.status();
  return account->id;
}

ledger::NewTransaction Transfer(std::string request_id, int64_t pence, int64_t debit, int64_t credit,
                                std::string kind, std::string description, const Actor& actor) {
  ledger::NewTransaction t;
  t.idem = ledger::ServiceIdempotency(std::move(request_id), std::to_string(pence));
  t.kind = std::move(kind);
  t.description = std::move(description);
  t.created_by = actor.name;
  t.postings.push_back({debit, ledger::Side::kDebit, {pence, "GBP"}});
  t.postings.push_back({credit, ledger::Side::kCredit, {pence, "GBP"}});
  return t;
}

// Refused is a ledger refusal in the words of a held payment.
std::string Refused(const absl::Status& status) {
  if (ReasonOf(status) == reason::kInsufficientFunds) {
    return "the account does not hold enough money free of card holds";
  }
  return std::string(status.message());
}

std::string HeldJson(const std::vector<Held>& held) {
  nlohmann::json out = nlohmann::json::array();
  for (const Held& h : held) {
    out.push_back({{"agreement_id", h.agreement_id}, {"what", h.what},
                   {"amount_pence", h.amount_pence}, {"reason", h.reason}});
  }
  return out.dump();
}

// Materialise turns what falls due by the run date into scheduled payments:
// approved invoices, standing orders' dates and, if asked, payroll's
// liabilities. Payroll payments that cannot be made are added to `held`.
void Materialise(pqxx::work& tx, const std::string& authority_id, absl::CivilDay run_date,
                 bool include_payroll, const Actor& actor, std::vector<Held>* held) {
  const std::string day = DayText(run_date);
  // The BACS reference of an invoice is its number, in BACS characters.
  tx.exec_params(
      "INSERT INTO payments.payments (agreement_id, payee_id, source, source_key, due_date,"
      " amount_pence, reference, to_account_id, status, created_by)"
      " SELECT i.agreement_id, i.payee_id, 'invoice', i.id::text, i.due_date, i.amount_pence,"
      "  coalesce(nullif(left(upper(regexp_replace(i.number, '[^A-Za-z0-9./& -]', '', 'g')), 18), ''),"
      "   p.reference), p.ledger_account_id, 'scheduled', $3"
      " FROM payments.invoices i JOIN payments.payees p ON p.id = i.payee_id"
      " WHERE p.authority_id = $1 AND i.status = 'approved' AND i.due_date <= $2::date"
      " ON CONFLICT (source, source_key) DO NOTHING",
      authority_id, day, actor.name);
  tx.exec_params(
      "UPDATE payments.invoices i SET status = 'scheduled' FROM payments.payees p"
      " WHERE p.id = i.payee_id AND p.authority_id = $1 AND i.status = 'approved'"
      " AND i.due_date <= $2::date",
      authority_id, day);

  // Standing orders: each date from the day after the last one paid.
  std::vector<int64_t> agreement_ids, payee_ids, amounts, accounts, order_ids;
  std::vector<std::string> keys, dues, references;
  for (const auto& r : tx.exec_params(
           "SELECT o.id, o.agreement_id, o.payee_id, o.amount_pence, o.frequency,"
           " o.first_date::text, o.end_date::text, o.generated_through::text, o.reference,"
           " p.ledger_account_id FROM payments.standing_orders o"
           " JOIN payments.payees p ON p.id = o.payee_id"
           " WHERE p.authority_id = $1 AND o.status = 'active' AND o.first_date <= $2::date"
           " AND (o.generated_through IS NULL OR o.generated_through < $2::date)",
           authority_id, day)) {
    StandingOrder o{r[3].as<int64_t>(), *ParseFrequency(r[4].as<std::string>()),
                    *ParseDay(r[5].as<std::string>()), std::nullopt};
    if (!r[6].is_null()) o.end = *ParseDay(r[6].as<std::string>());
    const absl::CivilDay from = r[7].is_null() ? o.first : *ParseDay(r[7].as<std::string>()) + 1;
    for (absl::CivilDay due : Occurrences(o, from, run_date)) {
      agreement_ids.push_back(r[1].as<int64_t>());
      payee_ids.push_back(r[2].as<int64_t>());
      amounts.push_back(o.amount_pence);
      accounts.push_back(r[9].as<int64_t>());
      keys.push_back(dp::StrCat(r[0].as<int64_t>(), ":", DayText(due)));
      dues.push_back(DayText(due));
      references.push_back(r[8].as<std::string>());
    }
    order_ids.push_back(r[0].as<int64_t>());
  }
  auto insert = [&](const std::string& source) {
    if (keys.empty()) return;
    tx.exec_params(
        "INSERT INTO payments.payments (agreement_id, payee_id, source, source_key, due_date,"
        " amount_pence, reference, to_account_id, status, created_by)"
        " SELECT a, p, $1, k, d::date, m, r, t, 'scheduled', $2 FROM unnest($3::bigint[],"
        " $4::bigint[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::bigint[])"
        " AS u(a, p, k, d, m, r, t) ON CONFLICT (source, source_key) DO NOTHING",
        source, actor.name, db::IntArrayLiteral(agreement_ids), db::IntArrayLiteral(payee_ids),
        db::TextArrayLiteral(keys), db::TextArrayLiteral(dues), db::IntArrayLiteral(amounts),
        db::TextArrayLiteral(references), db::IntArrayLiteral(accounts));
    agreement_ids.clear(), payee_ids.clear(), keys.clear(), dues.clear(), amounts.clear();
    references.clear(), accounts.clear();
  };
  insert("standing_order");
  if (!order_ids.empty()) {
    tx.exec_params("UPDATE payments.standing_orders SET generated_through = $2::date"
                   " WHERE id = ANY($1::bigint[])",
                   db::IntArrayLiteral(order_ids), day);
  }
  if (!include_payroll) return;

  // Payroll: what each liability account still owes and has not been sent.
  std::map<int64_t, int64_t> unsent;  // by liability account
  for (const auto& r : tx.exec_params(
           "SELECT a.id, b.credits_posted - b.debits_posted - coalesce((SELECT sum(x.amount_pence)"
           "  FROM payments.payments x WHERE x.to_account_id = a.id"
           "  AND x.status IN ('scheduled', 'submitted')), 0)"
           " FROM payroll.employers e JOIN agreements.agreements g ON g.id = e.agreement_id"
           " JOIN ledger.accounts a ON a.id IN (e.wages_account_id, e.hmrc_account_id,"
           "  e.pension_account_id)"
           " JOIN ledger.balances b ON b.account_id = a.id WHERE g.authority_id = $1",
           authority_id)) {
    unsent[r[0].as<int64_t>()] = r[1].as<int64_t>();
  }
  // Net wages, payslip by payslip, oldest first, to the PA's approved payee.
  for (const auto& r : tx.exec_params(
           "SELECT s.run_id, s.employee_id, s.net_pence, e.agreement_id, e.wages_account_id,"
           " coalesce(p.id, 0), coalesce(p.reference, '')"
           " FROM payroll.payslips s JOIN payroll.pay_runs r ON r.id = s.run_id AND r.status = 'posted'"
           " JOIN payroll.employers e ON e.id = r.employer_id"
           " JOIN agreements.agreements g ON g.id = e.agreement_id"
           " LEFT JOIN LATERAL (SELECT id, reference FROM payments.payees y"
           "  WHERE y.employee_id = s.employee_id AND y.status = 'approved' ORDER BY y.id LIMIT 1) p"
           "  ON true"
           " WHERE g.authority_id = $1 AND r.payment_date <= $2::date"
           " AND r.payment_date > $2::date - $3::int AND s.net_pence > 0"
           " AND NOT EXISTS (SELECT 1 FROM payments.payments x WHERE x.source = 'wages'"
           "  AND x.source_key = s.run_id || ':' || s.employee_id)"
           " ORDER BY r.payment_date, s.run_id, s.employee_id",
           authority_id, day, kPayrollLookbackDays)) {
    const int64_t net = r[2].as<int64_t>(), wages_account = r[4].as<int64_t>();
    const std::string what = dp::StrCat("wages of run ", r[0].as<int64_t>(), ", employee ",
                                        r[1].as<int64_t>());
    if (r[5].as<int64_t>() == 0) {
      held->push_back({r[3].as<int64_t>(), what, net,
                       dp::StrCat("employee ", r[1].as<int64_t>(),
                                  " has no approved payee: add and approve the PA as a payee")});
      continue;
    }
    if (unsent[wages_account] < net) {
      held->push_back({r[3].as<int64_t>(), what, net,
                       "the wages account owes less than this payslip: it was paid another way"});
      continue;
    }
    unsent[wages_account] -= net;
    agreement_ids.push_back(r[3].as<int64_t>());
    payee_ids.push_back(r[5].as<int64_t>());
    amounts.push_back(net);
    accounts.push_back(wages_account);
    keys.push_back(dp::StrCat(r[0].as<int64_t>(), ":", r[1].as<int64_t>()));
    dues.push_back(day);
    references.push_back(r[6].as<std::string>());
  }
  insert("wages");
  // HMRC and the pension scheme: all that is owed and not yet sent.
  for (const char* kind : {"hmrc", "pension"}) {
    for (const auto& r : tx.exec_params(
             dp::StrCat("SELECT e.agreement_id, e.", kind, "_account_id, coalesce(p.id, 0),"
                        " coalesce(p.reference, '') FROM payroll.employers e"
                        " JOIN agreements.agreements g ON g.id = e.agreement_id"
                        " LEFT JOIN LATERAL (SELECT id, reference FROM payments.payees y"
                        "  WHERE y.agreement_id = e.agreement_id AND y.kind = $2"
                        "  AND y.status = 'approved' ORDER BY y.id LIMIT 1) p ON true"
                        " WHERE g.authority_id = $1 ORDER BY e.id"),
             authority_id, std::string(kind))) {
      const int64_t account = r[1].as<int64_t>(), owed = unsent[account];
      if (owed <= 0) continue;
      const std::string what = dp::StrCat(kind == std::string("hmrc") ? "HMRC" : "the pension scheme",
                                          " owed by agreement ", r[0].as<int64_t>());
      if (r[2].as<int64_t>() == 0) {
        held->push_back({r[0].as<int64_t>(), what, owed,
                         dp::StrCat("the agreement has no approved ", kind, " payee")});
        continue;
      }
      agreement_ids.push_back(r[0].as<int64_t>());
      payee_ids.push_back(r[2].as<int64_t>());
      amounts.push_back(owed);
      accounts.push_back(account);
      keys.push_back(dp::StrCat(account, ":", day));
      dues.push_back(day);
      references.push_back(r[3].as<std::string>());
    }
    insert(kind);
  }
}

// Due is a scheduled payment a run considers, with what it needs to send it.
struct Due {
  Payment payment;
  bool agreement_active = false;
  int64_t holding_account_id = 0;
  int64_t person_id = 0;
  bool payee_approved = false;
  std::string payee_sort_code;  // encrypted
  std::string payee_account;    // encrypted: "12345678|ACCOUNT NAME"
};

}  // namespace

std::string_view PaymentStatusName(PaymentStatus status) {
  constexpr std::string_view kNames[] = {"scheduled", "submitted", "paid", "returned"};
  return kNames[static_cast<int>(status)];
}

absl::StatusOr<int64_t> SchedulePayment(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                        int64_t agreement_id, int64_t payee_id,
                                        int64_t amount_pence, absl::CivilDay due,
                                        const std::string& reference,
                                        const std::string& override_reason, const Actor& actor,
                                        absl::CivilDay today) {
  if (amount_pence <= 0 || amount_pence > kMaxBacsPence) {
    return FieldError("amount", "must be positive and at most £999,999,999.99 (the BACS limit)");
  }
  if (due < today) return FieldError("due_date", "must not be in the past");
  auto header = PayableAgreement(tx, agreement_id);
  if (!header.ok()) return header.status();
  auto payee = GetPayee(tx, cipher, payee_id);
  if (!payee.ok()) return payee.status();
  if (payee->agreement_id != agreement_id) {
    return FieldError("payee_id", dp::StrCat("names a payee of another agreement, not ", agreement_id));
  }
  if (auto s = PayableTo(*payee); !s.ok()) return s;
  std::string ref = payee->reference;
  if (!reference.empty()) {
    auto r = BacsName(reference, 18, "reference");
    if (!r.ok()) return r.status();
    ref = *r;
  }
  if (auto s = FundedOrOverridden(tx, *header, amount_pence,
                                  dp::StrCat("a payment to ", payee->name), override_reason, actor,
                                  today);
      !s.ok()) {
    return s;
  }
  const int64_t id = tx.exec1("SELECT nextval('payments.payments_id_seq')")[0].as<int64_t>();
  tx.exec_params(
      "INSERT INTO payments.payments (id, agreement_id, payee_id, source, source_key, due_date,"
      " amount_pence, reference, to_account_id, status, override_reason, created_by)"
      " VALUES ($1, $2, $3, 'one_off', $10, $4::date, $5, $6, $7, 'scheduled',"
      " nullif($8, ''), $9)",
      id, agreement_id, payee_id, DayText(due), amount_pence, ref, payee->ledger_account_id,
      override_reason, actor.name, std::to_string(id));
  return id;
}

absl::StatusOr<Run> RunPayments(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                const std::string& authority_id, absl::CivilDay run_date,
                                bool include_payroll, const Actor& actor) {
  // One run of an authority at a time: two would send the same payments.
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('payments.run:' || $1))", authority_id);
  auto clearing = ClearingAccount(tx, authority_id);
  if (!clearing.ok()) return clearing.status();
  Run run;
  run.authority_id = authority_id;
  run.run_date = run_date;
  Materialise(tx, authority_id, run_date, include_payroll, actor, &run.held);

  std::vector<Due> due;
  for (const auto& r : tx.exec_params(
           dp::StrCat("SELECT ", kPaymentColumns, ", g.status = 'active', g.holding_account_id,"
                      " g.person_id, p.status = 'approved', p.sort_code, p.account_number"
                      " FROM payments.payments x JOIN payments.payees p ON p.id = x.payee_id"
                      " JOIN agreements.agreements g ON g.id = x.agreement_id"
                      " WHERE p.authority_id = $1 AND x.status = 'scheduled' AND x.due_date <= $2::date"
                      " ORDER BY x.agreement_id, x.due_date, x.id LIMIT $3"),
           authority_id, DayText(run_date), kMaxPaymentsPerRun + 1)) {
    Due d;
    d.payment = PaymentOf(r);
    d.agreement_active = r[16].as<bool>();
    d.holding_account_id = r[17].is_null() ? 0 : r[17].as<int64_t>();
    d.person_id = r[18].as<int64_t>();
    d.payee_approved = r[19].as<bool>();
    d.payee_sort_code = r[20].as<std::string>();
    d.payee_account = r[21].as<std::string>();
    due.push_back(std::move(d));
  }
  if (due.size() > kMaxPaymentsPerRun) {
    return absl::ResourceExhaustedError(dp::StrCat(
        "more than ", kMaxPaymentsPerRun, " payments are due: run earlier dates first"));
  }
  // The paying accounts: each person's bank details, read once.
  std::vector<int64_t> person_ids;
  for (const Due& d : due) person_ids.push_back(d.person_id);
  auto persons = people::GetPersons(tx, cipher, person_ids);
  if (!persons.ok()) return persons.status();

  std::vector<const Due*> sending;
  std::vector<ledger::WriteOp> ops;
  for (const Due& d : due) {
    const Payment& x = d.payment;
    auto hold = [&](std::string why) {
      run.held.push_back({x.agreement_id, dp::StrCat("payment ", x.id, " (", x.source_key, ")"),
                          x.amount_pence, std::move(why)});
    };
    const auto person = persons->find(d.person_id);
    if (!d.agreement_active) {
      hold("the agreement is not active");
    } else if (!d.payee_approved) {
      hold("the payee has not been approved");
    } else if (d.holding_account_id == 0 || person == persons->end() ||
               person->second.bank_sort_code.empty() || person->second.bank_account_number.empty()) {
      hold("the person's bank details (the account the money leaves) are not recorded");
    } else {
      sending.push_back(&d);
      ops.push_back(Transfer(dp::StrCat("payments:submit:", x.id), x.amount_pence, *clearing,
                             d.holding_account_id, "payment_out",
                             dp::StrCat("Payment ", x.id, " to ", x.payee_name, ": ", x.source_key),
                             actor));
    }
  }
  const auto results = ledger::ApplyWrites(tx, ops);
  DP_CHECK(results.size() == sending.size());

  std::vector<int64_t> sent_ids, sent_transactions;
  std::map<int64_t, std::pair<payroll::BacsAccount, std::vector<payroll::BacsCredit>>> by_agreement;
  for (size_t i = 0; i < sending.size(); ++i) {
    const Due& d = *sending[i];
    const Payment& x = d.payment;
    if (!results[i].ok()) {
      run.held.push_back({x.agreement_id, dp::StrCat("payment ", x.id, " (", x.source_key, ")"),
                          x.amount_pence, Refused(results[i].status())});
      continue;
    }
    const std::string context = dp::StrCat("payee:", x.payee_id);
    auto sort_code = cipher.Decrypt(d.payee_sort_code, context);
    auto account = cipher.Decrypt(d.payee_account, context);
    DP_CHECK(sort_code.ok() && account.ok() && account->size() > 9);
    sent_ids.push_back(x.id);
    sent_transactions.push_back(results[i]->id);
    auto& [from, credits] = by_agreement[x.agreement_id];
    if (from.sort_code.empty()) {
      const people::Person& person = persons->at(d.person_id);
      from = {person.bank_sort_code, person.bank_account_number,
              dp::StrCat("DP ", x.agreement_id, " ", person.display_name)};
    }
    credits.push_back({{*sort_code, account->substr(0, 8), account->substr(9)}, x.amount_pence,
                       x.reference});
    run.total_pence += x.amount_pence;
  }
  run.payments = static_cast<int>(sent_ids.size());
  for (const auto& [agreement_id, file] : by_agreement) {
    auto part = payroll::BacsStandard18(file.first, file.second, "DP PAYMENTS");
    if (!part.ok()) {
      return absl::FailedPreconditionError(
          dp::StrCat("agreement ", agreement_id, ": ", std::string(part.status().message())));
    }
    run.bacs += *part;
  }
  const pqxx::row r = tx.exec_params1(
      "INSERT INTO payments.runs (authority_id, run_date, status, payments, total_pence, bacs, held,"
      " created_by) VALUES ($1, $2::date, 'submitted', $3, $4, $5, $6::jsonb, $7) RETURNING id",
      authority_id, DayText(run_date), run.payments, run.total_pence, run.bacs,
      HeldJson(run.held), actor.name);
  run.id = r[0].as<int64_t>();
  if (!sent_ids.empty()) {
    tx.exec_params(
        "UPDATE payments.payments x SET status = 'submitted', run_id = $1,"
        " submit_transaction_id = u.t FROM unnest($2::bigint[], $3::bigint[]) AS u(i, t)"
        " WHERE x.id = u.i",
        run.id, db::IntArrayLiteral(sent_ids), db::IntArrayLiteral(sent_transactions));
  }
  return run;
}

absl::StatusOr<Run> GetRun(pqxx::transaction_base& tx, int64_t run_id) {
  const pqxx::result r = tx.exec_params(
      "SELECT authority_id, run_date::text, status = 'settled', payments, total_pence, bacs,"
      " held::text FROM payments.runs WHERE id = $1",
      run_id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("payment run ", run_id, " does not exist"));
  Run run;
  run.id = run_id;
  run.authority_id = r[0][0].as<std::string>();
  run.run_date = *ParseDay(r[0][1].as<std::string>());
  run.settled = r[0][2].as<bool>();
  run.payments = r[0][3].as<int>();
  run.total_pence = r[0][4].as<int64_t>();
  run.bacs = r[0][5].as<std::string>();
  for (const auto& h : nlohmann::json::parse(r[0][6].as<std::string>())) {
    run.held.push_back({h["agreement_id"].get<int64_t>(), h["what"].get<std::string>(),
                        h["amount_pence"].get<int64_t>(), h["reason"].get<std::string>()});
  }
  return run;
}

absl::StatusOr<std::vector<Held>> SettleRun(pqxx::work& tx, int64_t run_id, const Actor& actor) {
  const pqxx::result run = tx.exec_params(
      "SELECT authority_id, status FROM payments.runs WHERE id = $1 FOR UPDATE", run_id);
  if (run.empty()) return absl::NotFoundError(dp::StrCat("payment run ", run_id, " does not exist"));
  if (run[0][1].as<std::string>() == "settled") {
    return absl::FailedPreconditionError(dp::StrCat("payment run ", run_id, " is already settled"));
  }
  auto clearing = ClearingAccount(tx, run[0][0].as<std::string>());
  if (!clearing.ok()) return clearing.status();
  std::vector<Payment> payments;
  std::vector<int64_t> to_accounts;
  std::vector<ledger::WriteOp> ops;
  for (const auto& r : tx.exec_params(
           dp::StrCat("SELECT ", kPaymentColumns, ", x.to_account_id FROM payments.payments x"
                      " JOIN payments.payees p ON p.id = x.payee_id"
                      " WHERE x.run_id = $1 AND x.status = 'submitted' ORDER BY x.id"),
           run_id)) {
    payments.push_back(PaymentOf(r));
    const Payment& x = payments.back();
    ops.push_back(Transfer(dp::StrCat("payments:paid:", x.id), x.amount_pence, r[16].as<int64_t>(),
                           *clearing, "payment_paid",
                           dp::StrCat("Payment ", x.id, " paid to ", x.payee_name), actor));
  }
  const auto results = ledger::ApplyWrites(tx, ops);
  std::vector<Held> held;
  std::vector<int64_t> paid_ids, paid_transactions;
  for (size_t i = 0; i < payments.size(); ++i) {
    if (!results[i].ok()) {
      held.push_back({payments[i].agreement_id, dp::StrCat("payment ", payments[i].id),
                      payments[i].amount_pence, Refused(results[i].status())});
      continue;
    }
    paid_ids.push_back(payments[i].id);
    paid_transactions.push_back(results[i]->id);
  }
  tx.exec_params(
      "UPDATE payments.payments x SET status = 'paid', paid_transaction_id = u.t"
      " FROM unnest($1::bigint[], $2::bigint[]) AS u(i, t) WHERE x.id = u.i",
      db::IntArrayLiteral(paid_ids), db::IntArrayLiteral(paid_transactions));
  tx.exec_params(
      "UPDATE payments.invoices i SET status = 'paid' FROM payments.payments x"
      " WHERE x.source = 'invoice' AND x.source_key = i.id::text AND x.id = ANY($1::bigint[])",
      db::IntArrayLiteral(paid_ids));
  tx.exec_params("UPDATE payments.runs SET status = 'settled' WHERE id = $1", run_id);
  return held;
}

std::vector<Payment> ListPayments(pqxx::transaction_base& tx, const PaymentQuery& query) {
  DP_CHECK(query.agreement_id > 0 || query.run_id > 0 ||
           (!query.authority_id.empty() && query.due_date.has_value()));
  DP_CHECK(query.limit > 0);
  std::vector<Payment> out;
  for (const auto& r : tx.exec_params(
           dp::StrCat("SELECT ", kPaymentColumns, " FROM payments.payments x"
                      " JOIN payments.payees p ON p.id = x.payee_id"
                      " WHERE ($1::bigint = 0 OR x.agreement_id = $1::bigint)"
                      " AND ($2::bigint = 0 OR x.run_id = $2::bigint)"
                      " AND ($3::text = '' OR x.status = $3::text) AND x.id > $4::bigint"
                      " AND ($6::text = '' OR x.agreement_id IN (SELECT id FROM"
                      "      agreements.agreements WHERE authority_id = $6::text))"
                      " AND ($7::date IS NULL OR x.due_date = $7::date)"
                      " ORDER BY x.id LIMIT $5"),
           query.agreement_id, query.run_id,
           query.status ? std::string(PaymentStatusName(*query.status)) : std::string(),
           query.after_id, query.limit, query.authority_id,
           query.due_date ? std::optional<std::string>(absl::FormatCivilTime(*query.due_date))
                          : std::nullopt)) {
    out.push_back(PaymentOf(r));
  }
  return out;
}

namespace {

// FirstTime records a file line once; false when it was read before.
bool FirstTime(pqxx::work& tx, const std::string& kind, const std::string& key,
               const std::string& outcome, int64_t payment_id) {
  return !tx.exec_params(
                "INSERT INTO payments.file_lines (kind, line_key, outcome, payment_id)"
                " VALUES ($1, $2, $3, nullif($4::bigint, 0)) ON CONFLICT DO NOTHING RETURNING 1",
                kind, key, outcome, payment_id)
              .empty();
}

// ReadBefore: a line read in an earlier file is reported as seen before
// and changes nothing; true then.
bool ReadBefore(pqxx::work& tx, const std::string& kind, const std::string& key, int line_no,
                FileReport* report) {
  if (tx.exec_params("SELECT 1 FROM payments.file_lines WHERE kind = $1 AND line_key = $2", kind,
                     key)
          .empty()) {
    return false;
  }
  report->lines.push_back({line_no, "seen_before", "read in an earlier file", 0});
  ++report->seen_before;
  return true;
}

// SortByLine puts a report's lines in the file's order.
void SortByLine(FileReport* report) {
  std::stable_sort(report->lines.begin(), report->lines.end(),
                   [](const FileLine& a, const FileLine& b) { return a.line_no < b.line_no; });
}

// StartReport counts a file's lines and reports the malformed ones.
FileReport StartReport(size_t good_lines, const std::vector<FileProblem>& problems) {
  FileReport report;
  report.lines_read = static_cast<int>(good_lines + problems.size());
  for (const FileProblem& p : problems) {
    report.lines.push_back({p.line_no, "malformed", p.detail, 0});
    ++report.malformed;
  }
  return report;
}

}  // namespace

absl::StatusOr<FileReport> ImportCollections(pqxx::work& tx, const std::string& authority_id,
                                             std::string_view content, const Actor& actor) {
  auto file = ParseCollections(content);
  if (!file.ok()) return FieldError("content", std::string(file.status().message()));
  FileReport report = StartReport(file->lines.size(), file->problems);
  for (const Collection& c : file->lines) {
    const std::string key = dp::StrCat(authority_id, "|", c.key);
    if (ReadBefore(tx, "collections", key, c.line_no, &report)) continue;
    std::string reference = c.reference;
    for (char& ch : reference) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const pqxx::result m = tx.exec_params(
        "SELECT m.id, m.agreement_id, m.payee_id, p.ledger_account_id, g.holding_account_id, p.name"
        " FROM payments.mandates m JOIN payments.payees p ON p.id = m.payee_id"
        " JOIN agreements.agreements g ON g.id = m.agreement_id"
        " WHERE m.reference = $1 AND m.status = 'active' AND g.authority_id = $2",
        reference, authority_id);
    if (m.empty()) {
      FirstTime(tx, "collections", key, "unmatched", 0);
      report.lines.push_back({c.line_no, "unmatched",
                              dp::StrCat(Pounds(c.amount_pence), " collected by ",
                                         Quoted(c.originator), " with reference ",
                                         Quoted(c.reference), " matches no active mandate"),
                              0});
      ++report.unmatched;
      continue;
    }
    const int64_t id = tx.exec1("SELECT nextval('payments.payments_id_seq')")[0].as<int64_t>();
    auto posted = ledger::ApplyOne(
        tx, Transfer(dp::StrCat("payments:dd:", id), c.amount_pence, m[0][3].as<int64_t>(),
                     m[0][4].as<int64_t>(), "direct_debit",
                     dp::StrCat("Direct debit collected by ", m[0][5].as<std::string>(), ", ",
                                c.reference),
                     actor));
    if (!posted.ok()) {
      // Not recorded as read: importing the file again tries once more.
      report.lines.push_back({c.line_no, "not_posted",
                              dp::StrCat("mandate ", m[0][0].as<int64_t>(), ": ", Refused(posted.status())),
                              0});
      ++report.unmatched;
      continue;
    }
    tx.exec_params(
        "INSERT INTO payments.payments (id, agreement_id, payee_id, source, source_key, due_date,"
        " amount_pence, reference, to_account_id, status, paid_transaction_id, created_by)"
        " VALUES ($1, $2, $3, 'direct_debit', $4, $5::date, $6, $7, $8, 'paid', $9, $10)",
        id, m[0][1].as<int64_t>(), m[0][2].as<int64_t>(), c.key, DayText(c.date), c.amount_pence,
        reference.substr(0, 18), m[0][3].as<int64_t>(), *posted, actor.name);
    FirstTime(tx, "collections", key, "matched", id);
    report.lines.push_back({c.line_no, "matched",
                            dp::StrCat(Pounds(c.amount_pence), " to mandate ", m[0][0].as<int64_t>(),
                                       " of agreement ", m[0][1].as<int64_t>()),
                            id});
    ++report.matched;
    report.total_pence += c.amount_pence;
  }
  SortByLine(&report);
  return report;
}

absl::StatusOr<FileReport> ImportReturns(pqxx::work& tx, const std::string& authority_id,
                                         std::string_view content, const Actor& actor) {
  auto file = ParseReturns(content);
  if (!file.ok()) return FieldError("content", std::string(file.status().message()));
  auto clearing = ClearingAccount(tx, authority_id);
  if (!clearing.ok()) return clearing.status();
  FileReport report = StartReport(file->lines.size(), file->problems);
  for (const Return& ret : file->lines) {
    const std::string key = dp::StrCat(authority_id, "|", ret.key);
    if (ReadBefore(tx, "returns", key, ret.line_no, &report)) continue;
    const pqxx::result found = tx.exec_params(
        "SELECT x.id, x.agreement_id, x.status, x.to_account_id, g.holding_account_id, p.name"
        " FROM payments.payments x JOIN payments.runs r ON r.id = x.run_id"
        " JOIN payments.payees p ON p.id = x.payee_id"
        " JOIN agreements.agreements g ON g.id = x.agreement_id"
        " WHERE r.authority_id = $1 AND r.run_date = $2::date AND x.reference = $3"
        " AND x.amount_pence = $4 AND x.status IN ('submitted', 'paid') ORDER BY x.id LIMIT 1",
        authority_id, DayText(ret.original_date), ret.reference, ret.amount_pence);
    if (found.empty()) {
      FirstTime(tx, "returns", key, "not_found", 0);
      report.lines.push_back({ret.line_no, "not_found",
                              dp::StrCat("no payment of ", Pounds(ret.amount_pence), " with reference ",
                                         Quoted(ret.reference), " was sent on ",
                                         DayText(ret.original_date)),
                              0});
      ++report.unmatched;
      continue;
    }
    const pqxx::row x = found[0];
    const int64_t id = x[0].as<int64_t>(), agreement_id = x[1].as<int64_t>();
    // Submitted money is still in clearing; paid money is at the payee.
    const int64_t from = x[2].as<std::string>() == "submitted" ? *clearing : x[3].as<int64_t>();
    const std::string why = dp::StrCat(ret.code, ": ", ret.reason);
    auto posted = ledger::ApplyOne(
        tx, Transfer(dp::StrCat("payments:return:", id), ret.amount_pence, x[4].as<int64_t>(), from,
                     "payment_returned",
                     dp::StrCat("Payment ", id, " to ", x[5].as<std::string>(), " returned: ", why),
                     actor));
    if (!posted.ok()) return posted.status();
    tx.exec_params(
        "UPDATE payments.payments SET status = 'returned', return_transaction_id = $2,"
        " return_reason = $3 WHERE id = $1",
        id, *posted, why);
    tx.exec_params(
        "UPDATE payments.invoices i SET status = 'returned' FROM payments.payments x"
        " WHERE x.id = $1 AND x.source = 'invoice' AND x.source_key = i.id::text",
        id);
    agreements::InsertDecision(
        tx, {0, agreement_id, "payment_returned", actor.name, "", why,
             dp::StrCat("Your payment of ", Pounds(ret.amount_pence), " to ", x[5].as<std::string>(),
                        " was returned by their bank (", ret.reason,
                        "). The money is back in your account; check the payee's bank details "
                        "before paying them again."),
             false, 0});
    FirstTime(tx, "returns", key, "returned", id);
    report.lines.push_back({ret.line_no, "returned", dp::StrCat("payment ", id, ": ", why), id});
    ++report.matched;
    report.total_pence += ret.amount_pence;
  }
  SortByLine(&report);
  return report;
}

}  // namespace dp::payments
