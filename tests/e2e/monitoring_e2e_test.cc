// Monitoring end to end, over mutual TLS: the payment schedule leaves an
// agreement holding far more than it spends; a sweep finds the surplus (and
// why), opens a review case, and dedupes on the next sweep; the officer
// records the conversation and decides; a recovery posts a balanced ledger
// transaction through the agreements recovery path; the person's record
// shows every step in plain words. A card force post beyond the money on
// the card is flagged as a negative balance.
#include <atomic>
#include <functional>
#include <optional>
#include <random>

#include "dp/v1/agreements.grpc.pb.h"
#include "dp/v1/cards.grpc.pb.h"
#include "dp/v1/monitoring.grpc.pb.h"
#include "agreement_steps.h"
#include "grpc_helpers.h"
#include "ledger_checks.h"
#include "service_process.h"
#include "test_db.h"
#include "tls_helpers.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

class MonitoringTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tag_ = "m" + std::to_string(std::random_device{}() % 100000000);
    authority_ = tag_ + "-FIFE";
    officer_ = "officer@" + tag_;
    auditor_ = "auditor@" + tag_;
    outsider_ = "auditor@elsewhere-" + tag_;
    processor_ = "switch@" + tag_;
    pki_ = new TestPki(::testing::TempDir() + "/pki-" + tag_);
    ASSERT_TRUE(pki_->Issue(officer_) && pki_->Issue(auditor_) && pki_->Issue(outsider_) &&
                pki_->Issue(processor_));
    auto conn = MigratedConnection();
    {
      pqxx::work tx(*conn);
      tx.exec_params("INSERT INTO iam.organisations (id, kind, name) VALUES ($1, 'authority', 'a'),"
                     " ($2, 'audit', 'au'), ($3, 'audit', 'other'), ($4, 'processor', 'p')",
                     authority_, tag_ + "-AUDIT", tag_ + "-OTHER", tag_ + "-PROC");
      tx.exec_params("INSERT INTO iam.principals (name, organisation_id, role, approver_level)"
                     " VALUES ($1, $2, 'finance_officer', 'manager'), ($3, $4, 'auditor', 'none'),"
                     " ($5, $6, 'auditor', 'none'), ($7, $8, 'processor', 'none')",
                     officer_, authority_, auditor_, tag_ + "-AUDIT", outsider_, tag_ + "-OTHER",
                     processor_, tag_ + "-PROC");
      tx.exec_params("INSERT INTO iam.grants (organisation_id, scope_type, scope_id)"
                     " VALUES ($1, 'authority', $3), ($2, 'authority', $3)",
                     tag_ + "-AUDIT", tag_ + "-PROC", authority_);
      tx.commit();
    }
    agreements_ = new ServiceProcess("agreements", pki_->ServerArgs());
    cards_ = new ServiceProcess("cards", pki_->ServerArgs());
    monitoring_ = new ServiceProcess("monitoring", pki_->ServerArgs());
    for (ServiceProcess* p : {agreements_, cards_, monitoring_}) ASSERT_TRUE(p->Start()) << p->Log();
    v1::SetAuthoritySettingsRequest settings;
    settings.set_request_id(Id());
    auto* s = settings.mutable_settings();
    s->set_authority_id(authority_);
    *s->mutable_effective_from() = D(2026, 4, 1);
    *s->mutable_worker_limit() = Gbp(20'000'00);
    *s->mutable_manager_limit() = Gbp(50'000'00);
    s->set_panel_max_wait_days(28);
    s->set_payment_frequency(v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
    *s->mutable_cycle_anchor() = D(2026, 4, 6);
    s->set_surplus_threshold_weeks(8);
    v1::AuthoritySettings saved;
    auto st = Agreements()->SetAuthoritySettings(Ctx().get(), settings, &saved);
    ASSERT_TRUE(st.ok()) << st.error_message();
    funding_ = saved.funding_account_id();
    v1::CreatePersonRequest person;
    person.set_request_id(Id());
    person.set_authority_id(authority_);
    person.set_display_name("Morag Brown");
    v1::PersonSummary summary;
    ASSERT_TRUE(Agreements()->CreatePerson(Ctx().get(), person, &summary).ok());
    person_ = summary.person_id();
  }

  static void TearDownTestSuite() {
    delete monitoring_;
    delete cards_;
    delete agreements_;
    delete pki_;
  }

  void TearDown() override { EXPECT_EQ(LedgerImbalance(), 0) << "the books balance"; }

  static std::string Id() { return tag_ + "-" + std::to_string(n_++); }

  static std::unique_ptr<v1::AgreementService::Stub> Agreements() {
    return v1::AgreementService::NewStub(pki_->ChannelAs(officer_, agreements_->address()));
  }
  static std::unique_ptr<v1::MonitoringService::Stub> As(const std::string& who) {
    return v1::MonitoringService::NewStub(pki_->ChannelAs(who, monitoring_->address()));
  }

  // PaidAgreement is an active agreement of `gross_pence` every four weeks
  // from 6 April 2026, paid by the schedule up to 2 December 2026 (nine
  // periods), with nothing spent.
  static std::pair<int64_t, int64_t> PaidAgreement(
      int64_t gross_pence, v1::PaymentMethod method,
      const std::function<void(v1::Terms*)>& adjust = [](v1::Terms*) {}) {
    v1::CreateAgreementRequest create;
    create.set_request_id(Id());
    create.set_authority_id(authority_);
    create.set_person_id(person_);
    auto* t = create.mutable_terms();
    t->set_model_version("FIFE-2026-1");
    t->add_permitted_uses("pa_employment");
    *t->mutable_gross_budget() = Gbp(gross_pence);
    *t->mutable_start_date() = D(2026, 4, 6);
    t->set_payment_method(method);
    adjust(t);
    v1::Agreement agreement;
    auto st = Agreements()->CreateAgreement(Ctx().get(), create, &agreement);
    EXPECT_TRUE(st.ok()) << st.error_message();
    ActivateAndPay(*Agreements(), &agreement, D(2026, 12, 2), [] { return Id(); });
    return {agreement.agreement_id(), agreement.holding_account_id()};
  }

  static v1::SweepReport Sweep(bool full = false) {
    v1::SweepRequest req;
    req.set_request_id(Id());
    req.set_authority_id(authority_);
    req.set_full(full);
    v1::SweepReport out;
    auto st = As(officer_)->Sweep(Ctx(60000).get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  static std::vector<v1::Finding> Findings(int64_t agreement, v1::FindingState state) {
    v1::ListFindingsRequest req;
    req.set_agreement_id(agreement);
    req.set_state(state);
    v1::ListFindingsResponse out;
    auto st = As(officer_)->ListFindings(Ctx().get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return {out.findings().begin(), out.findings().end()};
  }

  // Find is the finding of `check` among `findings` (a copy: the list may
  // be a temporary), or nothing.
  static std::optional<v1::Finding> Find(const std::vector<v1::Finding>& findings,
                                         const std::string& check) {
    for (const auto& f : findings) {
      if (f.check() == check) return f;
    }
    return std::nullopt;
  }

  static grpc::Status Decide(const std::string& who, int64_t case_id, v1::CaseDecision decision,
                             const std::string& reason, int64_t amount_pence, v1::ReviewCase* out,
                             const std::string& request_id = "") {
    v1::DecideCaseRequest req;
    req.set_request_id(request_id.empty() ? Id() : request_id);
    req.set_case_id(case_id);
    req.set_decision(decision);
    req.set_reason(reason);
    if (amount_pence > 0) *req.mutable_amount() = Gbp(amount_pence);
    return As(who)->DecideCase(Ctx().get(), req, out);
  }

  static inline std::string tag_, authority_, officer_, auditor_, outsider_, processor_;
  static inline TestPki* pki_ = nullptr;
  static inline ServiceProcess *agreements_ = nullptr, *cards_ = nullptr, *monitoring_ = nullptr;
  static inline int64_t person_ = 0, funding_ = 0;
  static inline std::atomic<int> n_ = 0;
};

TEST_F(MonitoringTest, ASurplusIsFoundOnceTalkedAboutAndRecoveredThroughTheLedger) {
  const auto [agreement, account] = PaidAgreement(1'000'00, v1::PAYMENT_METHOD_BANK);
  const int64_t held = PostedBalance(account);
  ASSERT_EQ(held, 9 * 1'000'00) << "nine periods paid, nothing spent";
  const int64_t threshold = 8 * 250'00;  // 8 weeks of £1,000 every 4 weeks

  const v1::SweepReport first = Sweep();
  EXPECT_GE(first.checked(), 1);
  EXPECT_GE(first.cases_opened(), 1);
  auto open = Findings(agreement, v1::FINDING_STATE_OPEN);
  const std::optional<v1::Finding> surplus = Find(open, "surplus");
  ASSERT_TRUE(surplus.has_value());
  EXPECT_EQ(surplus->amount().amount_pence(), held - threshold);
  EXPECT_EQ(surplus->summary(),
            "The account holds £9,000.00. Less £0.00 committed to card purchases, £0.00 owed (wages, "
            "tax, pension), and £0.00 kept for PAs (holiday £0.00, notice £0.00, redundancy £0.00), "
            "£9,000.00 is free: £7,000.00 more than 8 weeks of budget (£2,000.00). Talk with the "
            "person about why before deciding anything.");
  EXPECT_EQ(surplus->transaction_ids_size(), 3) << "the last three payments in, as evidence";
  EXPECT_EQ(surplus->settings_version(), "default:2020-01-01");
  ASSERT_TRUE(Find(open, "underspend").has_value()) << "three payments in, nothing spent";
  const int64_t case_id = surplus->case_id();
  for (const auto& f : open) EXPECT_EQ(f.case_id(), case_id) << f.check() << " joins the one open case";

  // Nothing new: the incremental sweep skips it; a full sweep raises nothing twice.
  const v1::SweepReport again = Sweep();
  EXPECT_GE(again.unchanged(), 1);
  EXPECT_EQ(again.findings_opened(), 0);
  EXPECT_EQ(Sweep(/*full=*/true).findings_opened(), 0);
  EXPECT_EQ(Findings(agreement, v1::FINDING_STATE_OPEN).size(), open.size());

  // The tier, and what the person reads about it.
  v1::GetAgreementMonitoringRequest get;
  get.set_agreement_id(agreement);
  v1::AgreementMonitoring monitoring;
  ASSERT_TRUE(As(auditor_)->GetAgreementMonitoring(Ctx().get(), get, &monitoring).ok());
  EXPECT_EQ(monitoring.tier(), v1::TIER_LIGHT);
  ASSERT_EQ(monitoring.factors_size(), 1);
  EXPECT_EQ(monitoring.factors(0).name(), "dormant");
  EXPECT_EQ(monitoring.factors(0).words(), "Nothing has been spent from your account since 6 April 2026.");
  EXPECT_NE(monitoring.words().find("Your direct payment has light monitoring"), std::string::npos)
      << monitoring.words();

  // An auditor reads but cannot decide; an auditor of elsewhere sees nothing.
  v1::ReviewCase c;
  EXPECT_EQ(Decide(auditor_, case_id, v1::CASE_DECISION_NO_ACTION, "fine", 0, &c).error_code(),
            grpc::PERMISSION_DENIED);
  v1::GetCaseRequest get_case;
  get_case.set_case_id(case_id);
  EXPECT_EQ(As(outsider_)->GetCase(Ctx().get(), get_case, &c).error_code(), grpc::NOT_FOUND);

  v1::AddCaseNoteRequest note;
  note.set_request_id(Id());
  note.set_case_id(case_id);
  note.set_note("Phoned Morag: the money built up while her PA was off sick; she agrees to return it.");
  ASSERT_TRUE(As(officer_)->AddCaseNote(Ctx().get(), note, &c).ok());

  // More than the account holds free is refused, and nothing is written.
  const grpc::Status too_much = Decide(officer_, case_id, v1::CASE_DECISION_RECOVER,
                                       "agreed with Morag", held + 1, &c);
  EXPECT_EQ(too_much.error_code(), grpc::FAILED_PRECONDITION) << too_much.error_message();
  EXPECT_EQ(PostedBalance(account), held);

  const std::string reason =
      "Morag agreed that £7,000.00 built up while her PA was off sick and is not needed.";
  const std::string request_id = Id();
  ASSERT_TRUE(Decide(officer_, case_id, v1::CASE_DECISION_RECOVER, reason, held - threshold, &c,
                     request_id).ok());
  EXPECT_EQ(c.state(), v1::CASE_STATE_CLOSED);
  ASSERT_EQ(c.events_size(), 2);
  EXPECT_EQ(c.events(1).decision(), v1::CASE_DECISION_RECOVER);
  EXPECT_GT(c.events(1).transaction_id(), 0);
  for (const auto& f : c.findings()) {
    EXPECT_EQ(f.state(), v1::FINDING_STATE_CLOSED);
    EXPECT_EQ(f.outcome(), "recovered");
  }
  EXPECT_EQ(PostedBalance(account), threshold);
  // A retry answers the same; the same id with another amount is refused.
  v1::ReviewCase replay;
  ASSERT_TRUE(Decide(officer_, case_id, v1::CASE_DECISION_RECOVER, reason, held - threshold, &replay,
                     request_id).ok());
  EXPECT_EQ(replay.events(1).transaction_id(), c.events(1).transaction_id());
  EXPECT_EQ(Decide(officer_, case_id, v1::CASE_DECISION_RECOVER, reason, 1'00, &replay, request_id)
                .error_code(),
            grpc::ALREADY_EXISTS);
  EXPECT_EQ(PostedBalance(account), threshold) << "recovered once";

  // The person's record tells all of it.
  v1::GetRecordRequest record_req;
  record_req.set_agreement_id(agreement);
  v1::PersonRecord record;
  ASSERT_TRUE(Agreements()->GetRecord(Ctx().get(), record_req, &record).ok());
  for (const std::string& words :
       {std::string("How your direct payment is monitored"), std::string("Something we noticed"),
        std::string("£7,000.00 more than 8 weeks of budget"), note.note(),
        std::string("A decision after a review"), reason,
        std::string("£7,000.00 was returned to the authority")}) {
    EXPECT_NE(record.document().find(words), std::string::npos) << words << "\n" << record.document();
  }
  // The agreement's monitoring lists the closed findings newest first.
  ASSERT_TRUE(As(officer_)->GetAgreementMonitoring(Ctx().get(), get, &monitoring).ok());
  ASSERT_GE(monitoring.findings_size(), 2);
  for (int i = 1; i < monitoring.findings_size(); ++i) {
    EXPECT_EQ(monitoring.findings(i).state(), v1::FINDING_STATE_CLOSED);
    EXPECT_GT(monitoring.findings(i - 1).finding_id(), monitoring.findings(i).finding_id());
  }
  // With the surplus returned, a new sweep finds none.
  Sweep(/*full=*/true);
  EXPECT_FALSE(Find(Findings(agreement, v1::FINDING_STATE_OPEN), "surplus").has_value());
}

TEST_F(MonitoringTest, FindingsPageByTokenAndATokenOfAnotherListIsRefused) {
  const auto [agreement, account] = PaidAgreement(700'00, v1::PAYMENT_METHOD_BANK);
  Sweep();
  const auto all = Findings(agreement, v1::FINDING_STATE_UNSPECIFIED);
  ASSERT_GE(all.size(), 2u) << "a surplus, an underspend and dormancy at least";
  v1::ListFindingsRequest req;
  req.set_agreement_id(agreement);
  req.set_page_size(1);
  std::vector<int64_t> seen;
  std::string other_token;
  for (int page = 0; page < 20; ++page) {
    v1::ListFindingsResponse out;
    ASSERT_TRUE(As(officer_)->ListFindings(Ctx().get(), req, &out).ok());
    ASSERT_LE(out.findings_size(), 1);
    for (const auto& f : out.findings()) seen.push_back(f.finding_id());
    if (out.next_page_token().empty()) break;
    other_token = out.next_page_token();
    req.set_page_token(out.next_page_token());
  }
  ASSERT_EQ(seen.size(), all.size()) << "every finding once, a page at a time";
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], all[i].finding_id());
  // A token is bound to its list: the cases of the agreement refuse it.
  v1::ListCasesRequest cases;
  cases.set_agreement_id(agreement);
  cases.set_page_token(other_token);
  v1::ListCasesResponse none;
  const grpc::Status refused = As(officer_)->ListCases(Ctx().get(), cases, &none);
  EXPECT_EQ(refused.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(RefusalOf(refused).field, "page_token");
}

TEST_F(MonitoringTest, AnOverdueRequestForInformationIsItselfAFinding) {
  const auto [agreement, account] = PaidAgreement(400'00, v1::PAYMENT_METHOD_BANK);
  Sweep();
  const auto open = Findings(agreement, v1::FINDING_STATE_OPEN);
  ASSERT_FALSE(open.empty());
  const int64_t case_id = open.front().case_id();
  v1::ReviewCase c;
  ASSERT_TRUE(Decide(officer_, case_id, v1::CASE_DECISION_REQUEST_INFORMATION,
                     "Please send last quarter's bank statements", 0, &c).ok());
  EXPECT_EQ(c.state(), v1::CASE_STATE_OPEN);
  ASSERT_TRUE(c.has_information_due()) << "28 days by default";
  // Time passes (as the database's owner, in this test database only).
  {
    auto conn = MigratedConnection();
    pqxx::work tx(*conn);
    tx.exec_params("UPDATE monitoring.cases SET information_due = current_date - 1 WHERE id = $1", case_id);
    tx.commit();
  }
  Sweep(/*full=*/true);
  const std::optional<v1::Finding> overdue = Find(Findings(agreement, v1::FINDING_STATE_OPEN), "overdue_information");
  ASSERT_TRUE(overdue.has_value());
  EXPECT_EQ(overdue->case_id(), case_id);
  // Suspension is a decision too: the agreement's lifecycle moves with it.
  ASSERT_TRUE(Decide(officer_, case_id, v1::CASE_DECISION_SUSPEND,
                     "We have not heard back after two reminders", 0, &c).ok());
  v1::GetAgreementRequest get;
  get.set_agreement_id(agreement);
  v1::Agreement a;
  ASSERT_TRUE(Agreements()->GetAgreement(Ctx().get(), get, &a).ok());
  EXPECT_EQ(a.status(), v1::AGREEMENT_STATUS_SUSPENDED);
  EXPECT_EQ(a.status_reason(), "We have not heard back after two reminders");
}

TEST_F(MonitoringTest, ACardForcePostBeyondTheMoneyIsFlaggedAsANegativeBalance) {
  const auto [agreement, account] = PaidAgreement(50'00, v1::PAYMENT_METHOD_CARD);
  const int64_t held = PostedBalance(account);
  auto cards = v1::CardService::NewStub(pki_->ChannelAs(officer_, cards_->address()));
  v1::IssueCardRequest issue;
  issue.set_request_id(Id());
  issue.set_agreement_id(agreement);
  issue.set_processor_token(tag_ + "-tok");
  issue.set_last4("4242");
  issue.set_expiry_month(9);
  issue.set_expiry_year(2029);
  issue.set_holder_name("Morag Brown");
  issue.set_reason("a prepaid card");
  v1::Card card;
  ASSERT_TRUE(cards->IssueCard(Ctx().get(), issue, &card).ok());
  v1::CaptureRequest force;
  force.set_processor_id(Id());
  force.set_card_token(issue.processor_token());
  *force.mutable_amount() = Gbp(held + 12'40);
  force.set_merchant_category("5411");
  force.set_merchant_name("Corner Shop");
  v1::CardTransaction posted;
  auto network = v1::CardService::NewStub(pki_->ChannelAs(processor_, cards_->address()));
  auto st = network->Capture(Ctx().get(), force, &posted);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(posted.shortfall().amount_pence(), 12'40);

  Sweep();
  const auto open = Findings(agreement, v1::FINDING_STATE_OPEN);
  const std::optional<v1::Finding> negative = Find(open, "negative_balance");
  ASSERT_TRUE(negative.has_value());
  EXPECT_EQ(negative->amount().amount_pence(), 12'40);
  ASSERT_EQ(negative->transaction_ids_size(), 1);
  EXPECT_EQ(negative->transaction_ids(0), posted.ledger_transaction_id());
  EXPECT_EQ(negative->summary(),
            "The account is short by £12.40: card payments taken without authorisation went beyond "
            "the money on the card.");
  v1::GetAgreementMonitoringRequest get;
  get.set_agreement_id(agreement);
  v1::AgreementMonitoring m;
  ASSERT_TRUE(As(officer_)->GetAgreementMonitoring(Ctx().get(), get, &m).ok());
  EXPECT_EQ(m.tier(), v1::TIER_STANDARD) << "a shortfall (3) and a force post (1)";
  EXPECT_EQ(m.points(), 4);
}

TEST_F(MonitoringTest, SettingsAreEffectiveDatedAndPreviewedBeforeTheyAreSaved) {
  PaidAgreement(600'00, v1::PAYMENT_METHOD_BANK);
  Sweep();
  v1::GetMonitoringSettingsRequest get;
  get.set_authority_id(authority_);
  v1::MonitoringSettings current;
  ASSERT_TRUE(As(officer_)->GetMonitoringSettings(Ctx().get(), get, &current).ok());
  EXPECT_EQ(current.version(), "default:2020-01-01");
  EXPECT_EQ(current.enhanced_from_points(), 5);

  // Dormancy is worth 1 point: at standard_from_points 1 every dormant
  // agreement would move from light to standard.
  v1::PreviewMonitoringSettingsRequest preview;
  *preview.mutable_settings() = current;
  preview.mutable_settings()->set_standard_from_points(1);
  v1::SettingsPreview p;
  ASSERT_TRUE(As(officer_)->PreviewMonitoringSettings(Ctx().get(), preview, &p).ok());
  EXPECT_GE(p.agreements(), 1);
  EXPECT_GT(p.standard_after(), p.standard_before());
  ASSERT_FALSE(p.changes().empty());
  EXPECT_EQ(p.changes(0).from(), v1::TIER_LIGHT);
  EXPECT_EQ(p.changes(0).to(), v1::TIER_STANDARD);
  EXPECT_EQ(p.light_before() + p.standard_before() + p.enhanced_before(), p.agreements());

  // Unworkable settings are refused by field; nothing is saved.
  v1::SetMonitoringSettingsRequest set;
  set.set_request_id(Id());
  *set.mutable_settings() = current;
  *set.mutable_settings()->mutable_effective_from() = D(2027, 4, 1);
  set.mutable_settings()->set_enhanced_from_points(1);
  set.set_reason("a stricter policy from April");
  v1::MonitoringSettings saved;
  auto st = As(officer_)->SetMonitoringSettings(Ctx().get(), set, &saved);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(RefusalOf(st).field, "settings.enhanced_from_points");
  EXPECT_EQ(As(auditor_)->SetMonitoringSettings(Ctx().get(), set, &saved).error_code(),
            grpc::PERMISSION_DENIED);

  set.set_request_id(Id());
  set.mutable_settings()->set_enhanced_from_points(4);
  set.mutable_settings()->set_light_evidence("Nothing: your card shows us what we need.");
  ASSERT_TRUE(As(officer_)->SetMonitoringSettings(Ctx().get(), set, &saved).ok());
  EXPECT_EQ(saved.version(), authority_ + ":1");
  ASSERT_TRUE(As(officer_)->GetMonitoringSettings(Ctx().get(), get, &current).ok());
  EXPECT_EQ(current.version(), "default:2020-01-01") << "in force from April, not today";
  *get.mutable_as_of() = D(2027, 4, 1);
  ASSERT_TRUE(As(auditor_)->GetMonitoringSettings(Ctx().get(), get, &current).ok());
  EXPECT_EQ(current.version(), authority_ + ":1");
  EXPECT_EQ(current.enhanced_from_points(), 4);
  EXPECT_EQ(current.light_evidence(), "Nothing: your card shows us what we need.");
}

TEST_F(MonitoringTest, ABankStatementIsMatchedOnceAndWhatItShowsIsChecked) {
  const auto [agreement, account] = PaidAgreement(800'00, v1::PAYMENT_METHOD_BANK);
  v1::ListPaymentsRequest list;
  list.set_agreement_id(agreement);
  v1::ListPaymentsResponse payments;
  ASSERT_TRUE(Agreements()->ListPayments(Ctx().get(), list, &payments).ok());
  ASSERT_EQ(payments.payments_size(), 9);
  // November's statement: the payment of 16 November arrives a day late;
  // 19 October's is there; a betting shop; two identical coffees; a line
  // nobody can read.
  auto day = [](const v1::Date& d, int plus) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", d.year(), d.month(), d.day() + plus);
    return std::string(text);
  };
  const v1::Payment& oct = payments.payments(7);
  const v1::Payment& nov = payments.payments(8);
  v1::ImportBankStatementRequest req;
  req.set_request_id(Id());
  req.set_agreement_id(agreement);
  req.set_file_name("nov.csv");
  req.set_header("Date,Description,Amount");
  req.set_first_line(2);
  req.add_lines(day(oct.due_date(), 0) + ",FIFE COUNCIL DIRECT PAYMENT,800.00");
  req.add_lines(day(nov.due_date(), 1) + ",FIFE COUNCIL DIRECT PAYMENT,800.00");
  req.add_lines("2026-11-20,BET365 LTD,-25.00");
  req.add_lines("2026-11-21,CAFE,-3.20");
  req.add_lines("2026-11-21,CAFE,-3.20");
  req.add_lines("2026-11-22,TESCO,twelve pounds");
  v1::BankImportReport report;
  auto monitoring = As(officer_);
  auto st = monitoring->ImportBankStatement(Ctx().get(), req, &report);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(report.lines(), 6);
  EXPECT_EQ(report.imported(), 5) << "both coffees: identical lines are different payments";
  EXPECT_EQ(report.matched(), 2);
  EXPECT_EQ(report.blocked(), 1);
  ASSERT_EQ(report.problems_size(), 1);
  EXPECT_EQ(report.problems(0).line(), 7);
  EXPECT_EQ(report.problems(0).detail(), "amount: not an amount in pounds");
  // The same file again, as a new request: nothing changes.
  req.set_request_id(Id());
  ASSERT_TRUE(monitoring->ImportBankStatement(Ctx().get(), req, &report).ok());
  EXPECT_EQ(report.imported(), 0);
  EXPECT_EQ(report.already_imported(), 5);
  {
    auto conn = MigratedConnection();
    EXPECT_EQ(ScalarInt(*conn, "SELECT count(*) FROM monitoring.bank_lines WHERE agreement_id = " +
                                   std::to_string(agreement)), 5);
    EXPECT_EQ(ScalarInt(*conn, "SELECT count(*) FROM monitoring.bank_lines WHERE agreement_id = " +
                                   std::to_string(agreement) + " AND matched_kind = 'payment_in'"), 2);
  }
  // A card-paid agreement has no bank returns.
  const auto [card_agreement, card_account] = PaidAgreement(50'00, v1::PAYMENT_METHOD_CARD);
  req.set_request_id(Id());
  req.set_agreement_id(card_agreement);
  EXPECT_EQ(monitoring->ImportBankStatement(Ctx().get(), req, &report).error_code(),
            grpc::FAILED_PRECONDITION);

  Sweep();
  const std::optional<v1::Finding> blocked = Find(Findings(agreement, v1::FINDING_STATE_OPEN), "blocked_spending");
  ASSERT_TRUE(blocked.has_value());
  EXPECT_EQ(blocked->summary(),
            "The bank statement shows 1 payment (£25.00) in the last 90 days of a kind a direct "
            "payment may not buy.");
}

TEST_F(MonitoringTest, AGrossPaymentsContributionNotPaidInIsFound) {
  const auto [agreement, account] = PaidAgreement(900'00, v1::PAYMENT_METHOD_BANK, [](v1::Terms* t) {
    *t->mutable_assessed_contribution() = Gbp(100'00);
    t->set_pay_gross(true);
  });
  // A statement of 19 October to 30 November: both payments in arrive
  // (gross, £900), but the person's £100 contribution only once.
  v1::ImportBankStatementRequest req;
  req.set_request_id(Id());
  req.set_agreement_id(agreement);
  req.set_file_name("autumn.csv");
  req.set_header("date,description,paid_out,paid_in");
  req.set_first_line(2);
  req.add_lines("19/10/2026,FIFE COUNCIL,,900.00");
  req.add_lines("20/10/2026,M BROWN CONTRIBUTION,,100.00");
  req.add_lines("16/11/2026,FIFE COUNCIL,,900.00");
  req.add_lines("30/11/2026,TESCO,40.00,");
  v1::BankImportReport report;
  auto st = As(officer_)->ImportBankStatement(Ctx().get(), req, &report);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(report.matched(), 3);
  ASSERT_EQ(report.expected_not_seen_size(), 1);
  EXPECT_EQ(report.expected_not_seen(0).kind(), "contribution");
  EXPECT_EQ(report.expected_not_seen(0).amount().amount_pence(), 100'00);
  Sweep();
  const std::optional<v1::Finding> unpaid = Find(Findings(agreement, v1::FINDING_STATE_OPEN), "contribution_unpaid");
  ASSERT_TRUE(unpaid.has_value());
  EXPECT_EQ(unpaid->amount().amount_pence(), 100'00);
  EXPECT_EQ(unpaid->summary(),
            "1 assessed contribution (£100.00) due to be paid in have not reached the account.");
}

// Auditor reports, on a database of their own: the test alters ledger and
// audit rows, as someone with the owner's rights could, and shows that the
// report it pulled earlier no longer verifies, naming what changed.
TEST(AuditorReportTest, AReportIsRepeatableVerifiableAndCatchesAlteredBooks) {
  const std::string tag = "r" + std::to_string(std::random_device{}() % 100000000);
  const std::string url = FreshDatabase("reports");
  TestPki pki(::testing::TempDir() + "/pki-" + tag);
  ASSERT_TRUE(pki.Issue("officer@r") && pki.Issue("auditor@r") && pki.Issue("auditor@other"));
  {
    pqxx::connection conn(url);
    pqxx::work tx(conn);
    tx.exec("INSERT INTO iam.organisations (id, kind, name) VALUES ('R-FIFE', 'authority', 'Fife'),"
            " ('R-AUDIT', 'audit', 'Audit'), ('R-OTHER', 'audit', 'Other')");
    tx.exec("INSERT INTO iam.principals (name, organisation_id, role, approver_level) VALUES"
            " ('officer@r', 'R-FIFE', 'finance_officer', 'manager'),"
            " ('auditor@r', 'R-AUDIT', 'auditor', 'none'), ('auditor@other', 'R-OTHER', 'auditor', 'none')");
    tx.exec("INSERT INTO iam.grants (organisation_id, scope_type, scope_id) VALUES ('R-AUDIT', 'authority', 'R-FIFE')");
    tx.commit();
  }
  std::vector<std::string> args = pki.ServerArgs();
  args.insert(args.end(), {"--database-url", url});
  // Reports read through a pool of their own (in production, a replica's:
  // docs/SCALING.md), named so that the test can see it used.
  const std::string app = "dp-reports-" + tag;
  std::vector<std::string> monitoring_args = args;
  monitoring_args.insert(monitoring_args.end(),
                         {"--report-database-url", RoleUrl(url, "dp_monitoring") +
                                                       (url.find('?') == std::string::npos ? "?" : "&") +
                                                       "application_name=" + app});
  ServiceProcess agreements("agreements", args), monitoring("monitoring", monitoring_args);
  ASSERT_TRUE(agreements.Start()) << agreements.Log();
  ASSERT_TRUE(monitoring.Start()) << monitoring.Log();
  auto a = v1::AgreementService::NewStub(pki.ChannelAs("officer@r", agreements.address()));
  auto m = v1::MonitoringService::NewStub(pki.ChannelAs("officer@r", monitoring.address()));
  auto auditor = v1::MonitoringService::NewStub(pki.ChannelAs("auditor@r", monitoring.address()));
  int n = 0;
  auto id = [&] { return tag + "-" + std::to_string(n++); };
  v1::SetAuthoritySettingsRequest settings;
  settings.set_request_id(id());
  auto* s = settings.mutable_settings();
  s->set_authority_id("R-FIFE");
  *s->mutable_effective_from() = D(2026, 4, 1);
  *s->mutable_worker_limit() = Gbp(20'000'00);
  *s->mutable_manager_limit() = Gbp(50'000'00);
  s->set_panel_max_wait_days(28);
  s->set_payment_frequency(v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
  *s->mutable_cycle_anchor() = D(2026, 4, 6);
  s->set_surplus_threshold_weeks(8);
  v1::AuthoritySettings saved;
  auto set = a->SetAuthoritySettings(Ctx().get(), settings, &saved);
  ASSERT_TRUE(set.ok()) << set.error_message();
  v1::CreatePersonRequest person;
  person.set_request_id(id());
  person.set_authority_id("R-FIFE");
  person.set_display_name("Morag Brown");
  v1::PersonSummary who;
  ASSERT_TRUE(a->CreatePerson(Ctx().get(), person, &who).ok());
  auto agreement = [&](int64_t gross_pence) {
    v1::CreateAgreementRequest create;
    create.set_request_id(id());
    create.set_authority_id("R-FIFE");
    create.set_person_id(who.person_id());
    create.mutable_terms()->set_model_version("FIFE-2026-1");
    create.mutable_terms()->add_permitted_uses("pa_employment");
    *create.mutable_terms()->mutable_gross_budget() = Gbp(gross_pence);
    *create.mutable_terms()->mutable_start_date() = D(2026, 4, 6);
    v1::Agreement out;
    EXPECT_TRUE(a->CreateAgreement(Ctx().get(), create, &out).ok());
    ActivateAndPay(*a, &out, D(2026, 12, 2), id);
    return out.agreement_id();
  };
  const int64_t first = agreement(1'000'00);
  v1::SweepRequest sweep;
  sweep.set_request_id(id());
  sweep.set_authority_id("R-FIFE");
  v1::SweepReport swept;
  ASSERT_TRUE(m->Sweep(Ctx().get(), sweep, &swept).ok());

  v1::GetAuditorReportRequest req;
  req.set_authority_id("R-FIFE");
  *req.mutable_period_start() = D(2026, 4, 1);
  *req.mutable_period_end() = D(2027, 3, 31);
  v1::AuditorReport report;
  auto st = auditor->GetAuditorReport(Ctx().get(), req, &report);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const std::string csv = report.content();
  {
    pqxx::connection conn(url);
    pqxx::nontransaction tx(conn);
    EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                              app)[0].as<int>(), 1)
        << "the report read through --report-database-url";
  }
  EXPECT_EQ(report.sha256(), report.csv_sha256());
  EXPECT_EQ(report.seed(), report.as_of().seconds() * 1000000 + report.as_of().nanos() / 1000)
      << "derived from the instant";
  EXPECT_NE(csv.find("section,totals\nmeasure,value\nagreements,1\nactive_at_as_of,1\n"
                     "paid_in_pence,900000\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(std::to_string(first) + ",active,900000,0,0,0\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nsurplus,1,1,0,0,0,0\n"), std::string::npos) << "findings by check: " << csv;
  EXPECT_EQ(report.audit_head().substr(0, 3), "v1:") << "the lanes' heads at the instant";
  // The sample, as fields: the same transactions as the CSV's sample section.
  ASSERT_GE(report.sampled_size(), 1);
  const std::string section = csv.substr(csv.find("section,sample\n"));
  EXPECT_EQ(std::count(section.begin(), section.end(), '\n') - 2, report.sampled_size()) << section;
  for (const v1::SampledTransaction& t : report.sampled()) {
    EXPECT_NE(section.find("\n" + std::to_string(t.transaction_id()) + ","), std::string::npos);
    EXPECT_GT(t.amount().amount_pence(), 0);
    EXPECT_EQ(t.amount().currency(), "GBP");
    EXPECT_GT(t.posted_at().seconds(), 0);
    EXPECT_FALSE(t.kind().empty());
  }
  EXPECT_NE(csv.find("\naudit_head," + std::string(report.audit_head().find(',') == std::string::npos
                                                        ? report.audit_head()
                                                        : "\"" + report.audit_head() + "\"")),
            std::string::npos);

  // More activity after the instant changes nothing for that instant.
  agreement(500'00);
  req.mutable_as_of()->CopyFrom(report.as_of());
  req.set_seed(report.seed());
  v1::AuditorReport again;
  ASSERT_TRUE(auditor->GetAuditorReport(Ctx().get(), req, &again).ok());
  EXPECT_EQ(again.content(), csv) << "byte-identical for the same instant";
  EXPECT_EQ(again.sha256(), report.sha256());
  // The other formats carry the CSV's digest.
  req.set_format(v1::REPORT_FORMAT_PDF);
  v1::AuditorReport pdf;
  ASSERT_TRUE(auditor->GetAuditorReport(Ctx().get(), req, &pdf).ok());
  EXPECT_EQ(pdf.content().substr(0, 5), "%PDF-");
  EXPECT_EQ(pdf.csv_sha256(), report.sha256());
  req.set_format(v1::REPORT_FORMAT_XLSX);
  v1::AuditorReport xlsx;
  ASSERT_TRUE(auditor->GetAuditorReport(Ctx().get(), req, &xlsx).ok());
  EXPECT_EQ(xlsx.content().substr(0, 2), "PK");

  // Within the auditor's grant only; never beyond the settled horizon.
  auto other = v1::MonitoringService::NewStub(pki.ChannelAs("auditor@other", monitoring.address()));
  v1::AuditorReport denied;
  EXPECT_EQ(other->GetAuditorReport(Ctx().get(), req, &denied).error_code(), grpc::NOT_FOUND);
  req.mutable_as_of()->set_seconds(report.as_of().seconds() + 86400 * 365);
  EXPECT_EQ(auditor->GetAuditorReport(Ctx().get(), req, &denied).error_code(),
            grpc::FAILED_PRECONDITION);

  v1::VerifyAuditorReportRequest verify;
  verify.set_content(csv);
  v1::ReportVerification v;
  ASSERT_TRUE(auditor->VerifyAuditorReport(Ctx().get(), verify, &v).ok());
  EXPECT_TRUE(v.matches());
  EXPECT_TRUE(v.audit_intact()) << v.audit_problem();
  EXPECT_EQ(v.differences_size(), 0);

  // The owner alters a payment's postings (both legs, so the books still
  // sum to zero) and an audit event: the old report no longer verifies.
  {
    pqxx::connection conn(url);
    pqxx::work tx(conn);
    const int64_t txn = tx.exec_params1(
        "SELECT p.transaction_id FROM ledger.postings p JOIN ledger.accounts ac ON ac.id = p.account_id"
        " WHERE ac.owner_type = 'agreement' AND ac.owner_id = $1 ORDER BY p.id LIMIT 1",
        std::to_string(first))[0].as<int64_t>();
    tx.exec("ALTER TABLE ledger.postings DISABLE TRIGGER postings_append_only");
    tx.exec_params("UPDATE ledger.postings SET amount_pence = amount_pence + sign(amount_pence) * 100"
                   " WHERE transaction_id = $1", txn);
    tx.exec("ALTER TABLE ledger.postings ENABLE TRIGGER postings_append_only");
    tx.exec("ALTER TABLE audit.events DISABLE TRIGGER events_append_only");
    tx.exec("UPDATE audit.events SET resource = 'agreements/999' WHERE seq = 2 AND lane = "
            "(SELECT min(lane) FROM audit.events WHERE seq = 2)");
    tx.exec("ALTER TABLE audit.events ENABLE TRIGGER events_append_only");
    tx.commit();
  }
  ASSERT_TRUE(auditor->VerifyAuditorReport(Ctx().get(), verify, &v).ok());
  EXPECT_FALSE(v.matches());
  EXPECT_NE(v.sha256_now(), v.sha256_given());
  bool names_the_agreement = false;
  for (const auto& d : v.differences()) {
    if (d == "agreements: now " + std::to_string(first) + ",active,900100,0,0,0") names_the_agreement = true;
  }
  EXPECT_TRUE(names_the_agreement) << "the differences name the agreement and both figures";
  EXPECT_FALSE(v.audit_intact());
  EXPECT_NE(v.audit_problem().find("event 2"), std::string::npos) << v.audit_problem();
}

}  // namespace
}  // namespace dp::testing
