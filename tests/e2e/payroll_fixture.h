#ifndef DP_TESTS_E2E_PAYROLL_FIXTURE_H_
#define DP_TESTS_E2E_PAYROLL_FIXTURE_H_

#include <memory>
#include <random>
#include <string>

#include "absl/time/civil_time.h"
#include "agreement_steps.h"
#include "base/strings.h"
#include "dp/v1/agreements.grpc.pb.h"
#include "dp/v1/payroll.grpc.pb.h"
#include "grpc_helpers.h"
#include "ledger_checks.h"
#include "service_process.h"
#include "test_db.h"
#include "tls_helpers.h"
#include "gtest/gtest.h"

// PayrollRunTest: an authority, an active agreement funded for two
// 4-weekly periods, and its PA employer's payroll run by an ISO bureau over
// mutual TLS (the agreements and payroll services as real processes), with
// helpers to make an employer, a PA, a May timesheet and the May run.
namespace dp::testing {

inline int64_t Count(const std::string& sql, int64_t id) {
  auto conn = MigratedConnection();
  pqxx::read_transaction tx(*conn);
  return tx.exec_params1(sql, id)[0].as<int64_t>();
}

class PayrollRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tag_ = "p" + std::to_string(std::random_device{}() % 100000000);
    const std::string authority = tag_ + "-FIFE", iso_org = tag_ + "-ISO";
    officer_ = "officer@" + tag_;
    iso_ = "bureau@" + tag_;
    pki_ = std::make_unique<TestPki>(::testing::TempDir() + "/pki-" + tag_);
    ASSERT_TRUE(pki_->Issue(officer_) && pki_->Issue(iso_));
    auto conn = MigratedConnection();
    {
      pqxx::work tx(*conn);
      tx.exec_params("INSERT INTO iam.organisations (id, kind, name) VALUES ($1, 'authority', 'a'),"
                     " ($2, 'iso', 'i')", authority, iso_org);
      tx.exec_params("INSERT INTO iam.principals (name, organisation_id, role, approver_level)"
                     " VALUES ($1, $2, 'finance_officer', 'manager'), ($3, $4, 'iso', 'none')",
                     officer_, authority, iso_, iso_org);
      tx.commit();
    }
    agreements_ = std::make_unique<ServiceProcess>("agreements", pki_->ServerArgs());
    payroll_ = std::make_unique<ServiceProcess>("payroll", pki_->ServerArgs());
    ASSERT_TRUE(agreements_->Start()) << agreements_->Log();
    ASSERT_TRUE(payroll_->Start()) << payroll_->Log();

