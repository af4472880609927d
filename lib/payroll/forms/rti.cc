#include "payroll/forms/rti.h"

#include <libxml/xmlwriter.h>

#include <memory>

#include "base/refusal.h"
#include "base/strings.h"
#include "money/money.h"

namespace dp::payroll {
namespace {

constexpr size_t kMaxEmployees = 100000;

// YearCode is RTI's tax year: "2025-26" -> "25-26".
std::string YearCode(const TaxYear& year) { return year.name.substr(2); }

std::string Namespace(const TaxYear& year, std::string_view message) {
  return dp::StrCat("http://www.govtalk.gov.uk/taxation/PAYE/RTI/", message, "/",
                    YearCode(year), "/1");
}

std::string Money(int64_t pence) { return FormatPence(pence); }

std::string PayFreqCode(PayFrequency f) {
  switch (f) {
    case PayFrequency::kWeekly: return "W1";
    case PayFrequency::kFortnightly: return "W2";
    case PayFrequency::kFourWeekly: return "W4";
    case PayFrequency::kMonthly: return "M1";
  }
  return "M1";
}

// Writer wraps libxml2's text writer over a memory buffer; every call's
// failure is remembered and reported once at the end.
class Writer {
 public:
  Writer() : buffer_(xmlBufferCreate(), xmlBufferFree) {
    if (buffer_) writer_ = xmlNewTextWriterMemory(buffer_.get(), 0);
    ok_ = writer_ != nullptr;
    if (ok_) {
      xmlTextWriterSetIndent(writer_, 1);
      Check(xmlTextWriterStartDocument(writer_, "1.0", "UTF-8", nullptr));
    }
  }
  ~Writer() {
    if (writer_) xmlFreeTextWriter(writer_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void Open(const std::string& name) { Check(xmlTextWriterStartElement(writer_, X(name))); }
  void Attribute(const std::string& name, const std::string& value) {
    Check(xmlTextWriterWriteAttribute(writer_, X(name), X(value)));
  }
  void Text(const std::string& value) { Check(xmlTextWriterWriteString(writer_, X(value))); }
  void Close() { Check(xmlTextWriterEndElement(writer_)); }
  void Element(const std::string& name, const std::string& value) {
    Check(xmlTextWriterWriteElement(writer_, X(name), X(value)));
  }

  absl::StatusOr<std::string> Finish() {
    if (ok_) Check(xmlTextWriterEndDocument(writer_));
    if (ok_) Check(xmlTextWriterFlush(writer_));
    if (!ok_) return absl::InternalError("the XML library failed to write the submission");
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_.get())),
                       static_cast<size_t>(xmlBufferLength(buffer_.get())));
  }

