#ifndef DP_LIB_PAYMENTS_BOOKS_RUNS_H_
#define DP_LIB_PAYMENTS_BOOKS_RUNS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "crypto/field_cipher.h"
#include "payments/books/payees.h"

// Payments out over the database: one-off payments, the daily payment run
// and its BACS file, the bank's settlement, returns and direct debit
// collections. Each payment's money moves in the ledger in the caller's
// transaction:
//
//   submitted  agreement's account  -> <AUTHORITY>:PAYMENTS-CLEARING
//   paid       clearing             -> the payee's account (or payroll's
//                                      wages, HMRC or pension liability)
//   returned   wherever it is now   -> back to the agreement's account
namespace dp::payments {

enum class PaymentStatus { kScheduled, kSubmitted, kPaid, kReturned };
std::string_view PaymentStatusName(PaymentStatus status);

struct Payment {
  int64_t id = 0;
  int64_t agreement_id = 0;
  int64_t payee_id = 0;
  std::string payee_name;
  std::string source;      // invoice, standing_order, wages, hmrc, pension, direct_debit, one_off
  std::string source_key;  // what it pays, in words: "invoice 4", "run 7, employee 3"
  absl::CivilDay due;
  int64_t amount_pence = 0;
  std::string reference;
  PaymentStatus status = PaymentStatus::kScheduled;
  int64_t run_id = 0;
  int64_t submit_transaction_id = 0;
  int64_t paid_transaction_id = 0;
  int64_t return_transaction_id = 0;
  std::string return_reason;
  std::string override_reason;
};

// SchedulePayment schedules a one-off payment to an approved payee of an
// active agreement, if it leaves commitments funded or an officer
// overrides (FundedOrOverridden). Returns its id.
absl::StatusOr<int64_t> SchedulePayment(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                        int64_t agreement_id, int64_t payee_id,
                                        int64_t amount_pence, absl::CivilDay due,
                                        const std::string& reference,
                                        const std::string& override_reason, const Actor& actor,
                                        absl::CivilDay today);

// Held is a payment a run could not send, with why.
struct Held {
  int64_t agreement_id = 0;
  std::string what;
  int64_t amount_pence = 0;
  std::string reason;
};

struct Run {
  int64_t id = 0;
  std::string authority_id;
  absl::CivilDay run_date;
  bool settled = false;
  int payments = 0;
  int64_t total_pence = 0;
  std::string bacs;
  std::vector<Held> held;
};

// RunPayments pays everything of the authority due by `run_date`: the
// scheduled payments, approved invoices, standing orders' dates, and with
// `include_payroll` each recent payslip's net wages to its PA's payee and
// what HMRC and the pension scheme are owed. Each is posted from its
// agreement's account to the clearing account, once (a payment's request
// id names it), and written to one BACS Standard 18 file: for each paying
// agreement its credits and a contra from the person's account. A payment
// that cannot go is held back with its reason and stays scheduled.
absl::StatusOr<Run> RunPayments(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                const std::string& authority_id, absl::CivilDay run_date,
                                bool include_payroll, const Actor& actor);
absl::StatusOr<Run> GetRun(pqxx::transaction_base& tx, int64_t run_id);

// SettleRun records the bank's processing of a run: every payment still
// submitted moves from clearing to its payee and is paid. Settling twice is
// refused. One the ledger refuses stays submitted and is held with why.
absl::StatusOr<std::vector<Held>> SettleRun(pqxx::work& tx, int64_t run_id, const Actor& actor);

// PaymentQuery names an agreement, a run or an authority (with a due date:
// an officer's payments of a day); the status and due date narrow it.
struct PaymentQuery {
  int64_t agreement_id = 0;
  int64_t run_id = 0;
  std::string authority_id;
  std::optional<absl::CivilDay> due_date;
  std::optional<PaymentStatus> status;
  int64_t after_id = 0;
  int limit = 50;
};
std::vector<Payment> ListPayments(pqxx::transaction_base& tx, const PaymentQuery& query);

// FileLine is what became of one line of a bank file.
struct FileLine {
  int line_no = 0;
  std::string outcome;  // matched, returned, unmatched, not_found, not_posted, seen_before, malformed
  std::string detail;
  int64_t payment_id = 0;
};

struct FileReport {
  int lines_read = 0;
  int matched = 0;  // collections matched, or payments returned
  int unmatched = 0;
  int seen_before = 0;
  int malformed = 0;
  int64_t total_pence = 0;
  std::vector<FileLine> lines;
};

// ImportCollections matches each collection to the authority's active
// mandate with its reference and posts it from the agreement's account to
// the payee, paid. Unmatched collections are reported; a line seen before
// changes nothing. INVALID_ARGUMENT (field `content`) for a file whose
// header cannot be read.
absl::StatusOr<FileReport> ImportCollections(pqxx::work& tx, const std::string& authority_id,
                                             std::string_view content, const Actor& actor);

// ImportReturns finds each returned credit among the authority's submitted
// or paid payments (by its run's date, reference and amount) and posts its
// money back to the agreement's account, with the bank's reason, in the
// person's record. A line seen before changes nothing.
absl::StatusOr<FileReport> ImportReturns(pqxx::work& tx, const std::string& authority_id,
                                         std::string_view content, const Actor& actor);

}  // namespace dp::payments

#endif  // DP_LIB_PAYMENTS_BOOKS_RUNS_H_
