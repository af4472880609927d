#include "monitoring/reports/report.h"

#include <gtest/gtest.h>

namespace dp::monitoring::reports {
namespace {

Report Sample() {
  Report r;
  r.params = {"FIFE", absl::CivilDay(2026, 4, 1), absl::CivilDay(2027, 3, 31), 1796190000123456, 42, 2};
  r.audit_head = "v1:0.42,3.17:9f2c";
  r.tables = {{"totals", {"measure", "value"}, {{"paid_in_pence", "837464"}, {"agreements", "2"}}},
              {"spending_by_category", {"category", "payments", "amount_pence"},
               {{"card 4121", "1", "3240"}, {"PA payroll", "2", "150000"}}},
              {"findings_by_month", {"month", "opened"}, {{"2026-11", "3"}, {"2026-12", "1"}}},
              {"sample", {"transaction_id", "description"}, {{"7", "Taxi, \"Kingdom\""}}}};
  return r;
}

TEST(Csv, WritesTheParametersFirstAndQuotesWhatNeedsIt) {
  const std::string csv = ToCsv(Sample());
  EXPECT_EQ(csv,
            "report,Direct payments auditor report\n"
            "authority,FIFE\n"
            "period,2026-04-01,2027-03-31\n"
            "as_of,2026-12-02T05:40:00.123456Z\n"
            "seed,42\n"
            "sample_size,2\n"
            "audit_head,\"v1:0.42,3.17:9f2c\"\n"
            "section,totals\nmeasure,value\npaid_in_pence,837464\nagreements,2\n"
            "section,spending_by_category\ncategory,payments,amount_pence\ncard 4121,1,3240\n"
            "PA payroll,2,150000\n"
            "section,findings_by_month\nmonth,opened\n2026-11,3\n2026-12,1\n"
            "section,sample\ntransaction_id,description\n7,\"Taxi, \"\"Kingdom\"\"\"\n");
  EXPECT_EQ(ToCsv(Sample()), csv) << "the same report, the same bytes";
}

TEST(Csv, ReadsItsParametersBack) {
  auto p = ParamsFromCsv(ToCsv(Sample()));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->authority_id, "FIFE");
  EXPECT_EQ(p->from, absl::CivilDay(2026, 4, 1));
  EXPECT_EQ(p->to, absl::CivilDay(2027, 3, 31));
  EXPECT_EQ(p->as_of_us, 1796190000123456);
  EXPECT_EQ(p->seed, 42);
  EXPECT_EQ(p->sample_size, 2);
  EXPECT_EQ(AuditHeadFromCsv(ToCsv(Sample())), "v1:0.42,3.17:9f2c");
  auto bad = ParamsFromCsv("agreement_id,status\n1,active\n");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Csv, DifferencesNameTheSectionAndBothLines) {
  Report changed = Sample();
  changed.tables[1].rows[0][2] = "3250";
  const auto diff = Differences(ToCsv(Sample()), ToCsv(changed));
  ASSERT_EQ(diff.size(), 2u);
  EXPECT_EQ(diff[0], "spending_by_category: was card 4121,1,3240");
  EXPECT_EQ(diff[1], "spending_by_category: now card 4121,1,3250");
  EXPECT_TRUE(Differences(ToCsv(Sample()), ToCsv(Sample())).empty());
}

TEST(Renderings, XlsxAndPdfAreWritten) {
  auto xlsx = ToXlsx(Sample(), "abc");
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_EQ(xlsx->substr(0, 2), "PK") << "a zip, as every .xlsx is";
  auto pdf = ToPdf(Sample(), "abc");
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_EQ(pdf->substr(0, 5), "%PDF-");
}

}  // namespace
}  // namespace dp::monitoring::reports
