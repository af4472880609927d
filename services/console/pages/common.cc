#include "pages/common.h"

#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"
#include "base/strings.h"
#include "service/proto_convert.h"

namespace dp::console_service {

using console::Escape;

const absl::TimeZone& London() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/London", z)) *z = absl::UTCTimeZone();
    return z;
  }();
  return *zone;
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

std::string When(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%e %b %Y %H:%M", TimeOf(t), London());
}

std::string DayOf(const v1::Date& d) {
  if (d.year() == 0) return "none";
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (d.month() < 1 || d.month() > 12) return "none";
  return dp::StrCat(d.day(), " ", kMonths[d.month() - 1], " ", d.year());
}

std::string IsoDay(const v1::Date& d) {
  return absl::FormatCivilTime(absl::CivilDay(d.year(), d.month(), d.day()));
}

std::string StatusWords(v1::AgreementStatus s) {
  switch (s) {
    case v1::AGREEMENT_STATUS_DRAFT:
      return "Draft";
    case v1::AGREEMENT_STATUS_AWAITING_APPROVAL:
      return "Awaiting approval";
    case v1::AGREEMENT_STATUS_APPROVED:
      return "Approved";
    case v1::AGREEMENT_STATUS_ACTIVE:
      return "Active";
    case v1::AGREEMENT_STATUS_SUSPENDED:
      return "Suspended";
    case v1::AGREEMENT_STATUS_TERMINATED:
      return "Ended";
    default:
      return "Unknown";
  }
}

std::string AgreementLink(int64_t id) {
  return console::Link(dp::StrCat("/agreements/", id), dp::StrCat("Agreement ", id));
}

std::string Row(std::string_view term, std::string_view safe_value) {
  return dp::StrCat("<div><dt>", Escape(term), "</dt><dd>", safe_value, "</dd></div>");
}

std::vector<std::string> Wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(at, end - at);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    at = end + 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

std::string JoinEscaped(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += dp::StrCat(out.empty() ? "" : ", ", Escape(s));
  return out.empty() ? "none" : out;
}

std::string MoneySection(Backends& backends, const std::string& user, int64_t agreement_id) {
  v1::GetAvailableToSpendRequest req;
  req.set_agreement_id(agreement_id);
  v1::AvailableToSpend a;
  const grpc::Status s = backends.payments().GetAvailableToSpend(backends.For(user).get(), req, &a);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND ||
      s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return "<h2>Money</h2><p>No money has been paid yet.</p>";
  }
  if (!s.ok()) return "<h2>Money</h2>" + console::ErrorBox("The balance cannot be shown just now.");
  std::string rows = dp::StrCat(
      Row("Balance", Escape(console::Pounds(a.balance().amount_pence()))),
      Row("Card payments not yet settled", Escape(console::Pounds(a.held().amount_pence()))));
  for (const v1::CommittedPart& c : a.commitments()) {
    std::string words = c.words();
    if (!words.empty()) words[0] = absl::ascii_toupper(static_cast<unsigned char>(words[0]));
    rows += Row(words, Escape(console::Pounds(c.amount().amount_pence())));
  }
  rows += Row(
      "Available to spend",
      dp::StrCat("<strong>", Escape(console::Pounds(a.available().amount_pence())), "</strong>"));
  return dp::StrCat("<h2>Money</h2><dl class=\"summary\">", rows, "</dl><p>", Escape(a.summary()),
                    "</p>");
}

std::string RecordTable(const v1::PersonRecord& record, std::string_view caption) {
  console::Table decisions{
      std::string(caption), {"When", "What", "By", "Reason"}, {}, "Nothing recorded yet."};
  for (const v1::Decision& d : record.decisions()) {
    decisions.rows.push_back({Escape(When(d.decided_at())),
                              Escape(d.summary().empty() ? d.kind() : d.summary()),
                              Escape(d.decided_by()), Escape(d.reason())});
  }
  return console::DrawTable(decisions);
}

void SendPage(httplib::Response& res, int status, const std::string& title,
              const console::Viewer& viewer, const std::string& main_html) {
  res.status = status;
  res.set_content(console::Page(title, viewer, main_html), "text/html; charset=utf-8");
}

