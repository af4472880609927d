#include "pages/lists.h"

#include <cctype>

#include "base/check.h"
#include "base/csv.h"
#include "base/strings.h"

namespace dp::console_service {

namespace {

constexpr int kPageRows = 50;
constexpr int kCsvPageRows = 500;
constexpr int kMaxCsvPages = 40;  // 20,000 rows

std::string Html(const Cell& c) {
  std::string html = c.href.empty() ? console::Escape(c.text) : console::Link(c.href, c.text);
  return c.strong ? dp::StrCat("<strong>", html, "</strong>") : html;
}

console::Table TableOf(const List& list, const std::vector<ListRow>& rows) {
  console::Table table{list.caption, list.headings, {}, list.empty_words};
  for (const ListRow& row : rows) {
    DP_CHECK_EQ(row.size(), list.headings.size());
    std::vector<std::string> cells;
    for (const Cell& c : row) cells.push_back(Html(c));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

grpc::Status Fetch(Site& site, const SignedIn& who, const List& list, int size,
                   const std::string& token, ListPage* page) {
  return list.fetch(site.backends.For(who.principal.name).get(), size, token, page);
}

void SendCsvOfList(Site& site, const SignedIn& who, const List& list, httplib::Response& res) {
  std::string csv;
  AppendCsvLine(&csv, list.headings);
  std::string token;
  for (int pages = 0; pages < kMaxCsvPages; ++pages) {
    ListPage page;
    const grpc::Status s = Fetch(site, who, list, kCsvPageRows, token, &page);
    if (!s.ok()) return SendRefusal(res, who.viewer, s);
    for (const ListRow& row : page.rows) {
      std::vector<std::string> fields;
      for (const Cell& c : row) fields.push_back(c.text);
      AppendCsvLine(&csv, fields);
    }
    token = page.next_token;
    if (token.empty()) break;
  }
  // The file's name is the list's path without its slashes and query signs:
  // "/payments/day?date=2026-12-02" -> "payments-day-date-2026-12-02.csv".
  std::string name;
  for (char c : list.path.substr(1)) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  SendCsv(res, name + ".csv", csv);
}

}  // namespace

std::string ListExcerpt(Site& site, const SignedIn& who, const List& list, int rows) {
  DP_CHECK(rows > 0 && rows <= kPageRows);
  ListPage page;
  if (!Fetch(site, who, list, rows, "", &page).ok()) {
    List failed = list;
    failed.empty_words = kNoAnswer;
    return console::DrawTable(TableOf(failed, {}));
  }
  std::string html = console::DrawTable(TableOf(list, page.rows));
  if (!page.next_token.empty()) {
    html +=
        dp::StrCat("<p>", console::Link(list.path, dp::StrCat("See all: ", list.caption)), "</p>");
  }
  return html;
}

void SendList(Site& site, const SignedIn& who, const List& list, const httplib::Request& req,
              httplib::Response& res, const std::string& intro_html) {
  if (req.get_param_value("format") == "csv") return SendCsvOfList(site, who, list, res);
  ListPage page;
  const grpc::Status s =
      Fetch(site, who, list, kPageRows, req.get_param_value("page").substr(0, 200), &page);
  if (!s.ok()) return SendRefusal(res, who.viewer, s);
  const char* join = list.path.find('?') == std::string::npos ? "?" : "&";
  SendPage(
      res, 200, list.caption, who.viewer,
      dp::StrCat(intro_html, console::DrawTable(TableOf(list, page.rows)),
                 Pager(list.path, page.next_token, dp::StrCat(list.path, join, "format=csv"))));
}

}  // namespace dp::console_service
