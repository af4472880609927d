// dpctl ledger: accounts, balances, statements, journals, reversals and
// holds, over LedgerService.
#include "ledger_commands.h"

#include <iostream>

#include "absl/time/time.h"
#include "admin_commands.h"
#include "call.h"
#include "payments_commands.h"
#include "channel.h"
#include "dp/v1/ledger.grpc.pb.h"
#include "money/money.h"

namespace dpctl {

std::string NewRequestId();  // main.cc

namespace {


namespace v1 = dp::v1;

// The output factory; set by AddLedgerCommands, read by the callbacks.
std::function<Output()> out;
Output Out() { return out(); }

std::unique_ptr<v1::LedgerService::Stub> Ledger() {
  return v1::LedgerService::NewStub(MakeChannel(LedgerAddress()));
}


std::string TypeName(v1::AccountType t) {
  std::string name = v1::AccountType_Name(t);
  name = name.substr(std::string("ACCOUNT_TYPE_").size());
  for (char& c : name) c = static_cast<char>(std::tolower(c));
  return name;
}

// ResolveAccount turns "123" (an id) or "AUTH-FIFE:FUNDING" (a code) into an account.
grpc::Status ResolveAccount(const std::string& key, v1::Account* out) {
  v1::GetAccountRequest req;
  if (!key.empty() && key.find_first_not_of("0123456789") == std::string::npos) {
    req.set_id(std::stoll(key));
  } else {
    req.set_code(key);
  }
  return Ledger()->GetAccount(Context().get(), req, out);
}

int Fail(const std::string& message) {
  std::cerr << "dpctl: " << message << "\n";
  return 2;
}

absl::StatusOr<google::protobuf::Timestamp> ParseTime(const std::string& text,
                                                      const std::string& flag) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return absl::InvalidArgumentError(flag + " must be an RFC 3339 time such as "
                                      "2026-04-06T00:00:00Z: " + err);
  }
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

void PrintAccounts(const std::vector<v1::Account>& accounts) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : accounts) {
    rows.push_back({std::to_string(a.id()), a.code(), a.name(), TypeName(a.type()), a.currency(),
                    a.authority_id(),
                    a.owner_type().empty() ? "" : a.owner_type() + ":" + a.owner_id(),
                    a.debits_must_not_exceed_credits() || a.credits_must_not_exceed_debits()
                        ? "no-negative"
                        : ""});
  }
  Out().Table({"ID", "CODE", "NAME", "TYPE", "CUR", "AUTHORITY", "OWNER", "FLAGS"}, rows);
}

void PrintTransaction(const v1::Transaction& t) {
  if (Out().json()) return Out().Json(t);
  Out().KeyValues({{"transaction", std::to_string(t.id())},
                   {"kind", t.kind()},
                   {"description", t.description()},
                   {"posted at", Rfc3339(t.posted_at().seconds())},
                   {"request id", t.request_id()}});
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : t.postings()) {
    const std::string amount = Pounds(p.amount().amount_pence(), p.amount().currency());
    rows.push_back({std::to_string(p.account_id()), p.side() == v1::SIDE_DEBIT ? amount : "",
                    p.side() == v1::SIDE_CREDIT ? amount : ""});
  }
  std::cout << "\n";
  Out().Table({"ACCOUNT", "DEBIT", "CREDIT"}, rows);
}

void PrintPending(const v1::PendingTransfer& p) {
  if (Out().json()) return Out().Json(p);
  std::string state = v1::PendingTransfer::State_Name(p.state()).substr(6);
  Out().KeyValues({{"hold", std::to_string(p.id())},
                   {"state", state},
                   {"amount", Pounds(p.amount().amount_pence(), p.amount().currency())},
                   {"debit account", std::to_string(p.debit_account_id())},
                   {"credit account", std::to_string(p.credit_account_id())},
                   {"expires at", Rfc3339(p.expires_at().seconds())},
                   {"posted", p.has_posted_amount() ? Pounds(p.posted_amount().amount_pence(),
                                                             p.posted_amount().currency())
                                                    : "-"},
                   {"tolerance", p.has_post_tolerance() ? Pounds(p.post_tolerance().amount_pence(),
                                                                 p.post_tolerance().currency())
                                                          : "-"},
                   {"description", p.description()}});
}

