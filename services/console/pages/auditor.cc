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

// ReportOf reads the form's authority and period into `get`; what to fix
// when they cannot be read, else empty.
std::string ReportOf(const httplib::Request& req, v1::GetAuditorReportRequest* get) {
  get->set_authority_id(req.get_param_value("authority").substr(0, 64));
  const auto from = ParseDay(req.get_param_value("from"));
  const auto to = ParseDay(req.get_param_value("to"));
  if (!from) return "From must be a date, for example 2026-04-01.";
  if (!to) return "To must be a date, for example 2027-03-31.";
  *get->mutable_period_start() = *from;
  *get->mutable_period_end() = *to;
  return "";
}

void CheckTheForm(httplib::Response& res, const SignedIn& who, const std::string& problem) {
  SendPage(res, 422, "Check the report's details", who.viewer,
           dp::StrCat(console::ErrorBox(problem), "<p>", console::Link("/", "Back"), "</p>"));
}

// PeriodFields are the authority and the financial year's dates.
std::string PeriodFields(const SignedIn& who) {
  std::vector<std::pair<std::string, std::string>> authorities;
  for (const std::string& a : who.principal.authorities) authorities.emplace_back(a, a);
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), London());
  const int year_start =
      today.month() >= 4 ? static_cast<int>(today.year()) : static_cast<int>(today.year()) - 1;
  return dp::StrCat(
      console::Select("Authority", "authority", authorities),
      console::DateField("From", "from", absl::FormatCivilTime(absl::CivilDay(year_start, 4, 1))),
      console::DateField("To (inclusive)", "to",
                         absl::FormatCivilTime(absl::CivilDay(year_start + 1, 3, 31))));
}

}  // namespace