 private:
  static const xmlChar* X(const std::string& s) {
    return reinterpret_cast<const xmlChar*>(s.c_str());
  }
  void Check(int rc) {
    if (rc < 0) ok_ = false;
  }
  std::unique_ptr<xmlBuffer, void (*)(xmlBufferPtr)> buffer_;
  xmlTextWriterPtr writer_ = nullptr;
  bool ok_ = false;
};

absl::StatusOr<std::pair<std::string, std::string>> SplitPayeReference(const std::string& ref) {
  const size_t slash = ref.find('/');
  if (slash != 3 || ref.size() < 5) {
    return absl::FailedPreconditionError(
        dp::StrCat("the employer's PAYE reference \"", ref, "\" is not NNN/REF"));
  }
  return std::make_pair(ref.substr(0, 3), ref.substr(4));
}

void Envelope(Writer& w, const TaxYear& year, std::string_view message, const std::string& office,
              const std::string& reference) {
  w.Open("IRenvelope");
  w.Attribute("xmlns", Namespace(year, message));
  w.Open("IRheader");
  w.Open("Keys");
  for (const auto& [type, value] : {std::pair<std::string, std::string>{"TaxOfficeNumber", office},
                                    {"TaxOfficeReference", reference}}) {
    w.Open("Key");
    w.Attribute("Type", type);
    w.Text(value);
    w.Close();
  }
  w.Close();
  w.Element("PeriodEnd", year.ends);
  w.Element("DefaultCurrency", "GBP");
  w.Element("Sender", "Employer");
  w.Close();
}

void EmpRefs(Writer& w, const std::string& office, const std::string& reference,
             const std::string& accounts_office) {
  w.Open("EmpRefs");
  w.Element("OfficeNo", office);
  w.Element("PayeRef", reference);
  w.Element("AORef", accounts_office);
  w.Close();
}

void Employee(Writer& w, PayFrequency frequency, absl::CivilDay payment_date,
              const FpsEmployee& e) {
  const Payslip& s = e.slip;
  w.Open("Employee");
  w.Open("EmployeeDetails");
  w.Element("NINO", e.ni_number);
  w.Open("Name");
  w.Element("Fore", e.forename);
  w.Element("Sur", e.surname);
  w.Close();
  w.Element("BirthDate", e.birth_date);
  w.Element("Gender", e.gender);
  w.Close();
  w.Open("Employment");
  if (e.starter) {
    w.Open("Starter");
    w.Element("StartDate", absl::FormatCivilTime(e.start_date));
    if (!e.starter_declaration.empty()) w.Element("StartDec", e.starter_declaration);
    w.Close();
  }
  w.Element("PayId", std::to_string(e.payroll_id));
  if (e.leaving_date) w.Element("LeavingDate", absl::FormatCivilTime(*e.leaving_date));
  w.Open("FiguresToDate");
  w.Element("TaxablePay", Money(e.taxable_pay_to_date_pence));
  w.Element("TotalTax", Money(e.tax_to_date_pence));
  for (FamilyPayKind kind : kAllFamilyPayKinds) {
    const int64_t ytd = e.family_pay_to_date_pence[static_cast<int>(kind)];
    if (ytd > 0) w.Element(dp::StrCat(FamilyPayAbbreviation(kind), "YTD"), Money(ytd));
  }
  w.Close();
  w.Open("Payment");
  w.Element("PayFreq", PayFreqCode(frequency));
  w.Element("PmtDate", absl::FormatCivilTime(payment_date));
  w.Element(frequency == PayFrequency::kMonthly ? "MonthNo" : "WeekNo",
            std::to_string(TaxWeekOrMonth(frequency, s.period)));
  w.Element("PeriodsCovered", "1");
  w.Element("HoursWorked", std::string(1, HoursBand(e.average_weekly_hours_centi)));
  // The regime prefix is an attribute in RTI, not part of the code.
  std::string code = e.tax_code;
  std::string regime;
  if (code.size() > 1 && (code[0] == 'S' || code[0] == 'C')) {
    regime = std::string(1, code[0]);
    code = code.substr(1);
  }
  w.Open("TaxCode");
  if (e.week1_month1) w.Attribute("BasisNonCumulative", "yes");
  if (!regime.empty()) w.Attribute("TaxRegime", regime);
  w.Text(code);
  w.Close();
  w.Element("TaxablePay", Money(s.gross_pence));
  w.Element("PayAfterStatDedns", Money(s.net_pence));
  if (s.student_loan_pence > 0 && s.loan_plan) {
    w.Open("StudentLoanRecovered");
    w.Attribute("PlanType", std::string(RtiPlanType(*s.loan_plan)));
    w.Text(Money(s.student_loan_pence));
    w.Close();
  }
  if (s.postgraduate_loan_pence > 0) {
    w.Element("PostgradLoanRecovered", Money(s.postgraduate_loan_pence));
  }
  w.Element("TaxDeductedOrRefunded", Money(s.tax_pence));
  w.Close();
  w.Open("NIlettersAndValues");
  w.Element("NIletter", e.ni.letter);
  w.Element("GrossEarningsForNICsInPd", Money(s.gross_pence));
  w.Element("GrossEarningsForNICsYTD", Money(e.ni.gross_pence));
  w.Element("AtLELYTD", Money(e.ni.at_lel_pence));
  w.Element("LELtoPTYTD", Money(e.ni.lel_to_pt_pence));
  w.Element("PTtoUELYTD", Money(e.ni.pt_to_uel_pence));
  w.Element("TotalEmpNICInPd",
            Money(s.employee_ni_pence + s.employer_ni_pence + s.employment_allowance_pence));
  w.Element("TotalEmpNICYTD", Money(e.ni.total_nic_pence));
  w.Element("EmpeeContribnsInPd", Money(s.employee_ni_pence));
  w.Element("EmpeeContribnsYTD", Money(e.ni.employee_nic_pence));
  w.Close();
  w.Close();
  w.Close();
}

}  // namespace

