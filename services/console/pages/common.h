#ifndef DP_SERVICES_CONSOLE_PAGES_COMMON_H_
#define DP_SERVICES_CONSOLE_PAGES_COMMON_H_

#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "backends.h"
#include "console/pages/html.h"
#include "server.h"

// What every page shares: sending a page or a refusal in words, dates and
// money for people, the agreement's money and record sections, and tables
// that page and download.
namespace dp::console_service {

// Site is what the pages need besides the request: the services, and the
// console's own address for the links it gives out.
struct Site {
  Backends& backends;
  std::string public_url;  // "https://console.example.gov.uk"
};

// Ask makes one call as the signed-in user (`rpc` is given the call's
// context); on a refusal it answers with the page that says so and returns
// false, for the handler to stop.
//
//   if (!Ask(site, who, res, [&](auto* ctx) { return stub.GetCase(ctx, get, &c); })) return;
template <typename Rpc>
bool Ask(Site& site, const SignedIn& who, httplib::Response& res, Rpc rpc);

// kNoAnswer stands in for a list a service did not answer: "none" would
// be untrue.
inline constexpr char kNoAnswer[] = "These cannot be shown just now: the service did not answer.";

// SendPage answers with a whole page.
void SendPage(httplib::Response& res, int status, const std::string& title,
              const console::Viewer& viewer, const std::string& main_html);

// SendRefusal answers a service's refusal as a page in words, with the
// HTTP status that matches it (403, 404, 422, 503).
void SendRefusal(httplib::Response& res, const console::Viewer& viewer, const grpc::Status& status);

// SendDownload answers with a file to save: a PDF, a CSV, a report.
void SendDownload(httplib::Response& res, const std::string& file_name,
                  const std::string& content_type, const std::string& content);

// ParseDay reads a form's YYYY-MM-DD date (as <input type="date"> sends
// it); nothing when it is not a real day. Never guessed.
std::optional<v1::Date> ParseDay(const std::string& text);

// ParseHours reads hours as people type them, "7.5" or "7.50", as
// hundredths (750); nothing for anything else, nothing or above `max_centi`.
std::optional<int32_t> ParseHours(const std::string& text, int32_t max_centi);

// RoleWords names a role for people: "Finance officer".
std::string RoleWords(iam::Role role);
// NavLinks are the pages a role finds in the header besides Home.
std::vector<std::pair<std::string, std::string>> NavLinks(iam::Role role);

// Dates and times as people read them, in UK time: "2 Dec 2026 13:37",
// "20 Apr 2026" ("none" for an absent date).
const absl::TimeZone& London();
absl::Time TimeOf(const google::protobuf::Timestamp& t);
std::string When(const google::protobuf::Timestamp& t);
std::string DayOf(const v1::Date& d);
std::string IsoDay(const v1::Date& d);  // "2026-12-02", as forms and links carry it

std::string StatusWords(v1::AgreementStatus s);  // "Awaiting approval"
std::string AgreementLink(int64_t id);           // <a href="/agreements/7">Agreement 7</a>
// Row is one line of a summary list (<dl class="summary">): the term is
// text, the value safe HTML.
std::string Row(std::string_view term, std::string_view safe_value);
// Wrap breaks text into lines of at most `width` bytes at spaces.
std::vector<std::string> Wrap(const std::string& text, size_t width);
// JoinEscaped lists items, escaped, with commas ("none" when empty).
std::string JoinEscaped(const google::protobuf::RepeatedPtrField<std::string>& items);

// MoneySection is the balance and what is available to spend, with each
// part committed, as the payments service works it out.
std::string MoneySection(Backends& backends, const std::string& user, int64_t agreement_id);

// MoneyCharts draws the agreement's balance over time against the 8-week
// surplus threshold, and its money out in each of the last six months.
std::string MoneyCharts(Backends& backends, const std::string& user, const v1::Agreement& a);

// MoneyLinks links an agreement's statement and card pages, named in the
// reader's words ("your statement").
std::string MoneyLinks(int64_t agreement_id, std::string_view statement, std::string_view card);

// RecordTable is the person's record: every decision, with its reason.
std::string RecordTable(const v1::PersonRecord& record, std::string_view caption);

// Pager is the links under a paged table: the next page (when there is
// one) and the download of all of it (when `csv_path` is given).
std::string Pager(std::string_view path, const std::string& next_token, std::string_view csv_path);
// SendCsv answers with a CSV file to download.
void SendCsv(httplib::Response& res, const std::string& file_name, const std::string& csv);

template <typename Rpc>
bool Ask(Site& site, const SignedIn& who, httplib::Response& res, Rpc rpc) {
  const grpc::Status s = rpc(site.backends.For(who.principal.name).get());
  if (!s.ok()) SendRefusal(res, who.viewer, s);
  return s.ok();
}

}  // namespace dp::console_service

#endif  // DP_SERVICES_CONSOLE_PAGES_COMMON_H_
