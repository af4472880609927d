// The money pages several audiences share (an officer, the person's ISO,
// an auditor, the person): the agreement's statement, a page at a time or
// all as CSV, and its card with what is held and what was declined.
#include <algorithm>
#include <cctype>
#include <map>

#include "base/csv.h"
#include "base/strings.h"
#include "console/pages/chart.h"
#include "pages/pages.h"

namespace dp::console_service {

using console::Escape;

namespace {

constexpr int kPageLines = 50;
constexpr int kCsvPageLines = 1000;
constexpr int kMaxCsvPages = 200;  // 200,000 lines: a bounded download

std::string Date(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M", TimeOf(t), London());
}

// HoldingAccount is the agreement's account, or a refusal sent.
std::optional<int64_t> HoldingAccount(Site& site, const SignedIn& who, int64_t agreement_id,
                                      httplib::Response& res) {
  v1::GetAgreementRequest get;
  get.set_agreement_id(agreement_id);
  v1::Agreement a;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.agreements().GetAgreement(ctx, get, &a); })) {
    return std::nullopt;
  }
  if (a.holding_account_id() == 0) {
    SendPage(res, 200, dp::StrCat("Statement of agreement ", agreement_id), who.viewer,
             "<p>No money has been paid yet, so there is no statement.</p>");
    return std::nullopt;
  }
  return a.holding_account_id();
}

// InAndOut splits a line of the agreement's account (an asset: a debit
// brings money in) into its In and Out columns.
std::pair<std::string, std::string> InAndOut(const v1::StatementLine& l) {
  const std::string pounds = console::Pounds(l.amount_pence());
  return l.side() == v1::SIDE_DEBIT ? std::pair{pounds, std::string()}
                                    : std::pair{std::string(), pounds};
}

// EachStatementPage reads an account's statement from the start, at most
// `max_pages` pages of kCsvPageLines, handing each to `page`; a refusal
// stops it and is returned.
template <typename Fn>
grpc::Status EachStatementPage(Backends& backends, const std::string& user, int64_t account_id,
                               int max_pages, Fn page) {
  v1::ListStatementRequest list;
  list.set_account_id(account_id);
  list.set_page_size(kCsvPageLines);
  for (int n = 0; n < max_pages; ++n) {
    v1::ListStatementResponse got;
    const grpc::Status s = backends.ledger().ListStatement(backends.For(user).get(), list, &got);
    if (!s.ok()) return s;
    page(got);
    if (got.next_page_token().empty()) break;
    list.set_page_token(got.next_page_token());
  }
  return grpc::Status::OK;
}

// CategoryWords names a card category group for people: "care_services" ->
// "Care services"; a payment in no group is "Other purchases".
std::string CategoryWords(const std::string& group) {
  if (group.empty()) return "Other purchases";
  std::string words = group;
  for (char& c : words) c = c == '_' ? ' ' : c;
  words[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0])));
  return words;
}

// SpendingByCategory draws what the card paid for, by category: payments
// less refunds, over at most 20,000 lines of the card's history, the
// largest first. Empty when the card paid for nothing, or on a refusal.
std::string SpendingByCategory(Site& site, const SignedIn& who, int64_t agreement_id) {
  std::map<std::string, int64_t> spent;  // group -> pence
  v1::GetCardStatementRequest get;
  get.set_agreement_id(agreement_id);
  get.set_page_size(1000);
  for (int page = 0; page < 20; ++page) {
    v1::CardStatement st;
    if (!site.backends.cards()
             .GetCardStatement(site.backends.For(who.principal.name).get(), get, &st)
             .ok()) {
      return "";
    }
    for (const v1::CardStatementLine& l : st.lines()) {
      if (!l.merchant_category().empty()) spent[l.category()] -= l.amount().amount_pence();
    }
    if (st.next_page_token().empty()) break;
    get.set_page_token(st.next_page_token());
  }
  std::vector<console::Bar> bars;
  for (const auto& [group, pence] : spent) {
    if (pence > 0) bars.push_back({CategoryWords(group), pence});
  }
  std::sort(bars.begin(), bars.end(),
            [](const console::Bar& a, const console::Bar& b) { return a.pence > b.pence; });
  return console::BarChart("Card spending by category", bars);
}

}  // namespace

std::string MoneyCharts(Backends& backends, const std::string& user, const v1::Agreement& a) {
  if (a.holding_account_id() == 0) return "";
  std::vector<console::BalancePoint> points;
  std::map<std::string, int64_t> out_by_month;  // "2026-11" -> pence
  const grpc::Status read = EachStatementPage(
      backends, user, a.holding_account_id(), 20,  // bounded: 20,000 movements
      [&](const v1::ListStatementResponse& got) {
        if (points.empty() && got.lines_size() > 0) {
          points.push_back({got.lines(0).posted_at().seconds() - 1, got.opening_balance_pence()});
        }
        for (const v1::StatementLine& l : got.lines()) {
          points.push_back({l.posted_at().seconds(), l.balance_after_pence()});
          if (l.side() == v1::SIDE_CREDIT) {
            out_by_month[absl::FormatTime("%Y-%m", TimeOf(l.posted_at()), London())] +=
                l.amount_pence();
          }
        }
      });
  if (!read.ok()) return "";
  // 8 weeks of what the agreement pays: a year's net payments x 8 / 52,
  // a year's periods being the annual cost over the gross budget.
  const v1::AgreementVersion& v = a.current();
  const int64_t gross = v.terms().gross_budget().amount_pence();
  const int64_t threshold = gross > 0 ? v.net_per_period().amount_pence() *
                                            v.annual_cost().amount_pence() / gross * 8 / 52
                                      : 0;
  std::vector<console::Bar> bars;  // the last six months
  auto it = out_by_month.begin();
  if (out_by_month.size() > 6) std::advance(it, out_by_month.size() - 6);
  for (; it != out_by_month.end(); ++it) bars.push_back({it->first, it->second});
  return dp::StrCat(
      "<h2>Over time</h2>",
      console::BalanceChart("The balance against the 8-week threshold", points, threshold),
      console::BarChart("Money out, by month", bars));
}

void StatementPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  const auto account = HoldingAccount(site, who, id, res);
  if (!account) return;
  v1::ListStatementRequest list;
  list.set_account_id(*account);
  list.set_page_size(kPageLines);
  list.set_page_token(req.get_param_value("page").substr(0, 200));
  v1::ListStatementResponse got;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.ledger().ListStatement(ctx, list, &got); })) {
    return;
  }
  console::Table table{"Money in and out, oldest first",
                       {"When", "What", "In", "Out", "Balance"},
                       {},
                       "Nothing has moved yet."};
  for (const v1::StatementLine& l : got.lines()) {
    const auto [in, out] = InAndOut(l);
    table.rows.push_back({Escape(When(l.posted_at())), Escape(l.description()), Escape(in),
                          Escape(out), Escape(console::Pounds(l.balance_after_pence()))});
  }
  const std::string path = dp::StrCat("/agreements/", id, "/statement");
  SendPage(
      res, 200, dp::StrCat("Statement of agreement ", id), who.viewer,
      dp::StrCat("<p>", AgreementLink(id), "</p>",
                 list.page_token().empty()
                     ? dp::StrCat("<p>Opening balance: ",
                                  Escape(console::Pounds(got.opening_balance_pence())), "</p>")
                     : "",
                 console::DrawTable(table), Pager(path, got.next_page_token(), path + ".csv")));
}

void StatementCsv(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  const auto account = HoldingAccount(site, who, id, res);
  if (!account) return;
  std::string csv;
  AppendCsvLine(
      &csv, {"posted_at", "transaction_id", "kind", "description", "in", "out", "balance_after"});
  const grpc::Status read = EachStatementPage(
      site.backends, who.principal.name, *account, kMaxCsvPages,
      [&](const v1::ListStatementResponse& got) {
        for (const v1::StatementLine& l : got.lines()) {
          const auto [in, out] = InAndOut(l);
          AppendCsvLine(&csv, {Date(l.posted_at()), std::to_string(l.transaction_id()), l.kind(),
                               l.description(), in, out, console::Pounds(l.balance_after_pence())});
        }
      });
  if (!read.ok()) return SendRefusal(res, who.viewer, read);
  SendCsv(res, dp::StrCat("statement-agreement-", id, ".csv"), csv);
}

void CardPage(Site& site, const SignedIn& who, const httplib::Request& req,
              httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::GetCardStatementRequest get;
  get.set_agreement_id(id);
  get.set_page_size(kPageLines);
  get.set_page_token(req.get_param_value("page").substr(0, 200));
  v1::CardStatement st;
  const grpc::Status s =
      site.backends.cards().GetCardStatement(site.backends.For(who.principal.name).get(), get, &st);
  if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return SendPage(res, 200, dp::StrCat("Card of agreement ", id), who.viewer,
                    dp::StrCat("<p>This direct payment is not paid onto a card.</p><p>",
                               AgreementLink(id), "</p>"));
  }
  if (!s.ok()) return SendRefusal(res, who.viewer, s);
  std::string html = dp::StrCat(
      "<p>", AgreementLink(id), "</p><dl class=\"summary\">",
      Row("On the card", Escape(console::Pounds(st.balance().amount_pence()))),
      Row("Committed, not yet paid", Escape(console::Pounds(st.committed().amount_pence()))),
      Row("Available",
          dp::StrCat("<strong>", Escape(console::Pounds(st.available().amount_pence())),
                     "</strong>")),
      "</dl>");
  console::Table held{"Committed, not yet paid",
                      {"When", "Where", "Amount", "Held until"},
                      {},
                      "Nothing is waiting to be paid."};
  for (const v1::HeldPayment& h : st.held()) {
    held.rows.push_back({Escape(When(h.authorised_at())), Escape(h.merchant()),
                         Escape(console::Pounds(h.amount().amount_pence())),
                         Escape(When(h.expires_at()))});
  }
  console::Table declines{"Payments the card refused",
                          {"When", "Where", "Amount", "Why"},
                          {},
                          "No payment was refused."};
  for (const v1::DeclinedPayment& d : st.declines()) {
    declines.rows.push_back({Escape(When(d.at())), Escape(d.merchant()),
                             Escape(console::Pounds(d.amount().amount_pence())),
                             Escape(d.message())});
  }
  console::Table lines{"Money on and off the card",
                       {"When", "What", "Amount", "Balance"},
                       {},
                       "Nothing has moved yet."};
  for (const v1::CardStatementLine& l : st.lines()) {
    lines.rows.push_back({Escape(When(l.at())), Escape(l.description()),
                          Escape(console::Pounds(l.amount().amount_pence())),
                          Escape(console::Pounds(l.balance_after().amount_pence()))});
  }
  if (!req.has_param("page")) html += SpendingByCategory(site, who, id);
  html += console::DrawTable(held) + console::DrawTable(declines) + console::DrawTable(lines) +
          Pager(dp::StrCat("/agreements/", id, "/card"), st.next_page_token(), "");
  SendPage(res, 200, dp::StrCat("Card of agreement ", id), who.viewer, html);
}

}  // namespace dp::console_service
