// The auditor's pages: an authority's report for a period (CSV, XLSX, PDF),
// checking a downloaded report against the books as they are now, and the
// audit trail, browsed and verified against a head kept outside.
#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"
#include "base/strings.h"
#include "pages/pages.h"

namespace dp::console_service {

using console::Escape;

namespace {

constexpr size_t kMaxReportBytes = 3'000'000;

// FormValue reads a field of a form, posted plainly or as multipart.
std::string FormValue(const httplib::Request& req, const std::string& name) {
  if (req.is_multipart_form_data()) return req.get_file_value(name).content;
  return req.get_param_value(name);
}

}  // namespace

void AuditorHome(Site&, const SignedIn& who, const httplib::Request&, httplib::Response& res) {
  std::vector<std::pair<std::string, std::string>> authorities;
  for (const std::string& a : who.principal.authorities) authorities.emplace_back(a, a);
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), London());
  const int year_start =
      today.month() >= 4 ? static_cast<int>(today.year()) : static_cast<int>(today.year()) - 1;
  std::string html = dp::StrCat(
      "<h2>Reports</h2><p>An authority's direct payments for a period: agreements, money in and "
      "out, spending by category, findings and cases, and a sample of transactions. Each report "
      "names the audit trail's head it was made at.</p>",
      "<form method=\"get\" action=\"/reports/download\">",
      console::Select("Authority", "authority", authorities),
      console::DateField("From", "from", absl::FormatCivilTime(absl::CivilDay(year_start, 4, 1))),
      console::DateField("To (inclusive)", "to",
                         absl::FormatCivilTime(absl::CivilDay(year_start + 1, 3, 31))),
      console::Select("Format", "format",
                      {{"csv", "CSV (for checking later)"},
                       {"xlsx", "Spreadsheet (XLSX)"},
                       {"pdf", "Summary with charts (PDF)"}}),
      "<p><button type=\"submit\">Download the report</button></p></form>",
      "<h2>Check a report</h2><p>Upload a CSV report downloaded earlier: the books are read again "
      "and any difference is listed, and the audit trail is checked up to the head the report "
      "names.</p><form method=\"post\" action=\"/reports/verify\" enctype=\"multipart/form-data\">",
      console::CsrfField(who.session.csrf_token),
      "<p class=\"field\"><label for=\"f-report\">Report (CSV)</label><input id=\"f-report\" "
      "name=\"report\" type=\"file\" accept=\".csv,text/csv\" required></p>",
      "<p><button type=\"submit\">Check the report</button></p></form>",
      "<h2>Audit trail</h2><ul class=\"links\"><li>", console::Link("/audit", "Browse the trail"),
      "</li><li>", console::Link("/audit/verify", "Verify the whole trail"), "</li></ul>",
      "<form method=\"get\" action=\"/audit/verify\"><p class=\"field\"><label "
      "for=\"f-expect_head\">A head you kept earlier</label><span class=\"hint\" "
      "id=\"f-expect_head-hint\">The trail must still reach it: nothing cut from the end.</span>"
      "<input id=\"f-expect_head\" name=\"expect_head\" type=\"text\" autocomplete=\"off\" "
      "aria-describedby=\"f-expect_head-hint\" required></p><p><button type=\"submit\">Verify "
      "against this head</button></p></form>");
  SendPage(res, 200, "Home", who.viewer, html);
}

void ReportDownload(Site& site, const SignedIn& who, const httplib::Request& req,
                    httplib::Response& res) {
  v1::GetAuditorReportRequest get;
  get.set_authority_id(req.get_param_value("authority").substr(0, 64));
  const auto from = ParseDay(req.get_param_value("from"));
  const auto to = ParseDay(req.get_param_value("to"));
  const std::string format = req.get_param_value("format");
  std::string problem;
  if (!from) problem = "From must be a date, for example 2026-04-01.";
  if (!to) problem = "To must be a date, for example 2027-03-31.";
  if (format == "csv") {
    get.set_format(v1::REPORT_FORMAT_CSV);
  } else if (format == "xlsx") {
    get.set_format(v1::REPORT_FORMAT_XLSX);
  } else if (format == "pdf") {
    get.set_format(v1::REPORT_FORMAT_PDF);
  } else {
    problem = "Format must be CSV, XLSX or PDF.";
  }
  if (!problem.empty()) {
    return SendPage(
        res, 422, "Check the report's details", who.viewer,
        dp::StrCat(console::ErrorBox(problem), "<p>", console::Link("/", "Back"), "</p>"));
  }
  *get.mutable_period_start() = *from;
  *get.mutable_period_end() = *to;
  v1::AuditorReport report;
  if (!Ask(site, who, res, [&](auto* ctx) {
        return site.backends.monitoring().GetAuditorReport(ctx, get, &report);
      })) {
    return;
  }
  res.set_header("X-Report-SHA256", report.sha256());
  SendDownload(res, report.file_name(), report.content_type(), report.content());
}

