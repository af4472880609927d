#include "service/request_bounds.h"

#include <string>

#include <gtest/gtest.h>

#include "base/refusal.h"
#include "dp/v1/agreements.pb.h"
#include "dp/v1/ledger.pb.h"
#include "dp/v1/payroll.pb.h"

namespace dp::service {
namespace {

v1::CreateTransactionRequest Journal() {
  v1::CreateTransactionRequest req;
  req.set_request_id("r-1");
  req.set_kind("manual_journal");
  req.set_description("keyed twice");
  for (auto side : {v1::SIDE_DEBIT, v1::SIDE_CREDIT}) {
    auto* p = req.add_postings();
    p->set_account_id(1);
    p->set_side(side);
    p->mutable_amount()->set_amount_pence(100);
    p->mutable_amount()->set_currency("GBP");
  }
  return req;
}

TEST(CheckRequestBounds, AcceptsARequestWithinItsBounds) {
  EXPECT_TRUE(CheckRequestBounds(Journal()).ok());
  v1::CreateTransactionRequest req = Journal();
  req.set_description(std::string(2000, 'x'));  // the annotated bound, exactly
  req.set_kind(std::string(kDefaultMaxBytes, 'k'));
  EXPECT_TRUE(CheckRequestBounds(req).ok());
}

TEST(CheckRequestBounds, RefusesTooLongStringsByTheirBoundNamingTheField) {
  v1::CreateTransactionRequest req = Journal();
  req.set_description(std::string(2001, 'x'));
  absl::Status s = CheckRequestBounds(req);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(s), "description");
  EXPECT_EQ(ReasonOf(s), "TOO_LONG");
  EXPECT_EQ(s.message(), "description is 2001 bytes long; at most 2000 are allowed");
  req = Journal();
  req.mutable_postings(1)->mutable_amount()->set_currency(std::string(1 << 20, 'G'));
  s = CheckRequestBounds(req);
  EXPECT_EQ(FieldOf(s), "postings[1].amount.currency");
  EXPECT_LT(s.message().size(), 200u) << "never quotes the input";
}

TEST(CheckRequestBounds, RefusesTooManyItems) {
  v1::CreateTransactionRequest req = Journal();
  while (req.postings_size() <= kDefaultMaxItems) *req.add_postings() = req.postings(0);
  absl::Status s = CheckRequestBounds(req);
  EXPECT_EQ(FieldOf(s), "postings");
  EXPECT_EQ(ReasonOf(s), "TOO_MANY");
  v1::SubmitTimesheetRequest sheet;
  for (int i = 0; i < 248; ++i) sheet.add_entries()->set_hours_centi(100);
  EXPECT_TRUE(CheckRequestBounds(sheet).ok()) << "a timesheet's own bound is 248 lines";
  sheet.add_entries();
  EXPECT_EQ(FieldOf(CheckRequestBounds(sheet)), "entries");
  v1::CreateAgreementRequest agreement;
  agreement.mutable_terms()->add_personal_outcomes(std::string(501, 'o'));
  EXPECT_EQ(FieldOf(CheckRequestBounds(agreement)), "terms.personal_outcomes[0]");
}

TEST(CheckRequestBounds, RefusesEnumNumbersNobodyDefined) {
  v1::CreateTransactionRequest req = Journal();
  req.mutable_postings(0)->set_side(static_cast<v1::Side>(7));
  absl::Status s = CheckRequestBounds(req);
  EXPECT_EQ(FieldOf(s), "postings[0].side");
  EXPECT_EQ(ReasonOf(s), "UNKNOWN_ENUM_VALUE");
  EXPECT_EQ(s.message(), "postings[0].side is 7, which is not one of its values");
  req.mutable_postings(0)->set_side(static_cast<v1::Side>(-1));
  EXPECT_EQ(FieldOf(CheckRequestBounds(req)), "postings[0].side");
}

TEST(CheckRequestBounds, RefusesImpossibleAndFarDatesByTheFieldsWindow) {
  v1::CreateEmployeeRequest req;
  req.mutable_start_date()->set_year(2026);
  req.mutable_start_date()->set_month(2);
  req.mutable_start_date()->set_day(30);
  absl::Status s = CheckRequestBounds(req);
  EXPECT_EQ(FieldOf(s), "start_date");
  EXPECT_EQ(ReasonOf(s), "DATE_OUT_OF_RANGE");
  req.mutable_start_date()->set_day(28);
  EXPECT_TRUE(CheckRequestBounds(req).ok());
  // A date of birth may be long ago; a business date may not.
  *req.mutable_date_of_birth() = req.start_date();
  req.mutable_date_of_birth()->set_year(1931);
  EXPECT_TRUE(CheckRequestBounds(req).ok());
  v1::RunPayrollRequest run;
  run.mutable_payment_date()->set_year(1931);
  run.mutable_payment_date()->set_month(1);
  run.mutable_payment_date()->set_day(1);
  EXPECT_EQ(FieldOf(CheckRequestBounds(run)), "payment_date");
  run.mutable_payment_date()->set_year(9999);
  EXPECT_EQ(FieldOf(CheckRequestBounds(run)), "payment_date");
  run.mutable_payment_date()->set_year(2099);
  EXPECT_TRUE(CheckRequestBounds(run).ok());
  // An unset date (all zero) is absent, for the service to judge.
  run.clear_payment_date();
  *run.mutable_period_start() = v1::Date();
  EXPECT_TRUE(CheckRequestBounds(run).ok());
}

TEST(CheckRequestBounds, RefusesFarInstants) {
  v1::GetBalanceRequest req;
  req.mutable_as_of()->set_seconds(INT64_MAX);
  EXPECT_EQ(FieldOf(CheckRequestBounds(req)), "as_of");
  req.mutable_as_of()->set_seconds(1'780'000'000);  // 2026
  EXPECT_TRUE(CheckRequestBounds(req).ok());
  req.mutable_as_of()->set_nanos(-1);
  EXPECT_EQ(FieldOf(CheckRequestBounds(req)), "as_of");
}

}  // namespace
}  // namespace dp::service
