#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "gtest/gtest.h"
#include "payroll/engine/test_years.h"
#include "payroll/forms/bacs.h"
#include "payroll/forms/document.h"
#include "payroll/forms/forms.h"
#include "payroll/forms/rti.h"

namespace dp::payroll {
namespace {

using testing::Years;
using testing::Y2025;
using testing::Y2026;

std::vector<std::string> Lines(const std::string& file) {
  std::vector<std::string> lines;
  for (size_t at = 0; at < file.size();) {
    const size_t end = file.find("\r\n", at);
    lines.push_back(file.substr(at, end - at));
    at = end + 2;
  }
  return lines;
}

TEST(Bacs, OneHundredCharacterCreditsAndAContraForTheTotal) {
  auto file = BacsStandard18({"401234", "12345678", "J Smith DP account"},
                             {{{"209876", "87654321", "Ann O'Neil"}, 61234, "PAY 2026-27 P8"},
                              {{"301122", "11223344", "Bob Roy"}, 100, "PAY 2026-27 P8"}});
  ASSERT_TRUE(file.ok()) << file.status();
  const auto lines = Lines(*file);
  ASSERT_EQ(lines.size(), 3u);
  for (const std::string& l : lines) EXPECT_EQ(l.size(), 100u) << l;
  const std::string& first = lines[0];
  EXPECT_EQ(first.substr(0, 6), "209876");        // destination sort code
  EXPECT_EQ(first.substr(6, 8), "87654321");      // destination account
  EXPECT_EQ(first.substr(15, 2), "99");           // a credit
  EXPECT_EQ(first.substr(17, 6), "401234");       // originating sort code
  EXPECT_EQ(first.substr(23, 8), "12345678");     // originating account
  EXPECT_EQ(first.substr(35, 11), "00000061234"); // pence
  EXPECT_EQ(first.substr(64, 18), "PAY 2026-27 P8    ");
  EXPECT_EQ(first.substr(82, 18), "ANN O NEIL        ");  // BACS has no apostrophe
  const std::string& contra = lines[2];
  EXPECT_EQ(contra.substr(0, 14), "40123412345678");
  EXPECT_EQ(contra.substr(15, 2), "17");
  EXPECT_EQ(contra.substr(35, 11), "00000061334");
  EXPECT_EQ(contra.substr(64, 6), "CONTRA");
}

TEST(Bacs, MissingBankDetailsAndBadAmountsAreRefused) {
  const BacsAccount from{"401234", "12345678", "DP"};
  EXPECT_EQ(BacsStandard18({"", "", "DP"}, {{{"209876", "87654321", "A"}, 1, "R"}}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto no_account = BacsStandard18(from, {{{"209876", "8765", "Ann"}, 1, "R"}});
  EXPECT_EQ(no_account.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(no_account.status().message().find("Ann"), std::string_view::npos);
  EXPECT_EQ(BacsStandard18(from, {{{"209876", "87654321", "A"}, 0, "R"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BacsStandard18(from, {}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(BacsText("café & co/ltd", 8), "CAF  & C");  // é is one character, not BACS's
}

// XPath evaluates an expression in the RTI namespace, as text.
std::string XPath(const std::string& xml, const std::string& ns, const std::string& path) {
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "x.xml", nullptr, 0);
  if (doc == nullptr) return "<unparsable>";
  xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
  xmlXPathRegisterNs(ctx, reinterpret_cast<const xmlChar*>("r"),
                     reinterpret_cast<const xmlChar*>(ns.c_str()));
  xmlXPathObjectPtr result =
      xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(("string(" + path + ")").c_str()), ctx);
  std::string text = result && result->stringval
                         ? reinterpret_cast<const char*>(result->stringval) : "<none>";
  xmlXPathFreeObject(result);
  xmlXPathFreeContext(ctx);
  xmlFreeDoc(doc);
  return text;
}

TEST(Rti, FullPaymentSubmissionCarriesThePeriodAndTheYearToDate) {
  const TaxYear& year = **Years().ByName("2026-27");
  FpsEmployee e;
  e.payroll_id = 17;
  e.ni_number = "AB123456C";
  e.forename = "Ann";
  e.surname = "O'Neil";
  e.birth_date = "1990-02-03";
  e.gender = "F";
  e.start_date = absl::CivilDay(2026, 4, 6);
  e.starter = true;
  e.leaving_date = absl::CivilDay(2026, 11, 15);
  e.tax_code = "S1257L";
  e.week1_month1 = true;
  e.ni_category = "A";
  e.average_weekly_hours_centi = 2250;
  e.slip.period = 8;
  e.slip.gross_pence = 120000;
  e.slip.net_pence = 101234;
  e.slip.tax_pence = 11111;
  e.slip.employee_ni_pence = 2000;
  e.slip.employer_ni_pence = 0;
  e.slip.employment_allowance_pence = 9000;
  e.taxable_pay_to_date_pence = 960000;
  e.tax_to_date_pence = 88888;
  e.ni = {"A", 960000, 50000, 20000, 890000, 100000, 16000};
  auto xml = FpsXml(year, {"123/AB456", "123PA00045678"}, PayFrequency::kFourWeekly,
                    absl::CivilDay(2026, 11, 20), {e});
  ASSERT_TRUE(xml.ok()) << xml.status();
  const std::string ns = "http://www.govtalk.gov.uk/taxation/PAYE/RTI/FullPaymentSubmission/26-27/1";
  const std::string fps = "/r:IRenvelope/r:FullPaymentSubmission";
  const std::string emp = fps + "/r:Employee/r:Employment";
  EXPECT_EQ(XPath(*xml, ns, fps + "/r:EmpRefs/r:OfficeNo"), "123");
  EXPECT_EQ(XPath(*xml, ns, fps + "/r:EmpRefs/r:PayeRef"), "AB456");
  EXPECT_EQ(XPath(*xml, ns, fps + "/r:RelatedTaxYear"), "26-27");
  EXPECT_EQ(XPath(*xml, ns, fps + "/r:Employee/r:EmployeeDetails/r:Name/r:Sur"), "O'Neil");
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:Starter/r:StartDate"), "2026-04-06");
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:LeavingDate"), "2026-11-15");
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:Payment/r:PayFreq"), "W4");
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:Payment/r:WeekNo"), "32");
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:Payment/r:HoursWorked"), "B");
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:Payment/r:TaxCode"), "1257L");
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:Payment/r:TaxCode/@TaxRegime"), "S");
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:Payment/r:TaxCode/@BasisNonCumulative"), "yes");
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:Payment/r:TaxablePay"), "1200.00");
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:FiguresToDate/r:TotalTax"), "888.88");
  // Employer NI in full: the allowance is claimed on the EPS, not netted here.
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:NIlettersAndValues/r:TotalEmpNICInPd"), "110.00");
  EXPECT_EQ(XPath(*xml, ns, emp + "/r:NIlettersAndValues/r:PTtoUELYTD"), "8900.00");

  e.gender.clear();
  EXPECT_EQ(FpsXml(year, {"123/AB456", "123PA00045678"}, PayFrequency::kFourWeekly,
                   absl::CivilDay(2026, 11, 20), {e}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FpsXml(year, {"AB456", "123PA00045678"}, PayFrequency::kFourWeekly,
                   absl::CivilDay(2026, 11, 20), {e}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Rti, EmployerPaymentSummaryClaimsTheAllowanceAndGivesMonthsWithoutPay) {
  const TaxYear& year = **Years().ByName("2025-26");
  auto xml = EpsXml(year, {{"123/AB456", "123PA00045678"}, 3, true, true});
  ASSERT_TRUE(xml.ok());
  const std::string ns = "http://www.govtalk.gov.uk/taxation/PAYE/RTI/EmployerPaymentSummary/25-26/1";
  const std::string eps = "/r:IRenvelope/r:EmployerPaymentSummary";
  EXPECT_EQ(XPath(*xml, ns, eps + "/r:EmpAllceInd"), "yes");
  EXPECT_EQ(XPath(*xml, ns, eps + "/r:NoPaymentDates/r:From"), "2025-06-06");
  EXPECT_EQ(XPath(*xml, ns, eps + "/r:NoPaymentDates/r:To"), "2025-07-05");
  EXPECT_EQ(EpsXml(year, {{"123/AB456", "X"}, 13, false, false}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Rti, HoursBands) {
  EXPECT_EQ(HoursBand(1599), 'A');
  EXPECT_EQ(HoursBand(1600), 'B');
  EXPECT_EQ(HoursBand(2999), 'C');
  EXPECT_EQ(HoursBand(3000), 'D');
}

TEST(Forms, TheP45LeavesTotalsBlankOnAWeek1Basis) {
  P45Form f;
  f.employer = {"J Smith", "123/AB456"};
  f.employee = {17, "Ann O'Neil", "AB123456C"};
  f.leave_date = absl::CivilDay(2026, 11, 15);
  f.tax_code = "S1257L";
  f.frequency = PayFrequency::kFourWeekly;
  f.last_period = 8;
  f.tax_year = "2026-27";
  f.figures = LeaverP45(100000, 10000, 900000, 80000);
  const std::string cumulative = RenderText({P45Page(f)});
  EXPECT_NE(cumulative.find("Total pay to date                    £10,000.00"), std::string::npos)
      << cumulative;
  EXPECT_NE(cumulative.find("Last entries made in Week number     32"), std::string::npos);
  EXPECT_NE(cumulative.find("Pay in this employment               £9,000.00"), std::string::npos);
  f.week1_month1 = true;
  EXPECT_EQ(RenderText({P45Page(f)}).find("£10,000.00"), std::string::npos);
}

TEST(Document, PdfHasAPagePerFormAndLongFormsContinue) {
  DocPage page{"Payslip", "Ann O'Neil • period 8", {{"Gross pay", "£1,200.00"}}, "small print"};
  auto one = RenderPdf({page});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->rfind("%PDF-", 0), 0u);
  EXPECT_NE(one->find("%%EOF"), std::string::npos);
  for (int i = 0; i < 100; ++i) page.lines.push_back({"line", std::to_string(i)});
  auto long_one = RenderPdf({page, page});
  ASSERT_TRUE(long_one.ok());
  EXPECT_NE(long_one->find("/Count 6"), std::string::npos);  // 101 lines: 3 pages, twice
  EXPECT_EQ(RenderPdf({}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dp::payroll