void ReportVerify(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res) {
  const std::string content = FormValue(req, "report");
  if (content.empty() || content.size() > kMaxReportBytes) {
    return SendPage(res, 422, "Choose a report", who.viewer,
                    dp::StrCat(console::ErrorBox("Choose a CSV report of at most 3 MB to check."),
                               "<p>", console::Link("/", "Back"), "</p>"));
  }
  v1::VerifyAuditorReportRequest verify;
  verify.set_content(content);
  v1::ReportVerification out;
  if (!Ask(site, who, res, [&](auto* ctx) {
        return site.backends.monitoring().VerifyAuditorReport(ctx, verify, &out);
      })) {
    return;
  }
  std::string html =
      out.matches() ? console::NoticeBox("The report matches the books, byte for byte.")
                    : console::ErrorBox("The report does not match the books as they are now.");
  html += dp::StrCat(
      "<dl class=\"summary\">", Row("SHA-256 of the report", Escape(out.sha256_given())),
      Row("SHA-256 of the books now", Escape(out.sha256_now())),
      Row("Audit trail", out.audit_intact() ? "Intact, and it reaches the report's head"
                                            : Escape("Not intact: " + out.audit_problem())),
      "</dl>");
  console::Table differences{"What differs", {"Difference"}, {}, "Nothing differs."};
  for (const std::string& d : out.differences()) differences.rows.push_back({Escape(d)});
  html += console::DrawTable(differences) + "<p>" + console::Link("/", "Back to home") + "</p>";
  SendPage(res, 200, "Report checked", who.viewer, html);
}

void AuditTrail(Site& site, const SignedIn& who, const httplib::Request& req,
                httplib::Response& res) {
  v1::ListAuditEventsRequest list;
  list.set_page_size(50);
  list.set_page_token(req.get_param_value("page").substr(0, 200));
  v1::ListAuditEventsResponse got;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.audit().ListAuditEvents(ctx, list, &got); })) {
    return;
  }
  console::Table events{"Events, in the order they were written",
                        {"When", "Who", "Did", "To", "Outcome"},
                        {},
                        "No events."};
  for (const v1::AuditEvent& e : got.events()) {
    events.rows.push_back(
        {Escape(When(e.at())), Escape(e.principal()), Escape(e.method()), Escape(e.resource()),
         e.code() == 0 ? "Done" : Escape(dp::StrCat("Refused (", e.code(), ")"))});
  }
  SendPage(res, 200, "Audit trail", who.viewer,
           console::DrawTable(events) + Pager("/audit", got.next_page_token(), ""));
}

void AuditVerify(Site& site, const SignedIn& who, const httplib::Request& req,
                 httplib::Response& res) {
  v1::VerifyAuditChainRequest verify;
  verify.set_expect_head(req.get_param_value("expect_head").substr(0, 2000));
  v1::VerifyAuditChainResponse out;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.audit().VerifyAuditChain(ctx, verify, &out); })) {
    return;
  }
  std::string html =
      out.intact() ? console::NoticeBox(dp::StrCat("The trail is intact: ", out.events_checked(),
                                                   " events checked."))
                   : console::ErrorBox(dp::StrCat("The trail is not intact: ", out.problem()));
  html += dp::StrCat("<dl class=\"summary\">", Row("Events", std::to_string(out.head_seq())),
                     Row("Head now (keep it to check later)",
                         dp::StrCat("<code id=\"audit-head\">", Escape(out.head()), "</code>")),
                     "</dl><p>", console::Link("/", "Back to home"), "</p>");
  SendPage(res, 200, "Audit trail verified", who.viewer, html);
}

}  // namespace dp::console_service