void AuditorHome(Site&, const SignedIn& who, const httplib::Request&, httplib::Response& res) {
  std::string html = dp::StrCat(
      "<h2>Reports</h2><p>An authority's direct payments for a period: agreements, money in and "
      "out, spending by category, findings and cases, and a sample of transactions. Each report "
      "names the audit trail's head it was made at.</p>",
      "<form method=\"get\" action=\"/reports/download\">", PeriodFields(who),
      console::Select("Format", "format",
                      {{"csv", "CSV (for checking later)"},
                       {"xlsx", "Spreadsheet (XLSX)"},
                       {"pdf", "Summary with charts (PDF)"}}),
      "<p><button type=\"submit\">Download the report</button></p></form>",
      "<h2>A sample of transactions</h2><p>",
      console::Link("/reports/sample", "Draw a sample of an authority's transactions"),
      ": the report's own sample, each transaction with its postings.</p>",
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
  std::string problem = ReportOf(req, &get);
  const std::string format = req.get_param_value("format");
  if (!problem.empty()) {
  } else if (format == "csv") {
    get.set_format(v1::REPORT_FORMAT_CSV);
  } else if (format == "xlsx") {
    get.set_format(v1::REPORT_FORMAT_XLSX);
  } else if (format == "pdf") {
    get.set_format(v1::REPORT_FORMAT_PDF);
  } else {
    problem = "Format must be CSV, XLSX or PDF.";
  }
  if (!problem.empty()) return CheckTheForm(res, who, problem);
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

void SamplePage(Site& site, const SignedIn& who, const httplib::Request& req,
                httplib::Response& res) {
  std::string html = dp::StrCat(
      "<p>The transactions a report samples: the same authority, period, instant and seed give "
      "the same sample, so another auditor can draw it again.</p>"
      "<form method=\"get\" action=\"/reports/sample\">",
      PeriodFields(who),
      console::Field("How many", "size", "text", "off", "1 to 500; 25 when empty", false),
      console::Field("Seed", "seed", "text", "off",
                     "A report's seed draws its sample again; empty for a new one", false),
      "<p><button type=\"submit\">Draw the sample</button></p></form>");
  if (!req.has_param("authority"))
    return SendPage(res, 200, "A sample of transactions", who.viewer, html);
  v1::GetAuditorReportRequest get;
  std::string problem = ReportOf(req, &get);
  int32_t size = 0;
  int64_t seed = 0;
  const std::string size_text = req.get_param_value("size"),
                    seed_text = req.get_param_value("seed");
  if (!size_text.empty() && (!absl::SimpleAtoi(size_text, &size) || size < 1 || size > 500)) {
    problem = "How many must be a number from 1 to 500.";
  }
  if (!seed_text.empty() && (!absl::SimpleAtoi(seed_text, &seed) || seed < 1)) {
    problem = "The seed must be a whole number above 0, as a report names it.";
  }
  if (!problem.empty()) return CheckTheForm(res, who, problem);
  get.set_sample_size(size);
  get.set_seed(seed);
  v1::AuditorReport report;
  if (!Ask(site, who, res, [&](auto* ctx) {
        return site.backends.monitoring().GetAuditorReport(ctx, get, &report);
      })) {
    return;
  }
  console::Table table{dp::StrCat("Sample of ", get.authority_id(), "'s transactions"),
                       {"Transaction", "Posted", "Kind", "Amount", "Description"},
                       {},
                       "The period has no transaction to sample."};
  for (const v1::SampledTransaction& t : report.sampled()) {
    table.rows.push_back({console::Link(dp::StrCat("/transactions/", t.transaction_id()),
                                        dp::StrCat("Transaction ", t.transaction_id())),
                          Escape(When(t.posted_at())), Escape(t.kind()),
                          Escape(console::Pounds(t.amount().amount_pence())),
                          Escape(t.description())});
  }
  html +=
      dp::StrCat("<dl class=\"summary\">", Row("Seed", std::to_string(report.seed())),
                 Row("As of", Escape(When(report.as_of()))),
                 Row("Audit head", dp::StrCat("<code>", Escape(report.audit_head()), "</code>")),
                 "</dl>", console::DrawTable(table));
  SendPage(res, 200, "A sample of transactions", who.viewer, html);
}

void TransactionPage(Site& site, const SignedIn& who, const httplib::Request& req,
                     httplib::Response& res) {
  v1::GetTransactionRequest get;
  get.set_id(std::stoll(req.matches[1]));
  v1::Transaction t;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.ledger().GetTransaction(ctx, get, &t); })) {
    return;
  }
  console::Table postings{"Postings", {"Account", "Name", "Debit", "Credit"}, {}, "None."};
  for (const v1::Posting& p : t.postings()) {
    v1::GetAccountRequest ga;
    ga.set_id(p.account_id());
    v1::Account account;
    if (!Ask(site, who, res,
             [&](auto* ctx) { return site.backends.ledger().GetAccount(ctx, ga, &account); })) {
      return;
    }
    const std::string amount = Escape(console::Pounds(p.amount().amount_pence()));
    const bool debit = p.side() == v1::SIDE_DEBIT;
    postings.rows.push_back(
        {Escape(account.code()), Escape(account.name()), debit ? amount : "", debit ? "" : amount});
  }
  SendPage(
      res, 200, dp::StrCat("Transaction ", t.id()), who.viewer,
      dp::StrCat("<dl class=\"summary\">", Row("Kind", Escape(t.kind())),
                 Row("Description", Escape(t.description())),
                 Row("Posted", Escape(When(t.posted_at()))), Row("Made by", Escape(t.created_by())),
                 Row("Request id", dp::StrCat("<code>", Escape(t.request_id()), "</code>")),
                 t.reverses_transaction_id() > 0
                     ? Row("Reverses",
                           console::Link(dp::StrCat("/transactions/", t.reverses_transaction_id()),
                                         dp::StrCat("Transaction ", t.reverses_transaction_id())))
                     : "",
                 "</dl>", console::DrawTable(postings)));
}

}  // namespace dp::console_service