char HoursBand(int64_t centi) {
  if (centi < 1600) return 'A';
  if (centi < 2400) return 'B';
  if (centi < 3000) return 'C';
  return 'D';
}

absl::StatusOr<std::string> FpsXml(const TaxYear& year, const RtiEmployer& employer,
                                   PayFrequency frequency, absl::CivilDay payment_date,
                                   const std::vector<FpsEmployee>& employees) {
  auto refs = SplitPayeReference(employer.paye_reference);
  if (!refs.ok()) return refs.status();
  if (employees.empty()) return absl::FailedPreconditionError("the run paid nobody");
  if (employees.size() > kMaxEmployees) return absl::InvalidArgumentError("too many employees");
  for (const FpsEmployee& e : employees) {
    if (e.gender.empty()) {
      return absl::FailedPreconditionError(dp::StrCat(
          "employee ", e.payroll_id, " has no gender recorded; RTI requires it"));
    }
  }
  Writer w;
  Envelope(w, year, "FullPaymentSubmission", refs->first, refs->second);
  w.Open("FullPaymentSubmission");
  EmpRefs(w, refs->first, refs->second, employer.accounts_office_reference);
  w.Element("RelatedTaxYear", YearCode(year));
  for (const FpsEmployee& e : employees) Employee(w, frequency, payment_date, e);
  w.Close();
  w.Close();
  return w.Finish();
}

absl::StatusOr<std::string> EpsXml(const TaxYear& year, const EpsInput& in) {
  auto refs = SplitPayeReference(in.employer.paye_reference);
  if (!refs.ok()) return refs.status();
  if (in.tax_month < 1 || in.tax_month > 12) {
    return FieldError("tax_month", "must be 1 to 12");
  }
  if (in.final_for_year && in.tax_month != 12) {
    return FieldError("final_for_year", "marks the year's last EPS: tax month 12");
  }
  absl::CivilDay start;
  if (!absl::ParseCivilTime(year.starts, &start)) return absl::InternalError("bad tax year start");
  const absl::CivilDay from(start.year(), start.month() + in.tax_month - 1, start.day());
  const absl::CivilDay to = absl::CivilDay(from.year(), from.month() + 1, from.day()) - 1;
  Writer w;
  Envelope(w, year, "EmployerPaymentSummary", refs->first, refs->second);
  w.Open("EmployerPaymentSummary");
  EmpRefs(w, refs->first, refs->second, in.employer.accounts_office_reference);
  if (in.no_payment_in_month) {
    w.Open("NoPaymentDates");
    w.Element("From", absl::FormatCivilTime(from));
    w.Element("To", absl::FormatCivilTime(to));
    w.Close();
  }
  w.Element("EmpAllceInd", in.claims_employment_allowance ? "yes" : "no");
  int64_t any_recovered = 0;
  for (int k = 0; k < kFamilyPayKinds; ++k) {
    any_recovered += in.recovered_ytd_pence[k] + in.compensation_ytd_pence[k];
  }
  if (any_recovered > 0) {
    w.Open("RecoverableAmountsYTD");
    w.Element("TaxMonth", std::to_string(in.tax_month));
    for (FamilyPayKind kind : kAllFamilyPayKinds) {
      const int64_t v = in.recovered_ytd_pence[static_cast<int>(kind)];
      if (v > 0) w.Element(dp::StrCat(FamilyPayAbbreviation(kind), "Recovered"), Money(v));
    }
    for (FamilyPayKind kind : kAllFamilyPayKinds) {
      const int64_t v = in.compensation_ytd_pence[static_cast<int>(kind)];
      if (v > 0) w.Element(dp::StrCat("NICCompensationOn", FamilyPayAbbreviation(kind)), Money(v));
    }
    w.Close();
  }
  w.Element("RelatedTaxYear", YearCode(year));
  if (in.final_for_year) {
    w.Open("FinalSubmission");
    w.Element("ForYear", "yes");
    w.Close();
  }
  w.Close();
  w.Close();
  return w.Finish();
}

}  // namespace dp::payroll
