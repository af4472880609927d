// payments_run_bench: a national day's payment run on a real PostgreSQL.
// 10,000 active agreements, each with money in its account, a person's
// bank details and four approved payees (encrypted bank details), and
// 40,000 payments due today. The run (materialising what is due, reading
// and deciding each payment, posting 40,000 balanced ledger transactions
// to the clearing account, decrypting the bank details and writing the
// BACS Standard 18 file) is timed as one database transaction, as
// PaymentService runs it, and checked: every payment sent, the file's
// records counted, the ledger balanced.
//
//   payments_run_bench --database-url URL --keys FILE --migrations DIR
#include <chrono>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include "crypto/keyring.h"
#include "db/migrate.h"
#include "db/sql.h"
#include "ledger/writer.h"
#include "money/money.h"
#include "payments/books/runs.h"
#include "people/person_store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

const absl::CivilDay kToday(2026, 12, 2);

int64_t Account(pqxx::work& tx, const std::string& code, dp::ledger::AccountType type,
                bool no_negative) {
  dp::ledger::NewAccount a;
  a.idem = dp::ledger::ServiceIdempotency("bench:" + code, code);
  a.code = code;
  a.name = code;
  a.type = type;
  a.currency = "GBP";
  a.owner_type = "authority";
  a.owner_id = "BENCH";
  a.authority_id = "BENCH";
  a.flags.credits_must_not_exceed_debits = no_negative;
  auto made = dp::ledger::CreateAccount(tx, a);
  if (!made.ok()) throw std::runtime_error(std::string(made.status().message()));
  return made->id;
}

