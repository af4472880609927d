#ifndef DP_LIB_PAYROLL_FORMS_RTI_H_
#define DP_LIB_PAYROLL_FORMS_RTI_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "payroll/engine/payslip.h"
#include "payroll/engine/tax_year.h"

// Real Time Information for HMRC: the Full Payment Submission (FPS) of a
// pay run and the Employer Payment Summary (EPS), as XML in the structure
// of HMRC's published RTI schemas (IRenvelope, EmpRefs, Employee,
// Employment, Payment, NIlettersAndValues; amounts in pounds). The GovTalk
// wrapper, the IRmark and the sending are the gateway client's, which is
// out of reach here.
namespace dp::payroll {

struct RtiEmployer {
  std::string paye_reference;             // "123/AB456": office number / reference
  std::string accounts_office_reference;  // "123PA00045678"
};

// NiYearToDate are one NI letter's figures for the year so far, this
// period included.
struct NiYearToDate {
  std::string letter;
  int64_t gross_pence = 0, at_lel_pence = 0, lel_to_pt_pence = 0, pt_to_uel_pence = 0;
  int64_t total_nic_pence = 0, employee_nic_pence = 0;
};

struct FpsEmployee {
  int64_t payroll_id = 0;
  std::string ni_number, forename, surname, birth_date, gender;  // birth_date YYYY-MM-DD
  absl::CivilDay start_date;
  bool starter = false;  // first payment in this employment
  std::string starter_declaration;  // A, B or C; "" with a P45
  std::optional<absl::CivilDay> leaving_date;
  std::string tax_code;  // with its S or C prefix
  bool week1_month1 = false;
  std::string ni_category;
  int64_t average_weekly_hours_centi = 0;
  Payslip slip;  // this period's
  int64_t taxable_pay_to_date_pence = 0, tax_to_date_pence = 0;
  int64_t family_pay_to_date_pence[kFamilyPayKinds] = {0, 0, 0, 0, 0};  // SMPYTD, ...
  NiYearToDate ni;
};

// FpsXml builds the FPS for one pay run.
//
//   auto xml = FpsXml(year, {"123/AB456", "123PA00045678"}, kFourWeekly, pay_day, {pa});
//   // <IRenvelope ...><FullPaymentSubmission><EmpRefs><OfficeNo>123</OfficeNo>...
absl::StatusOr<std::string> FpsXml(const TaxYear& year, const RtiEmployer& employer,
                                   PayFrequency frequency, absl::CivilDay payment_date,
                                   const std::vector<FpsEmployee>& employees);

struct EpsInput {
  RtiEmployer employer;
  int tax_month = 1;  // 1: 6 April to 5 May
  bool claims_employment_allowance = false;
  bool no_payment_in_month = false;
  // Statutory family pay recovered this year to date, by FamilyPayKind,
  // and the small employers' NIC compensation on it.
  int64_t recovered_ytd_pence[kFamilyPayKinds] = {0, 0, 0, 0, 0};
  int64_t compensation_ytd_pence[kFamilyPayKinds] = {0, 0, 0, 0, 0};
  bool final_for_year = false;  // the year's final submission (month 12)
};

// EpsXml builds the EPS for a tax month: the Employment Allowance claim,
// the family pay recovered to date, when nothing was paid the period with
// no payment, and for the year's last the final submission marker (HMRC
// takes it on the EPS). Refused: final_for_year before month 12.
absl::StatusOr<std::string> EpsXml(const TaxYear& year, const EpsInput& input);

// HoursBand is RTI's band for average weekly hours: A under 16, B 16 to
// under 24, C 24 to under 30, D 30 or more.
char HoursBand(int64_t average_weekly_hours_centi);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_FORMS_RTI_H_
