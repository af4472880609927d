#ifndef DP_LIB_PAYROLL_FORMS_FORMS_H_
#define DP_LIB_PAYROLL_FORMS_FORMS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "payroll/forms/document.h"
#include "payroll/engine/payslip.h"
#include "payroll/engine/statutory.h"

// The printed forms of the payroll: the payslip an employee must be given
// (Employment Rights Act 1996 s.8, hours shown for hourly pay), the P45 on
// leaving and the P60 at the end of the tax year. Pure: from figures to
// pages (document.h).
namespace dp::payroll {

// FormEmployer and FormEmployee are who a form is from and for.
struct FormEmployer {
  std::string name;
  std::string paye_reference;  // "123/AB456"
};

struct FormEmployee {
  int64_t payroll_id = 0;
  std::string name;
  std::string ni_number;  // full on P45 and P60; masked on payslips
};

struct PayslipForm {
  FormEmployer employer;
  FormEmployee employee;
  std::string tax_code, ni_category;
  absl::CivilDay period_start, period_end, payment_date;
  Rates rates;
  Payslip slip;
};
DocPage PayslipPage(const PayslipForm& form);

struct P45Form {
  FormEmployer employer;
  FormEmployee employee;
  absl::CivilDay leave_date;
  std::string tax_code;
  bool week1_month1 = false;
  PayFrequency frequency = PayFrequency::kFourWeekly;
  int last_period = 0;  // the week or month number of the last payment
  std::string tax_year;
  P45Figures figures;
};
DocPage P45Page(const P45Form& form);

struct P60NiRow {
  std::string letter;
  int64_t at_lel_pence = 0, lel_to_pt_pence = 0, pt_to_uel_pence = 0;
  int64_t employee_contributions_pence = 0;
};

struct P60Form {
  FormEmployer employer;
  FormEmployee employee;
  std::string tax_year;
  int64_t previous_pay_pence = 0, previous_tax_pence = 0;
  int64_t pay_pence = 0, tax_pence = 0;  // in this employment
  std::string final_tax_code;
  std::vector<P60NiRow> ni;
  int64_t family_pay_pence[kFamilyPayKinds] = {0, 0, 0, 0, 0};  // SMP, SPP, ...: in the pay
};
DocPage P60Page(const P60Form& form);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_FORMS_FORMS_H_