// Setup makes the agreements, people, payees and due payments (not timed).
void Setup(pqxx::connection& conn, const dp::crypto::FieldCipher& cipher, int agreements,
           int per_agreement) {
  pqxx::work tx(conn);
  tx.exec("INSERT INTO iam.organisations (id, kind, name) VALUES ('BENCH', 'authority', 'bench')");
  const int64_t funding = Account(tx, "BENCH:FUNDING", dp::ledger::AccountType::kEquity, false);
  const int64_t spent = Account(tx, "BENCH:PAID-OUT", dp::ledger::AccountType::kExpense, false);
  std::vector<dp::ledger::WriteOp> loads;
  for (int i = 0; i < agreements; ++i) {
    dp::people::Person person;
    person.authority_id = "BENCH";
    person.display_name = "Person " + std::to_string(i);
    person.bank_sort_code = "401234";
    person.bank_account_number = std::to_string(10000000 + i);
    auto person_id = dp::people::CreatePerson(tx, cipher, person);
    if (!person_id.ok()) throw std::runtime_error(std::string(person_id.status().message()));
    const int64_t holding = Account(tx, "BENCH-AGR-" + std::to_string(i) + ":BANK",
                                    dp::ledger::AccountType::kAsset, true);
    const int64_t agreement = tx.exec_params1(
        "INSERT INTO agreements.agreements (authority_id, person_id, manager_kind, status,"
        " status_reason, holding_account_id) VALUES ('BENCH', $1, 'self', 'active', 'bench', $2)"
        " RETURNING id", *person_id, holding)[0].as<int64_t>();
    dp::ledger::NewTransaction load;
    load.idem = dp::ledger::ServiceIdempotency("bench:load:" + std::to_string(i), "1");
    load.kind = "schedule_payment";
    load.description = "four weeks' budget";
    load.created_by = "bench";
    load.postings = {{holding, dp::ledger::Side::kDebit, {2000'00, "GBP"}},
                     {funding, dp::ledger::Side::kCredit, {2000'00, "GBP"}}};
    loads.push_back(load);
    for (int p = 0; p < per_agreement; ++p) {
      const int64_t payee = tx.exec1("SELECT nextval('payments.payees_id_seq')")[0].as<int64_t>();
      const std::string context = "payee:" + std::to_string(payee);
      tx.exec_params(
          "INSERT INTO payments.payees (id, agreement_id, authority_id, kind, use, name, sort_code,"
          " account_number, account_last4, reference, ledger_account_id, status, approved_by,"
          " created_by) VALUES ($1, $2, 'BENCH', 'supplier', 'equipment', $3, $4, $5, '5678',"
          " 'BENCH REF', $6, 'approved', 'bench', 'bench')",
          payee, agreement, "Supplier " + std::to_string(p), cipher.Encrypt("209876", context),
          cipher.Encrypt(std::to_string(20000000 + p) + "|SUPPLIER " + std::to_string(p), context),
          spent);
      tx.exec_params(
          "INSERT INTO payments.payments (agreement_id, payee_id, source, source_key, due_date,"
          " amount_pence, reference, to_account_id, status, created_by)"
          " VALUES ($1, $2, 'one_off', $6, $3::date, $4, 'BENCH REF', $5, 'scheduled', 'bench')",
          agreement, payee, absl::FormatCivilTime(kToday), 100'00 + p * 25, spent,
          std::to_string(payee));
    }
    if (i % 2000 == 1999) std::fprintf(stderr, "  set-up: %d agreements\n", i + 1);
  }
  for (const auto& r : dp::ledger::ApplyWrites(tx, loads)) {
    if (!r.ok()) throw std::runtime_error(std::string(r.status().message()));
  }
  tx.commit();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"a national day's payment run"};
  std::string url, keys, migrations;
  int agreements = 10000, per_agreement = 4;
  app.add_option("--database-url", url)->required();
  app.add_option("--keys", keys)->required();
  app.add_option("--migrations", migrations)->required();
  app.add_option("--agreements", agreements)->capture_default_str();
  app.add_option("--payments-each", per_agreement)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  auto keyring = dp::crypto::Keyring::FromFile(keys);
  if (!keyring.ok()) {
    std::cerr << "payments_run_bench: cannot load the keys\n";
    return 1;
  }
  const dp::crypto::FieldCipher cipher(*keyring);
  pqxx::connection conn(url);
  if (auto applied = dp::db::ApplyMigrations(conn, migrations); !applied.ok()) {
    std::cerr << "payments_run_bench: " << applied.status() << "\n";
    return 1;
  }
  std::fprintf(stderr, "setting up %d agreements with %d payments each (not timed)...\n",
               agreements, per_agreement);
  const auto setup_start = Clock::now();
  Setup(conn, cipher, agreements, per_agreement);
  { pqxx::nontransaction(conn).exec("ANALYZE"); }
  std::fprintf(stderr, "set-up took %.1f s\n", Seconds(setup_start));

  const auto start = Clock::now();
  pqxx::work tx(conn);
  auto run = dp::payments::RunPayments(tx, cipher, "BENCH", kToday, false, {"bench", true});
  if (!run.ok()) {
    std::cerr << "payments_run_bench: " << run.status() << "\n";
    return 1;
  }
  tx.commit();
  const double seconds = Seconds(start);

  const int expected = agreements * per_agreement;
  const size_t records = run->bacs.size() / 102;  // 100 characters and CRLF each
  pqxx::work check(conn);
  const int64_t imbalance =
      check.exec1("SELECT coalesce(sum(amount_pence), 0) FROM ledger.postings")[0].as<int64_t>();
  std::printf("payments sent: %d of %d, %s, held back %zu\n", run->payments, expected,
              dp::Pounds(run->total_pence).c_str(), run->held.size());
  std::printf("BACS records: %zu (%d credits and %d contras), %zu bytes\n", records, expected,
              agreements, run->bacs.size());
  std::printf("ledger imbalance: %lld\n", static_cast<long long>(imbalance));
  std::printf("payment run: %.2f s\n", seconds);
  std::printf("payments/s: %.0f\n", run->payments / seconds);
  return run->payments == expected && records == static_cast<size_t>(expected + agreements) &&
                 imbalance == 0
             ? 0
             : 1;
}