// ---------------------------------------------------------------- commands

int AccountsList(const std::string& owner_type, const std::string& owner_id, int page_size,
                 bool all) {
  v1::ListAccountsRequest req;
  req.set_owner_type(owner_type);
  req.set_owner_id(owner_id);
  req.set_page_size(page_size);
  v1::ListAccountsResponse merged;
  if (int code = CallPages(kLedger, "listing accounts", req, all, &merged,
                           [](grpc::ClientContext* c, const v1::ListAccountsRequest& r,
                              v1::ListAccountsResponse* page) {
                             return Ledger()->ListAccounts(c, r, page);
                           });
      code != 0) {
    return code;
  }
  const std::vector<v1::Account> accounts(merged.accounts().begin(), merged.accounts().end());
  if (Out().json()) {
    Out().Json(merged);
  } else {
    PrintAccounts(accounts);
    if (!merged.next_page_token().empty()) {
      std::cout << "more: --all, or --page-token " << merged.next_page_token() << "\n";
    }
  }
  return 0;
}

int Balance(const std::string& key, const std::string& as_of) {
  v1::Account account;
  if (auto s = ResolveAccount(key, &account); !s.ok()) return Report(kLedger, "finding " + key, s);
  v1::GetBalanceRequest req;
  req.set_account_id(account.id());
  if (!as_of.empty()) {
    auto ts = ParseTime(as_of, "--as-of");
    if (!ts.ok()) return Fail(std::string(ts.status().message()));
    *req.mutable_as_of() = *ts;
  }
  v1::Balance b;
  if (int code = Call(kLedger, "reading the balance",
      [&](grpc::ClientContext* c) { return Ledger()->GetBalance(c, req, &b); });
    code != 0) {
    return code;
  }
  if (Out().json()) {
    Out().Json(b);
    return 0;
  }
  const std::string& c = b.currency();
  Out().KeyValues({{"account", std::to_string(account.id()) + " " + account.code()},
                   {"as of", Rfc3339(b.as_of().seconds())},
                   {"posted balance", Pounds(b.posted_balance_pence(), c)},
                   {"available", Pounds(b.available_balance_pence(), c)},
                   {"debits posted", Pounds(b.debits_posted_pence(), c)},
                   {"credits posted", Pounds(b.credits_posted_pence(), c)},
                   {"debits held", Pounds(b.debits_pending_pence(), c)},
                   {"credits held", Pounds(b.credits_pending_pence(), c)}});
  // An agreement's own account: what it has available to spend, and why.
  const std::string& code = account.code();
  const bool agreement_account =
      account.owner_type() == "agreement" &&
      (code.ends_with(":BANK") || code.ends_with(":CARD"));
  if (agreement_account && as_of.empty()) {
    v1::AvailableToSpend available;
    if (Call(kAgreements, "reading what is available to spend", [&](grpc::ClientContext* ctx) {
          return FetchAvailable(ctx, std::stoll(account.owner_id()), &available);
        }) == 0) {
      std::cout << "\n";
      PrintAvailable(available);
    }
  }
  return 0;
}

