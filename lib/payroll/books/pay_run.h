#ifndef DP_LIB_PAYROLL_BOOKS_PAY_RUN_H_
#define DP_LIB_PAYROLL_BOOKS_PAY_RUN_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "crypto/field_cipher.h"
#include "payroll/books/book.h"
#include "payroll/engine/payslip.h"
#include "payroll/engine/tax_year.h"

// Pay runs: every payslip of an employer's period computed from the
// timesheets, then posted to the ledger in the caller's transaction, one
// balanced ledger transaction per employer. Many employers run together
// read in bulk and post in one ledger batch: a bureau's whole 4-weekly run
// is a handful of round trips, not a few per PA.
namespace dp::payroll {

// StoredPayslip is a payslip with who it is for, as posted.
struct StoredPayslip {
  int64_t employee_id = 0;
  std::string employee_name;
  std::string tax_code;     // as used on this payslip
  std::string ni_category;  // as used on this payslip
  Payslip payslip;
};

struct PayRun {
  int64_t id = 0;
  int64_t employer_id = 0;
  std::string tax_year;
  int period = 0;
  absl::CivilDay period_start, period_end, payment_date;
  std::string status;
  int64_t transaction_id = 0;
  int64_t replaces_run_id = 0;
  std::vector<StoredPayslip> payslips;
};

struct RunRequest {
  int64_t employer_id = 0;
  absl::CivilDay period_start, period_end, payment_date;
  bool correction = false;
  std::string reason;
};

// RunPayrolls runs each request's period for its employer and returns, per
// request, the pay run's id or why that employer's run was refused; a
// refused run writes nothing. The cost (gross + employer NI + employer
// pension) is debited and net wages, HMRC (PAYE + both NI) and pension
// payable credited. A period already posted is returned as it is, unless
// `correction`: then its transaction is reversed and a new run replaces it.
// `progress(done, total)` is called as employers are computed and posted.
//
//   auto ids = RunPayrolls(tx, years, cipher, {{.employer_id = 7, ...}}, "bureau");
//   tx.commit();
std::vector<absl::StatusOr<int64_t>> RunPayrolls(
    pqxx::work& tx, const TaxYears& years, const crypto::FieldCipher& cipher,
    const std::vector<RunRequest>& requests, const std::string& actor,
    const std::function<void(size_t, size_t)>& progress = nullptr);

// RunPayroll runs one employer's period (see RunPayrolls).
absl::StatusOr<int64_t> RunPayroll(pqxx::work& tx, const TaxYears& years,
                                   const crypto::FieldCipher& cipher, const RunRequest& request,
                                   const std::string& actor);

absl::StatusOr<PayRun> GetPayRun(pqxx::transaction_base& tx, const crypto::FieldCipher& cipher,
                                 int64_t run_id);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_BOOKS_PAY_RUN_H_
