#ifndef DP_SERVICES_CONSOLE_PAGES_LISTS_H_
#define DP_SERVICES_CONSOLE_PAGES_LISTS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/strings.h"
#include "pages/common.h"

// Lists that page and download: one description of a list serves the few
// rows a home page shows (with "See all"), the whole list a page at a time,
// and all of it as CSV.
namespace dp::console_service {

// Cell is one value of a row: its text (escaped on the page, as it is in
// the CSV), a link when `href` is set, and emphasis for what needs acting on.
struct Cell {
  std::string text;
  std::string href;
  bool strong = false;
};
using ListRow = std::vector<Cell>;

// ListPage is one page of a list as a service answered it.
struct ListPage {
  std::vector<ListRow> rows;
  std::string next_token;
};

// List describes a list the user may page through and download.
//
//   List approvals{"/approvals", "Approvals waiting", {"Agreement", ...}, "None waiting.",
//                  [&](grpc::ClientContext* ctx, int size, const std::string& token,
//                      ListPage* page) { ... return stub.ListAgreements(ctx, req, &got); }};
struct List {
  // The whole list's page, with any query it needs ("/payments/day?date=2026-12-02").
  std::string path;
  std::string caption;
  std::vector<std::string> headings;
  std::string empty_words;
  // Fetch reads one page of at most `page_size` rows as the signed-in user.
  std::function<grpc::Status(grpc::ClientContext*, int page_size, const std::string& page_token,
                             ListPage* page)>
      fetch;
};

// AgreementCell is an agreement's id, linked to its page.
inline Cell AgreementCell(int64_t agreement_id) {
  return {dp::StrCat("Agreement ", agreement_id), dp::StrCat("/agreements/", agreement_id)};
}

// PagedFetch is a List's fetch over one of the services' list RPCs: it asks
// `call` for a page of `query`, makes a row of each item `items` picks from
// the answer with `row`, and keeps the answer's next page token.
//
//   PagedFetch<v1::ListPayRunsResponse>(
//       query,
//       [&site](auto* ctx, const auto& req, auto* got) {
//         return site.backends.payroll().ListPayRuns(ctx, req, got);
//       },
//       [](const v1::ListPayRunsResponse& got) -> const auto& { return got.runs(); },
//       [](const v1::PayRun& r) -> ListRow { return {{r.status()}}; })
template <typename Response, typename Request, typename Call, typename Items, typename Row>
auto PagedFetch(Request query, Call call, Items items, Row row) {
  return [query = std::move(query), call = std::move(call), items = std::move(items),
          row = std::move(row)](grpc::ClientContext* ctx, int size, const std::string& token,
                                ListPage* page) {
    Request req = query;
    req.set_page_size(size);
    req.set_page_token(token);
    Response got;
    const grpc::Status s = call(ctx, req, &got);
    for (const auto& item : items(got)) page->rows.push_back(row(item));
    page->next_token = got.next_page_token();
    return s;
  };
}

// ListExcerpt is the first `rows` rows of a list, for a home page, with a
// link to all of it when there are more. A list the service could not read
// says so (kNoAnswer), as an empty one would be untrue.
std::string ListExcerpt(Site& site, const SignedIn& who, const List& list, int rows);

// SendList answers with the list's page named by the request's `page`
// token (the first when absent), the link to the next, and the download;
// `format=csv` answers with all of it as CSV instead (at most 20,000 rows).
void SendList(Site& site, const SignedIn& who, const List& list, const httplib::Request& req,
              httplib::Response& res, const std::string& intro_html = "");

}  // namespace dp::console_service

#endif  // DP_SERVICES_CONSOLE_PAGES_LISTS_H_
