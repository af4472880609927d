#include "cards_commands.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "call.h"
#include "channel.h"
#include "dp/v1/cards.grpc.pb.h"
#include "money/money.h"

namespace dpctl {

std::string NewRequestId();  // main.cc

namespace {

namespace v1 = dp::v1;

struct Flags {
  std::string address, request_id, reason, token, last4, holder, amount, mcc = "5411",
      merchant = "", country = "GB", channel = "in_person", auth, original, from;
  int64_t id = 0, agreement = 0;
  int month = 0, year = 0;
  bool additional = false, partial = false, cash = false;
  std::string cash_limit, day_limit, week_limit, per_payment_limit;
  std::vector<std::string> channels, countries, blocked, allowed;
} f;

std::function<Output()> out;
int* exit_code = nullptr;

std::unique_ptr<v1::CardService::Stub> Stub() {
  return v1::CardService::NewStub(MakeChannel(f.address));
}

std::string RequestId() { return f.request_id.empty() ? NewRequestId() : f.request_id; }

// Money reads a decimal pounds flag exactly; false (exit code 2, the
// message naming the flag) when it is not one.
bool Money(const std::string& text, const std::string& flag, v1::Money* outm) {
  if (MoneyFlag(text, flag, outm)) return true;
  *exit_code = 2;
  return false;
}


std::string ControlsText(const v1::CardControls& c) {
  std::string text = c.cash_allowed() ? "cash up to " + Gbp(c.cash_daily_limit()) + " a day"
                                      : "no cash";
  for (const auto& l : c.limits()) {
    text += "; " + Lower(v1::LimitInterval_Name(l.interval()), "LIMIT_INTERVAL_") + " limit";
    if (l.has_max_amount()) text += " " + Gbp(l.max_amount());
    if (l.max_count() > 0) text += " " + std::to_string(l.max_count()) + " payments";
  }
  if (c.channels_size() > 0) {
    text += "; only";
    for (int ch : c.channels()) text += " " + Lower(v1::Channel_Name(static_cast<v1::Channel>(ch)), "CHANNEL_");
  }
  for (const auto& b : c.blocked_categories()) text += "; blocks " + b;
  for (const auto& a : c.allowed_categories()) text += "; allows " + a;
  for (const auto& country : c.countries()) text += "; in " + country;
  return text;
}

void PrintCard(const v1::Card& c) {
  if (out().json()) return out().Json(c);
  out().KeyValues({
      {"card", std::to_string(c.card_id())},
      {"agreement", std::to_string(c.agreement_id())},
      {"holder", c.holder_name() + (c.additional_holder() ? " (additional cardholder)" : "")},
      {"number", "•••• " + c.last4() + ", expires " + std::to_string(c.expiry_month()) + "/" +
                     std::to_string(c.expiry_year())},
      {"status", Lower(v1::CardStatus_Name(c.status()), "CARD_STATUS_") + " (" +
                     c.status_reason() + ")"},
      {"controls", ControlsText(c.controls())},
      {"controls since", DateText(c.controls_from()) + ": " + c.controls_reason()},
      {"card account", "ledger account " + std::to_string(c.account_id())},
      {"replaces", c.replaces_card_id() ? std::to_string(c.replaces_card_id()) : "-"},
      {"replaced by", c.replaced_by_card_id() ? std::to_string(c.replaced_by_card_id()) : "-"},
  });
}

void PrintDecision(const v1::AuthorizationDecision& d) {
  if (out().json()) return out().Json(d);
  out().KeyValues({
      {"processor id", d.processor_id()},
      {"decision", Lower(v1::AuthorizationOutcome_Name(d.outcome()), "AUTHORIZATION_OUTCOME_")},
      {"approved", Gbp(d.approved())},
      {"reason", d.reason() == v1::DECLINE_REASON_UNSPECIFIED
                     ? "-"
                     : Lower(v1::DeclineReason_Name(d.reason()), "DECLINE_REASON_") +
                           (d.limit().empty() ? "" : " (" + d.limit() + ")")},
      {"the person is told", d.message().empty() ? "-" : d.message()},
      {"hold", d.hold_id() ? std::to_string(d.hold_id()) : "-"},
  });
}

void PrintTransaction(const v1::CardTransaction& t) {
  if (out().json()) return out().Json(t);
  out().KeyValues({
      {"processor id", t.processor_id()},
      {"card", std::to_string(t.card_id())},
      {"kind", Lower(v1::CardTransactionKind_Name(t.kind()), "CARD_TRANSACTION_KIND_")},
      {"amount", Gbp(t.amount())},
      {"ledger transaction", t.ledger_transaction_id() ? std::to_string(t.ledger_transaction_id()) : "-"},
      {"shortfall", t.shortfall().amount_pence() > 0 ? Gbp(t.shortfall()) + " owed to the processor"
                                                     : "-"},
  });
}

// ControlsFromFlags builds controls; false after a usage error.
bool ControlsFromFlags(v1::CardControls* c) {
  c->set_cash_allowed(f.cash);
  if (!f.cash_limit.empty() && !Money(f.cash_limit, "--cash-limit", c->mutable_cash_daily_limit())) {
    return false;
  }
  for (auto [text, flag, interval] :
       {std::tuple{&f.per_payment_limit, "--per-payment-limit", v1::LIMIT_INTERVAL_PER_TRANSACTION},
        std::tuple{&f.day_limit, "--day-limit", v1::LIMIT_INTERVAL_DAY},
        std::tuple{&f.week_limit, "--week-limit", v1::LIMIT_INTERVAL_WEEK}}) {
    if (text->empty()) continue;
    auto* limit = c->add_limits();
    limit->set_interval(interval);
    if (!Money(*text, flag, limit->mutable_max_amount())) return false;
  }
  for (const std::string& ch : f.channels) {
    v1::Channel channel;
    std::string upper = "CHANNEL_";
    for (char x : ch) upper += static_cast<char>(std::toupper(x));
    if (!v1::Channel_Parse(upper, &channel) || channel == v1::CHANNEL_UNSPECIFIED) {
      std::cerr << "dpctl: --channel: " << ch << " is not in_person, online, atm or recurring\n";
      *exit_code = 2;
      return false;
    }
    c->add_channels(channel);
  }
  for (const auto& x : f.countries) c->add_countries(x);
  for (const auto& x : f.blocked) c->add_blocked_categories(x);
  for (const auto& x : f.allowed) c->add_allowed_categories(x);
  return true;
}

void AddControlFlags(CLI::App* cmd) {
  cmd->add_flag("--cash", f.cash, "allow cash (ATM and over the counter)");
  cmd->add_option("--cash-limit", f.cash_limit, "cash a day, pounds (default 250.00)");
  cmd->add_option("--per-payment-limit", f.per_payment_limit, "largest single payment, pounds");
  cmd->add_option("--day-limit", f.day_limit, "spending a day, pounds");
  cmd->add_option("--week-limit", f.week_limit, "spending a week, pounds");
  cmd->add_option("--channel", f.channels, "allowed: in_person, online, atm, recurring (repeat)");
  cmd->add_option("--country", f.countries, "allowed merchant country, e.g. GB (repeat)");
  cmd->add_option("--block", f.blocked, "block a category: code or group (gambling, cash, ...)");
  cmd->add_option("--allow", f.allowed, "allow a category the authority blocks (repeat)");
}

void AddOfficerCommands(CLI::App* cards) {
  CLI::App* issue = cards->add_subcommand("issue", "issue a card to a card-paid agreement");
  issue->add_option("--agreement", f.agreement, "agreement id")->required();
  issue->add_option("--token", f.token, "the processor's token for the card (never its number)")
      ->required();
  issue->add_option("--last4", f.last4, "the card's last four digits")->required();
  issue->add_option("--expiry-month", f.month, "1 to 12")->required();
  issue->add_option("--expiry-year", f.year, "e.g. 2029")->required();
  issue->add_option("--holder", f.holder, "the cardholder's name")->required();
  issue->add_flag("--additional", f.additional, "a card for someone the person names");
  issue->add_option("--reason", f.reason, "why, in plain words (the person reads it)")->required();
  issue->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  AddControlFlags(issue);
  issue->callback([] {
    v1::IssueCardRequest req;
    req.set_request_id(RequestId());
    req.set_agreement_id(f.agreement);
    req.set_processor_token(f.token);
    req.set_last4(f.last4);
    req.set_expiry_month(f.month);
    req.set_expiry_year(f.year);
    req.set_holder_name(f.holder);
    req.set_additional_holder(f.additional);
    req.set_reason(f.reason);
    if (!ControlsFromFlags(req.mutable_controls())) return;
    *exit_code = CallAndPrint<v1::Card>(
        kCards, "issuing the card",
        [&](grpc::ClientContext* c, v1::Card* r) { return Stub()->IssueCard(c, req, r); }, PrintCard);
  });
  for (const char* name : {"freeze", "unfreeze", "cancel"}) {
    CLI::App* cmd = cards->add_subcommand(name, std::string(name) + " a card");
    cmd->add_option("id", f.id, "card id")->required();
    cmd->add_option("--reason", f.reason, "why, in plain words (the person reads it)")->required();
    cmd->add_option("--request-id", f.request_id, "idempotency key (default: random)");
    cmd->callback([name = std::string(name)] {
      v1::ChangeCardRequest req;
      req.set_request_id(RequestId());
      req.set_card_id(f.id);
      req.set_reason(f.reason);
      *exit_code = CallAndPrint<v1::Card>(
          kCards, name + " the card",
          [&](grpc::ClientContext* c, v1::Card* r) {
            if (name == "freeze") return Stub()->FreezeCard(c, req, r);
            if (name == "unfreeze") return Stub()->UnfreezeCard(c, req, r);
            return Stub()->CancelCard(c, req, r);
          },
          PrintCard);
    });
  }
  CLI::App* replace = cards->add_subcommand("replace", "cancel a card and issue its successor");
  replace->add_option("id", f.id, "card id")->required();
  replace->add_option("--token", f.token, "the new card's processor token")->required();
  replace->add_option("--last4", f.last4, "the new card's last four digits")->required();
  replace->add_option("--expiry-month", f.month, "1 to 12")->required();
  replace->add_option("--expiry-year", f.year, "e.g. 2029")->required();
  replace->add_option("--reason", f.reason, "why, in plain words")->required();
  replace->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  replace->callback([] {
    v1::ReplaceCardRequest req;
    req.set_request_id(RequestId());
    req.set_card_id(f.id);
    req.set_processor_token(f.token);
    req.set_last4(f.last4);
    req.set_expiry_month(f.month);
    req.set_expiry_year(f.year);
    req.set_reason(f.reason);
    *exit_code = CallAndPrint<v1::Card>(
        kCards, "replacing the card",
        [&](grpc::ClientContext* c, v1::Card* r) { return Stub()->ReplaceCard(c, req, r); },
        PrintCard);
  });
  CLI::App* controls = cards->add_subcommand("controls", "set a card's controls from a date");
  controls->add_option("id", f.id, "card id")->required();
  controls->add_option("--from", f.from, "in force from, YYYY-MM-DD (default today)");
  controls->add_option("--reason", f.reason, "why, in plain words (the person reads it)")
      ->required();
  controls->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  AddControlFlags(controls);
  controls->callback([] {
    v1::SetCardControlsRequest req;
    req.set_request_id(RequestId());
    req.set_card_id(f.id);
    req.set_reason(f.reason);
    if (!f.from.empty() && !ParseDate(f.from, req.mutable_effective_from())) {
      std::cerr << "dpctl: --from must be a date such as 2026-12-01\n";
      *exit_code = 2;
      return;
    }
    if (!ControlsFromFlags(req.mutable_controls())) return;
    *exit_code = CallAndPrint<v1::Card>(
        kCards, "setting the card's controls",
        [&](grpc::ClientContext* c, v1::Card* r) { return Stub()->SetCardControls(c, req, r); },
        PrintCard);
  });
  CLI::App* preview = cards->add_subcommand(
      "preview", "what proposed controls would have declined in the last 90 days");
  preview->add_option("id", f.id, "card id")->required();
  AddControlFlags(preview);
  preview->callback([] {
    v1::PreviewCardControlsRequest req;
    req.set_card_id(f.id);
    if (!ControlsFromFlags(req.mutable_controls())) return;
    *exit_code = CallAndPrint<v1::ControlsPreview>(
        kCards, "previewing the controls",
        [&](grpc::ClientContext* c, v1::ControlsPreview* r) {
          return Stub()->PreviewCardControls(c, req, r);
        },
        [](const v1::ControlsPreview& p) {
          if (out().json()) return out().Json(p);
          out().KeyValues({{"purchases in 90 days", std::to_string(p.purchases())},
                           {"would be declined", std::to_string(p.would_decline()) + ", " +
                                                     Gbp(p.would_decline_amount())}});
          std::vector<std::vector<std::string>> rows;
          for (const auto& l : p.declined()) {
            rows.push_back({Rfc3339(l.at().seconds()), l.merchant(), l.merchant_category(),
                            Gbp(l.amount()), l.message()});
          }
          if (!rows.empty()) out().Table({"AT", "MERCHANT", "MCC", "AMOUNT", "WOULD BE TOLD"}, rows);
        });
  });
  CLI::App* show = cards->add_subcommand("show", "a card and its controls");
  show->add_option("id", f.id, "card id")->required();
  show->callback([] {
    v1::GetCardRequest req;
    req.set_card_id(f.id);
    *exit_code = CallAndPrint<v1::Card>(
        kCards, "reading the card",
        [&](grpc::ClientContext* c, v1::Card* r) { return Stub()->GetCard(c, req, r); }, PrintCard);
  });
  CLI::App* list = cards->add_subcommand("list", "an agreement's cards");
  list->add_option("--agreement", f.agreement, "agreement id")->required();
  list->callback([] {
    v1::ListCardsRequest req;
    req.set_agreement_id(f.agreement);
    *exit_code = CallAndPrint<v1::ListCardsResponse>(
        kCards, "listing cards",
        [&](grpc::ClientContext* c, v1::ListCardsResponse* r) { return Stub()->ListCards(c, req, r); },
        [](const v1::ListCardsResponse& r) {
          if (out().json()) return out().Json(r);
          std::vector<std::vector<std::string>> rows;
          for (const auto& c : r.cards()) {
            rows.push_back({std::to_string(c.card_id()), "•••• " + c.last4(), c.holder_name(),
                            Lower(v1::CardStatus_Name(c.status()), "CARD_STATUS_"),
                            ControlsText(c.controls())});
          }
          out().Table({"CARD", "NUMBER", "HOLDER", "STATUS", "CONTROLS"}, rows);
        });
  });
  CLI::App* load = cards->add_subcommand("load", "an emergency load onto an agreement's card");
  load->add_option("--agreement", f.agreement, "agreement id")->required();
  load->add_option("--amount", f.amount, "pounds, e.g. 50.00")->required();
  load->add_option("--reason", f.reason, "why, in plain words (the person reads it)")->required();
  load->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  load->callback([] {
    v1::LoadCardRequest req;
    req.set_request_id(RequestId());
    req.set_agreement_id(f.agreement);
    if (!Money(f.amount, "--amount", req.mutable_amount())) return;
    req.set_reason(f.reason);
    *exit_code = CallAndPrint<v1::CardLoad>(
        kCards, "loading the card",
        [&](grpc::ClientContext* c, v1::CardLoad* r) { return Stub()->LoadCard(c, req, r); },
        [](const v1::CardLoad& l) {
          if (out().json()) return out().Json(l);
          out().KeyValues({{"load", std::to_string(l.load_id())},
                           {"agreement", std::to_string(l.agreement_id())},
                           {"amount", Gbp(l.amount())},
                           {"reason", l.reason()},
                           {"ledger transaction", std::to_string(l.transaction_id())}});
        });
  });
  CLI::App* statement = cards->add_subcommand(
      "statement", "loads and spending with the balance, money held, declines");
  statement->add_option("--agreement", f.agreement, "the agreement's card account");
  statement->add_option("--card", f.id, "or one card's part of it");
  statement->add_option("--page-token", f.auth, "where a previous page ended");
  statement->callback([] {
    v1::GetCardStatementRequest req;
    req.set_agreement_id(f.agreement);
    req.set_card_id(f.id);
    req.set_page_token(f.auth);
    *exit_code = CallAndPrint<v1::CardStatement>(
        kCards, "reading the card statement",
        [&](grpc::ClientContext* c, v1::CardStatement* r) { return Stub()->GetCardStatement(c, req, r); },
        [](const v1::CardStatement& s) {
          if (out().json()) return out().Json(s);
          out().KeyValues({{"balance", Gbp(s.balance())},
                           {"committed, not yet paid", Gbp(s.committed())},
                           {"available to spend", Gbp(s.available())}});
          std::vector<std::vector<std::string>> rows;
          for (const auto& l : s.lines()) {
            rows.push_back({Rfc3339(l.at().seconds()), l.kind(),
                            l.card_id() ? std::to_string(l.card_id()) : "-", l.description(),
                            Gbp(l.amount()), Gbp(l.balance_after())});
          }
          out().Table({"AT", "KIND", "CARD", "WHAT", "AMOUNT", "BALANCE"}, rows);
          if (!s.next_page_token().empty()) std::cout << "more: --page-token " << s.next_page_token() << "\n";
          rows.clear();
          for (const auto& h : s.held()) {
            rows.push_back({Rfc3339(h.authorised_at().seconds()), std::to_string(h.card_id()),
                            h.merchant(), Gbp(h.amount()), Rfc3339(h.expires_at().seconds())});
          }
          if (!rows.empty()) {
            std::cout << "\ncommitted, not yet paid:\n";
            out().Table({"AUTHORISED", "CARD", "MERCHANT", "HELD", "RELEASED BY"}, rows);
          }
          rows.clear();
          for (const auto& d : s.declines()) {
            rows.push_back({Rfc3339(d.at().seconds()), std::to_string(d.card_id()), d.merchant(),
                            Gbp(d.amount()), d.message()});
          }
          if (!rows.empty()) {
            std::cout << "\ndeclined:\n";
            out().Table({"AT", "CARD", "MERCHANT", "AMOUNT", "THE PERSON WAS TOLD"}, rows);
          }
        });
  });
}

// The card network's calls, for a processor's certificate (and for trying
// the service by hand).
void AddNetworkCommands(CLI::App* cards) {
  CLI::App* authorize = cards->add_subcommand("authorize", "ask for a decision (processor)");
  authorize->add_option("--id", f.request_id, "the processor's transaction id")->required();
  authorize->add_option("--token", f.token, "card token")->required();
  authorize->add_option("--amount", f.amount, "pounds, e.g. 12.50")->required();
  authorize->add_option("--mcc", f.mcc, "merchant category code")->capture_default_str();
  authorize->add_option("--merchant", f.merchant, "merchant name");
  authorize->add_option("--country", f.country, "merchant country")->capture_default_str();
  authorize->add_option("--channel", f.channel, "in_person, online, atm or recurring")
      ->check(CLI::IsMember({"in_person", "online", "atm", "recurring"}))
      ->capture_default_str();
  authorize->add_flag("--partial", f.partial, "the merchant accepts a partial approval");
  authorize->add_option("--increments", f.auth, "processor id of the authorisation to grow");
  authorize->callback([] {
    v1::AuthorizeRequest req;
    req.set_processor_id(f.request_id);
    req.set_card_token(f.token);
    if (!Money(f.amount, "--amount", req.mutable_amount())) return;
    req.set_merchant_category(f.mcc);
    req.set_merchant_name(f.merchant);
    req.set_merchant_country(f.country);
    std::string upper = "CHANNEL_";
    for (char x : f.channel) upper += static_cast<char>(std::toupper(x));
    v1::Channel channel = v1::CHANNEL_IN_PERSON;
    (void)v1::Channel_Parse(upper, &channel);  // checked by CLI::IsMember above
    req.set_channel(channel);
    req.set_partial_allowed(f.partial);
    req.set_increments_processor_id(f.auth);
    *exit_code = CallAndPrint<v1::AuthorizationDecision>(
        kCards, "asking for a decision",
        [&](grpc::ClientContext* c, v1::AuthorizationDecision* r) { return Stub()->Authorize(c, req, r); },
        PrintDecision);
  });
  CLI::App* capture = cards->add_subcommand("capture", "settle an authorisation, or force post");
  capture->add_option("--id", f.request_id, "this capture's processor id")->required();
  capture->add_option("--auth", f.auth, "the authorisation's processor id (none: a force post)");
  capture->add_option("--token", f.token, "card token (for a force post)");
  capture->add_option("--amount", f.amount, "pounds")->required();
  capture->add_option("--mcc", f.mcc, "merchant category code (for a force post)")
      ->capture_default_str();
  capture->add_option("--merchant", f.merchant, "merchant name");
  capture->add_flag("--more-to-come", f.partial, "more captures follow: keep the rest held");
  capture->callback([] {
    v1::CaptureRequest req;
    req.set_processor_id(f.request_id);
    req.set_authorization_processor_id(f.auth);
    req.set_card_token(f.token);
    if (!Money(f.amount, "--amount", req.mutable_amount())) return;
    req.set_merchant_category(f.mcc);
    req.set_merchant_name(f.merchant);
    req.set_more_to_come(f.partial);
    *exit_code = CallAndPrint<v1::CardTransaction>(
        kCards, "capturing",
        [&](grpc::ClientContext* c, v1::CardTransaction* r) { return Stub()->Capture(c, req, r); },
        PrintTransaction);
  });
  CLI::App* reverse = cards->add_subcommand("reverse", "release an authorisation's hold");
  reverse->add_option("--id", f.request_id, "this reversal's processor id")->required();
  reverse->add_option("--auth", f.auth, "the authorisation's processor id")->required();
  reverse->callback([] {
    v1::ReverseRequest req;
    req.set_processor_id(f.request_id);
    req.set_authorization_processor_id(f.auth);
    *exit_code = CallAndPrint<v1::CardTransaction>(
        kCards, "reversing",
        [&](grpc::ClientContext* c, v1::CardTransaction* r) { return Stub()->Reverse(c, req, r); },
        PrintTransaction);
  });
  CLI::App* refund = cards->add_subcommand("refund", "credit the card");
  refund->add_option("--id", f.request_id, "this refund's processor id")->required();
  refund->add_option("--token", f.token, "card token")->required();
  refund->add_option("--amount", f.amount, "pounds")->required();
  refund->add_option("--original", f.original, "the purchase's processor id, if known");
  refund->add_option("--merchant", f.merchant, "merchant name");
  refund->callback([] {
    v1::RefundRequest req;
    req.set_processor_id(f.request_id);
    req.set_card_token(f.token);
    if (!Money(f.amount, "--amount", req.mutable_amount())) return;
    req.set_original_processor_id(f.original);
    req.set_merchant_name(f.merchant);
    *exit_code = CallAndPrint<v1::CardTransaction>(
        kCards, "refunding",
        [&](grpc::ClientContext* c, v1::CardTransaction* r) { return Stub()->Refund(c, req, r); },
        PrintTransaction);
  });
}

// The clearing file, sent a chunk at a time so that a long file shows
// progress and no request nears gRPC's message limit.
void AddClearingCommands(CLI::App* cards) {
  static std::string file;
  static int chunk = 500;
  CLI::App* clearing = cards->add_subcommand("clearing", "the processor's daily clearing file");
  clearing->require_subcommand(1);
  CLI::App* import = clearing->add_subcommand("import", "import a clearing file (CSV)");
  import->add_option("file", file, "the CSV file, header first")->required()->check(CLI::ExistingFile);
  import->add_option("--chunk", chunk, "lines a call")->check(CLI::Range(1, 1000))
      ->capture_default_str();
  import->callback([] {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line) && lines.size() < 10'000'000;) {
      lines.push_back(std::move(line));
    }
    const std::string name = file.substr(file.rfind('/') + 1);
    v1::ClearingReport total;
    for (size_t at = 0; at < lines.size(); at += static_cast<size_t>(chunk)) {
      v1::ImportClearingRequest req;
      req.set_file_name(name);
      req.set_first_line(static_cast<int>(at) + 1);
      for (size_t i = at; i < std::min(lines.size(), at + static_cast<size_t>(chunk)); ++i) {
        req.add_lines(lines[i]);
      }
      v1::ClearingReport part;
      *exit_code = Call(kCards, "importing the clearing file", [&](grpc::ClientContext* c) {
        return Stub()->ImportClearing(c, req, &part);
      });
      if (*exit_code != 0) return;
      // Counts add up; problems append (MergeFrom would overwrite counts).
      total.set_lines(total.lines() + part.lines());
      total.set_captured(total.captured() + part.captured());
      total.set_force_posted(total.force_posted() + part.force_posted());
      total.set_refunded(total.refunded() + part.refunded());
      total.set_already_imported(total.already_imported() + part.already_imported());
      total.mutable_imported()->set_amount_pence(total.imported().amount_pence() +
                                                 part.imported().amount_pence());
      total.mutable_imported()->set_currency("GBP");
      total.mutable_problems()->MergeFrom(part.problems());
      std::cerr << "dpctl: " << name << ": lines " << at + 1 << " to "
                << std::min(lines.size(), at + static_cast<size_t>(chunk)) << " of " << lines.size()
                << " sent\n";
    }
    if (out().json()) return out().Json(total);
    out().KeyValues({{"file", name},
                     {"lines", std::to_string(total.lines())},
                     {"captured", std::to_string(total.captured())},
                     {"force posted", std::to_string(total.force_posted())},
                     {"refunded", std::to_string(total.refunded())},
                     {"imported before", std::to_string(total.already_imported())},
                     {"imported now", Gbp(total.imported())},
                     {"problems", std::to_string(total.problems_size())}});
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : total.problems()) {
      rows.push_back({std::to_string(p.line()), p.kind(), p.imported() ? "yes" : "no", p.detail()});
    }
    if (!rows.empty()) out().Table({"LINE", "PROBLEM", "IMPORTED", "DETAIL"}, rows);
  });
}

}  // namespace

void AddCardsCommands(CLI::App& app, int& code, std::function<Output()> make_output) {
  out = std::move(make_output);
  exit_code = &code;
  const char* env = std::getenv("DP_CARDS_ADDR");
  f.address = env != nullptr ? env : "127.0.0.1:7054";
  CLI::App* cards = app.add_subcommand("cards", "prepaid cards and their controls");
  cards->require_subcommand(1);
  cards->add_option("--cards", f.address, "CardService address (env DP_CARDS_ADDR)");
  AddOfficerCommands(cards);
  AddNetworkCommands(cards);
  AddClearingCommands(cards);
}

}  // namespace dpctl
