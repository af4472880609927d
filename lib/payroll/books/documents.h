#ifndef DP_LIB_PAYROLL_BOOKS_DOCUMENTS_H_
#define DP_LIB_PAYROLL_BOOKS_DOCUMENTS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "crypto/field_cipher.h"
#include "payroll/engine/tax_year.h"

// The payroll's documents, read from the posted books and rendered by the
// pure renderers (forms.h, bacs.h, rti.h): what a bureau hands the
// employer, the PAs, the bank and HMRC. Nothing here writes.
namespace dp::payroll {

struct RenderedDocument {
  std::string file_name;     // "payslips-run-12.pdf"
  std::string content_type;  // "application/pdf", "text/plain", "application/xml"
  std::string content;
};

// PayslipsPdf: a run's payslips, one page each; `employee_id` 0 for all.
absl::StatusOr<RenderedDocument> PayslipsPdf(pqxx::transaction_base& tx,
                                             const crypto::FieldCipher& cipher, int64_t run_id,
                                             int64_t employee_id);
// BacsFile: a posted run's net pay as BACS Standard 18 credits, from the
// direct payment account (the payment manager's, else the person's).
absl::StatusOr<RenderedDocument> BacsFile(pqxx::transaction_base& tx,
                                          const crypto::FieldCipher& cipher, int64_t run_id);
// FpsFile: a posted run's RTI Full Payment Submission.
absl::StatusOr<RenderedDocument> FpsFile(pqxx::transaction_base& tx, const TaxYears& years,
                                         const crypto::FieldCipher& cipher, int64_t run_id);
// PensionCsv: a posted run's contribution schedule for the pension scheme,
// one line a PA, in the columns of NEST's contribution schedule: employer
// reference, earnings period, NI number, names, pensionable (qualifying)
// earnings, employer and member contributions, and why a PA contributes
// nothing (postponed, opted out, not eligible).
absl::StatusOr<RenderedDocument> PensionCsv(pqxx::transaction_base& tx, const TaxYears& years,
                                            const crypto::FieldCipher& cipher, int64_t run_id);
// EpsFile: an employer's Employer Payment Summary for a tax month, with
// the family pay recovered to date; `final_for_year` marks month 12's as
// the year's final submission.
absl::StatusOr<RenderedDocument> EpsFile(pqxx::transaction_base& tx, const TaxYears& years,
                                         int64_t employer_id, const std::string& tax_year,
                                         int tax_month, bool final_for_year = false);
// P45Pdf: a leaver's P45, refused before a leave date is recorded and
// before the final pay (the run whose period holds it) is posted.
absl::StatusOr<RenderedDocument> P45Pdf(pqxx::transaction_base& tx, const TaxYears& years,
                                        const crypto::FieldCipher& cipher, int64_t employee_id);
// P60Pdf: an employee's P60 for a tax year in which they were paid.
absl::StatusOr<RenderedDocument> P60Pdf(pqxx::transaction_base& tx, const TaxYears& years,
                                        const crypto::FieldCipher& cipher, int64_t employee_id,
                                        const std::string& tax_year);

// PaidInYear lists (employer, employee) for every PA the employers paid
// in a tax year: whose P60s the year end gives.
std::vector<std::pair<int64_t, int64_t>> PaidInYear(pqxx::transaction_base& tx,
                                                    const std::vector<int64_t>& employer_ids,
                                                    const std::string& tax_year);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_BOOKS_DOCUMENTS_H_