void SendRefusal(httplib::Response& res, const console::Viewer& viewer, const grpc::Status& s) {
  int http = 422;
  std::string title = "That could not be done";
  switch (s.error_code()) {
    case grpc::StatusCode::PERMISSION_DENIED:
      http = 403;
      title = "Not allowed";
      break;
    case grpc::StatusCode::NOT_FOUND:
      http = 404;
      title = "Not found";
      break;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      http = 503;
      title = "Not available just now";
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      http = 403;
      title = "Not allowed";
      break;
    default:
      break;
  }
  const std::string words = http == 503
                                ? "The service did not answer in time. Nothing was changed; try "
                                  "again in a minute."
                                : s.error_message();
  SendPage(res, http, title, viewer,
           dp::StrCat(console::ErrorBox(words), "<p>", console::Link("/", "Back to home"), "</p>"));
}

std::string RoleWords(iam::Role role) {
  switch (role) {
    case iam::Role::kFinanceOfficer:
      return "Finance officer";
    case iam::Role::kIso:
      return "Support organisation";
    case iam::Role::kAuditor:
      return "Auditor";
    case iam::Role::kAdmin:
      return "Administrator";
    case iam::Role::kService:
      return "Service";
    case iam::Role::kProcessor:
      return "Card processor";
    case iam::Role::kConsole:
      return "Console";
    case iam::Role::kPerson:
      return "Your own record";
  }
  return "Unknown";
}

std::string Pager(std::string_view path, const std::string& next_token, std::string_view csv_path) {
  std::string links;
  if (!next_token.empty()) {
    const char* join = path.find('?') == std::string_view::npos ? "?page=" : "&page=";
    links +=
        dp::StrCat("<li>", console::Link(dp::StrCat(path, join, next_token), "Next page"), "</li>");
  }
  if (!csv_path.empty()) {
    links += dp::StrCat("<li>", console::Link(csv_path, "Download all of it (CSV)"), "</li>");
  }
  return links.empty() ? "" : dp::StrCat("<ul class=\"pager\">", links, "</ul>");
}

void SendDownload(httplib::Response& res, const std::string& file_name,
                  const std::string& content_type, const std::string& content) {
  res.set_header("Content-Disposition", dp::StrCat("attachment; filename=\"", file_name, "\""));
  res.set_content(content, content_type);
}

void SendCsv(httplib::Response& res, const std::string& file_name, const std::string& csv) {
  SendDownload(res, file_name, "text/csv; charset=utf-8", csv);
}

std::optional<v1::Date> ParseDay(const std::string& text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) return std::nullopt;
  v1::Date d;
  service::DayToProto(day, &d);
  return d;
}

std::optional<int32_t> ParseHours(const std::string& text, int32_t max_centi) {
  const size_t dot = text.find('.');
  const std::string whole = text.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 5 || frac.size() > 2) return std::nullopt;
  for (char c : whole + frac) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  while (frac.size() < 2) frac += '0';
  const int64_t centi = std::stoll(whole) * 100 + std::stoll(frac);
  if (centi <= 0 || centi > max_centi) return std::nullopt;
  return static_cast<int32_t>(centi);
}

std::vector<std::pair<std::string, std::string>> NavLinks(iam::Role role) {
  switch (role) {
    case iam::Role::kFinanceOfficer:
      return {{"/employers", "Payroll"},
              {"/payments/schedule", "Payment schedule"},
              {"/staff", "Invite a colleague"}};
    case iam::Role::kAdmin:
      return {{"/staff", "Invite a colleague"}};
    case iam::Role::kIso:
      return {{"/employers", "Payroll"}};
    case iam::Role::kAuditor:
      return {{"/audit", "Audit trail"}};
    default:
      return {};
  }
}

std::string MoneyLinks(int64_t agreement_id, std::string_view statement, std::string_view card) {
  return dp::StrCat(
      "<ul class=\"links\"><li>",
      console::Link(dp::StrCat("/agreements/", agreement_id, "/statement"),
                    dp::StrCat("See ", statement)),
      "</li><li>",
      console::Link(dp::StrCat("/agreements/", agreement_id, "/card"), dp::StrCat("See ", card)),
      "</li></ul>");
}

}  // namespace dp::console_service
