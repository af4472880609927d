// Prepaid cards end to end, over mutual TLS: an officer issues a card to a
// card-paid agreement funded by the payment schedule; the processor (its
// own role) asks for real-time decisions, grows, captures, reverses and
// refunds them; the ledger holds exactly what was approved and balances
// after every test.
#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "base/strings.h"
#include "cards/books/network.h"
#include "db/sql.h"
#include "dp/v1/agreements.grpc.pb.h"
#include "dp/v1/cards.grpc.pb.h"
#include "ledger/writer.h"
#include "agreement_steps.h"
#include "grpc_helpers.h"
#include "ledger_checks.h"
#include "service/proto_convert.h"
#include "service_process.h"
#include "test_db.h"
#include "tls_helpers.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

int64_t Available(int64_t account_id) {
  auto conn = MigratedConnection();
  pqxx::read_transaction tx(*conn);
  auto balance = ledger::GetBalance(tx, account_id, std::nullopt);
  EXPECT_TRUE(balance.ok()) << balance.status();
  return balance.ok() ? balance->available_balance_pence : -1;
}

class CardsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tag_ = "c" + std::to_string(std::random_device{}() % 100000000);
    authority_ = tag_ + "-FIFE";
    officer_ = "officer@" + tag_;
    iso_ = "bureau@" + tag_;
    processor_ = "switch@" + tag_;
    pki_ = new TestPki(::testing::TempDir() + "/pki-" + tag_);
    ASSERT_TRUE(pki_->Issue(officer_) && pki_->Issue(iso_) && pki_->Issue(processor_));
    auto conn = MigratedConnection();
    {
      pqxx::work tx(*conn);
      tx.exec_params("INSERT INTO iam.organisations (id, kind, name) VALUES ($1, 'authority', 'a'),"
                     " ($2, 'iso', 'i'), ($3, 'processor', 'p')",
                     authority_, tag_ + "-ISO", tag_ + "-PROC");
      tx.exec_params("INSERT INTO iam.principals (name, organisation_id, role, approver_level)"
                     " VALUES ($1, $2, 'finance_officer', 'manager'), ($3, $4, 'iso', 'none'),"
                     " ($5, $6, 'processor', 'none')",
                     officer_, authority_, iso_, tag_ + "-ISO", processor_, tag_ + "-PROC");
      tx.exec_params("INSERT INTO iam.grants (organisation_id, scope_type, scope_id)"
                     " VALUES ($1, 'authority', $2)", tag_ + "-PROC", authority_);
      tx.commit();
    }
    agreements_ = new ServiceProcess("agreements", pki_->ServerArgs());
    std::vector<std::string> args = pki_->ServerArgs();
    args.insert(args.end(), {"--decision-deadline-ms", "400"});
    cards_ = new ServiceProcess("cards", args);
    ASSERT_TRUE(agreements_->Start()) << agreements_->Log();
    ASSERT_TRUE(cards_->Start()) << cards_->Log();
    auto a = v1::AgreementService::NewStub(pki_->ChannelAs(officer_, agreements_->address()));
    v1::SetAuthoritySettingsRequest settings;
    settings.set_request_id(tag_ + "-s");
    auto* s = settings.mutable_settings();
    s->set_authority_id(authority_);
    *s->mutable_effective_from() = D(2026, 4, 1);
    *s->mutable_worker_limit() = Gbp(20'000'00);
    *s->mutable_manager_limit() = Gbp(50'000'00);
    s->set_panel_max_wait_days(28);
    s->set_payment_frequency(v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
    *s->mutable_cycle_anchor() = D(2026, 4, 6);
    s->set_surplus_threshold_weeks(8);
    s->add_blocked_card_categories("7995");
    s->set_max_additional_cardholders(1);
    v1::AuthoritySettings saved;
    auto st = a->SetAuthoritySettings(Ctx().get(), settings, &saved);
    ASSERT_TRUE(st.ok()) << st.error_message();
    v1::CreatePersonRequest person;
    person.set_request_id(tag_ + "-person");
    person.set_authority_id(authority_);
    person.set_display_name("Morag Brown");
    v1::PersonSummary summary;
    ASSERT_TRUE(a->CreatePerson(Ctx().get(), person, &summary).ok());
    person_ = summary.person_id();
  }

  static void TearDownTestSuite() {
    delete cards_;
    delete agreements_;
    delete pki_;
  }

  void TearDown() override {
    EXPECT_EQ(LedgerImbalance(), 0) << "the books balance";
    EXPECT_EQ(CardDaysAdrift(), 0) << "each card's day rows are the sums of its authorisations";
  }

  // CardDaysAdrift counts the (card, day) rows of cards.card_days (what
  // velocity limits are judged on, kept by a trigger) that differ from the
  // sums of the authorisations they count, either way.
  static int64_t CardDaysAdrift() {
    auto conn = MigratedConnection();
    pqxx::read_transaction tx(*conn);
    return tx.exec1(
        "WITH counted AS (SELECT card_id, (decided_at AT TIME ZONE 'Europe/London')::date AS day,"
        "  sum(approved_pence)::bigint AS approved_pence,"
        "  count(*) FILTER (WHERE increments_id IS NULL)::integer AS approvals,"
        "  coalesce(sum(approved_pence) FILTER (WHERE channel = 'atm'"
        "           OR merchant_category IN ('6010', '6011')), 0)::bigint AS cash_pence"
        "  FROM cards.authorisations WHERE approved_pence > 0 AND card_id IS NOT NULL"
        "  GROUP BY 1, 2),"
        " kept AS (SELECT card_id, day, approved_pence, approvals, cash_pence FROM cards.card_days)"
        " SELECT (SELECT count(*) FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept) a)"
        "      + (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted) b)")[0]
        .as<int64_t>();
  }

  static std::string Id() { return tag_ + "-" + std::to_string(n_++); }

  // FundedAgreement is an active card-paid agreement whose card account
  // holds two 4-weekly payments of `budget_pence`.
  static std::pair<int64_t, int64_t> FundedAgreement(int64_t budget_pence) {
    auto a = v1::AgreementService::NewStub(pki_->ChannelAs(officer_, agreements_->address()));
    v1::CreateAgreementRequest create;
    create.set_request_id(Id());
    create.set_authority_id(authority_);
    create.set_person_id(person_);
    auto* t = create.mutable_terms();
    t->set_model_version("FIFE-2026-1");
    t->add_permitted_uses("equipment");
    t->add_permitted_uses("transport");
    *t->mutable_gross_budget() = Gbp(budget_pence);
    *t->mutable_start_date() = D(2026, 4, 6);
    t->set_payment_method(v1::PAYMENT_METHOD_CARD);
    v1::Agreement agreement;
    auto st = a->CreateAgreement(Ctx().get(), create, &agreement);
    EXPECT_TRUE(st.ok()) << st.error_message();
    ActivateAndPay(*a, &agreement, D(2026, 5, 10), [] { return Id(); });
    EXPECT_EQ(PostedBalance(agreement.holding_account_id()), 2 * budget_pence);
    return {agreement.agreement_id(), agreement.holding_account_id()};
  }

  static std::unique_ptr<v1::CardService::Stub> As(const std::string& who) {
    return v1::CardService::NewStub(pki_->ChannelAs(who, cards_->address()));
  }

  static v1::Card Issue(int64_t agreement_id, const std::string& token, bool additional = false,
                        v1::CardControls controls = {}) {
    v1::IssueCardRequest req;
    req.set_request_id(Id());
    req.set_agreement_id(agreement_id);
    req.set_processor_token(token);
    req.set_last4("4242");
    req.set_expiry_month(9);
    req.set_expiry_year(2029);
    req.set_additional_holder(additional);
    req.set_holder_name(additional ? "Ailsa Brown" : "Morag Brown");
    *req.mutable_controls() = controls;
    req.set_reason("Morag chose a prepaid card");
    v1::Card card;
    auto st = As(officer_)->IssueCard(Ctx().get(), req, &card);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return card;
  }

  static v1::AuthorizeRequest Purchase(const std::string& token, int64_t pence,
                                       const std::string& mcc = "5411") {
    v1::AuthorizeRequest req;
    req.set_processor_id(Id());
    req.set_card_token(token);
    *req.mutable_amount() = Gbp(pence);
    req.set_merchant_category(mcc);
    req.set_merchant_name("Corner Shop");
    req.set_merchant_id("M-1");
    req.set_merchant_country("GB");
    req.set_channel(v1::CHANNEL_IN_PERSON);
    return req;
  }

  // Asked is a purchase as the card library takes it, for batches the
  // tests make themselves.
  static cards::AuthorisationRequest Asked(const std::string& token, int64_t pence,
                                           const std::string& mcc = "5411") {
    cards::AuthorisationRequest r;
    r.processor_id = Id();
    r.digest = "digest-" + r.processor_id;
    r.card_token = tag_ + token;
    r.purchase.amount_pence = pence;
    r.purchase.mcc = mcc;
    r.purchase.country = "GB";
    r.currency = "GBP";
    r.merchant_name = "Corner Shop";
    return r;
  }

  static v1::AuthorizationDecision Authorize(const v1::AuthorizeRequest& req) {
    v1::AuthorizationDecision out;
    auto st = As(processor_)->Authorize(Ctx().get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  static v1::CardTransaction Capture(const std::string& auth, int64_t pence,
                                     bool more_to_come = false) {
    v1::CaptureRequest req;
    req.set_processor_id(Id());
    req.set_authorization_processor_id(auth);
    *req.mutable_amount() = Gbp(pence);
    req.set_more_to_come(more_to_come);
    v1::CardTransaction out;
    auto st = As(processor_)->Capture(Ctx().get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  // ExpireNow makes a hold due: its time is up, though nothing has
  // released it yet.
  static void ExpireNow(int64_t hold_id) {
    auto conn = MigratedConnection();
    pqxx::work tx(*conn);
    tx.exec("ALTER TABLE ledger.pending_transfers DISABLE TRIGGER USER");
    tx.exec_params("UPDATE ledger.pending_transfers SET expires_at = now() - interval '1 second'"
                   " WHERE id = $1", hold_id);
    tx.exec("ALTER TABLE ledger.pending_transfers ENABLE TRIGGER USER");
    tx.commit();
  }

  static grpc::Status Change(const std::string& who, const char* what, int64_t card_id,
                             v1::Card* out) {
    v1::ChangeCardRequest req;
    req.set_request_id(Id());
    req.set_card_id(card_id);
    req.set_reason("Morag reported the card lost");
    auto stub = As(who);
    const std::string op = what;
    if (op == "freeze") return stub->FreezeCard(Ctx().get(), req, out);
    if (op == "unfreeze") return stub->UnfreezeCard(Ctx().get(), req, out);
    return stub->CancelCard(Ctx().get(), req, out);
  }

  static inline std::string tag_, authority_, officer_, iso_, processor_;
  static inline TestPki* pki_ = nullptr;
  static inline ServiceProcess* agreements_ = nullptr;
  static inline ServiceProcess* cards_ = nullptr;
  static inline int64_t person_ = 0;
  static inline std::atomic<int> n_ = 0;
};

TEST_F(CardsTest, ACardNumberIsRefusedAndNeverWritten) {
  const auto [agreement, account] = FundedAgreement(100'00);
  v1::IssueCardRequest req;
  req.set_request_id(Id());
  req.set_agreement_id(agreement);
  req.set_processor_token("4111111111111111");
  req.set_last4("1111");
  req.set_expiry_month(9);
  req.set_expiry_year(2029);
  req.set_holder_name("Morag Brown");
  req.set_reason("issued");
  v1::Card card;
  const grpc::Status st = As(officer_)->IssueCard(Ctx().get(), req, &card);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(RefusalOf(st).field, "processor_token");
  EXPECT_EQ(st.error_message().find("4111111111111111"), std::string::npos);
  EXPECT_EQ(cards_->Log().find("4111111111111111"), std::string::npos) << "nor in the log";
  auto conn = MigratedConnection();
  EXPECT_EQ(ScalarInt(*conn, "SELECT count(*) FROM cards.cards WHERE processor_token ="
                             " '4111111111111111'"), 0);
  // The processor may not issue cards; an officer may not decide purchases.
  req.set_processor_token(tag_ + "tok-role");
  EXPECT_EQ(As(processor_)->IssueCard(Ctx().get(), req, &card).error_code(),
            grpc::PERMISSION_DENIED);
  v1::AuthorizationDecision decision;
  EXPECT_EQ(As(officer_)->Authorize(Ctx().get(), Purchase("x", 100), &decision).error_code(),
            grpc::PERMISSION_DENIED);
}

TEST_F(CardsTest, ApprovesHoldsAndDeclinesForEveryReasonInPlainWords) {
  const auto [agreement, account] = FundedAgreement(100'00);  // £200 on the card
  v1::CardControls controls;
  auto* day = controls.add_limits();
  day->set_interval(v1::LIMIT_INTERVAL_DAY);
  *day->mutable_max_amount() = Gbp(150'00);
  controls.add_channels(v1::CHANNEL_IN_PERSON);
  const std::string token = tag_ + "tok-main";
  const v1::Card card = Issue(agreement, token, false, controls);
  ASSERT_GT(card.card_id(), 0);
  EXPECT_EQ(card.status(), v1::CARD_STATUS_ACTIVE);

  const v1::AuthorizeRequest shop = Purchase(token, 25'00);
  const v1::AuthorizationDecision ok = Authorize(shop);
  EXPECT_EQ(ok.outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED);
  EXPECT_EQ(ok.approved().amount_pence(), 25'00);
  EXPECT_GT(ok.hold_id(), 0);
  EXPECT_EQ(Available(account), 175'00) << "the hold reduces what is available";
  EXPECT_EQ(PostedBalance(account), 200'00);
  // A replay gets the first decision; the same id for another purchase is refused.
  EXPECT_EQ(Authorize(shop).hold_id(), ok.hold_id());
  EXPECT_EQ(Available(account), 175'00);
  v1::AuthorizeRequest other = shop;
  *other.mutable_amount() = Gbp(26'00);
  v1::AuthorizationDecision d;
  const grpc::Status reused = As(processor_)->Authorize(Ctx().get(), other, &d);
  EXPECT_EQ(reused.error_code(), grpc::ALREADY_EXISTS);
  EXPECT_EQ(RefusalOf(reused).info.reason(), "REQUEST_ID_REUSED");

  struct Case {
    v1::AuthorizeRequest request;
    v1::DeclineReason reason;
    std::string message;
  };
  v1::AuthorizeRequest online = Purchase(token, 10'00);
  online.set_channel(v1::CHANNEL_ONLINE);
  v1::AuthorizeRequest abroad = Purchase(token, 10'00);
  abroad.set_merchant_country("FR");
  v1::AuthorizeRequest cashback = Purchase(token, 10'00);
  *cashback.mutable_cashback() = Gbp(20'00);
  v1::AuthorizeRequest euros = Purchase(token, 10'00);
  euros.mutable_amount()->set_currency("EUR");
  const std::vector<Case> cases = {
      {Purchase(token, 10'00, "7995"), v1::DECLINE_REASON_BLOCKED_CATEGORY,
       "This card can't be used for betting, lotteries or gambling."},
      // The agreement permits equipment and transport, not short breaks.
      {Purchase(token, 60'00, "7011"), v1::DECLINE_REASON_BLOCKED_CATEGORY,
       "This card can't pay for short breaks: your direct payment agreement doesn't include it."},
      {Purchase(token, 20'00, "6011"), v1::DECLINE_REASON_CASH_NOT_ALLOWED,
       "This card can't be used to take out cash."},
      {Purchase(token, 130'00), v1::DECLINE_REASON_OVER_LIMIT,
       "This payment is over the card's daily spending limit of £150.00."},
      {online, v1::DECLINE_REASON_CHANNEL_NOT_ALLOWED, "This card can't be used online or by phone."},
      {abroad, v1::DECLINE_REASON_COUNTRY_NOT_ALLOWED,
       "This card can only be used with businesses in the UK."},
      {cashback, v1::DECLINE_REASON_CASHBACK_NOT_ALLOWED, "Cashback isn't available on this card."},
      {euros, v1::DECLINE_REASON_NOT_SUPPORTED, "This card can only pay in pounds."},
      {Purchase(tag_ + "tok-nobody", 10'00), v1::DECLINE_REASON_CARD_UNKNOWN,
       "This card is not recognised."},
  };
  for (const Case& c : cases) {
    const v1::AuthorizationDecision no = Authorize(c.request);
    EXPECT_EQ(no.outcome(), v1::AUTHORIZATION_OUTCOME_DECLINED) << c.message;
    EXPECT_EQ(no.reason(), c.reason) << c.message;
    EXPECT_EQ(no.message(), c.message);
    EXPECT_EQ(no.hold_id(), 0) << c.message;
  }
  EXPECT_EQ(Authorize(Purchase(token, 130'00)).limit(), "day amount");
  EXPECT_EQ(Available(account), 175'00) << "no decline held anything";

  // Funds: more than the card holds is declined; where the merchant accepts
  // a part, the card pays what it has.
  v1::SetCardControlsRequest lift;
  lift.set_request_id(Id());
  lift.set_card_id(card.card_id());
  lift.set_reason("No daily limit, as agreed with Morag");
  v1::Card lifted;
  const grpc::Status set = As(officer_)->SetCardControls(Ctx().get(), lift, &lifted);
  ASSERT_TRUE(set.ok()) << set.error_message();
  EXPECT_EQ(lifted.controls().limits_size(), 0);
  EXPECT_EQ(lifted.controls_reason(), "No daily limit, as agreed with Morag");
  const v1::AuthorizationDecision broke = Authorize(Purchase(token, 180'00));
  EXPECT_EQ(broke.reason(), v1::DECLINE_REASON_INSUFFICIENT_FUNDS);
  EXPECT_EQ(broke.message(), "There isn't enough money on this card for this payment.");
  v1::AuthorizeRequest part = Purchase(token, 180'00);
  part.set_partial_allowed(true);
  const v1::AuthorizationDecision partial = Authorize(part);
  EXPECT_EQ(partial.outcome(), v1::AUTHORIZATION_OUTCOME_PARTIALLY_APPROVED);
  EXPECT_EQ(partial.approved().amount_pence(), 175'00);
  EXPECT_EQ(partial.message(), "Only £175.00 of this payment could be paid with this card.");
  EXPECT_EQ(Available(account), 0);

  // Frozen, then cancelled; an ISO granted the agreement may freeze it.
  v1::Card changed;
  EXPECT_EQ(Change(iso_, "freeze", card.card_id(), &changed).error_code(), grpc::NOT_FOUND)
      << "not yet granted: it does not exist for the ISO";
  {
    auto conn = MigratedConnection();
    pqxx::work tx(*conn);
    tx.exec_params("INSERT INTO iam.grants (organisation_id, scope_type, scope_id)"
                   " VALUES ($1, 'agreement', $2)", tag_ + "-ISO", std::to_string(agreement));
    tx.commit();
  }
  ASSERT_TRUE(Change(iso_, "freeze", card.card_id(), &changed).ok());
  EXPECT_EQ(changed.status(), v1::CARD_STATUS_FROZEN);
  EXPECT_EQ(Authorize(Purchase(token, 1'00)).reason(), v1::DECLINE_REASON_CARD_FROZEN);
  EXPECT_EQ(Change(iso_, "cancel", card.card_id(), &changed).error_code(), grpc::PERMISSION_DENIED);
  ASSERT_TRUE(Change(officer_, "cancel", card.card_id(), &changed).ok());
  EXPECT_EQ(Authorize(Purchase(token, 1'00)).reason(), v1::DECLINE_REASON_CARD_CANCELLED);
  EXPECT_EQ(Change(officer_, "unfreeze", card.card_id(), &changed).error_code(),
            grpc::FAILED_PRECONDITION);
}

TEST_F(CardsTest, ASuspendedOrEndedAgreementDeclinesAndReplacementKeepsTheControls) {
  const auto [agreement, account] = FundedAgreement(100'00);
  v1::CardControls controls;
  controls.add_blocked_categories("restaurants");
  const std::string token = tag_ + "tok-susp";
  const v1::Card card = Issue(agreement, token, false, controls);
  // One additional cardholder is allowed here, and no more.
  Issue(agreement, tag_ + "tok-add1", true);
  v1::IssueCardRequest more;
  more.set_request_id(Id());
  more.set_agreement_id(agreement);
  more.set_processor_token(tag_ + "tok-add2");
  more.set_last4("0002");
  more.set_expiry_month(1);
  more.set_expiry_year(2030);
  more.set_additional_holder(true);
  more.set_holder_name("A friend");
  more.set_reason("a second helper");
  v1::Card refused;
  const grpc::Status full = As(officer_)->IssueCard(Ctx().get(), more, &refused);
  EXPECT_EQ(full.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_EQ(RefusalOf(full).info.reason(), "OVER_LIMIT");

  v1::ReplaceCardRequest replace;
  replace.set_request_id(Id());
  replace.set_card_id(card.card_id());
  replace.set_processor_token(tag_ + "tok-susp2");
  replace.set_last4("7777");
  replace.set_expiry_month(3);
  replace.set_expiry_year(2031);
  replace.set_reason("the card was damaged");
  v1::Card next;
  auto st = As(officer_)->ReplaceCard(Ctx().get(), replace, &next);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(next.replaces_card_id(), card.card_id());
  EXPECT_EQ(next.controls().blocked_categories(0), "restaurants") << "the controls carry over";
  EXPECT_EQ(Authorize(Purchase(token, 1'00)).reason(), v1::DECLINE_REASON_CARD_CANCELLED);
  EXPECT_EQ(Authorize(Purchase(replace.processor_token(), 1'00, "5812")).reason(),
            v1::DECLINE_REASON_BLOCKED_CATEGORY);

  // A purchase authorised before the agreement ends holds its money to the end.
  ASSERT_EQ(Authorize(Purchase(replace.processor_token(), 30'00)).outcome(),
            v1::AUTHORIZATION_OUTCOME_APPROVED);
  auto a = v1::AgreementService::NewStub(pki_->ChannelAs(officer_, agreements_->address()));
  v1::DecideRequest suspend;
  suspend.set_request_id(Id());
  suspend.set_agreement_id(agreement);
  suspend.set_action(v1::DECISION_ACTION_SUSPEND);
  suspend.set_reason("review of spending");
  v1::Agreement out;
  ASSERT_TRUE(a->Decide(Ctx().get(), suspend, &out).ok());
  EXPECT_EQ(Authorize(Purchase(replace.processor_token(), 1'00)).reason(),
            v1::DECLINE_REASON_AGREEMENT_SUSPENDED);
  v1::TerminateRequest end;
  end.set_request_id(Id());
  end.set_agreement_id(agreement);
  *end.mutable_end_date() = D(2026, 5, 20);
  end.set_reason("moved away");
  v1::FinalPosition position;
  ASSERT_TRUE(a->Terminate(Ctx().get(), end, &position).ok());
  // The money held for that purchase is owed to the merchant, not recoverable.
  EXPECT_EQ(position.balance_held().amount_pence(), 200'00);
  EXPECT_EQ(position.other_liabilities().amount_pence(), 30'00);
  EXPECT_EQ(position.recoverable().amount_pence(), 170'00);
  const v1::AuthorizationDecision ended = Authorize(Purchase(replace.processor_token(), 1'00));
  EXPECT_EQ(ended.reason(), v1::DECLINE_REASON_AGREEMENT_ENDED);
  EXPECT_EQ(ended.message(), "This card can't be used: your direct payment is not active.");
}

TEST_F(CardsTest, TheWholeLifecycleKeepsTheBooksExact) {
  const auto [agreement, account] = FundedAgreement(200'00);  // £400
  const std::string token = tag_ + "tok-life";
  const v1::Card card = Issue(agreement, token);
  auto conn = MigratedConnection();
  auto spend = [&] {
    return ScalarInt(*conn, "SELECT spend_account_id FROM cards.cards WHERE id = " +
                                std::to_string(card.card_id()));
  }();

  // Incremental authorisation: £25 grows by £10.
  const v1::AuthorizeRequest first = Purchase(token, 25'00);
  const v1::AuthorizationDecision held = Authorize(first);
  v1::AuthorizeRequest more = Purchase(token, 10'00);
  more.set_increments_processor_id(first.processor_id());
  more.clear_merchant_category();
  const v1::AuthorizationDecision grown = Authorize(more);
  EXPECT_EQ(grown.outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED);
  EXPECT_EQ(grown.hold_id(), held.hold_id());
  EXPECT_EQ(Available(account), 365'00);
  // Captured in two parts: £20, the rest held until the second £15.
  EXPECT_EQ(Capture(first.processor_id(), 20'00, /*more_to_come=*/true).amount().amount_pence(),
            20'00);
  EXPECT_EQ(PostedBalance(account), 380'00);
  EXPECT_EQ(Available(account), 365'00) << "£15 still held for the next capture";
  Capture(first.processor_id(), 15'00);
  EXPECT_EQ(PostedBalance(account), 365'00);
  EXPECT_EQ(Available(account), 365'00);
  EXPECT_EQ(PostedBalance(spend), 35'00);

  // A restaurant bill captured above its hold, within the 20% for tips.
  const v1::AuthorizeRequest dinner = Purchase(token, 50'00, "5812");
  Authorize(dinner);
  const v1::CardTransaction tip = Capture(dinner.processor_id(), 58'00);
  EXPECT_EQ(tip.shortfall().amount_pence(), 0);
  EXPECT_EQ(PostedBalance(account), 307'00);
  EXPECT_EQ(Available(account), 307'00);

  // A final capture for less releases the rest at once.
  const v1::AuthorizeRequest taxi = Purchase(token, 20'00, "4121");
  Authorize(taxi);
  Capture(taxi.processor_id(), 17'50);
  EXPECT_EQ(PostedBalance(account), 289'50);
  EXPECT_EQ(Available(account), 289'50) << "nothing left held";

  // A reversal releases the hold.
  const v1::AuthorizeRequest cancelled = Purchase(token, 40'00);
  Authorize(cancelled);
  EXPECT_EQ(Available(account), 249'50);
  v1::ReverseRequest reverse;
  reverse.set_processor_id(Id());
  reverse.set_authorization_processor_id(cancelled.processor_id());
  v1::CardTransaction reversed;
  ASSERT_TRUE(As(processor_)->Reverse(Ctx().get(), reverse, &reversed).ok());
  EXPECT_EQ(reversed.amount().amount_pence(), 40'00);
  EXPECT_EQ(Available(account), 289'50);

  // A hold that expired stops holding, and can still be captured.
  const v1::AuthorizeRequest late = Purchase(token, 30'00);
  const v1::AuthorizationDecision late_hold = Authorize(late);
  ExpireNow(late_hold.hold_id());  // seven days pass for this hold
  EXPECT_EQ(Available(account), 289'50) << "an expired hold holds nothing";
  const v1::CardTransaction after = Capture(late.processor_id(), 30'00);
  EXPECT_EQ(after.kind(), v1::CARD_TRANSACTION_KIND_CAPTURE);
  EXPECT_EQ(PostedBalance(account), 259'50);

  // Refunds, linked and not.
  v1::RefundRequest refund;
  refund.set_processor_id(Id());
  refund.set_card_token(token);
  *refund.mutable_amount() = Gbp(8'00);
  refund.set_original_processor_id(dinner.processor_id());
  refund.set_merchant_name("Bistro");
  v1::CardTransaction refunded;
  ASSERT_TRUE(As(processor_)->Refund(Ctx().get(), refund, &refunded).ok());
  refund.set_processor_id(Id());
  refund.clear_original_processor_id();
  ASSERT_TRUE(As(processor_)->Refund(Ctx().get(), refund, &refunded).ok());
  EXPECT_EQ(PostedBalance(account), 275'50);

  // A force post with no authorisation, beyond what the card holds: never
  // refused; the card pays what it has and the shortfall is owed.
  v1::CaptureRequest force;
  force.set_processor_id(Id());
  force.set_card_token(token);
  *force.mutable_amount() = Gbp(300'00);
  force.set_merchant_category("5411");
  force.set_merchant_name("Supermarket (offline)");
  v1::CardTransaction forced;
  auto st = As(processor_)->Capture(Ctx().get(), force, &forced);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(forced.kind(), v1::CARD_TRANSACTION_KIND_FORCE_POST);
  EXPECT_EQ(forced.shortfall().amount_pence(), 24'50);
  EXPECT_EQ(PostedBalance(account), 0) << "the card account is never overdrawn";
  EXPECT_EQ(ScalarInt(*conn, "SELECT shortfall_pence FROM cards.settlements WHERE processor_id = '" +
                                 force.processor_id() + "'"),
            24'50);
  // A replayed capture changes nothing.
  ASSERT_TRUE(As(processor_)->Capture(Ctx().get(), force, &forced).ok());
  EXPECT_EQ(PostedBalance(account), 0);
}

TEST_F(CardsTest, SixtyFourConcurrentAuthorisationsNeverSpendMoreThanTheCardHolds) {
  const auto [agreement, account] = FundedAgreement(100'00);  // £200
  const std::string token = tag_ + "tok-race";
  Issue(agreement, token);
  // On a loaded machine a decision may miss its deadline: a readable
  // decline ("system unavailable") with nothing held, which leaves the
  // money to the others. Every other answer is counted exactly.
  std::atomic<int> approved = 0, declined = 0, unavailable = 0, failed = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&, i] {
      v1::AuthorizeRequest req = Purchase(token, 7'00);
      req.set_processor_id(tag_ + "-race-" + std::to_string(i));
      v1::AuthorizationDecision out;
      const grpc::Status st = As(processor_)->Authorize(Ctx(30000).get(), req, &out);
      if (!st.ok()) {
        ++failed;
      } else if (out.outcome() == v1::AUTHORIZATION_OUTCOME_APPROVED) {
        ++approved;
      } else if (out.reason() == v1::DECLINE_REASON_INSUFFICIENT_FUNDS) {
        ++declined;
      } else if (out.reason() == v1::DECLINE_REASON_SYSTEM_UNAVAILABLE && out.hold_id() == 0) {
        ++unavailable;
      } else {
        ++failed;  // any other answer is wrong here
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  ASSERT_LE(unavailable.load(), 36) << "too slow to test the race: " << unavailable.load();
  EXPECT_EQ(approved.load(), 28) << "£200 covers 28 purchases of £7";
  EXPECT_EQ(declined.load(), 36 - unavailable.load());
  EXPECT_EQ(Available(account), 200'00 - 28 * 7'00);
  EXPECT_GE(Available(account), 0);
}

// A batch (the service's group commit) decides in a handful of statements
// what each authorisation alone would decide, and leaves to be decided
// alone whatever it cannot decide without waiting (a card or a card
// account's balance another transaction holds) or without two decisions on
// one card account.
TEST_F(CardsTest, ABatchDecidesEachAsAloneWouldAndLeavesTheRestToBeDecidedAlone) {
  auto categories = cards::Categories::Load(DP_CARD_CATEGORIES_FILE);
  ASSERT_TRUE(categories.ok()) << categories.status();
  const cards::Categories& in_force = categories->front();
  const cards::Reach reach{false, {authority_}};
  const auto [shared_agreement, shared_account] = FundedAgreement(100'00);  // £200
  Issue(shared_agreement, tag_ + "tok-b-own");
  Issue(shared_agreement, tag_ + "tok-b-extra", /*additional=*/true);
  const auto [betting_agreement, betting_account] = FundedAgreement(100'00);
  Issue(betting_agreement, tag_ + "tok-b-bet");
  const v1::AuthorizeRequest before = Purchase(tag_ + "tok-b-bet", 3'00);
  const v1::AuthorizationDecision first = Authorize(before);
  ASSERT_EQ(first.outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED);
  const auto [busy_agreement, busy_account] = FundedAgreement(100'00);
  const v1::Card busy = Issue(busy_agreement, tag_ + "tok-b-busy");
  const auto [euro_agreement, euro_account] = FundedAgreement(100'00);
  Issue(euro_agreement, tag_ + "tok-b-euro");
  const auto [partial_agreement, partial_account] = FundedAgreement(100'00);
  Issue(partial_agreement, tag_ + "tok-b-part");
  const auto [locked_agreement, locked_account] = FundedAgreement(100'00);
  Issue(locked_agreement, tag_ + "tok-b-lock");
  const auto [spend_agreement, spend_card_account] = FundedAgreement(100'00);
  const v1::Card spend_busy = Issue(spend_agreement, tag_ + "tok-b-spend");

  std::vector<cards::AuthorisationRequest> reqs;
  reqs.push_back(Asked("tok-b-own", 50'00));          // 0 approved, £50 held
  reqs.push_back(Asked("tok-b-extra", 30'00));        // 1 the same account: alone
  reqs.push_back(Asked("tok-b-bet", 9'00, "7995"));   // 2 the authority blocks betting
  reqs.push_back(Asked("tok-b-busy", 5'00));          // 3 another transaction holds the card
  reqs.push_back(Asked("tok-b-nobody", 5'00));        // 4 no such card: alone
  reqs.push_back(Asked("tok-b-bet", 3'00));           // 5 a replay of `before`
  reqs[5].processor_id = before.processor_id();
  {
    auto conn = MigratedConnection();
    pqxx::read_transaction tx(*conn);
    reqs[5].digest = tx.exec_params1("SELECT request_digest FROM cards.authorisations"
                                     " WHERE processor_id = $1", before.processor_id())[0]
                         .as<std::string>();
  }
  reqs.push_back(reqs[5]);                            // 6 the same id, other content
  reqs[6].digest = "something else";
  reqs.push_back(reqs[0]);                            // 7 an id twice in the batch: alone
  reqs.push_back(Asked("tok-b-euro", 5'00));          // 8 not pounds
  reqs[8].currency = "EUR";
  reqs.push_back(Asked("tok-b-part", 250'00));        // 9 partly approved: £200
  reqs[9].purchase.partial_allowed = true;
  reqs.push_back(Asked("tok-b-own", 1'00));           // 10 an increment: alone
  reqs[10].increments_processor_id = reqs[0].processor_id;
  reqs.push_back(Asked("tok-b-lock", 5'00));          // 11 its account's balance is busy: alone
  reqs.push_back(Asked("tok-b-spend", 5'00));         // 12 its spend account's balance is busy
  std::vector<cards::BatchedAuthorisation> batch;
  for (const auto& r : reqs) batch.push_back({&r, &reach, &in_force});

  auto blocker_conn = MigratedConnection();
  pqxx::work blocker(*blocker_conn);
  blocker.exec_params("SELECT id FROM cards.cards WHERE id = $1 FOR UPDATE", busy.card_id());
  blocker.exec_params("SELECT account_id FROM ledger.balances WHERE account_id = $1 FOR UPDATE",
                      locked_account);
  // The other side of the card's holds: the ledger would wait for it (and,
  // holding the card account meanwhile, could deadlock).
  blocker.exec_params("SELECT account_id FROM ledger.balances WHERE account_id ="
                      " (SELECT spend_account_id FROM cards.cards WHERE id = $1) FOR UPDATE",
                      spend_busy.card_id());
  auto conn = MigratedConnection();
  pqxx::work tx(*conn);
  tx.exec("SET LOCAL statement_timeout = 5000");  // a wait on the busy card would fail the test
  auto decided = cards::AuthoriseBatch(tx, batch, service::TodayInLondon());
  tx.commit();
  blocker.abort();

  ASSERT_EQ(decided.size(), reqs.size());
  for (size_t i : {1, 3, 4, 7, 10, 11, 12}) EXPECT_FALSE(decided[i].has_value()) << "item " << i;
  auto record = [&](size_t i) {
    EXPECT_TRUE(decided[i].has_value() && decided[i]->ok()) << "item " << i;
    return decided[i].has_value() && decided[i]->ok() ? **decided[i] : cards::AuthorisationRecord{};
  };
  EXPECT_EQ(record(0).verdict.outcome, cards::Outcome::kApproved);
  EXPECT_EQ(record(0).verdict.approved_pence, 50'00);
  EXPECT_NE(record(0).hold_id, 0);
  EXPECT_EQ(record(2).verdict.reason, cards::Reason::kBlockedCategory);
  EXPECT_EQ(record(2).hold_id, 0);
  EXPECT_EQ(record(5).processor_id, before.processor_id());
  EXPECT_EQ(record(5).hold_id, first.hold_id()) << "the first decision, replayed";
  ASSERT_TRUE(decided[6].has_value());
  EXPECT_EQ(decided[6]->status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(record(8).verdict.reason, cards::Reason::kNotSupported);
  EXPECT_EQ(record(8).verdict.message, "This card can only pay in pounds.");
  EXPECT_EQ(record(9).verdict.outcome, cards::Outcome::kPartiallyApproved);
  EXPECT_EQ(record(9).verdict.approved_pence, 200'00);
  EXPECT_EQ(Available(shared_account), 150'00);
  EXPECT_EQ(Available(betting_account), 197'00) << "only the £3 before the batch";
  EXPECT_EQ(Available(busy_account), 200'00);
  EXPECT_EQ(Available(euro_account), 200'00);
  EXPECT_EQ(Available(partial_account), 0);
  // Exactly the decided ones were recorded; those left alone were not.
  auto check = MigratedConnection();
  pqxx::read_transaction read(*check);
  EXPECT_EQ(Available(locked_account), 200'00);
  EXPECT_EQ(Available(spend_card_account), 200'00);
  // The answers are the records as written: ids, times, holds and expiries.
  for (size_t i : {0, 2, 8, 9}) {
    const cards::AuthorisationRecord answered = record(i);
    const pqxx::row row = read.exec_params1(
        "SELECT a.id, (extract(epoch from a.decided_at) * 1000000)::bigint,"
        " coalesce(a.hold_id, 0), coalesce((extract(epoch from p.expires_at) * 1000000)::bigint, 0),"
        " a.approved_pence FROM cards.authorisations a"
        " LEFT JOIN ledger.pending_transfers p ON p.id = a.hold_id WHERE a.processor_id = $1",
        reqs[i].processor_id);
    EXPECT_EQ(answered.id, row[0].as<int64_t>()) << "item " << i;
    EXPECT_EQ(answered.decided_at_us, row[1].as<int64_t>()) << "item " << i;
    EXPECT_EQ(answered.hold_id, row[2].as<int64_t>()) << "item " << i;
    EXPECT_EQ(answered.hold_expires_at_us, row[3].as<int64_t>()) << "item " << i;
    EXPECT_EQ(answered.verdict.approved_pence, row[4].as<int64_t>()) << "item " << i;
  }
  for (size_t i : {1, 3, 4, 10, 11, 12}) {
    EXPECT_TRUE(read.exec_params("SELECT 1 FROM cards.authorisations WHERE processor_id = $1",
                                 reqs[i].processor_id).empty()) << "item " << i;
  }
  // And what was left is decided alone as usual: the second card of the
  // account sees the £50 the first holds.
  const v1::AuthorizationDecision extra = Authorize(Purchase(tag_ + "tok-b-extra", 160'00));
  EXPECT_EQ(extra.reason(), v1::DECLINE_REASON_INSUFFICIENT_FUNDS);
}

// When the batch knows the cards' accounts (the service learns them from
// its first batch on a card), the ledger's reads go with the cards' reads,
// and like them they never wait: what another transaction holds is left to
// be decided alone, and a due hold is released only when the batch holds
// both of its sides.
TEST_F(CardsTest, ABatchThatKnowsTheAccountsReadsTheLedgerWithTheCardsAndNeverWaits) {
  auto categories = cards::Categories::Load(DP_CARD_CATEGORIES_FILE);
  ASSERT_TRUE(categories.ok()) << categories.status();
  const cards::Categories& in_force = categories->front();
  const cards::Reach reach{false, {authority_}};
  // The card of each token, each but the additional one on a £200 agreement of its own.
  std::map<std::string, v1::Card> issued;
  auto card = [&](const std::string& token, bool additional = false) {
    const int64_t agreement =
        additional ? issued.at("k-own").agreement_id() : FundedAgreement(100'00).first;
    return issued[token] = Issue(agreement, tag_ + token, additional);
  };
  const v1::Card own = card("k-own");
  card("k-extra", /*additional=*/true);
  const v1::Card due = card("k-due");
  const v1::Card busy = card("k-busy");
  const v1::Card spend_busy = card("k-spend");
  const v1::Card other = card("k-other");
  const v1::Card elsewhere = card("k-elsewhere");
  const v1::Card bet = card("k-bet");
  auto accounts_of = [&](const v1::Card& c) {
    auto conn = MigratedConnection();
    pqxx::read_transaction tx(*conn);
    const pqxx::row r = tx.exec_params1(
        "SELECT account_id, spend_account_id FROM cards.cards WHERE id = $1", c.card_id());
    return cards::CardAccounts{r[0].as<int64_t>(), r[1].as<int64_t>()};
  };
  // A due hold of £150 on k-due's £200: released by the batch, which can
  // then approve £100.
  const v1::AuthorizationDecision held = Authorize(Purchase(tag_ + "k-due", 150'00));
  ASSERT_EQ(held.outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED);
  ExpireNow(held.hold_id());
  // A due hold of £150 between k-other's money and k-elsewhere's spend
  // account, which another transaction holds: not released, so the ledger
  // refuses £100 from k-other's £50 and leaves it to be decided alone.
  int64_t other_hold = 0;
  {
    auto conn = MigratedConnection();
    pqxx::work tx(*conn);
    ledger::NewPending hold;
    hold.idem = ledger::ServiceIdempotency(Id(), "test");
    hold.debit_account_id = accounts_of(elsewhere).spend;
    hold.credit_account_id = accounts_of(other).card;
    hold.amount = {150'00, "GBP"};
    hold.timeout_seconds = 60;
    hold.description = "A hold from elsewhere";
    auto placed = ledger::ApplyOne(tx, hold);
    ASSERT_TRUE(placed.ok()) << placed.status();
    other_hold = *placed;
    tx.commit();
  }
  ExpireNow(other_hold);

  std::vector<cards::AuthorisationRequest> reqs;
  reqs.push_back(Asked("k-own", 50'00));        // 0 approved, £50 held
  reqs.push_back(Asked("k-extra", 30'00));      // 1 the same account: alone
  reqs.push_back(Asked("k-due", 100'00));       // 2 approved once the due hold is released
  reqs.push_back(Asked("k-busy", 5'00));        // 3 its account's balance is busy: alone
  reqs.push_back(Asked("k-spend", 5'00));       // 4 its spend account's balance is busy: alone
  reqs.push_back(Asked("k-other", 100'00));     // 5 the due hold's other side is busy: alone
  reqs.push_back(Asked("k-bet", 9'00, "7995"));  // 6 declined: the authority blocks betting
  std::vector<cards::CardAccounts> known;
  for (const auto& r : reqs) known.push_back(accounts_of(issued.at(r.card_token.substr(tag_.size()))));
  std::vector<cards::BatchedAuthorisation> batch;
  for (size_t i = 0; i < reqs.size(); ++i) {
    batch.push_back({&reqs[i], &reach, &in_force, &known[i]});
  }
  auto blocker_conn = MigratedConnection();
  pqxx::work blocker(*blocker_conn);
  blocker.exec_params("SELECT 1 FROM ledger.balances WHERE account_id = ANY($1::bigint[])"
                      " ORDER BY account_id FOR UPDATE",
                      db::IntArrayLiteral({accounts_of(busy).card, accounts_of(spend_busy).spend,
                                           accounts_of(elsewhere).spend}));
  auto conn = MigratedConnection();
  pqxx::work tx(*conn);
  // A wait would fail the test (three round trips would wait for the
  // other side of k-other's due hold).
  tx.exec("SET LOCAL statement_timeout = 5000");
  auto decided = cards::AuthoriseBatch(tx, batch, service::TodayInLondon());
  tx.commit();
  blocker.abort();

  ASSERT_EQ(decided.size(), reqs.size());
  for (size_t i : {1, 3, 4, 5}) EXPECT_FALSE(decided[i].has_value()) << "item " << i;
  auto record = [&](size_t i) {
    EXPECT_TRUE(decided[i].has_value() && decided[i]->ok()) << "item " << i;
    return decided[i].has_value() && decided[i]->ok() ? **decided[i] : cards::AuthorisationRecord{};
  };
  EXPECT_EQ(record(0).verdict.outcome, cards::Outcome::kApproved);
  EXPECT_NE(record(0).hold_id, 0);
  EXPECT_EQ(record(2).verdict.outcome, cards::Outcome::kApproved);
  EXPECT_EQ(record(2).verdict.approved_pence, 100'00);
  EXPECT_EQ(record(6).verdict.reason, cards::Reason::kBlockedCategory);
  EXPECT_EQ(record(6).hold_id, 0);
  EXPECT_EQ(Available(accounts_of(own).card), 150'00);
  EXPECT_EQ(Available(accounts_of(due).card), 100'00);
  EXPECT_EQ(Available(accounts_of(busy).card), 200'00);
  EXPECT_EQ(Available(accounts_of(bet).card), 200'00);
  {
    auto check = MigratedConnection();
    pqxx::read_transaction read(*check);
    auto state = [&](int64_t hold) {
      return read.exec_params1("SELECT state FROM ledger.pending_transfers WHERE id = $1", hold)[0]
          .as<std::string>();
    };
    EXPECT_EQ(state(held.hold_id()), "expired") << "released by the batch";
    EXPECT_EQ(state(other_hold), "pending") << "left: its other side was busy";
    for (size_t i : {1, 3, 4, 5}) {
      EXPECT_TRUE(read.exec_params("SELECT 1 FROM cards.authorisations WHERE processor_id = $1",
                                   reqs[i].processor_id).empty()) << "item " << i;
    }
  }
  // What was left is decided alone as usual, the due hold released first.
  EXPECT_EQ(Authorize(Purchase(tag_ + "k-other", 100'00)).outcome(),
            v1::AUTHORIZATION_OUTCOME_APPROVED);
  EXPECT_EQ(Authorize(Purchase(tag_ + "k-extra", 160'00)).reason(),
            v1::DECLINE_REASON_INSUFFICIENT_FUNDS) << "the first card holds £50 of the £200";
}

// Decisions made together (in one batch, most likely) are each audited
// once, naming their record, and chained on their lane like any event.
TEST_F(CardsTest, EveryDecisionIsAuditedOnceNamingItsRecordOnAChainedLane) {
  constexpr int kCards = 8;
  std::vector<std::string> tokens;
  for (int i = 0; i < kCards; ++i) {
    const auto [agreement, account] = FundedAgreement(100'00);
    tokens.push_back(tag_ + "tok-audit-" + std::to_string(i));
    Issue(agreement, tokens.back());
  }
  // On a loaded machine a decision may miss its deadline (a readable
  // decline, recorded and audited too): the till then asks again, under a
  // new id.
  std::vector<std::vector<v1::AuthorizationDecision>> asked(kCards);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCards; ++i) {
    threads.emplace_back([&, i] {
      for (int attempt = 0; attempt < 5; ++attempt) {
        asked[i].push_back(Authorize(Purchase(tokens[i], 4'00)));
        if (asked[i].back().reason() != v1::DECLINE_REASON_SYSTEM_UNAVAILABLE) break;
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<v1::AuthorizationDecision> decisions;
  for (const auto& tries : asked) {
    EXPECT_EQ(tries.back().outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED);
    decisions.insert(decisions.end(), tries.begin(), tries.end());
  }
  auto conn = MigratedConnection();
  pqxx::read_transaction tx(*conn);
  for (const auto& d : decisions) {
    const int64_t id = tx.exec_params1("SELECT id FROM cards.authorisations WHERE processor_id = $1",
                                       d.processor_id())[0].as<int64_t>();
    const pqxx::result events = tx.exec_params(
        "SELECT e.code, e.principal, (e.seq = 1 OR EXISTS (SELECT 1 FROM audit.events p"
        "  WHERE p.lane = e.lane AND p.seq = e.seq - 1 AND p.hash = e.prev_hash))"
        " FROM audit.events e WHERE e.method = '/dp.v1.CardService/Authorize'"
        " AND e.resource = $1",
        "cards/authorisations/" + std::to_string(id));
    ASSERT_EQ(events.size(), 1u) << d.processor_id();
    EXPECT_EQ(events[0][0].as<int>(), 0);
    EXPECT_EQ(events[0][1].as<std::string>(), processor_);
    EXPECT_TRUE(events[0][2].as<bool>()) << "chained to the event before it on its lane";
  }
}

// What a decision counted is recorded once: the day rows its velocity
// limits are judged on could not stay its sums otherwise.
TEST_F(CardsTest, AnAuthorisationsDecisionCannotBeChangedAfterItIsRecorded) {
  const auto [agreement, account] = FundedAgreement(100'00);
  const std::string token = tag_ + "tok-once";
  Issue(agreement, token);
  const v1::AuthorizeRequest req = Purchase(token, 12'00);
  ASSERT_EQ(Authorize(req).outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED);
  auto conn = MigratedConnection();
  for (const char* change : {"approved_pence = 1", "decided_at = decided_at - interval '2 days'",
                             "merchant_category = '6011'"}) {
    // The processor id is the test's own (letters, digits and dashes).
    EXPECT_EQ(SqlStateOf(*conn, dp::StrCat("UPDATE cards.authorisations SET ", change,
                                           " WHERE processor_id = '", req.processor_id(), "'")),
              "23000")
        << change;
  }
  pqxx::work tx(*conn);
  const pqxx::row day = tx.exec_params1(
      "SELECT d.approved_pence, d.approvals FROM cards.card_days d JOIN cards.cards c"
      " ON c.id = d.card_id WHERE c.processor_token = $1", token);
  EXPECT_EQ(day[0].as<int64_t>(), 12'00);
  EXPECT_EQ(day[1].as<int>(), 1);
  // What remains to capture may change (a capture does it).
  tx.exec_params("UPDATE cards.authorisations SET remaining_pence = 0 WHERE processor_id = $1",
                 req.processor_id());
}

// An authorisation's card and hold are checked a statement at a time
// (migration 0034), with the foreign keys' SQLSTATE, whatever the other
// records of the statement; a capture's move to another hold is checked
// too, and a card, which records name, is never deleted.
TEST_F(CardsTest, ARecordNamingNoSuchCardOrHoldIsRefused) {
  const auto [agreement, account] = FundedAgreement(100'00);
  const std::string token = tag_ + "tok-keys";
  Issue(agreement, token);
  const v1::AuthorizeRequest req = Purchase(token, 12'00);
  ASSERT_EQ(Authorize(req).outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED);
  auto conn = MigratedConnection();
  int64_t id = 0, card_id = 0, hold_id = 0;
  {
    pqxx::work tx(*conn);
    const pqxx::row r = tx.exec_params1(
        "SELECT id, card_id, hold_id FROM cards.authorisations WHERE processor_id = $1",
        req.processor_id());
    id = r[0].as<int64_t>();
    card_id = r[1].as<int64_t>();
    hold_id = r[2].as<int64_t>();
  }
  // Two declines (no hold) in one statement: the second names `card`;
  // `hold` makes the second an approval naming that hold.
  auto record = [&](int64_t card, int64_t hold) {
    return SqlStateOf(
        *conn,
        dp::StrCat(
            "INSERT INTO cards.authorisations (processor_id, request_digest, card_id, amount_pence,"
            " merchant_category, merchant_name, merchant_country, channel, decision,"
            " approved_pence, reason, message, hold_id, remaining_pence)"
            " SELECT 'raw-' || gen_random_uuid() || '-' || n, 'd', c, 500, '5411', 'Shop', 'GB',"
            "  'in_person',"
            "  CASE WHEN h IS NULL THEN 'declined' ELSE 'approved' END,"
            "  CASE WHEN h IS NULL THEN 0 ELSE 500 END, 'r', 'm', h, 0"
            " FROM unnest(ARRAY[", card_id, ", ", card, "]::bigint[], ARRAY[NULL, nullif(", hold,
            ", 0)]::bigint[]) WITH ORDINALITY AS x(c, h, n)"));
  };
  EXPECT_EQ(record(card_id + 1'000'000, 0), "23503") << "no such card";
  EXPECT_EQ(record(card_id, hold_id + 1'000'000), "23503") << "no such hold";
  EXPECT_EQ(record(card_id, 0), "ok");
  EXPECT_EQ(record(card_id, hold_id), "ok") << "a hold that exists";

  EXPECT_EQ(SqlStateOf(*conn, dp::StrCat("UPDATE cards.authorisations SET hold_id = ",
                                         hold_id + 1'000'000, " WHERE id = ", id)),
            "23503");
  EXPECT_EQ(SqlStateOf(*conn, dp::StrCat("DELETE FROM cards.cards WHERE id = ", card_id)), "23000");
  pqxx::work tx(*conn);
  EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM cards.authorisations WHERE card_id = $1",
                            card_id)[0].as<int>(), 5)
      << "the purchase and the two statements that were allowed";
  const pqxx::row day = tx.exec_params1(
      "SELECT approved_pence, approvals FROM cards.card_days WHERE card_id = $1", card_id);
  EXPECT_EQ(day[0].as<int64_t>(), 12'00 + 5'00) << "the approval counted, the refused ones not";
  EXPECT_EQ(day[1].as<int>(), 2);
}

TEST_F(CardsTest, WhenTheBooksCannotAnswerInTimeTheDeclineSaysSoAndNothingIsHeld) {
  const auto [agreement, account] = FundedAgreement(100'00);
  const std::string token = tag_ + "tok-slow";
  const v1::Card card = Issue(agreement, token);
  const v1::AuthorizeRequest req = Purchase(token, 10'00);
  v1::AuthorizationDecision out;
  {
    auto conn = MigratedConnection();
    pqxx::work blocker(*conn);  // another writer holds the card past the deadline
    blocker.exec_params("SELECT id FROM cards.cards WHERE id = $1 FOR UPDATE", card.card_id());
    const auto started = std::chrono::steady_clock::now();
    const grpc::Status st = As(processor_)->Authorize(Ctx().get(), req, &out);
    const auto waited = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(st.ok()) << "a decision, never an error: " << st.error_message();
    EXPECT_LT(waited, std::chrono::milliseconds(1500)) << "answered near the 400 ms deadline";
    blocker.abort();
  }
  EXPECT_EQ(out.outcome(), v1::AUTHORIZATION_OUTCOME_DECLINED);
  EXPECT_EQ(out.reason(), v1::DECLINE_REASON_SYSTEM_UNAVAILABLE);
  EXPECT_EQ(out.hold_id(), 0);
  EXPECT_EQ(Available(account), 200'00) << "nothing held";
  // The processor's retry of the same id gets the same decline, not a hold
  // for a purchase the till already refused.
  const v1::AuthorizationDecision again = Authorize(req);
  EXPECT_EQ(again.reason(), v1::DECLINE_REASON_SYSTEM_UNAVAILABLE);
  EXPECT_EQ(Available(account), 200'00);
  EXPECT_EQ(Authorize(Purchase(token, 10'00)).outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED)
      << "and a new purchase is decided as usual";
}

// The statement a person's ISO or officer reads: loads and purchases with
// the running balance, what is committed but not yet paid, and declines
// with the sentence the person was shown.
TEST_F(CardsTest, TheStatementShowsLoadsSpendingHeldMoneyAndDeclines) {
  const auto [agreement, account] = FundedAgreement(100'00);  // two loads of £100
  const std::string token = tag_ + "tok-stmt";
  const v1::Card card = Issue(agreement, token);
  const v1::AuthorizeRequest taxi = Purchase(token, 25'00, "4121");
  ASSERT_EQ(Authorize(taxi).outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED);
  ASSERT_EQ(Authorize(Purchase(token, 9'00, "7995")).reason(), v1::DECLINE_REASON_BLOCKED_CATEGORY);
  const v1::AuthorizeRequest shop = Purchase(token, 10'00);
  Authorize(shop);
  Capture(shop.processor_id(), 10'00);
  // An emergency load, with the reason the person reads on the statement.
  v1::LoadCardRequest load;
  load.set_request_id(Id());
  load.set_agreement_id(agreement);
  *load.mutable_amount() = Gbp(50'00);
  load.set_reason("Emergency: the boiler broke and Morag needed a heater");
  v1::CardLoad loaded;
  auto loaded_status = As(officer_)->LoadCard(Ctx().get(), load, &loaded);
  ASSERT_TRUE(loaded_status.ok()) << loaded_status.error_message();
  EXPECT_GT(loaded.transaction_id(), 0);
  ASSERT_TRUE(As(officer_)->LoadCard(Ctx().get(), load, &loaded).ok()) << "a retry loads once";
  EXPECT_EQ(As(processor_)->LoadCard(Ctx().get(), load, &loaded).error_code(),
            grpc::PERMISSION_DENIED);
  v1::GetCardStatementRequest req;
  req.set_agreement_id(agreement);
  v1::CardStatement statement;
  std::string last_page;
  for (int wait = 0; wait < 50; ++wait) {  // lines are listed once settled (the ledger's horizon)
    statement.Clear();
    auto st = As(officer_)->GetCardStatement(Ctx().get(), req, &statement);
    ASSERT_TRUE(st.ok()) << st.error_message();
    if (statement.lines_size() == 4) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(statement.balance().amount_pence(), 240'00);
  EXPECT_EQ(statement.committed().amount_pence(), 25'00);
  EXPECT_EQ(statement.available().amount_pence(), 215'00);
  ASSERT_EQ(statement.held_size(), 1);
  EXPECT_EQ(statement.held(0).processor_id(), taxi.processor_id());
  EXPECT_EQ(statement.held(0).amount().amount_pence(), 25'00);
  ASSERT_EQ(statement.declines_size(), 1);
  EXPECT_EQ(statement.declines(0).reason(), v1::DECLINE_REASON_BLOCKED_CATEGORY);
  EXPECT_EQ(statement.declines(0).message(), "This card can't be used for betting, lotteries or gambling.");
  ASSERT_EQ(statement.lines_size(), 4) << statement.DebugString();
  EXPECT_EQ(statement.lines(3).kind(), "emergency load");
  EXPECT_EQ(statement.lines(3).description(), "Emergency: the boiler broke and Morag needed a heater");
  EXPECT_EQ(statement.lines(3).amount().amount_pence(), 50'00);
  EXPECT_EQ(statement.lines(3).balance_after().amount_pence(), 240'00);
  EXPECT_EQ(statement.lines(0).kind(), "load");
  EXPECT_EQ(statement.lines(0).amount().amount_pence(), 100'00);
  EXPECT_EQ(statement.lines(1).balance_after().amount_pence(), 200'00);
  EXPECT_EQ(statement.lines(2).kind(), "purchase");
  EXPECT_EQ(statement.lines(2).card_id(), card.card_id());
  EXPECT_EQ(statement.lines(2).description(), "Corner Shop");
  EXPECT_EQ(statement.lines(2).merchant_category(), "5411");
  EXPECT_EQ(statement.lines(2).category(), "") << "groceries are in no group";
  EXPECT_EQ(statement.lines(0).merchant_category(), "") << "a load is no card payment";
  EXPECT_EQ(statement.lines(2).amount().amount_pence(), -10'00);
  EXPECT_EQ(statement.lines(2).balance_after().amount_pence(), 190'00);
  // One card's part: its own lines, holds and declines.
  req.clear_agreement_id();
  req.set_card_id(card.card_id());
  v1::CardStatement mine;
  ASSERT_TRUE(As(officer_)->GetCardStatement(Ctx().get(), req, &mine).ok());
  ASSERT_EQ(mine.lines_size(), 1);
  EXPECT_EQ(mine.lines(0).kind(), "purchase");
  // Someone outside the agreement's reach sees nothing of it.
  EXPECT_EQ(As(iso_)->GetCardStatement(Ctx().get(), req, &mine).error_code(), grpc::NOT_FOUND);
  // A taxi, once captured, is named by its group: transport.
  const v1::AuthorizeRequest cab = Purchase(token, 12'00, "4121");
  ASSERT_EQ(Authorize(cab).outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED);
  Capture(cab.processor_id(), 12'00);
  ASSERT_TRUE(As(officer_)->GetCardStatement(Ctx().get(), req, &mine).ok());
  for (int wait = 0; wait < 50 && mine.lines_size() < 2; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    mine.Clear();
    ASSERT_TRUE(As(officer_)->GetCardStatement(Ctx().get(), req, &mine).ok());
  }
  ASSERT_EQ(mine.lines_size(), 2) << mine.DebugString();
  EXPECT_EQ(mine.lines(1).merchant_category(), "4121");
  EXPECT_EQ(mine.lines(1).category(), "transport");
}

// Before saving controls, an officer sees what they would have declined of
// the card's last 90 days, and why; nothing is written.
TEST_F(CardsTest, AProposedControlIsPreviewedOverThePastBeforeItIsSaved) {
  const auto [agreement, account] = FundedAgreement(100'00);
  const std::string token = tag_ + "tok-preview";
  const v1::Card card = Issue(agreement, token);
  for (auto [pence, mcc] : {std::pair{10'00, "5411"}, std::pair{8'00, "5812"},
                            std::pair{12'00, "5411"}, std::pair{9'00, "7995"}}) {
    Authorize(Purchase(token, pence, mcc));
  }
  v1::PreviewCardControlsRequest req;
  req.set_card_id(card.card_id());
  req.mutable_controls()->add_blocked_categories("restaurants");
  auto* day = req.mutable_controls()->add_limits();
  day->set_interval(v1::LIMIT_INTERVAL_DAY);
  *day->mutable_max_amount() = Gbp(15'00);
  v1::ControlsPreview preview;
  auto st = As(officer_)->PreviewCardControls(Ctx().get(), req, &preview);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(preview.purchases(), 4);
  EXPECT_EQ(preview.would_decline(), 3) << preview.DebugString();
  EXPECT_EQ(preview.would_decline_amount().amount_pence(), 8'00 + 12'00 + 9'00);
  ASSERT_EQ(preview.declined_size(), 3);
  EXPECT_EQ(preview.declined(0).reason(), v1::DECLINE_REASON_BLOCKED_CATEGORY);
  EXPECT_EQ(preview.declined(0).message(), "This card can't be used in restaurants or cafes.");
  EXPECT_EQ(preview.declined(1).limit(), "day amount");
  EXPECT_EQ(preview.declined(2).reason(), v1::DECLINE_REASON_BLOCKED_CATEGORY) << "the authority's";
  auto conn = MigratedConnection();
  EXPECT_EQ(ScalarInt(*conn, "SELECT count(*) FROM cards.controls WHERE card_id = " +
                                 std::to_string(card.card_id())),
            1) << "a preview saves nothing";
  EXPECT_EQ(As(iso_)->PreviewCardControls(Ctx().get(), req, &preview).error_code(),
            grpc::PERMISSION_DENIED) << "only those who may set controls preview them";
}

// The processor's daily clearing file: good lines captured, an unmatched
// one force-posted, and a duplicate, a mismatch (wrong card), an amount
// beyond the allowance and malformed lines each reported by line number;
// the good lines are imported, and importing the file again changes nothing.
TEST_F(CardsTest, AClearingFileImportsWhatItCanAndReportsEveryOtherLine) {
  const auto [agreement, account] = FundedAgreement(200'00);  // £400
  const std::string token = tag_ + "tok-clear";
  Issue(agreement, token);
  const auto [other_agreement, other_account] = FundedAgreement(100'00);
  const std::string other = tag_ + "tok-clear2";
  Issue(other_agreement, other);
  const v1::AuthorizeRequest a1 = Purchase(token, 20'00);
  const v1::AuthorizeRequest a2 = Purchase(token, 30'00);
  const v1::AuthorizeRequest a3 = Purchase(token, 10'00);
  for (const auto* a : {&a1, &a2, &a3}) ASSERT_EQ(Authorize(*a).outcome(), v1::AUTHORIZATION_OUTCOME_APPROVED);
  auto line = [&](const std::string& type, const std::string& id, const std::string& auth,
                  const std::string& card, const std::string& amount) {
    return type + "," + tag_ + id + "," + auth + "," + card + "," + amount + ",5411,Corner Shop";
  };
  const std::vector<std::string> file = {
      "type,processor_id,authorization_id,card_token,amount,merchant_category,merchant_name",
      line("capture", "-clr-1", a1.processor_id(), token, "20.00"),   // 2: captured
      line("capture", "-clr-2", a2.processor_id(), token, "29.50"),   // 3: captured for less
      line("capture", "-clr-3", "", token, "5.00"),                   // 4: force post
      line("capture", "-clr-1", a1.processor_id(), token, "20.00"),   // 5: duplicate
      line("capture", "-clr-5", a3.processor_id(), other, "10.00"),   // 6: another card
      line("capture", "-clr-6", a3.processor_id(), token, "25.00"),   // 7: beyond the allowance
      "capture,oops,not-a-line",                                      // 8: malformed
      line("capture", "-clr-8", "", token, "12.3.4"),                 // 9: malformed amount
      line("refund", "-clr-9", a1.processor_id(), token, "2.00"),     // 10: refund
      "",
  };
  auto import = [&](v1::ClearingReport* report) {
    v1::ImportClearingRequest req;
    req.set_file_name("clearing-2026-12-02.csv");
    req.set_first_line(1);
    for (const auto& l : file) req.add_lines(l);
    return As(processor_)->ImportClearing(Ctx().get(), req, report);
  };
  v1::ClearingReport report;
  auto st = import(&report);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(report.lines(), 9);
  EXPECT_EQ(report.captured(), 3);      // lines 2, 3 and 7
  EXPECT_EQ(report.force_posted(), 1);  // line 4
  EXPECT_EQ(report.refunded(), 1);      // line 10
  EXPECT_EQ(report.imported().amount_pence(), 20'00 + 29'50 + 5'00 + 25'00 + 2'00);
  std::map<int, std::string> problems;
  for (const auto& p : report.problems()) problems[p.line()] = p.kind() + ": " + p.detail();
  ASSERT_EQ(problems.size(), 5u) << report.DebugString();
  EXPECT_EQ(problems[5].rfind("duplicate", 0), 0u) << problems[5];
  EXPECT_EQ(problems[6], "refused: card_token is not the card of the authorisation it names; "
                         "nothing was imported");
  EXPECT_EQ(problems[7], "mismatch: captured 25.00 against 10.00 held: beyond the category's allowance");
  EXPECT_EQ(problems[8].rfind("malformed: has 3 columns", 0), 0u) << problems[8];
  EXPECT_EQ(problems[9].rfind("malformed: amount: ", 0), 0u) << problems[9];
  // 400 - 20 - 29.50 - 5 - 25 + 2; a clearing line is final: the 50p left
  // of the second hold is released.
  EXPECT_EQ(PostedBalance(account), 322'50);
  EXPECT_EQ(Available(account), 322'50) << "nothing is left held";
  EXPECT_EQ(PostedBalance(other_account), 200'00) << "the other card is untouched";

  v1::ClearingReport again;
  ASSERT_TRUE(import(&again).ok());
  EXPECT_EQ(again.already_imported(), 5);  // lines 2, 3, 4, 7 and 10
  EXPECT_EQ(again.captured() + again.force_posted() + again.refunded(), 0);
  EXPECT_EQ(again.imported().amount_pence(), 0);
  EXPECT_EQ(PostedBalance(account), 322'50) << "importing again changes nothing";
  // A file that does not start with the header is refused whole.
  v1::ImportClearingRequest bad;
  bad.set_file_name("x.csv");
  bad.set_first_line(1);
  bad.add_lines("processor_id,amount");
  EXPECT_EQ(As(processor_)->ImportClearing(Ctx().get(), bad, &again).error_code(),
            grpc::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace dp::testing
