// Agreements end to end: a real dp-agreements over mutual TLS, principals
// with each delegated approval level, the payment schedule posting into the
// real ledger, termination and recovery, and the person's record.
#include <random>

#include "dp/v1/agreements.grpc.pb.h"
#include "grpc_helpers.h"
#include "ledger_checks.h"
#include "service_process.h"
#include "test_db.h"
#include "tls_helpers.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

struct World {
  std::string tag, authority, iso_org;
  std::string worker, manager, panel, clerk, iso, platform, internal;
  std::unique_ptr<TestPki> pki;
  std::unique_ptr<ServiceProcess> service;
  int64_t person_id = 0;
  int n = 0;
};
World* w = nullptr;

std::string NextId() { return w->tag + "-r" + std::to_string(w->n++); }

std::unique_ptr<v1::AgreementService::Stub> As(const std::string& who) {
  return v1::AgreementService::NewStub(w->pki->ChannelAs(who, w->service->address()));
}

class AgreementsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto conn = MigratedConnection();
    w = new World;
    w->tag = "a" + std::to_string(std::random_device{}() % 100000000);
    w->authority = w->tag + "-FIFE";
    w->iso_org = w->tag + "-ISO";
    w->worker = "worker@" + w->tag;
    w->manager = "manager@" + w->tag;
    w->panel = "panel@" + w->tag;
    w->clerk = "clerk@" + w->tag;  // a finance officer with no approval authority
    w->iso = "iso@" + w->tag;
    w->platform = w->tag + "-PLATFORM";
    w->internal = "service@" + w->tag;  // an internal service: reaches every authority
    w->pki = std::make_unique<TestPki>(::testing::TempDir() + "/pki-" + w->tag);
    for (const auto& who : {w->worker, w->manager, w->panel, w->clerk, w->iso, w->internal}) {
      ASSERT_TRUE(w->pki->Issue(who));
    }
    {
      pqxx::work tx(*conn);
      tx.exec_params("INSERT INTO iam.organisations (id, kind, name) VALUES ($1, 'authority', 'a'),"
                     " ($2, 'iso', 'i'), ($3, 'internal', 'p')", w->authority, w->iso_org, w->platform);
      tx.exec_params("INSERT INTO iam.principals (name, organisation_id, role) VALUES ($1, $2, 'service')",
                     w->internal, w->platform);
      for (const auto& [who, level] : {std::pair{w->worker, "worker"}, {w->manager, "manager"},
                                       {w->panel, "panel"}, {w->clerk, "none"}}) {
        tx.exec_params("INSERT INTO iam.principals (name, organisation_id, role, approver_level)"
                       " VALUES ($1, $2, 'finance_officer', $3)", who, w->authority, level);
      }
      tx.exec_params("INSERT INTO iam.principals (name, organisation_id, role) VALUES ($1, $2, 'iso')",
                     w->iso, w->iso_org);
      tx.commit();
    }
    w->service = std::make_unique<ServiceProcess>("agreements", w->pki->ServerArgs());
    ASSERT_TRUE(w->service->Start()) << w->service->Log();

    v1::SetAuthoritySettingsRequest settings;
    settings.set_request_id(NextId());
    auto* s = settings.mutable_settings();
    s->set_authority_id(w->authority);
    *s->mutable_effective_from() = D(2026, 4, 1);
    *s->mutable_worker_limit() = Gbp(20'000'00);
    *s->mutable_manager_limit() = Gbp(50'000'00);
    s->set_panel_max_wait_days(28);
    s->set_payment_frequency(v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
    *s->mutable_cycle_anchor() = D(2026, 4, 6);
    s->set_contingency_weeks(4);
    s->set_surplus_threshold_weeks(8);
    s->add_blocked_card_categories("7995");
    v1::AuthoritySettings saved;
    auto st = As(w->worker)->SetAuthoritySettings(Ctx().get(), settings, &saved);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_GT(saved.funding_account_id(), 0);

    v1::CreatePersonRequest person;
    person.set_request_id(NextId());
    person.set_authority_id(w->authority);
    person.set_display_name("Morag Brown");
    person.set_ni_number("AB 12 34 56 C");
    v1::PersonSummary summary;
    st = As(w->worker)->CreatePerson(Ctx().get(), person, &summary);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(summary.ni_number_masked(), "AB •••• 56 C");
    w->person_id = summary.person_id();
  }

  static void TearDownTestSuite() {
    delete w;
    w = nullptr;
  }

  // Terms of a 4-weekly agreement: `gross` per period, `contribution` off it.
  static v1::Terms Terms(int64_t gross, int64_t contribution, v1::Date start) {
    v1::Terms t;
    t.set_model_version("FIFE-2026-1");
    t.add_personal_outcomes("Live at home with support I choose");
    t.add_permitted_uses("pa_employment");
    t.add_permitted_uses("short_breaks");
    *t.mutable_gross_budget() = Gbp(gross);
    *t.mutable_assessed_contribution() = Gbp(contribution);
    *t.mutable_start_date() = start;
    return t;
  }

  static grpc::Status Create(const v1::Terms& terms, v1::Agreement* out) {
    v1::CreateAgreementRequest req;
    req.set_request_id(NextId());
    req.set_authority_id(w->authority);
    req.set_person_id(w->person_id);
    *req.mutable_terms() = terms;
    req.set_reason("Assessment of 1 April agreed with Morag");
    return As(w->worker)->CreateAgreement(Ctx().get(), req, out);
  }

  static grpc::Status Decide(const std::string& who, int64_t id, v1::DecisionAction action,
                             v1::Agreement* out = nullptr,
                             const std::string& reason = "Agreed at review meeting") {
    v1::DecideRequest req;
    req.set_request_id(NextId());
    req.set_agreement_id(id);
    req.set_action(action);
    req.set_reason(reason);
    v1::Agreement unused;
    return As(who)->Decide(Ctx().get(), req, out ? out : &unused);
  }

  static v1::PaymentRun Run(v1::Date run_date, const std::string& request_id = "") {
    v1::RunPaymentScheduleRequest req;
    req.set_request_id(request_id.empty() ? NextId() : request_id);
    req.set_authority_id(w->authority);
    *req.mutable_run_date() = run_date;
    v1::PaymentRun out;
    auto s = As(w->worker)->RunPaymentSchedule(Ctx().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // PaymentsTo keeps the run's payments for one agreement (other tests'
  // agreements of the same authority may be paid by the same run).
  static std::vector<v1::Payment> PaymentsTo(const v1::PaymentRun& run, int64_t id) {
    std::vector<v1::Payment> out;
    for (const auto& p : run.payments()) {
      if (p.agreement_id() == id) out.push_back(p);
    }
    return out;
  }
};

TEST_F(AgreementsTest, AnAuthorityMayAllowNoAdditionalCardholders) {
  v1::GetAuthoritySettingsRequest get;
  get.set_authority_id(w->authority);
  *get.mutable_as_of() = D(2026, 6, 1);
  v1::AuthoritySettings first;
  ASSERT_TRUE(As(w->worker)->GetAuthoritySettings(Ctx().get(), get, &first).ok());
  EXPECT_EQ(first.max_additional_cardholders(), 3) << "left out when set: the default";

  v1::SetAuthoritySettingsRequest none;
  none.set_request_id(NextId());
  *none.mutable_settings() = first;
  *none.mutable_settings()->mutable_effective_from() = D(2031, 1, 1);
  none.mutable_settings()->set_max_additional_cardholders(0);
  v1::AuthoritySettings saved;
  auto st = As(w->worker)->SetAuthoritySettings(Ctx().get(), none, &saved);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(saved.has_max_additional_cardholders());
  EXPECT_EQ(saved.max_additional_cardholders(), 0) << "0 is none, not the default";
  *get.mutable_as_of() = D(2031, 2, 1);
  v1::AuthoritySettings later;
  ASSERT_TRUE(As(w->worker)->GetAuthoritySettings(Ctx().get(), get, &later).ok());
  EXPECT_EQ(later.max_additional_cardholders(), 0);

  none.set_request_id(NextId());
  none.mutable_settings()->set_max_additional_cardholders(11);
  st = As(w->worker)->SetAuthoritySettings(Ctx().get(), none, &saved);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(RefusalOf(st).field, "settings.max_additional_cardholders");
}

TEST_F(AgreementsTest, InvalidTermsAreRefusedByNameAndNothingIsWritten) {
  auto count = [] {
    auto conn = MigratedConnection();
    pqxx::read_transaction tx(*conn);
    return tx.exec_params1("SELECT count(*) FROM agreements.agreements WHERE authority_id = $1",
                           w->authority)[0].as<int>();
  };
  const int before = count();
  struct Case {
    std::string name;
    v1::Terms terms;
    std::string authority;
    grpc::StatusCode code;
    std::string message_part;
  };
  std::vector<Case> cases;
  {
    v1::Terms t = Terms(100000, 0, D(2026, 5, 1));
    *t.mutable_end_date() = D(2026, 4, 1);
    cases.push_back({"end before start", t, "", grpc::INVALID_ARGUMENT, "end_date"});
  }
  cases.push_back({"negative budget", Terms(-5, 0, D(2026, 5, 1)), "", grpc::INVALID_ARGUMENT,
                   "gross_budget"});
  cases.push_back({"contribution above budget", Terms(1000, 2000, D(2026, 5, 1)), "",
                   grpc::INVALID_ARGUMENT, "assessed_contribution"});
  cases.push_back({"unknown authority", Terms(1000, 0, D(2026, 5, 1)), "", grpc::NOT_FOUND,
                   "authority_id"});
  cases.back().authority = w->tag + "-NOWHERE";
  {
    v1::Terms t = Terms(100000, 0, D(2026, 5, 1));
    t.add_permitted_uses("long_term_residential_care");
    cases.push_back({"residential care", t, "", grpc::INVALID_ARGUMENT,
                     "long_term_residential_care"});
  }
  {
    v1::Terms t = Terms(100000, 0, D(2026, 5, 1));
    t.mutable_start_date()->set_day(31);
    t.mutable_start_date()->set_month(4);
    cases.push_back({"no such date", t, "", grpc::INVALID_ARGUMENT, "terms.start_date"});
  }
  for (const Case& c : cases) {
    v1::Agreement out;
    v1::CreateAgreementRequest req;
    req.set_request_id(NextId());
    req.set_authority_id(c.authority.empty() ? w->authority : c.authority);
    req.set_person_id(w->person_id);
    *req.mutable_terms() = c.terms;
    // An internal service reaches every authority, so it learns that an
    // unknown one does not exist; an officer is refused before the lookup.
    auto s = As(c.authority.empty() ? w->worker : w->internal)->CreateAgreement(Ctx().get(), req, &out);
    if (!c.authority.empty()) {
      EXPECT_EQ(As(w->worker)->CreateAgreement(Ctx().get(), req, &out).error_code(),
                grpc::PERMISSION_DENIED);
    }
    EXPECT_EQ(s.error_code(), c.code) << c.name << ": " << s.error_message();
    EXPECT_NE(s.error_message().find(c.message_part), std::string::npos)
        << c.name << ": " << s.error_message();
  }
  EXPECT_EQ(count(), before);
}

TEST_F(AgreementsTest, EachDelegatedLevelApprovesUpToItsLimit) {
  // 13 four-weekly periods a year: £1,000 -> £13,000 (worker), £3,000 ->
  // £39,000 (manager), £5,000 -> £65,000 (panel).
  struct Case {
    int64_t gross;
    std::string refused, approves, level;
  };
  for (const Case& c : {Case{1000'00, w->clerk, w->worker, "worker"},
                        Case{3000'00, w->worker, w->manager, "manager"},
                        Case{5000'00, w->manager, w->panel, "panel"}}) {
    v1::Agreement a;
    ASSERT_TRUE(Create(Terms(c.gross, 0, D(2026, 6, 1)), &a).ok());
    ASSERT_TRUE(Decide(w->clerk, a.agreement_id(), v1::DECISION_ACTION_SUBMIT, &a).ok());
    EXPECT_EQ(a.required_approval_level(), c.level);
    auto refused = Decide(c.refused, a.agreement_id(), v1::DECISION_ACTION_APPROVE);
    EXPECT_EQ(refused.error_code(), grpc::PERMISSION_DENIED) << c.level;
    auto approved = Decide(c.approves, a.agreement_id(), v1::DECISION_ACTION_APPROVE, &a);
    ASSERT_TRUE(approved.ok()) << approved.error_message();
    EXPECT_EQ(a.status(), v1::AGREEMENT_STATUS_APPROVED);
    EXPECT_EQ(a.approved_level(), c.level);
    EXPECT_FALSE(a.panel_wait_exceeded());
  }
}

TEST_F(AgreementsTest, APanelDecisionPastTheMaximumWaitIsFlagged) {
  v1::Agreement a;
  ASSERT_TRUE(Create(Terms(6000'00, 0, D(2026, 6, 1)), &a).ok());
  ASSERT_TRUE(Decide(w->worker, a.agreement_id(), v1::DECISION_ACTION_SUBMIT).ok());
  {  // Forty days pass: the authority allows the panel 28.
    auto conn = MigratedConnection();
    pqxx::work tx(*conn);
    tx.exec_params("UPDATE agreements.agreements SET submitted_at = now() - interval '40 days'"
                   " WHERE id = $1", a.agreement_id());
    tx.commit();
  }
  ASSERT_TRUE(Decide(w->panel, a.agreement_id(), v1::DECISION_ACTION_APPROVE, &a).ok());
  EXPECT_TRUE(a.panel_wait_exceeded());
  v1::GetRecordRequest req;
  req.set_agreement_id(a.agreement_id());
  v1::PersonRecord record;
  ASSERT_TRUE(As(w->panel)->GetRecord(Ctx().get(), req, &record).ok());
  ASSERT_EQ(record.decisions_size(), 3);
  EXPECT_TRUE(record.decisions(2).panel_wait_exceeded());
  EXPECT_NE(record.document().find("the panel took longer"), std::string::npos);
}

TEST_F(AgreementsTest, IllegalMovesAndMissingReasonsAreRefused) {
  v1::Agreement a;
  ASSERT_TRUE(Create(Terms(1000'00, 0, D(2026, 6, 1)), &a).ok());
  EXPECT_EQ(Decide(w->worker, a.agreement_id(), v1::DECISION_ACTION_ACTIVATE).error_code(),
            grpc::FAILED_PRECONDITION);
  EXPECT_EQ(Decide(w->worker, a.agreement_id(), v1::DECISION_ACTION_APPROVE).error_code(),
            grpc::FAILED_PRECONDITION);
  EXPECT_EQ(Decide(w->worker, a.agreement_id(), v1::DECISION_ACTION_SUBMIT, nullptr, "")
                .error_code(),
            grpc::INVALID_ARGUMENT);
  EXPECT_EQ(Decide(w->worker, 987654321, v1::DECISION_ACTION_SUBMIT).error_code(),
            grpc::NOT_FOUND);
  // An agreement the ISO was not granted answers as a missing one would.
  {
    v1::GetAgreementRequest peek;
    peek.set_agreement_id(a.agreement_id());
    v1::Agreement seen;
    const grpc::Status hidden = As(w->iso)->GetAgreement(Ctx().get(), peek, &seen);
    peek.set_agreement_id(987654321);
    const grpc::Status none = As(w->iso)->GetAgreement(Ctx().get(), peek, &seen);
    EXPECT_EQ(hidden.error_code(), grpc::NOT_FOUND) << hidden.error_message();
    EXPECT_EQ(none.error_code(), grpc::NOT_FOUND);
    std::string masked = hidden.error_message();
    const std::string id = std::to_string(a.agreement_id());
    masked.replace(masked.find(id), id.size(), "987654321");
    EXPECT_EQ(masked, none.error_message());
  }
  // The ISO may not decide anything (its role has no such right at all).
  EXPECT_EQ(Decide(w->iso, a.agreement_id(), v1::DECISION_ACTION_SUBMIT).error_code(),
            grpc::PERMISSION_DENIED);
  // The same request id with other content is refused.
  v1::DecideRequest req;
  req.set_request_id(NextId());
  req.set_agreement_id(a.agreement_id());
  req.set_action(v1::DECISION_ACTION_SUBMIT);
  req.set_reason("ready");
  v1::Agreement out;
  ASSERT_TRUE(As(w->worker)->Decide(Ctx().get(), req, &out).ok());
  EXPECT_EQ(out.status(), v1::AGREEMENT_STATUS_AWAITING_APPROVAL);
  ASSERT_TRUE(As(w->worker)->Decide(Ctx().get(), req, &out).ok());  // a retry
  EXPECT_EQ(out.status(), v1::AGREEMENT_STATUS_AWAITING_APPROVAL);
  req.set_reason("other words");
  EXPECT_EQ(As(w->worker)->Decide(Ctx().get(), req, &out).error_code(), grpc::ALREADY_EXISTS);
}

TEST_F(AgreementsTest, LifecyclePaysNetAmountsOnceAndRecoversOnlyOnConfirmation) {
  // £1,400 gross, £100 contribution: £1,300 each 4 weeks. The cycle runs
  // from 6 April; starting 20 April covers 14 of the first 28 days.
  v1::Agreement a;
  ASSERT_TRUE(Create(Terms(1400'00, 100'00, D(2026, 4, 20)), &a).ok());
  const int64_t id = a.agreement_id();
  EXPECT_EQ(a.current().net_per_period().amount_pence(), 1300'00);
  ASSERT_TRUE(Decide(w->worker, id, v1::DECISION_ACTION_SUBMIT).ok());
  ASSERT_TRUE(Decide(w->worker, id, v1::DECISION_ACTION_APPROVE).ok());
  EXPECT_EQ(Run(D(2026, 5, 10)).payments_size() == 0 ||
                PaymentsTo(Run(D(2026, 5, 10)), id).empty(),
            true) << "an approved but inactive agreement is not paid";
  ASSERT_TRUE(Decide(w->worker, id, v1::DECISION_ACTION_ACTIVATE, &a).ok());
  const int64_t account = a.holding_account_id();
  ASSERT_GT(account, 0);

  const std::string first_run = NextId();
  auto paid = PaymentsTo(Run(D(2026, 5, 10), first_run), id);
  ASSERT_EQ(paid.size(), 2u);
  EXPECT_EQ(paid[0].amount().amount_pence(), 650'00);
  EXPECT_TRUE(paid[0].pro_rated());
  EXPECT_EQ(paid[0].period_start().day(), 20);
  EXPECT_EQ(paid[1].amount().amount_pence(), 1300'00);
  EXPECT_FALSE(paid[1].pro_rated());
  EXPECT_EQ(PostedBalance(account), 1950'00);
  EXPECT_EQ(LedgerImbalance(), 0);

  // A retry answers the first result; a new run pays nothing twice.
  EXPECT_EQ(PaymentsTo(Run(D(2026, 5, 10), first_run), id).size(), 2u);
  EXPECT_TRUE(PaymentsTo(Run(D(2026, 5, 10)), id).empty());
  EXPECT_EQ(PostedBalance(account), 1950'00);

  // An amendment from 20 May (mid-period) raises the budget to £1,600 (a
  // manager's decision: £20,800 a year): the period already paid stays;
  // the next period pays £1,500.
  v1::AmendAgreementRequest amend;
  amend.set_request_id(NextId());
  amend.set_agreement_id(id);
  *amend.mutable_effective_from() = D(2026, 5, 20);
  *amend.mutable_terms() = Terms(1600'00, 100'00, D(2026, 4, 20));
  amend.set_reason("More support after the hospital discharge");
  auto st = As(w->manager)->AmendAgreement(Ctx().get(), amend, &a);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(a.latest_version(), 2);
  paid = PaymentsTo(Run(D(2026, 6, 10)), id);
  ASSERT_EQ(paid.size(), 1u);
  EXPECT_EQ(paid[0].amount().amount_pence(), 1500'00);
  EXPECT_EQ(paid[0].version(), 2);
  EXPECT_EQ(PostedBalance(account), 3450'00);
  EXPECT_EQ(LedgerImbalance(), 0);
  // "What was the agreement on 10 May?" Version 1; on 1 June, version 2.
  v1::GetAgreementRequest get;
  get.set_agreement_id(id);
  *get.mutable_as_of() = D(2026, 5, 10);
  ASSERT_TRUE(As(w->worker)->GetAgreement(Ctx().get(), get, &a).ok());
  EXPECT_EQ(a.current().version(), 1);
  EXPECT_EQ(a.current().terms().gross_budget().amount_pence(), 1400'00);
  *get.mutable_as_of() = D(2026, 6, 1);
  ASSERT_TRUE(As(w->worker)->GetAgreement(Ctx().get(), get, &a).ok());
  EXPECT_EQ(a.current().version(), 2);
  // An amendment above the amender's delegated limit is refused.
  amend.set_request_id(NextId());
  *amend.mutable_terms() = Terms(2000'00, 0, D(2026, 4, 20));  // £26,000 a year
  EXPECT_EQ(As(w->worker)->AmendAgreement(Ctx().get(), amend, &a).error_code(),
            grpc::PERMISSION_DENIED);

  // Suspended: nothing is paid, and periods that began while suspended are
  // not paid later.
  ASSERT_TRUE(Decide(w->worker, id, v1::DECISION_ACTION_SUSPEND).ok());
  EXPECT_TRUE(PaymentsTo(Run(D(2026, 7, 10)), id).empty());
  ASSERT_TRUE(Decide(w->worker, id, v1::DECISION_ACTION_RESUME).ok());
  EXPECT_TRUE(PaymentsTo(Run(D(2026, 7, 10)), id).empty());
  EXPECT_EQ(PostedBalance(account), 3450'00);

  // Terminated with £200 notice pay and £100 holiday pay still owed.
  v1::TerminateRequest end;
  end.set_request_id(NextId());
  end.set_agreement_id(id);
  *end.mutable_end_date() = D(2026, 7, 15);
  end.set_reason("Morag has moved to another council area");
  *end.mutable_notice_pay_owed() = Gbp(200'00);
  *end.mutable_holiday_pay_owed() = Gbp(100'00);
  v1::FinalPosition position;
  st = As(w->worker)->Terminate(Ctx().get(), end, &position);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(position.balance_held().amount_pence(), 3450'00);
  EXPECT_EQ(position.recoverable().amount_pence(), 3150'00);
  EXPECT_FALSE(position.recovery_confirmed());
  EXPECT_EQ(PostedBalance(account), 3450'00) << "nothing is recovered before an officer confirms";
  EXPECT_TRUE(PaymentsTo(Run(D(2026, 8, 10)), id).empty());

  v1::ConfirmRecoveryRequest confirm;
  confirm.set_request_id(NextId());
  confirm.set_agreement_id(id);
  *confirm.mutable_amount() = Gbp(3150'01);
  confirm.set_reason("Unspent budget returned, as agreed with Morag");
  EXPECT_EQ(As(w->worker)->ConfirmRecovery(Ctx().get(), confirm, &position).error_code(),
            grpc::FAILED_PRECONDITION);
  confirm.set_request_id(NextId());
  *confirm.mutable_amount() = Gbp(3150'00);
  st = As(w->worker)->ConfirmRecovery(Ctx().get(), confirm, &position);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(position.recovery_confirmed());
  EXPECT_GT(position.recovery_transaction_id(), 0);
  EXPECT_EQ(PostedBalance(account), 300'00);
  EXPECT_EQ(LedgerImbalance(), 0);
  ASSERT_TRUE(As(w->worker)->ConfirmRecovery(Ctx().get(), confirm, &position).ok());  // retry
  EXPECT_EQ(PostedBalance(account), 300'00);
  confirm.set_request_id(NextId());
  EXPECT_EQ(As(w->worker)->ConfirmRecovery(Ctx().get(), confirm, &position).error_code(),
            grpc::FAILED_PRECONDITION);

  // The person's record has every decision, in order, with its reason.
  v1::GetRecordRequest record_req;
  record_req.set_agreement_id(id);
  v1::PersonRecord record;
  ASSERT_TRUE(As(w->clerk)->GetRecord(Ctx().get(), record_req, &record).ok());
  std::vector<std::string> kinds;
  for (const auto& d : record.decisions()) kinds.push_back(d.kind());
  EXPECT_EQ(kinds, (std::vector<std::string>{"created", "submitted", "approved", "activated",
                                             "amended", "suspended", "resumed", "terminated",
                                             "recovery_confirmed"}));
  EXPECT_EQ(record.person_name(), "Morag Brown");
  // Every version of the terms, oldest first, each with what it pays.
  ASSERT_EQ(record.versions_size(), 2);
  EXPECT_EQ(record.versions(0).version(), 1);
  EXPECT_EQ(record.versions(0).net_per_period().amount_pence(), 1300'00);
  EXPECT_EQ(record.versions(1).version(), 2);
  EXPECT_EQ(record.versions(1).effective_from().day(), 20);
  EXPECT_EQ(record.versions(1).net_per_period().amount_pence(), 1500'00);
  EXPECT_EQ(record.versions(1).reason(), "More support after the hospital discharge");
  EXPECT_NE(record.document().find("More support after the hospital discharge"),
            std::string::npos);
  EXPECT_NE(record.document().find("£3,150.00 recovered"), std::string::npos) << record.document();
  EXPECT_EQ(record.document().find("AB123456C"), std::string::npos);
}

TEST_F(AgreementsTest, TheSummaryCountsWhatTheScheduleDayPaidIn) {
  v1::Agreement a;
  ASSERT_TRUE(Create(Terms(1400'00, 100'00, D(2027, 1, 4)), &a).ok());
  ASSERT_TRUE(Decide(w->worker, a.agreement_id(), v1::DECISION_ACTION_SUBMIT, &a).ok());
  EXPECT_TRUE(a.has_submitted_at()) << "the list shows how long it has waited";
  ASSERT_TRUE(Decide(w->worker, a.agreement_id(), v1::DECISION_ACTION_APPROVE).ok());
  ASSERT_TRUE(Decide(w->worker, a.agreement_id(), v1::DECISION_ACTION_ACTIVATE).ok());
  auto summary = [](v1::Date day) {
    v1::SummariseAgreementsRequest req;
    req.set_authority_id(w->authority);
    *req.mutable_payments_on() = day;
    v1::AgreementsSummary out;
    auto s = As(w->worker)->SummariseAgreements(Ctx().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  };
  // 2027-01-20: no other test runs the schedule that day.
  v1::AgreementsSummary before = summary(D(2027, 1, 20));
  EXPECT_EQ(before.schedule_runs(), 0);
  EXPECT_EQ(before.paid_in_payments(), 0);
  EXPECT_EQ(before.paid_in_total().amount_pence(), 0);
  EXPECT_EQ(before.payments_on().day(), 20);

  const v1::PaymentRun run = Run(D(2027, 1, 20));
  ASSERT_FALSE(PaymentsTo(run, a.agreement_id()).empty());
  v1::AgreementsSummary after = summary(D(2027, 1, 20));
  EXPECT_EQ(after.schedule_runs(), 1);
  EXPECT_EQ(after.paid_in_payments(), run.payments_size());
  EXPECT_EQ(after.paid_in_total().amount_pence(), run.total().amount_pence());
  EXPECT_EQ(after.paid_in_total().currency(), "GBP");

  // A second run that day pays nothing more: two runs, the same money.
  EXPECT_EQ(Run(D(2027, 1, 20)).payments_size(), 0);
  after = summary(D(2027, 1, 20));
  EXPECT_EQ(after.schedule_runs(), 2);
  EXPECT_EQ(after.paid_in_total().amount_pence(), run.total().amount_pence());
  EXPECT_EQ(summary(D(2027, 1, 21)).paid_in_payments(), 0) << "only the day asked";

  // A day that does not exist is refused, naming the field.
  v1::SummariseAgreementsRequest bad;
  bad.set_authority_id(w->authority);
  *bad.mutable_payments_on() = D(2027, 2, 30);
  v1::AgreementsSummary unused;
  auto s = As(w->worker)->SummariseAgreements(Ctx().get(), bad, &unused);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("payments_on"), std::string::npos) << s.error_message();
}


TEST_F(AgreementsTest, TheScheduleRunTellsItsProgressAndARetryOnlyItsRun) {
  v1::Agreement a;
  ASSERT_TRUE(Create(Terms(1400'00, 100'00, D(2027, 2, 1)), &a).ok());
  for (auto action : {v1::DECISION_ACTION_SUBMIT, v1::DECISION_ACTION_APPROVE,
                      v1::DECISION_ACTION_ACTIVATE}) {
    ASSERT_TRUE(Decide(w->worker, a.agreement_id(), action).ok());
  }
  v1::RunPaymentScheduleRequest req;
  req.set_request_id(NextId());
  req.set_authority_id(w->authority);
  *req.mutable_run_date() = D(2027, 2, 20);
  auto watch = [&](const std::string& who, std::vector<v1::PaymentScheduleProgress>* heard) {
    grpc::ClientContext ctx;
    auto reader = As(who)->RunPaymentScheduleWithProgress(&ctx, req);
    v1::PaymentScheduleProgress p;
    while (reader->Read(&p)) heard->push_back(p);
    return reader->Finish();
  };
  std::vector<v1::PaymentScheduleProgress> heard;
  auto s = watch(w->worker, &heard);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GE(heard.size(), 3u) << "the start, the agreements done, and the run";
  const int total = heard.front().agreements_total();
  EXPECT_GE(total, 1);
  EXPECT_EQ(heard.front().agreements_done(), 0);
  for (size_t i = 1; i < heard.size(); ++i) {
    EXPECT_GE(heard[i].agreements_done(), heard[i - 1].agreements_done()) << "it only goes on";
    EXPECT_EQ(heard[i].agreements_total(), total);
    EXPECT_EQ(heard[i].has_run(), i + 1 == heard.size()) << "only the last carries the run";
  }
  const v1::PaymentRun& run = heard.back().run();
  EXPECT_EQ(heard.back().agreements_done(), total);
  EXPECT_EQ(run.agreements_considered(), total);
  EXPECT_GT(run.run_id(), 0);
  ASSERT_FALSE(PaymentsTo(run, a.agreement_id()).empty()) << run.DebugString();

  // A retry with the same request id: only the run, the same one.
  std::vector<v1::PaymentScheduleProgress> again;
  ASSERT_TRUE(watch(w->worker, &again).ok());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].run().run_id(), run.run_id());
  EXPECT_EQ(again[0].run().total().amount_pence(), run.total().amount_pence());
  // So does the plain RPC with that id: one run, however it is asked.
  EXPECT_EQ(Run(D(2027, 2, 20), req.request_id()).run_id(), run.run_id());

  // A refusal comes as the call's status, with nothing heard before it.
  std::vector<v1::PaymentScheduleProgress> refused;
  req.set_request_id(NextId());
  *req.mutable_run_date() = D(2027, 2, 30);
  s = watch(w->worker, &refused);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_TRUE(refused.empty());
}
}  // namespace
}  // namespace dp::testing
