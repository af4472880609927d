// Payments out end to end, over mutual TLS, through an ISO (the person's
// payment manager) and the authority's officer: a payee approved before
// its first payment; an invoice above the support plan flagged for the
// officer; a standing order paid on its date and not twice; direct debits
// matched and unmatched; a returned payment reversed with the bank's
// reason; available to spend as payroll's wages accrue and are paid; an
// officer's override of committed funds, in the person's record. The
// ledger balances after each test.
#include <random>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "dp/v1/agreements.grpc.pb.h"
#include "dp/v1/payments.grpc.pb.h"
#include "dp/v1/payroll.grpc.pb.h"
#include "agreement_steps.h"
#include "grpc_helpers.h"
#include "ledger_checks.h"
#include "service_process.h"
#include "test_db.h"
#include "tls_helpers.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

absl::CivilDay Today() {
  absl::TimeZone zone = absl::UTCTimeZone();
  (void)absl::LoadTimeZone("Europe/London", &zone);
  return absl::ToCivilDay(absl::Now(), zone);
}

v1::Date Day(absl::CivilDay d) { return D(static_cast<int>(d.year()), d.month(), d.day()); }

std::string Text(absl::CivilDay d) { return absl::FormatCivilTime(d); }

// World is one authority of its own (a payment run takes all of an
// authority's payments), with an active agreement paid £1,000 every four
// weeks from 6 April 2026 up to today, and an ISO granted it.
struct World {
  std::string authority, officer, iso;
  int64_t agreement_id = 0;
  int64_t holding_account_id = 0;
};

class PaymentsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tag_ = "p" + std::to_string(std::random_device{}() % 100000000);
    pki_ = new TestPki(::testing::TempDir() + "/pki-" + tag_);
    agreements_ = new ServiceProcess("agreements", pki_->ServerArgs());
    payroll_ = new ServiceProcess("payroll", pki_->ServerArgs());
    for (ServiceProcess* p : {agreements_, payroll_}) ASSERT_TRUE(p->Start()) << p->Log();
  }

  static void TearDownTestSuite() {
    delete payroll_;
    delete agreements_;
    delete pki_;
  }

  void TearDown() override { EXPECT_EQ(LedgerImbalance(), 0) << "the books balance"; }

  static std::string Id() { return tag_ + "-" + std::to_string(n_++); }

  static World NewWorld(std::vector<std::string> uses = {"pa_employment", "agency_care"},
                        int64_t per_period_pence = 1000'00) {
    World w;
    const std::string t = Id();
    w.authority = t + "-AUTH";
    w.officer = "officer@" + t;
    w.iso = "iso@" + t;
    EXPECT_TRUE(pki_->Issue(w.officer) && pki_->Issue(w.iso));
    auto conn = MigratedConnection();
    {
      pqxx::work tx(*conn);
      tx.exec_params("INSERT INTO iam.organisations (id, kind, name) VALUES ($1, 'authority', 'a'),"
                     " ($2, 'iso', 'i')", w.authority, t + "-ISO");
      tx.exec_params("INSERT INTO iam.principals (name, organisation_id, role, approver_level)"
                     " VALUES ($1, $2, 'finance_officer', 'manager'), ($3, $4, 'iso', 'none')",
                     w.officer, w.authority, w.iso, t + "-ISO");
      tx.commit();
    }
    auto a = Agreements(w);
    v1::SetAuthoritySettingsRequest settings;
    settings.set_request_id(Id());
    auto* s = settings.mutable_settings();
    s->set_authority_id(w.authority);
    *s->mutable_effective_from() = D(2026, 4, 1);
    *s->mutable_worker_limit() = Gbp(20'000'00);
    *s->mutable_manager_limit() = Gbp(50'000'00);
    s->set_panel_max_wait_days(28);
    s->set_payment_frequency(v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
    *s->mutable_cycle_anchor() = D(2026, 4, 6);
    s->set_surplus_threshold_weeks(8);
    v1::AuthoritySettings saved;
    auto st = a->SetAuthoritySettings(Ctx().get(), settings, &saved);
    EXPECT_TRUE(st.ok()) << st.error_message();
    v1::CreatePersonRequest person;
    person.set_request_id(Id());
    person.set_authority_id(w.authority);
    person.set_display_name("Morag Brown");
    person.set_bank_sort_code("401234");
    person.set_bank_account_number("11223344");
    v1::PersonSummary summary;
    EXPECT_TRUE(a->CreatePerson(Ctx().get(), person, &summary).ok());
    v1::CreateAgreementRequest create;
    create.set_request_id(Id());
    create.set_authority_id(w.authority);
    create.set_person_id(summary.person_id());
    auto* terms = create.mutable_terms();
    terms->set_model_version("FIFE-2026-1");
    for (const auto& u : uses) terms->add_permitted_uses(u);
    *terms->mutable_gross_budget() = Gbp(per_period_pence);
    *terms->mutable_start_date() = D(2026, 4, 6);
    terms->set_payment_method(v1::PAYMENT_METHOD_BANK);
    v1::Agreement agreement;
    st = a->CreateAgreement(Ctx().get(), create, &agreement);
    EXPECT_TRUE(st.ok()) << st.error_message();
    ActivateAndPay(*a, &agreement, D(2026, 12, 2), [] { return Id(); });
    w.agreement_id = agreement.agreement_id();
    w.holding_account_id = agreement.holding_account_id();
    pqxx::work tx(*conn);
    tx.exec_params("INSERT INTO iam.grants (organisation_id, scope_type, scope_id)"
                   " VALUES ($1, 'agreement', $2)", t + "-ISO", std::to_string(w.agreement_id));
    tx.commit();
    return w;
  }

  static std::unique_ptr<v1::AgreementService::Stub> Agreements(const World& w) {
    return v1::AgreementService::NewStub(pki_->ChannelAs(w.officer, agreements_->address()));
  }
  static std::unique_ptr<v1::PaymentService::Stub> As(const std::string& who) {
    return v1::PaymentService::NewStub(pki_->ChannelAs(who, agreements_->address()));
  }

  // AddPayee adds an agency (or `kind`) and returns the answer's status.
  static grpc::Status AddPayee(const World& w, const std::string& who, v1::Payee* out,
                               const std::function<void(v1::AddPayeeRequest*)>& adjust = nullptr) {
    v1::AddPayeeRequest req;
    req.set_request_id(Id());
    req.set_agreement_id(w.agreement_id);
    req.set_kind(v1::PAYEE_KIND_AGENCY);
    req.set_name("Bright Care Agency Ltd");
    req.set_account_name("Bright Care Ltd");
    req.set_sort_code("20-29-59");
    req.set_account_number("63748472");
    req.set_reference("MORAG BROWN");
    req.set_reason("Morag chose Bright Care for her mornings");
    if (adjust) adjust(&req);
    return As(who)->AddPayee(Ctx().get(), req, out);
  }

  static v1::Payee ApprovedPayee(const World& w,
                                 const std::function<void(v1::AddPayeeRequest*)>& adjust = nullptr) {
    v1::Payee payee;
    auto st = AddPayee(w, w.iso, &payee, adjust);
    EXPECT_TRUE(st.ok()) << st.error_message();
    v1::ApprovePayeeRequest approve;
    approve.set_request_id(Id());
    approve.set_payee_id(payee.payee_id());
    approve.set_reason("Morag confirmed the bank details by phone");
    st = As(w.iso)->ApprovePayee(Ctx().get(), approve, &payee);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return payee;
  }

  static grpc::Status Schedule(const World& w, const std::string& who, int64_t payee_id,
                               int64_t pence, v1::OutgoingPayment* out,
                               const std::string& override_reason = "") {
    v1::SchedulePaymentRequest req;
    req.set_request_id(Id());
    req.set_agreement_id(w.agreement_id);
    req.set_payee_id(payee_id);
    *req.mutable_amount() = Gbp(pence);
    *req.mutable_due_date() = Day(Today());
    req.set_override_reason(override_reason);
    return As(who)->SchedulePayment(Ctx().get(), req, out);
  }

  static v1::PaymentsRun Run(const World& w, bool include_payroll = false) {
    v1::RunPaymentsRequest req;
    req.set_request_id(Id());
    req.set_authority_id(w.authority);
    *req.mutable_run_date() = Day(Today());
    req.set_include_payroll(include_payroll);
    v1::PaymentsRun run;
    auto st = As(w.officer)->RunPayments(Ctx().get(), req, &run);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return run;
  }

  static v1::AvailableToSpend Available(const World& w) {
    v1::GetAvailableToSpendRequest req;
    req.set_agreement_id(w.agreement_id);
    v1::AvailableToSpend out;
    auto st = As(w.iso)->GetAvailableToSpend(Ctx().get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  static int64_t Part(const v1::AvailableToSpend& a, const std::string& kind) {
    for (const auto& c : a.commitments()) {
      if (c.kind() == kind) return c.amount().amount_pence();
    }
    return 0;
  }

  static std::vector<v1::Decision> Record(const World& w) {
    v1::GetRecordRequest req;
    req.set_agreement_id(w.agreement_id);
    v1::PersonRecord record;
    EXPECT_TRUE(Agreements(w)->GetRecord(Ctx().get(), req, &record).ok());
    return {record.decisions().begin(), record.decisions().end()};
  }

  static inline std::string tag_;
  static inline int n_ = 0;
  static inline TestPki* pki_ = nullptr;
  static inline ServiceProcess* agreements_ = nullptr;
  static inline ServiceProcess* payroll_ = nullptr;
};

constexpr int64_t kPaidIn = 9 * 1000'00;  // nine four-weekly periods to 2 December 2026

TEST_F(PaymentsTest, APayeeIsApprovedBeforeItsFirstPayment) {
  const World w = NewWorld();
  ASSERT_EQ(PostedBalance(w.holding_account_id), kPaidIn);
  v1::Payee payee;
  ASSERT_TRUE(AddPayee(w, w.iso, &payee).ok());
  EXPECT_FALSE(payee.approved());
  EXPECT_EQ(payee.sort_code(), "20-29-59");
  EXPECT_EQ(payee.account_number_masked(), "••••8472");
  EXPECT_EQ(payee.use(), "agency_care");

  v1::OutgoingPayment payment;
  grpc::Status refused = Schedule(w, w.iso, payee.payee_id(), 120'00, &payment);
  EXPECT_EQ(refused.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_EQ(RefusalOf(refused).info.reason(), "PAYEE_NOT_APPROVED");
  EXPECT_EQ(refused.error_message(),
            "payee " + std::to_string(payee.payee_id()) +
                " (Bright Care Agency Ltd) has not been approved: the person's payment manager or "
                "an officer must approve them (ApprovePayee) before the first payment");

  v1::ApprovePayeeRequest approve;
  approve.set_request_id(Id());
  approve.set_payee_id(payee.payee_id());
  approve.set_reason("Morag confirmed the bank details by phone");
  ASSERT_TRUE(As(w.iso)->ApprovePayee(Ctx().get(), approve, &payee).ok());
  EXPECT_TRUE(payee.approved());
  EXPECT_EQ(payee.approved_by(), w.iso);
  // The same request again answers the same; another content is refused.
  v1::Payee again;
  ASSERT_TRUE(As(w.iso)->ApprovePayee(Ctx().get(), approve, &again).ok());
  EXPECT_EQ(again.payee_id(), payee.payee_id());
  approve.set_reason("something else");
  EXPECT_EQ(As(w.iso)->ApprovePayee(Ctx().get(), approve, &again).error_code(),
            grpc::ALREADY_EXISTS);

  const grpc::Status scheduled = Schedule(w, w.iso, payee.payee_id(), 120'00, &payment);
  ASSERT_TRUE(scheduled.ok()) << scheduled.error_message();
  EXPECT_EQ(payment.status(), v1::PAYMENT_STATUS_SCHEDULED);
  EXPECT_EQ(payment.amount().amount_pence(), 120'00);
  EXPECT_EQ(payment.source(), "one_off");
  // Beyond the eleven digits a BACS record holds: refused, naming the field.
  refused = Schedule(w, w.officer, payee.payee_id(), 1'000'000'000'00, &payment);
  EXPECT_EQ(refused.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(RefusalOf(refused).field, "amount");

  const auto record = Record(w);
  ASSERT_GE(record.size(), 2u);
  EXPECT_EQ(record[record.size() - 2].kind(), "payee_added");
  EXPECT_EQ(record.back().kind(), "payee_approved");
  EXPECT_EQ(record.back().summary(),
            "Bright Care Agency Ltd was approved: your direct payment may now pay them.");
}

TEST_F(PaymentsTest, BadPayeesAreRefusedNamingWhy) {
  const World w = NewWorld({"pa_employment"});
  v1::Payee payee;
  // The agreement permits PA employment only: an agency is refused.
  grpc::Status s = AddPayee(w, w.iso, &payee);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_EQ(RefusalOf(s).info.reason(), "USE_NOT_PERMITTED");
  EXPECT_EQ(s.error_message(),
            "the agreement does not permit its money to be spent on care from an agency, so this "
            "payee cannot be paid from it");
  // Account details failing the modulus check (Vocalink's example, one digit off).
  s = AddPayee(w, w.iso, &payee, [](auto* r) {
    r->set_kind(v1::PAYEE_KIND_HMRC);
    r->set_sort_code("089999");
    r->set_account_number("66374959");
  });
  EXPECT_EQ(RefusalOf(s).info.reason(), "BANK_DETAILS_INVALID");
  // A BACS name beyond the standard's 18 characters, naming the field.
  s = AddPayee(w, w.iso, &payee, [](auto* r) {
    r->set_kind(v1::PAYEE_KIND_HMRC);
    r->set_account_name("HM Revenue and Customs Cumbernauld");
  });
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(RefusalOf(s).field, "account_name");
  s = AddPayee(w, w.iso, &payee, [](auto* r) {
    r->set_kind(v1::PAYEE_KIND_HMRC);
    r->set_reference("123PA00045678 MONTH 9");
  });
  EXPECT_EQ(RefusalOf(s).field, "reference");
  // A PA with no payroll employment under this agreement.
  s = AddPayee(w, w.iso, &payee, [](auto* r) {
    r->set_kind(v1::PAYEE_KIND_PA);
    r->set_employee_id(987654321);
  });
  EXPECT_EQ(RefusalOf(s).info.reason(), "NO_PAYROLL_EMPLOYMENT");
  // Nothing of these was written.
  auto conn = MigratedConnection();
  pqxx::work tx(*conn);
  EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM payments.payees WHERE agreement_id = $1",
                            w.agreement_id)[0].as<int>(), 0);
}

TEST_F(PaymentsTest, AnInvoiceAboveThePlanIsFlaggedForTheOfficer) {
  const World w = NewWorld();
  const v1::Payee agency = ApprovedPayee(w, [](auto* r) {
    *r->mutable_plan_rate() = Gbp(22'00);
    r->set_plan_centi_hours_per_week(1000);  // 10 hours a week
  });
  const absl::CivilDay today = Today();
  auto submit = [&](const std::string& number, int hours_centi, int64_t rate, v1::Invoice* out) {
    v1::SubmitInvoiceRequest req;
    req.set_request_id(Id());
    req.set_agreement_id(w.agreement_id);
    req.set_payee_id(agency.payee_id());
    req.set_number(number);
    req.set_centi_hours(hours_centi);
    *req.mutable_rate() = Gbp(rate);
    *req.mutable_period_start() = Day(today - 14);
    *req.mutable_period_end() = Day(today - 1);
    *req.mutable_due_date() = Day(today + 14);
    req.set_description("Morning support");
    return As(w.iso)->SubmitInvoice(Ctx().get(), req, out);
  };
  v1::Invoice within, above;
  ASSERT_TRUE(submit("BC-1001", 2000, 22'00, &within).ok());
  EXPECT_EQ(within.amount().amount_pence(), 440'00);
  EXPECT_EQ(within.flag(), "");
  ASSERT_TRUE(submit("BC-1002", 2550, 24'50, &above).ok());
  EXPECT_EQ(above.amount().amount_pence(), 624'75);
  EXPECT_EQ(above.flag(),
            "the rate £24.50 an hour is above the plan's £22.00; 25.50 hours are more than the "
            "plan's 20.00 for 14 days");

  v1::ApproveInvoiceRequest approve;
  approve.set_request_id(Id());
  approve.set_invoice_id(above.invoice_id());
  approve.set_reason("Agreed with Morag: two extra sessions while her sister was away");
  grpc::Status s = As(w.iso)->ApproveInvoice(Ctx().get(), approve, &above);
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("an officer must approve it"), std::string::npos);
  ASSERT_TRUE(As(w.officer)->ApproveInvoice(Ctx().get(), approve, &above).ok());
  EXPECT_EQ(above.status(), v1::INVOICE_STATUS_APPROVED);
  approve.set_request_id(Id());
  approve.set_invoice_id(within.invoice_id());
  ASSERT_TRUE(As(w.iso)->ApproveInvoice(Ctx().get(), approve, &within).ok());

  // Both are committed until paid.
  EXPECT_EQ(Part(Available(w), "invoice"), 440'00 + 624'75);
  const auto record = Record(w);
  EXPECT_EQ(record.back().kind(), "invoice_approved");
  EXPECT_EQ(record.back().reason(), "Agreed with Morag: two extra sessions while her sister was away");
}

TEST_F(PaymentsTest, AStandingOrderIsPaidOnItsDateAndNotTwice) {
  const World w = NewWorld();
  const v1::Payee agency = ApprovedPayee(w);
  v1::CreateStandingOrderRequest req;
  req.set_request_id(Id());
  req.set_agreement_id(w.agreement_id);
  req.set_payee_id(agency.payee_id());
  *req.mutable_amount() = Gbp(250'00);
  req.set_frequency(v1::ORDER_FREQUENCY_MONTHLY);
  *req.mutable_first_date() = Day(Today());
  req.set_reference("MB RESPITE");
  v1::StandingOrder order;
  ASSERT_TRUE(As(w.iso)->CreateStandingOrder(Ctx().get(), req, &order).ok());
  EXPECT_EQ(Part(Available(w), "standing_order"), 250'00);

  const v1::PaymentsRun first = Run(w);
  EXPECT_EQ(first.payments(), 1);
  EXPECT_EQ(first.total().amount_pence(), 250'00);
  EXPECT_TRUE(first.held().empty()) << first.DebugString();
  // The file: the credit to the agency and the contra from Morag's account.
  const std::string& bacs = first.bacs();
  ASSERT_EQ(bacs.size(), 2u * 102);
  EXPECT_EQ(bacs.substr(0, 14), "20295963748472");
  EXPECT_EQ(bacs.substr(15, 2), "99");
  EXPECT_EQ(bacs.substr(17, 14), "40123411223344");
  EXPECT_EQ(bacs.substr(35, 11), "00000025000");
  EXPECT_EQ(bacs.substr(64, 18), "MB RESPITE        ");
  EXPECT_EQ(bacs.substr(82, 18), "BRIGHT CARE LTD   ");
  EXPECT_EQ(bacs.substr(102 + 15, 2), "17");
  EXPECT_EQ(PostedBalance(w.holding_account_id), kPaidIn - 250'00);

  // The same day's run again pays nothing more.
  const v1::PaymentsRun second = Run(w);
  EXPECT_EQ(second.payments(), 0);
  EXPECT_EQ(PostedBalance(w.holding_account_id), kPaidIn - 250'00);

  v1::ListOutgoingPaymentsRequest list;
  list.set_agreement_id(w.agreement_id);
  v1::ListOutgoingPaymentsResponse payments;
  ASSERT_TRUE(As(w.iso)->ListOutgoingPayments(Ctx().get(), list, &payments).ok());
  ASSERT_EQ(payments.payments_size(), 1);
  EXPECT_EQ(payments.payments(0).source_key(),
            "standing order " + std::to_string(order.standing_order_id()) + " on " + Text(Today()));
  EXPECT_EQ(payments.payments(0).status(), v1::PAYMENT_STATUS_SUBMITTED);

  // The officer's payments of the day, by authority: the same payment.
  v1::ListOutgoingPaymentsRequest today;
  today.set_authority_id(w.authority);
  *today.mutable_due_date() = Day(Today());
  v1::ListOutgoingPaymentsResponse of_day;
  ASSERT_TRUE(As(w.officer)->ListOutgoingPayments(Ctx().get(), today, &of_day).ok());
  ASSERT_EQ(of_day.payments_size(), 1) << of_day.DebugString();
  EXPECT_EQ(of_day.payments(0).payment_id(), payments.payments(0).payment_id());
  EXPECT_EQ(of_day.payments(0).amount().amount_pence(), 250'00);
  *today.mutable_due_date() = Day(Today() + 1);
  ASSERT_TRUE(As(w.officer)->ListOutgoingPayments(Ctx().get(), today, &of_day).ok());
  EXPECT_EQ(of_day.payments_size(), 0) << "only the day asked";
  // An ISO may see its agreements' payments, not the authority's.
  EXPECT_EQ(As(w.iso)->ListOutgoingPayments(Ctx().get(), today, &of_day).error_code(),
            grpc::PERMISSION_DENIED);
  // The day is required with the authority; two names are one too many.
  today.clear_due_date();
  auto s = As(w.officer)->ListOutgoingPayments(Ctx().get(), today, &of_day);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "due_date is required with authority_id");
  today.set_agreement_id(w.agreement_id);
  s = As(w.officer)->ListOutgoingPayments(Ctx().get(), today, &of_day);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "agreement_id or run_id or authority_id: give one of them");

  // Settling moves it from clearing to the agency: paid.
  v1::SettlePaymentsRunRequest settle;
  settle.set_request_id(Id());
  settle.set_run_id(first.run_id());
  v1::PaymentsRun settled;
  ASSERT_TRUE(As(w.officer)->SettlePaymentsRun(Ctx().get(), settle, &settled).ok());
  EXPECT_TRUE(settled.settled());
  {
    auto conn = MigratedConnection();
    pqxx::work tx(*conn);
    const pqxx::row accounts = tx.exec_params1(
        "SELECT p.ledger_account_id, c.id FROM payments.payees p, ledger.accounts c"
        " WHERE p.id = $1 AND c.code = $2", agency.payee_id(), w.authority + ":PAYMENTS-CLEARING");
    tx.commit();
    EXPECT_EQ(PostedBalance(accounts[0].as<int64_t>()), 250'00) << "paid to the agency";
    EXPECT_EQ(PostedBalance(accounts[1].as<int64_t>()), 0) << "nothing left in clearing";
  }
  ASSERT_TRUE(As(w.iso)->ListOutgoingPayments(Ctx().get(), list, &payments).ok());
  EXPECT_EQ(payments.payments(0).status(), v1::PAYMENT_STATUS_PAID);

  // Cancelled, it is no longer committed.
  v1::CancelArrangementRequest cancel;
  cancel.set_request_id(Id());
  cancel.set_id(order.standing_order_id());
  cancel.set_reason("Morag moved her respite to the agency's invoices");
  ASSERT_TRUE(As(w.iso)->CancelStandingOrder(Ctx().get(), cancel, &order).ok());
  EXPECT_FALSE(order.active());
  EXPECT_EQ(Part(Available(w), "standing_order"), 0);
}

TEST_F(PaymentsTest, DirectDebitsAreMatchedToMandatesOrReported) {
  const World w = NewWorld();
  const v1::Payee supplier = ApprovedPayee(w, [](auto* r) {
    r->set_kind(v1::PAYEE_KIND_AGENCY);
    r->set_name("Oxygen Supplies Ltd");
    r->set_account_name("OXYGEN SUPPLIES");
  });
  v1::CreateMandateRequest mandate;
  mandate.set_request_id(Id());
  mandate.set_agreement_id(w.agreement_id);
  mandate.set_payee_id(supplier.payee_id());
  mandate.set_reference("OXY-" + w.authority.substr(0, 9));
  v1::Mandate made;
  ASSERT_TRUE(As(w.iso)->CreateMandate(Ctx().get(), mandate, &made).ok());

  v1::ImportBankFileRequest file;
  file.set_request_id(Id());
  file.set_authority_id(w.authority);
  file.set_file_name("collections-2026-12-02.csv");
  file.set_content("date,reference,originator,amount\n" + Text(Today()) + "," +
                   mandate.reference() + ",OXYGEN SUPPLIES,45.60\n" + Text(Today()) +
                   ",GYM-000123,PUREGYM,29.99\n" + Text(Today()) + ",BROKEN\n");
  v1::BankFileReport report;
  ASSERT_TRUE(As(w.officer)->ImportCollections(Ctx().get(), file, &report).ok());
  EXPECT_EQ(report.lines_read(), 3);
  EXPECT_EQ(report.matched(), 1);
  EXPECT_EQ(report.unmatched(), 1);
  EXPECT_EQ(report.malformed(), 1);
  EXPECT_EQ(report.total().amount_pence(), 45'60);
  ASSERT_EQ(report.lines_size(), 3);
  // In the file's order: line 2 matched, 3 unmatched, 4 malformed.
  EXPECT_EQ(report.lines(0).line(), 2);
  EXPECT_EQ(report.lines(0).outcome(), "matched") << report.lines(0).detail();
  EXPECT_EQ(report.lines(1).outcome(), "unmatched");
  EXPECT_EQ(report.lines(2).line(), 4);
  EXPECT_EQ(report.lines(2).outcome(), "malformed");
  EXPECT_EQ(report.lines(1).detail(),
            "£29.99 collected by \"PUREGYM\" with reference \"GYM-000123\" matches no active mandate");
  EXPECT_EQ(PostedBalance(w.holding_account_id), kPaidIn - 45'60);

  // The same file again, under a new request: nothing changes.
  file.set_request_id(Id());
  ASSERT_TRUE(As(w.officer)->ImportCollections(Ctx().get(), file, &report).ok());
  EXPECT_EQ(report.matched(), 0);
  EXPECT_EQ(report.seen_before(), 2);
  EXPECT_EQ(PostedBalance(w.holding_account_id), kPaidIn - 45'60);

  // A cancelled mandate matches no more.
  v1::CancelArrangementRequest cancel;
  cancel.set_request_id(Id());
  cancel.set_id(made.mandate_id());
  cancel.set_reason("Morag no longer needs oxygen at home");
  ASSERT_TRUE(As(w.iso)->CancelMandate(Ctx().get(), cancel, &made).ok());
  file.set_request_id(Id());
  file.set_content("date,reference,originator,amount\n" + Text(Today()) + "," +
                   mandate.reference() + ",OXYGEN SUPPLIES,45.61\n");
  ASSERT_TRUE(As(w.officer)->ImportCollections(Ctx().get(), file, &report).ok());
  EXPECT_EQ(report.unmatched(), 1);
}

TEST_F(PaymentsTest, AReturnedPaymentIsReversedWithTheBanksReason) {
  const World w = NewWorld();
  const v1::Payee agency = ApprovedPayee(w);
  v1::OutgoingPayment payment;
  ASSERT_TRUE(Schedule(w, w.iso, agency.payee_id(), 310'00, &payment).ok());
  const v1::PaymentsRun run = Run(w);
  ASSERT_EQ(run.payments(), 1);
  v1::SettlePaymentsRunRequest settle;
  settle.set_request_id(Id());
  settle.set_run_id(run.run_id());
  v1::PaymentsRun settled;
  ASSERT_TRUE(As(w.officer)->SettlePaymentsRun(Ctx().get(), settle, &settled).ok());
  EXPECT_EQ(PostedBalance(w.holding_account_id), kPaidIn - 310'00);

  v1::ImportBankFileRequest file;
  file.set_request_id(Id());
  file.set_authority_id(w.authority);
  file.set_content("original_date,reference,amount,return_code,reason\n" + Text(Today()) +
                   ",MORAG BROWN,310.00,B,ACCOUNT CLOSED\n" + Text(Today()) +
                   ",NOBODY,1.00,0,REFER TO PAYER\n" + "yesterday,X,1.00,0,R\n");
  v1::BankFileReport report;
  ASSERT_TRUE(As(w.officer)->ImportReturns(Ctx().get(), file, &report).ok());
  EXPECT_EQ(report.matched(), 1);
  EXPECT_EQ(report.unmatched(), 1);
  EXPECT_EQ(report.malformed(), 1);
  EXPECT_EQ(report.total().amount_pence(), 310'00);
  EXPECT_EQ(PostedBalance(w.holding_account_id), kPaidIn);

  v1::GetPaymentsRunRequest get;
  get.set_run_id(run.run_id());
  v1::PaymentsRun after;
  ASSERT_TRUE(As(w.officer)->GetPaymentsRun(Ctx().get(), get, &after).ok());
  ASSERT_EQ(after.returned_size(), 1);
  EXPECT_EQ(after.returned(0).status(), v1::PAYMENT_STATUS_RETURNED);
  EXPECT_EQ(after.returned(0).return_reason(), "B: ACCOUNT CLOSED");
  const auto record = Record(w);
  EXPECT_EQ(record.back().kind(), "payment_returned");
  {
    v1::GetRecordRequest req;
    req.set_agreement_id(w.agreement_id);
    v1::PersonRecord document;
    ASSERT_TRUE(Agreements(w)->GetRecord(Ctx().get(), req, &document).ok());
    EXPECT_NE(document.document().find("A payment came back"), std::string::npos);
  }
  EXPECT_EQ(record.back().summary(),
            "Your payment of £310.00 to Bright Care Agency Ltd was returned by their bank (ACCOUNT "
            "CLOSED). The money is back in your account; check the payee's bank details before "
            "paying them again.");

  file.set_request_id(Id());
  ASSERT_TRUE(As(w.officer)->ImportReturns(Ctx().get(), file, &report).ok());
  EXPECT_EQ(report.matched(), 0);
  EXPECT_EQ(report.seen_before(), 2);
  EXPECT_EQ(PostedBalance(w.holding_account_id), kPaidIn);
}

TEST_F(PaymentsTest, AvailableToSpendFallsAsWagesAccrueAndHoldsWhenTheyArePaid) {
  const World w = NewWorld();
  auto payroll = v1::PayrollService::NewStub(pki_->ChannelAs(w.iso, payroll_->address()));
  v1::CreateEmployerRequest er;
  er.set_request_id(Id());
  er.set_agreement_id(w.agreement_id);
  er.set_name("Morag Brown (PA employer)");
  er.set_paye_reference("123/AB456");
  er.set_accounts_office_reference("123PA00045678");
  er.set_pay_frequency(v1::PAY_FREQUENCY_FOUR_WEEKLY);
  v1::Employer employer;
  ASSERT_TRUE(payroll->CreateEmployer(Ctx().get(), er, &employer).ok());
  v1::CreateEmployeeRequest ee;
  ee.set_request_id(Id());
  ee.set_employer_id(employer.employer_id());
  ee.set_name("Jamie Fraser");
  ee.set_ni_number("AB 12 34 56 C");
  *ee.mutable_date_of_birth() = D(1985, 7, 1);
  *ee.mutable_start_date() = D(2026, 4, 6);
  ee.set_tax_code("S1257L");
  ee.set_standard_rate_pence(1400);
  v1::Employee employee;
  ASSERT_TRUE(payroll->CreateEmployee(Ctx().get(), ee, &employee).ok());

  const v1::AvailableToSpend before = Available(w);
  EXPECT_EQ(before.balance().amount_pence(), kPaidIn);
  EXPECT_EQ(before.available().amount_pence(), kPaidIn);
  EXPECT_TRUE(before.commitments().empty());

  const absl::CivilDay today = Today(), start = today - 27;
  v1::SubmitTimesheetRequest sheet;
  sheet.set_request_id(Id());
  sheet.set_employee_id(employee.employee_id());
  *sheet.mutable_period_start() = Day(start);
  *sheet.mutable_period_end() = Day(today);
  for (int d = 0; d < 10; ++d) {
    auto* e = sheet.add_entries();
    *e->mutable_date() = Day(start + d);
    e->set_rate_type("standard");
    e->set_hours_centi(600);
  }
  v1::TimesheetReceipt receipt;
  ASSERT_TRUE(payroll->SubmitTimesheet(Ctx().get(), sheet, &receipt).ok());
  v1::RunPayrollRequest pay;
  pay.set_request_id(Id());
  pay.set_employer_id(employer.employer_id());
  *pay.mutable_period_start() = Day(start);
  *pay.mutable_period_end() = Day(today);
  *pay.mutable_payment_date() = Day(today);
  v1::PayRun payrun;
  auto st = payroll->RunPayroll(Ctx().get(), pay, &payrun);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(payrun.payslips_size(), 1);
  const auto& slip = payrun.payslips(0);
  const int64_t net = slip.net_pence();
  const int64_t wages = PostedBalance(employer.wages_payable_account_id());
  const int64_t hmrc = PostedBalance(employer.hmrc_payable_account_id());
  const int64_t pension = PostedBalance(employer.pension_payable_account_id());
  ASSERT_EQ(wages, net);
  ASSERT_EQ(net, 60 * 1400 - slip.tax_pence() - slip.employee_ni_pence() -
                     slip.employee_pension_pence());

  // Wages accrued: the balance is the same, what is available falls by
  // everything payroll owes and the holiday the PA has earned.
  const v1::AvailableToSpend accrued = Available(w);
  EXPECT_EQ(accrued.balance().amount_pence(), kPaidIn);
  EXPECT_EQ(Part(accrued, "wages"), net);
  EXPECT_EQ(Part(accrued, "hmrc"), hmrc);
  EXPECT_EQ(Part(accrued, "pension"), pension);
  const int64_t holiday = Part(accrued, "holiday");
  EXPECT_EQ(holiday, slip.holiday_accrued_centi_hours() * 1400 / 100);
  EXPECT_EQ(accrued.available().amount_pence(), kPaidIn - net - hmrc - pension - holiday);
  EXPECT_NE(accrued.summary().find("of wages earned by your PAs and not yet paid"), std::string::npos);

  // Paid through a payment run (the PA approved as a payee): the money
  // leaves the account and the wages commitment goes with it, so what is
  // available stays where it was; HMRC and the pension scheme have no
  // approved payee yet and are held with that reason.
  ApprovedPayee(w, [&](auto* r) {
    r->set_kind(v1::PAYEE_KIND_PA);
    r->set_employee_id(employee.employee_id());
    r->set_name("Jamie Fraser");
    r->set_account_name("J FRASER");
    r->set_sort_code("107999");
    r->set_account_number("88837491");
    r->set_reference("WAGES MORAG BROWN");
  });
  const v1::PaymentsRun run = Run(w, /*include_payroll=*/true);
  EXPECT_EQ(run.payments(), 1);
  EXPECT_EQ(run.total().amount_pence(), net);
  ASSERT_EQ(run.held_size(), hmrc > 0 && pension > 0 ? 2 : (hmrc > 0 || pension > 0 ? 1 : 0));
  EXPECT_EQ(run.held(0).reason(), "the agreement has no approved hmrc payee");
  const v1::AvailableToSpend sent = Available(w);
  EXPECT_EQ(sent.balance().amount_pence(), kPaidIn - net);
  EXPECT_EQ(Part(sent, "wages"), 0);
  EXPECT_EQ(sent.available().amount_pence(), accrued.available().amount_pence());

  // The run again: the payslip is not paid twice.
  EXPECT_EQ(Run(w, true).payments(), 0);
  // Settled, the wages account owes nothing.
  v1::SettlePaymentsRunRequest settle;
  settle.set_request_id(Id());
  settle.set_run_id(run.run_id());
  v1::PaymentsRun settled;
  ASSERT_TRUE(As(w.officer)->SettlePaymentsRun(Ctx().get(), settle, &settled).ok());
  EXPECT_EQ(settled.held_size(), run.held_size()) << "what the run held back; nothing more";
  EXPECT_EQ(PostedBalance(employer.wages_payable_account_id()), 0);
  EXPECT_EQ(Available(w).available().amount_pence(), accrued.available().amount_pence());

  // A PA's expenses may be invoiced while they are employed here; once
  // they have left, an invoice for them is refused.
  v1::SubmitInvoiceRequest mileage;
  mileage.set_request_id(Id());
  mileage.set_agreement_id(w.agreement_id);
  v1::ListArrangementsRequest list;
  list.set_agreement_id(w.agreement_id);
  v1::Arrangements arrangements;
  ASSERT_TRUE(As(w.iso)->ListArrangements(Ctx().get(), list, &arrangements).ok());
  ASSERT_EQ(arrangements.payees_size(), 1);
  mileage.set_payee_id(arrangements.payees(0).payee_id());
  mileage.set_number("MILES-1");
  *mileage.mutable_amount() = Gbp(18'90);
  *mileage.mutable_due_date() = Day(today + 7);
  v1::Invoice invoice;
  ASSERT_TRUE(As(w.iso)->SubmitInvoice(Ctx().get(), mileage, &invoice).ok());
  v1::LeaveEmployeeRequest leave;
  leave.set_request_id(Id());
  leave.set_employee_id(employee.employee_id());
  *leave.mutable_leave_date() = Day(today - 1);
  ASSERT_TRUE(payroll->LeaveEmployee(Ctx().get(), leave, &employee).ok());
  mileage.set_request_id(Id());
  mileage.set_number("MILES-2");
  const grpc::Status refused = As(w.iso)->SubmitInvoice(Ctx().get(), mileage, &invoice);
  EXPECT_EQ(RefusalOf(refused).info.reason(), "NO_PAYROLL_EMPLOYMENT");
}

TEST_F(PaymentsTest, AnOfficerMayOverrideCommittedFundsWithAReasonThePersonSees) {
  const World w = NewWorld();
  const v1::Payee agency = ApprovedPayee(w);
  // £8,000 of the £9,000 is committed to an approved invoice.
  v1::SubmitInvoiceRequest inv;
  inv.set_request_id(Id());
  inv.set_agreement_id(w.agreement_id);
  inv.set_payee_id(agency.payee_id());
  inv.set_number("BC-2001");
  *inv.mutable_amount() = Gbp(8000'00);
  *inv.mutable_due_date() = Day(Today() + 20);
  v1::Invoice invoice;
  ASSERT_TRUE(As(w.iso)->SubmitInvoice(Ctx().get(), inv, &invoice).ok());
  v1::ApproveInvoiceRequest approve;
  approve.set_request_id(Id());
  approve.set_invoice_id(invoice.invoice_id());
  approve.set_reason("Care package for December");
  ASSERT_TRUE(As(w.iso)->ApproveInvoice(Ctx().get(), approve, &invoice).ok());
  EXPECT_EQ(Available(w).available().amount_pence(), 1000'00);

  v1::OutgoingPayment payment;
  grpc::Status s = Schedule(w, w.iso, agency.payee_id(), 1500'00, &payment);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  const Refusal why = RefusalOf(s);
  EXPECT_EQ(why.info.reason(), "COMMITMENTS_UNFUNDED");
  EXPECT_EQ(why.info.metadata().at("commitment"), "invoice");
  EXPECT_EQ(s.error_message(),
            "paying £1,500.00 would leave invoices approved and not yet paid (£8,000.00) £500.00 "
            "short; available to spend is £1,000.00. An officer may pay it anyway with a recorded "
            "reason");
  // The ISO may not override; the officer may, and the person sees why.
  s = Schedule(w, w.iso, agency.payee_id(), 1500'00, &payment, "urgent");
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  const std::string reason =
      "The boiler failed; Bright Care's emergency cover is paid now and December's invoice from "
      "the next four-weekly payment";
  ASSERT_TRUE(Schedule(w, w.officer, agency.payee_id(), 1500'00, &payment, reason).ok());
  EXPECT_EQ(payment.override_reason(), reason);
  const auto record = Record(w);
  EXPECT_EQ(record.back().kind(), "payment_override");
  EXPECT_EQ(record.back().reason(), reason);
  EXPECT_EQ(record.back().summary(),
            "An officer allowed a payment to Bright Care Agency Ltd (£1,500.00) although it leaves "
            "invoices approved and not yet paid short. Available to spend was £1,000.00.");
  EXPECT_EQ(Available(w).available().amount_pence(), -500'00);
}

TEST_F(PaymentsTest, TwoRunsAtOnceSendEachPaymentOnce) {
  const World w = NewWorld();
  const v1::Payee agency = ApprovedPayee(w);
  v1::OutgoingPayment payment;
  for (int64_t pence : {10'00, 20'00, 30'00}) {
    ASSERT_TRUE(Schedule(w, w.iso, agency.payee_id(), pence, &payment).ok());
  }
  v1::PaymentsRun a, b;
  std::thread first([&] { a = Run(w); });
  std::thread second([&] { b = Run(w); });
  first.join();
  second.join();
  EXPECT_EQ(a.payments() + b.payments(), 3);
  EXPECT_EQ(a.total().amount_pence() + b.total().amount_pence(), 60'00);
  EXPECT_EQ(PostedBalance(w.holding_account_id), kPaidIn - 60'00);
}

TEST_F(PaymentsTest, NothingIsPaidFromASuspendedAgreement) {
  const World w = NewWorld();
  const v1::Payee agency = ApprovedPayee(w);
  v1::OutgoingPayment payment;
  ASSERT_TRUE(Schedule(w, w.iso, agency.payee_id(), 50'00, &payment).ok());
  v1::DecideRequest suspend;
  suspend.set_request_id(Id());
  suspend.set_agreement_id(w.agreement_id);
  suspend.set_action(v1::DECISION_ACTION_SUSPEND);
  suspend.set_reason("Morag is in hospital");
  v1::Agreement agreement;
  ASSERT_TRUE(Agreements(w)->Decide(Ctx().get(), suspend, &agreement).ok());
  const grpc::Status s = Schedule(w, w.iso, agency.payee_id(), 50'00, &payment);
  EXPECT_EQ(RefusalOf(s).info.reason(), "AGREEMENT_NOT_PAYABLE");
  // The payment scheduled before is held back by the run, with why.
  const v1::PaymentsRun run = Run(w);
  EXPECT_EQ(run.payments(), 0);
  ASSERT_EQ(run.held_size(), 1);
  EXPECT_EQ(run.held(0).reason(), "the agreement is not active");
  EXPECT_EQ(PostedBalance(w.holding_account_id), kPaidIn);
}

}  // namespace
}  // namespace dp::testing