int Statement(const std::string& key, const std::string& from, const std::string& to,
              int page_size, const std::string& page_token, bool all) {
  v1::Account account;
  if (auto s = ResolveAccount(key, &account); !s.ok()) return Report(kLedger, "finding " + key, s);
  v1::ListStatementRequest req;
  req.set_account_id(account.id());
  req.set_page_size(page_size);
  req.set_page_token(page_token);
  for (auto [text, flag, field] : {std::tuple{from, "--from", req.mutable_from()},
                                   std::tuple{to, "--to", req.mutable_to()}}) {
    if (text.empty()) continue;
    auto ts = ParseTime(text, flag);
    if (!ts.ok()) return Fail(std::string(ts.status().message()));
    *field = *ts;
  }
  if (from.empty()) req.clear_from();
  if (to.empty()) req.clear_to();
  v1::ListStatementResponse merged;
  for (int page = 0; page < 10000; ++page) {  // bounded
    v1::ListStatementResponse resp;
    if (int code = Call(kLedger, "reading the statement",
        [&](grpc::ClientContext* c) { return Ledger()->ListStatement(c, req, &resp); });
      code != 0) {
      return code;
    }
    if (page == 0) {
      merged.set_currency(resp.currency());
      merged.set_opening_balance_pence(resp.opening_balance_pence());
    }
    merged.mutable_lines()->MergeFrom(resp.lines());
    merged.set_next_page_token(resp.next_page_token());
    if (!all || resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  if (Out().json()) {
    Out().Json(merged);
    return 0;
  }
  std::cout << "Statement for " << account.code() << " (" << account.name() << ")\n"
            << "Opening balance: " << Pounds(merged.opening_balance_pence(), merged.currency())
            << "\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : merged.lines()) {
    const std::string amount = dp::FormatPence(l.amount_pence());
    rows.push_back({Rfc3339(l.posted_at().seconds()), std::to_string(l.transaction_id()),
                    l.kind(), l.description(), l.side() == v1::SIDE_DEBIT ? amount : "",
                    l.side() == v1::SIDE_CREDIT ? amount : "",
                    dp::FormatPence(l.balance_after_pence())});
  }
  Out().Table({"POSTED", "TXN", "KIND", "DESCRIPTION", "DEBIT", "CREDIT", "BALANCE"}, rows);
  if (!merged.next_page_token().empty()) {
    std::cout << "more: --all, or --page-token " << merged.next_page_token() << "\n";
  }
  return 0;
}

// ParseLeg parses "CODE=12.34" into a posting on the resolved account.
grpc::Status ParseLeg(const std::string& leg, v1::Side side, const std::string& currency,
                      v1::Posting* out) {
  const auto eq = leg.rfind('=');
  if (eq == std::string::npos) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "\"" + leg + "\" must look like ACCOUNT=AMOUNT, e.g. AUTH:FUNDING=12.50");
  }
  auto pence = dp::ParsePence(leg.substr(eq + 1));
  if (!pence.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string(pence.status().message()));
  }
  v1::Account account;
  if (auto s = ResolveAccount(leg.substr(0, eq), &account); !s.ok()) return s;
  out->set_account_id(account.id());
  out->set_side(side);
  out->mutable_amount()->set_amount_pence(*pence);
  out->mutable_amount()->set_currency(currency.empty() ? account.currency() : currency);
  return grpc::Status::OK;
}

int Journal(const std::vector<std::string>& debits, const std::vector<std::string>& credits,
            const std::string& reason, const std::string& kind, const std::string& currency,
            std::string request_id) {
  v1::CreateTransactionRequest req;
  if (request_id.empty()) request_id = NewRequestId();
  req.set_request_id(request_id);
  req.set_kind(kind);
  req.set_description(reason);
  for (const auto& [legs, side] : {std::pair{debits, v1::SIDE_DEBIT},
                                   std::pair{credits, v1::SIDE_CREDIT}}) {
    for (const auto& leg : legs) {
      if (auto s = ParseLeg(leg, side, currency, req.add_postings()); !s.ok()) {
        return Report(kLedger, "reading " + leg, s);
      }
    }
  }
  v1::Transaction t;
  if (int code = Call(kLedger, "posting the journal",
                      [&](grpc::ClientContext* c) { return Ledger()->CreateTransaction(c, req, &t); });
      code != 0) {
    std::cerr << "request id: " << request_id << " (reuse it with --request-id to retry)\n";
    return code;
  }
  PrintTransaction(t);
  return 0;
}

}  // namespace