    // An active agreement, funded by the payment schedule.
    auto a = v1::AgreementService::NewStub(pki_->ChannelAs(officer_, agreements_->address()));
    v1::SetAuthoritySettingsRequest settings;
    settings.set_request_id(tag_ + "-s");
    auto* s = settings.mutable_settings();
    s->set_authority_id(authority);
    *s->mutable_effective_from() = D(2026, 4, 1);
    s->mutable_worker_limit()->set_amount_pence(20'000'00);
    s->mutable_manager_limit()->set_amount_pence(50'000'00);
    s->set_panel_max_wait_days(28);
    s->set_payment_frequency(v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
    *s->mutable_cycle_anchor() = D(2026, 4, 6);
    s->set_surplus_threshold_weeks(8);
    v1::AuthoritySettings saved;
    ASSERT_TRUE(a->SetAuthoritySettings(Ctx().get(), settings, &saved).ok());
    v1::CreatePersonRequest person;
    person.set_request_id(tag_ + "-person");
    person.set_authority_id(authority);
    person.set_display_name("Morag Brown");
    person.set_bank_sort_code("401234");  // the direct payment account
    person.set_bank_account_number("12345678");
    v1::PersonSummary summary;
    ASSERT_TRUE(a->CreatePerson(Ctx().get(), person, &summary).ok());
    v1::CreateAgreementRequest create;
    create.set_request_id(tag_ + "-agr");
    create.set_authority_id(authority);
    create.set_person_id(summary.person_id());
    auto* t = create.mutable_terms();
    t->set_model_version("FIFE-2026-1");
    t->add_permitted_uses("pa_employment");
    t->mutable_gross_budget()->set_amount_pence(2500'00);
    *t->mutable_start_date() = D(2026, 4, 6);
    v1::Agreement agreement;
    ASSERT_TRUE(a->CreateAgreement(Ctx().get(), create, &agreement).ok());
    agreement_id_ = agreement.agreement_id();
    int step = 0;
    ActivateAndPay(*a, &agreement, D(2026, 5, 10),
                   [&] { return tag_ + "-activate-" + std::to_string(step++); });
    ASSERT_FALSE(HasFailure());
    holding_ = agreement.holding_account_id();
    ASSERT_EQ(PostedBalance(holding_), 5000'00);  // two 4-weekly periods
    {  // The authority links its payroll bureau to this agreement.
      pqxx::work tx(*conn);
      tx.exec_params("INSERT INTO iam.grants (organisation_id, scope_type, scope_id)"
                     " VALUES ($1, 'agreement', $2)", iso_org, std::to_string(agreement_id_));
      tx.commit();
    }
    bureau_ = v1::PayrollService::NewStub(pki_->ChannelAs(iso_, payroll_->address()));
  }

  std::string Id() { return tag_ + "-r" + std::to_string(n_++); }

  v1::Employer NewEmployer() {
    v1::CreateEmployerRequest er;
    er.set_request_id(Id());
    er.set_agreement_id(agreement_id_);
    er.set_name("Morag Brown (PA employer)");
    er.set_paye_reference("123/AB456");
    er.set_accounts_office_reference("123PA00045678");
    er.set_pay_frequency(v1::PAY_FREQUENCY_FOUR_WEEKLY);
    er.set_claims_employment_allowance(true);
    er.set_scottish_care_minimum(true);
    v1::Employer employer;
    auto st = bureau_->CreateEmployer(Ctx().get(), er, &employer);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return employer;
  }

  v1::Employee NewEmployee(int64_t employer_id, int64_t rate_pence) {
    v1::CreateEmployeeRequest req;
    req.set_request_id(Id());
    req.set_employer_id(employer_id);
    req.set_name("Jamie Fraser");
    req.set_ni_number("AB 12 34 56 C");
    *req.mutable_date_of_birth() = D(1985, 7, 1);
    *req.mutable_start_date() = D(2026, 4, 6);
    req.set_tax_code("S1257L");
    req.set_standard_rate_pence(rate_pence);
    req.set_night_rate_pence(rate_pence + 100);
    req.set_pension_member(true);
    v1::Employee out;
    auto s = bureau_->CreateEmployee(Ctx().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Timesheet(int64_t employee_id, int hours_per_day, int days,
                         v1::TimesheetReceipt* out, int64_t extra_night_centi = 0) {
    v1::SubmitTimesheetRequest req;
    req.set_request_id(Id());
    req.set_employee_id(employee_id);
    *req.mutable_period_start() = D(2026, 5, 4);
    *req.mutable_period_end() = D(2026, 5, 31);
    for (int d = 0; d < days; ++d) {
      auto* e = req.add_entries();
      *e->mutable_date() = D(2026, 5, 4 + d);
      e->set_rate_type("standard");
      e->set_hours_centi(hours_per_day * 100);
    }
    if (extra_night_centi > 0) {
      auto* e = req.add_entries();
      *e->mutable_date() = D(2026, 5, 4);
      e->set_rate_type("night");
      e->set_hours_centi(static_cast<int32_t>(extra_night_centi));
    }
    return bureau_->SubmitTimesheet(Ctx().get(), req, out);
  }

  grpc::Status Run(int64_t employer_id, v1::PayRun* out, bool correction = false) {
    v1::RunPayrollRequest req;
    req.set_request_id(Id());
    req.set_employer_id(employer_id);
    *req.mutable_period_start() = D(2026, 5, 4);
    *req.mutable_period_end() = D(2026, 5, 31);
    *req.mutable_payment_date() = D(2026, 5, 29);
    req.set_correction(correction);
    if (correction) req.set_reason("Overtime on 4 May was left off");
    return bureau_->RunPayroll(Ctx().get(), req, out);
  }

  std::string tag_, officer_, iso_;
  std::unique_ptr<TestPki> pki_;
  std::unique_ptr<ServiceProcess> agreements_, payroll_;
  std::unique_ptr<v1::PayrollService::Stub> bureau_;
  int64_t agreement_id_ = 0, holding_ = 0;
  int n_ = 0;
};

}  // namespace dp::testing

#endif  // DP_TESTS_E2E_PAYROLL_FIXTURE_H_