void AddLedgerCommands(CLI::App& app, int& exit_code, std::function<Output()> make_output) {
  out = std::move(make_output);
  CLI::App* ledger = app.add_subcommand("ledger", "accounts, balances, statements, journals");
  ledger->require_subcommand(1);

  CLI::App* accounts = ledger->add_subcommand("accounts", "list, show or create accounts");
  accounts->require_subcommand(1);
  static std::string owner_type, owner_id, page_token;
  static int page_size = 0;
  static bool all = false;
  CLI::App* list = accounts->add_subcommand("list", "list accounts");
  list->add_option("--owner-type", owner_type, "only accounts of this owner type");
  list->add_option("--owner-id", owner_id, "only accounts of this owner");
  list->add_option("--page-size", page_size, "rows per page (default 50)");
  list->add_flag("--all", all, "follow every page");
  list->callback([&] { exit_code = AccountsList(owner_type, owner_id, page_size, all); });

  static std::string key;
  CLI::App* show = accounts->add_subcommand("show", "show one account");
  show->add_option("account", key, "account code or id")->required();
  show->callback([&] {
    v1::Account a;
    auto s = ResolveAccount(key, &a);
    if (!s.ok()) {
      exit_code = Report(kLedger, "finding " + key, s);
    } else if (Out().json()) {
      Out().Json(a);
    } else {
      PrintAccounts({a});
    }
  });

  static v1::CreateAccountRequest create_req;
  static std::string type_name, create_request_id;
  static bool no_negative = false;
  CLI::App* create = accounts->add_subcommand("create", "create an account");
  static std::string code, name, currency = "GBP", authority;
  create->add_option("--code", code, "unique code, e.g. AUTH-FIFE:FUNDING")->required();
  create->add_option("--name", name, "descriptive name")->required();
  create->add_option("--type", type_name, "asset, liability, income, expense or equity")
      ->required()
      ->check(CLI::IsMember({"asset", "liability", "income", "expense", "equity"}));
  create->add_option("--currency", currency, "ISO 4217 code")->capture_default_str();
  create->add_option("--authority", authority, "owning authority (default: your own)");
  create->add_option("--owner-type", owner_type, "authority, agreement, employer, card, ...");
  create->add_option("--owner-id", owner_id, "the owner's id");
  create->add_flag("--no-negative", no_negative, "the balance may never go below zero");
  create->add_option("--request-id", create_request_id, "idempotency key (default: random)");
  create->callback([&] {
    v1::CreateAccountRequest req;
    req.set_request_id(create_request_id.empty() ? NewRequestId() : create_request_id);
    req.set_code(code);
    req.set_name(name);
    req.set_authority_id(authority);
    std::string upper = "ACCOUNT_TYPE_" + type_name;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    v1::AccountType type = v1::ACCOUNT_TYPE_UNSPECIFIED;
    v1::AccountType_Parse(upper, &type);
    req.set_type(type);
    req.set_currency(currency);
    req.set_owner_type(owner_type);
    req.set_owner_id(owner_id);
    const bool debit_normal = type == v1::ACCOUNT_TYPE_ASSET || type == v1::ACCOUNT_TYPE_EXPENSE;
    req.set_credits_must_not_exceed_debits(no_negative && debit_normal);
    req.set_debits_must_not_exceed_credits(no_negative && !debit_normal);
    v1::Account a;
    exit_code = Call(kLedger, "creating the account",
        [&](grpc::ClientContext* c) { return Ledger()->CreateAccount(c, req, &a); });
    if (exit_code != 0) return;
    if (Out().json()) {
      Out().Json(a);
    } else {
      PrintAccounts({a});
    }
  });

  static std::string as_of, from, to;
  CLI::App* balance = ledger->add_subcommand("balance", "an account's balance, now or as of a time");
  balance->add_option("account", key, "account code or id")->required();
  balance->add_option("--as-of", as_of, "RFC 3339 time, e.g. 2026-04-05T23:59:59Z");
  balance->callback([&] { exit_code = Balance(key, as_of); });

  CLI::App* statement = ledger->add_subcommand("statement", "an account's postings over a period");
  statement->add_option("account", key, "account code or id")->required();
  statement->add_option("--from", from, "RFC 3339, inclusive");
  statement->add_option("--to", to, "RFC 3339, exclusive");
  statement->add_option("--page-size", page_size, "lines per page (default 100)");
  statement->add_option("--page-token", page_token, "continue from a previous page");
  statement->add_flag("--all", all, "follow every page");
  statement->callback(
      [&] { exit_code = Statement(key, from, to, page_size, page_token, all); });

  static std::vector<std::string> debits, credits;
  static std::string reason, kind = "manual_journal", journal_currency, request_id;
  CLI::App* journal = ledger->add_subcommand("journal", "post a manual journal with a reason");
  journal->add_option("--debit", debits, "ACCOUNT=AMOUNT, repeatable")->required();
  journal->add_option("--credit", credits, "ACCOUNT=AMOUNT, repeatable")->required();
  journal->add_option("--reason", reason, "why, in plain language")->required();
  journal->add_option("--kind", kind, "transaction kind")->capture_default_str();
  journal->add_option("--currency", journal_currency, "default: each account's currency");
  journal->add_option("--request-id", request_id, "idempotency key (default: random)");
  journal->callback([&] {
    exit_code = Journal(debits, credits, reason, kind, journal_currency, request_id);
  });

  static int64_t txn_id = 0;
  CLI::App* txn = ledger->add_subcommand("transaction", "show a transaction");
  txn->add_option("id", txn_id, "transaction id")->required();
  txn->callback([&] {
    v1::GetTransactionRequest req;
    req.set_id(txn_id);
    exit_code = CallAndPrint<v1::Transaction>(
        kLedger, "reading the transaction",
        [&](grpc::ClientContext* c, v1::Transaction* r) { return Ledger()->GetTransaction(c, req, r); }, PrintTransaction);
  });

  CLI::App* reverse = ledger->add_subcommand("reverse", "reverse a transaction, with a reason");
  reverse->add_option("id", txn_id, "transaction id")->required();
  reverse->add_option("--reason", reason, "why")->required();
  reverse->add_option("--request-id", request_id, "idempotency key (default: random)");
  reverse->callback([&] {
    v1::ReverseTransactionRequest req;
    req.set_request_id(request_id.empty() ? NewRequestId() : request_id);
    req.set_transaction_id(txn_id);
    req.set_reason(reason);
    exit_code = CallAndPrint<v1::Transaction>(
        kLedger, "reversing",
        [&](grpc::ClientContext* c, v1::Transaction* r) { return Ledger()->ReverseTransaction(c, req, r); }, PrintTransaction);
  });

  CLI::App* hold = ledger->add_subcommand("hold", "two-phase transfers: create, post, void, show");
  hold->require_subcommand(1);
  static std::string hold_from, hold_to, amount;
  static int timeout_s = 7 * 24 * 3600;
  CLI::App* hold_create = hold->add_subcommand("create", "hold funds");
  hold_create->add_option("--from", hold_from, "account debited")->required();
  hold_create->add_option("--to", hold_to, "account credited")->required();
  hold_create->add_option("--amount", amount, "e.g. 25.00")->required();
  hold_create->add_option("--timeout-s", timeout_s, "expiry")->capture_default_str();
  static std::string tolerance;
  hold_create->add_option("--tolerance", tolerance,
                          "may be posted up to this much above the amount (tips, fuel)");
  hold_create->add_option("--reason", reason, "description")->required();
  hold_create->add_option("--request-id", request_id, "idempotency key (default: random)");
  hold_create->callback([&] {
    v1::Account debit, credit;
    auto pence = dp::ParsePence(amount);
    if (!pence.ok()) { exit_code = Fail(std::string(pence.status().message())); return; }
    if (auto s = ResolveAccount(hold_from, &debit); !s.ok()) { exit_code = Report(kLedger, "finding " + hold_from, s); return; }
    if (auto s = ResolveAccount(hold_to, &credit); !s.ok()) { exit_code = Report(kLedger, "finding " + hold_to, s); return; }
    v1::CreatePendingTransferRequest req;
    req.set_request_id(request_id.empty() ? NewRequestId() : request_id);
    req.set_debit_account_id(debit.id());
    req.set_credit_account_id(credit.id());
    req.mutable_amount()->set_amount_pence(*pence);
    req.mutable_amount()->set_currency(debit.currency());
    req.set_timeout_seconds(timeout_s);
    req.set_description(reason);
    if (!tolerance.empty()) {
      auto extra = dp::ParsePence(tolerance);
      if (!extra.ok()) { exit_code = Fail("--tolerance: " + std::string(extra.status().message())); return; }
      req.mutable_post_tolerance()->set_amount_pence(*extra);
      req.mutable_post_tolerance()->set_currency(debit.currency());
    }
    exit_code = CallAndPrint<v1::PendingTransfer>(
        kLedger, "holding funds",
        [&](grpc::ClientContext* c, v1::PendingTransfer* r) { return Ledger()->CreatePendingTransfer(c, req, r); }, PrintPending);
  });
  static int64_t hold_id = 0;
  CLI::App* hold_post = hold->add_subcommand("post", "post a hold, in full or for less");
  hold_post->add_option("id", hold_id, "hold id")->required();
  hold_post->add_option("--amount", amount,
                        "post less than held (the rest is released), or more within its tolerance");
  hold_post->add_option("--request-id", request_id, "idempotency key (default: random)");
  hold_post->callback([&] {
    v1::PostPendingTransferRequest req;
    req.set_request_id(request_id.empty() ? NewRequestId() : request_id);
    req.set_pending_transfer_id(hold_id);
    if (!amount.empty()) {
      auto pence = dp::ParsePence(amount);
      if (!pence.ok()) { exit_code = Fail(std::string(pence.status().message())); return; }
      v1::GetPendingTransferRequest get;
      get.set_id(hold_id);
      v1::PendingTransfer current;
      exit_code = Call(kLedger, "reading the hold",
          [&](grpc::ClientContext* c) { return Ledger()->GetPendingTransfer(c, get, &current); });
        if (exit_code != 0) return;
      req.mutable_amount()->set_amount_pence(*pence);
      req.mutable_amount()->set_currency(current.amount().currency());
    }
    exit_code = CallAndPrint<v1::PendingTransfer>(
        kLedger, "posting the hold",
        [&](grpc::ClientContext* c, v1::PendingTransfer* r) { return Ledger()->PostPendingTransfer(c, req, r); }, PrintPending);
  });
  CLI::App* hold_increase = hold->add_subcommand("increase", "grow a hold (incremental authorisation)");
  hold_increase->add_option("id", hold_id, "hold id")->required();
  hold_increase->add_option("--amount", amount, "the increase, e.g. 5.00")->required();
  hold_increase->add_option("--request-id", request_id, "idempotency key (default: random)");
  hold_increase->callback([&] {
    auto pence = dp::ParsePence(amount);
    if (!pence.ok()) { exit_code = Fail("--amount: " + std::string(pence.status().message())); return; }
    v1::GetPendingTransferRequest get;
    get.set_id(hold_id);
    v1::PendingTransfer current;
    exit_code = Call(kLedger, "reading the hold",
        [&](grpc::ClientContext* c) { return Ledger()->GetPendingTransfer(c, get, &current); });
      if (exit_code != 0) return;
    v1::IncreasePendingTransferRequest req;
    req.set_request_id(request_id.empty() ? NewRequestId() : request_id);
    req.set_pending_transfer_id(hold_id);
    req.mutable_amount()->set_amount_pence(*pence);
    req.mutable_amount()->set_currency(current.amount().currency());
    exit_code = CallAndPrint<v1::PendingTransfer>(
        kLedger, "increasing the hold",
        [&](grpc::ClientContext* c, v1::PendingTransfer* r) { return Ledger()->IncreasePendingTransfer(c, req, r); }, PrintPending);
  });
  CLI::App* hold_void = hold->add_subcommand("void", "release a hold");
  hold_void->add_option("id", hold_id, "hold id")->required();
  hold_void->add_option("--reason", reason, "why")->required();
  hold_void->add_option("--request-id", request_id, "idempotency key (default: random)");
  hold_void->callback([&] {
    v1::VoidPendingTransferRequest req;
    req.set_request_id(request_id.empty() ? NewRequestId() : request_id);
    req.set_pending_transfer_id(hold_id);
    req.set_reason(reason);
    exit_code = CallAndPrint<v1::PendingTransfer>(
        kLedger, "voiding the hold",
        [&](grpc::ClientContext* c, v1::PendingTransfer* r) { return Ledger()->VoidPendingTransfer(c, req, r); }, PrintPending);
  });
  CLI::App* hold_show = hold->add_subcommand("show", "show a hold");
  hold_show->add_option("id", hold_id, "hold id")->required();
  hold_show->callback([&] {
    v1::GetPendingTransferRequest req;
    req.set_id(hold_id);
    exit_code = CallAndPrint<v1::PendingTransfer>(
        kLedger, "reading the hold",
        [&](grpc::ClientContext* c, v1::PendingTransfer* r) { return Ledger()->GetPendingTransfer(c, req, r); }, PrintPending);
  });

}

}  // namespace dpctl
