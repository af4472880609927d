// The payroll pages, for an ISO (its granted employers) and an officer
// (their authority's): employers, each employer's PAs, timesheets and pay
// runs, submitting a timesheet, and a pay run's payslips with the PDF.
#include <set>

#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"
#include "base/strings.h"
#include "pages/pages.h"

namespace dp::console_service {

using console::Escape;

namespace {

constexpr int kTimesheetRows = 7;  // a week's days on one form

std::string Hours(int64_t centi) {
  return dp::StrCat(centi / 100, ".", centi % 100 < 10 ? "0" : "", centi % 100);
}

// DocumentLink is a list item linking one payroll document.
std::string DocumentLink(std::string_view kind, std::string_view of, int64_t id,
                         std::string_view words, std::string_view extra = "") {
  return dp::StrCat(
      "<li>",
      console::Link(dp::StrCat("/payroll/documents?kind=", kind, "&", of, "=", id, extra), words),
      "</li>");
}

constexpr int kEmployerRows = 10;

// TimesheetsList is an employer's timesheets, latest first, with each PA's
// name from `names`.
List TimesheetsList(Site& site, int64_t employer, std::map<int64_t, std::string> names) {
  v1::ListTimesheetsRequest query;
  query.set_employer_id(employer);
  return {dp::StrCat("/employers/", employer, "/timesheets"),
          "Timesheets, latest first",
          {"PA", "Period", "Hours", "Sick days"},
          "No timesheet yet.",
          PagedFetch<v1::ListTimesheetsResponse>(
              query,
              [&site](auto* ctx, const auto& req, auto* got) {
                return site.backends.payroll().ListTimesheets(ctx, req, got);
              },
              [](const v1::ListTimesheetsResponse& got) -> const auto& { return got.timesheets(); },
              [names = std::move(names)](const v1::TimesheetSummary& t) -> ListRow {
                const auto name = names.find(t.employee_id());
                return {{name != names.end() ? name->second : std::to_string(t.employee_id())},
                        {dp::StrCat(DayOf(t.period_start()), " to ", DayOf(t.period_end()))},
                        {Hours(t.total_hours_centi())},
                        {std::to_string(t.sick_days())}};
              })};
}

List PayRunsList(Site& site, int64_t employer) {
  v1::ListPayRunsRequest query;
  query.set_employer_id(employer);
  return {dp::StrCat("/employers/", employer, "/payruns"),
          "Pay runs",
          {"Run", "Period", "Paid on", "Net wages", "Status"},
          "No pay run yet.",
          PagedFetch<v1::ListPayRunsResponse>(
              query,
              [&site](auto* ctx, const auto& req, auto* got) {
                return site.backends.payroll().ListPayRuns(ctx, req, got);
              },
              [](const v1::ListPayRunsResponse& got) -> const auto& { return got.runs(); },
              [](const v1::PayRun& r) -> ListRow {
                return {{dp::StrCat("Run ", r.run_id()), dp::StrCat("/payruns/", r.run_id())},
                        {dp::StrCat(DayOf(r.period_start()), " to ", DayOf(r.period_end()))},
                        {DayOf(r.payment_date())},
                        {console::Pounds(r.net_wages_pence())},
                        {r.status()}};
              })};
}

// Employees reads an employer's PAs (200 at most: an employer of more is
// not a direct payment) as the user; a refusal is answered in `res`.
bool Employees(Site& site, const SignedIn& who, int64_t employer, httplib::Response& res,
               v1::ListEmployeesResponse* out) {
  v1::ListEmployeesRequest el;
  el.set_employer_id(employer);
  el.set_page_size(200);
  return Ask(site, who, res,
             [&](auto* ctx) { return site.backends.payroll().ListEmployees(ctx, el, out); });
}

std::string EmployerLink(int64_t id, const std::string& name) {
  return console::Link(dp::StrCat("/employers/", id), name);
}

// Employers lists what the user may see: an officer's authority's, or an
// ISO's granted ones (through the authorities of its agreements).
grpc::Status Employers(Site& site, const SignedIn& who, std::vector<v1::Employer>* out) {
  std::set<std::string> authorities;
  if (who.principal.role == iam::Role::kIso) {
    v1::ListAgreementsRequest list;
    list.set_page_size(500);
    v1::ListAgreementsResponse got;
    grpc::Status s = site.backends.agreements().ListAgreements(
        site.backends.For(who.principal.name).get(), list, &got);
    if (!s.ok()) return s;
    for (const v1::Agreement& a : got.agreements()) authorities.insert(a.authority_id());
  } else {
    authorities.insert(who.principal.authorities.begin(), who.principal.authorities.end());
  }
  for (const std::string& authority : authorities) {
    v1::ListEmployersRequest list;
    list.set_authority_id(authority);
    list.set_page_size(500);
    v1::ListEmployersResponse got;
    grpc::Status s = site.backends.payroll().ListEmployers(
        site.backends.For(who.principal.name).get(), list, &got);
    if (!s.ok()) return s;
    out->insert(out->end(), got.employers().begin(), got.employers().end());
  }
  return grpc::Status::OK;
}

}  // namespace

void EmployersPage(Site& site, const SignedIn& who, const httplib::Request&,
                   httplib::Response& res) {
  std::vector<v1::Employer> employers;
  if (grpc::Status s = Employers(site, who, &employers); !s.ok()) {
    return SendRefusal(res, who.viewer, s);
  }
  console::Table table{
      "Employers", {"Employer", "Agreement", "PAYE reference"}, {}, "No employer to show."};
  for (const v1::Employer& e : employers) {
    table.rows.push_back({EmployerLink(e.employer_id(), e.name()), AgreementLink(e.agreement_id()),
                          Escape(e.paye_reference())});
  }
  SendPage(
      res, 200, "Payroll", who.viewer,
      "<p>The people who employ PAs with their direct payment.</p>" + console::DrawTable(table));
}

void EmployerPage(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::ListEmployeesResponse employees;
  if (!Employees(site, who, id, res, &employees)) return;
  std::map<int64_t, std::string> names;
  console::Table pas{"Personal assistants",
                     {"Name", "Started", "Tax code", "NI number", "Documents"},
                     {},
                     "No PA yet."};
  // The last whole tax year (6 April to 5 April) has a P60 for whoever was
  // employed in it; a leaver has a P45.
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), London());
  const int this_year_starts =
      static_cast<int>(today.year()) - (today < absl::CivilDay(today.year(), 4, 6) ? 1 : 0);
  const std::string last_year = dp::StrCat(
      this_year_starts - 1, "-", (this_year_starts % 100) < 10 ? "0" : "", this_year_starts % 100);
  for (const v1::Employee& e : employees.employees()) {
    names[e.employee_id()] = e.name();
    std::string documents;
    if (absl::CivilDay(e.start_date().year(), e.start_date().month(), e.start_date().day()) <
        absl::CivilDay(this_year_starts, 4, 6)) {
      documents += DocumentLink("p60", "employee", e.employee_id(), dp::StrCat("P60 ", last_year),
                                "&tax_year=" + last_year);
    }
    if (e.has_leave_date()) {
      documents += DocumentLink("p45", "employee", e.employee_id(), "P45");
    }
    pas.rows.push_back(
        {Escape(e.name()), Escape(DayOf(e.start_date())), Escape(e.tax_code()),
         Escape(e.ni_number_masked()),
         documents.empty() ? "None yet" : dp::StrCat("<ul class=\"links\">", documents, "</ul>")});
  }
  std::string html;
  if (req.has_param("done")) {
    html += console::NoticeBox(
        dp::StrCat("Timesheet ", req.get_param_value("done").substr(0, 20), " received."));
  }
  html += console::DrawTable(pas) +
          ListExcerpt(site, who, TimesheetsList(site, id, names), kEmployerRows) +
          ListExcerpt(site, who, PayRunsList(site, id), kEmployerRows);
  if (!employees.employees().empty()) {
    std::string options;
    for (const v1::Employee& e : employees.employees()) {
      options +=
          dp::StrCat("<option value=\"", e.employee_id(), "\">", Escape(e.name()), "</option>");
    }
    html += dp::StrCat(
        "<h2>Submit a timesheet</h2><form method=\"post\" action=\"/employers/", id,
        "/timesheet\">", console::CsrfField(who.session.csrf_token), console::RequestIdField(),
        "<p class=\"field\"><label for=\"f-employee\">PA</label><select id=\"f-employee\" "
        "name=\"employee\">",
        options, "</select></p>",
        "<p class=\"field\"><label for=\"f-period_start\">Period from</label><input "
        "id=\"f-period_start\" name=\"period_start\" type=\"date\" required></p>",
        "<p class=\"field\"><label for=\"f-period_end\">Period to</label><input "
        "id=\"f-period_end\" "
        "name=\"period_end\" type=\"date\" required></p><table><caption>Hours worked</caption>"
        "<thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Kind of hours</th>"
        "<th scope=\"col\">Hours</th></tr></thead><tbody>");
    for (int i = 0; i < kTimesheetRows; ++i) {
      html += dp::StrCat(
          "<tr><td><label class=\"visually-hidden\" for=\"f-date", i, "\">Day ", i + 1,
          "</label><input id=\"f-date", i, "\" name=\"date", i, "\" type=\"date\"></td>",
          "<td><label class=\"visually-hidden\" for=\"f-rate", i, "\">Kind of hours, day ", i + 1,
          "</label><select id=\"f-rate", i, "\" name=\"rate", i,
          "\"><option value=\"standard\">"
          "Standard</option><option value=\"night\">Night</option><option value=\"sleepover\">"
          "Sleepover</option><option value=\"holiday\">Holiday</option></select></td>",
          "<td><label class=\"visually-hidden\" for=\"f-hours", i, "\">Hours, day ", i + 1,
          "</label><input id=\"f-hours", i, "\" name=\"hours", i,
          "\" type=\"text\" inputmode=\"decimal\" size=\"5\"></td></tr>");
    }
    html += "</tbody></table><p><button type=\"submit\">Submit the timesheet</button></p></form>";
  }
  SendPage(res, 200, dp::StrCat("Employer ", id), who.viewer, html);
}

void EmployerListPage(Site& site, const SignedIn& who, const httplib::Request& req,
                      httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::ListEmployeesResponse employees;
  if (!Employees(site, who, id, res, &employees)) return;
  std::map<int64_t, std::string> names;
  for (const v1::Employee& e : employees.employees()) names[e.employee_id()] = e.name();
  const std::string back = dp::StrCat("<p>", EmployerLink(id, "Back to the employer"), "</p>");
  if (req.matches[2] == "timesheets") {
    return SendList(site, who, TimesheetsList(site, id, std::move(names)), req, res, back);
  }
  SendList(site, who, PayRunsList(site, id), req, res, back);
}

void TimesheetPost(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res) {
  const int64_t employer = std::stoll(req.matches[1]);
  v1::SubmitTimesheetRequest sheet;
  sheet.set_request_id(req.get_param_value("request_id").substr(0, 100));
  std::string problem;
  int64_t employee = 0;
  if (!absl::SimpleAtoi(req.get_param_value("employee"), &employee) || employee <= 0) {
    problem = "Choose the PA.";
  }
  sheet.set_employee_id(employee);
  const auto start = ParseDay(req.get_param_value("period_start"));
  const auto end = ParseDay(req.get_param_value("period_end"));
  if (!start || !end) problem = "Give the period's first and last days as dates.";
  if (start) *sheet.mutable_period_start() = *start;
  if (end) *sheet.mutable_period_end() = *end;
  for (int i = 0; i < kTimesheetRows && problem.empty(); ++i) {
    const std::string day = req.get_param_value(dp::StrCat("date", i));
    const std::string hours = req.get_param_value(dp::StrCat("hours", i));
    if (day.empty() && hours.empty()) continue;
    const auto d = ParseDay(day);
    const auto h = ParseHours(hours, 2400);
    if (!d || !h) {
      problem = dp::StrCat("Day ", i + 1, ": give the date and the hours (like 7.5, at most 24).");
      break;
    }
    auto* e = sheet.add_entries();
    *e->mutable_date() = *d;
    e->set_rate_type(req.get_param_value(dp::StrCat("rate", i)).substr(0, 20));
    e->set_hours_centi(*h);
  }
  if (problem.empty() && sheet.entries().empty()) problem = "Give at least one day's hours.";
  if (!problem.empty()) {
    return SendPage(res, 422, "Check the timesheet", who.viewer,
                    dp::StrCat(console::ErrorBox(problem), "<p>",
                               EmployerLink(employer, "Back to the employer"), "</p>"));
  }
  v1::TimesheetReceipt receipt;
  if (!Ask(site, who, res, [&](auto* ctx) {
        return site.backends.payroll().SubmitTimesheet(ctx, sheet, &receipt);
      })) {
    return;
  }
  res.set_redirect(dp::StrCat("/employers/", employer, "?done=", receipt.timesheet_id()), 303);
}

void PayRunPage(Site& site, const SignedIn& who, const httplib::Request& req,
                httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::GetPayRunRequest get;
  get.set_run_id(id);
  v1::PayRun run;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.payroll().GetPayRun(ctx, get, &run); })) {
    return;
  }
  console::Table slips{
      "Payslips", {"PA", "Gross", "Tax", "NI", "Pension", "Net"}, {}, "No payslip in this run."};
  for (const v1::Payslip& p : run.payslips()) {
    slips.rows.push_back({Escape(p.employee_name()), Escape(console::Pounds(p.gross_pence())),
                          Escape(console::Pounds(p.tax_pence())),
                          Escape(console::Pounds(p.employee_ni_pence())),
                          Escape(console::Pounds(p.employee_pension_pence())),
                          Escape(console::Pounds(p.net_pence()))});
  }
  SendPage(res, 200, dp::StrCat("Pay run ", id), who.viewer,
           dp::StrCat(
               "<p>", EmployerLink(run.employer_id(), "The employer"), "</p><dl class=\"summary\">",
               Row("Period",
                   Escape(dp::StrCat(DayOf(run.period_start()), " to ", DayOf(run.period_end())))),
               Row("Paid on", Escape(DayOf(run.payment_date()))),
               Row("Net wages", Escape(console::Pounds(run.net_wages_pence()))),
               Row("To HMRC", Escape(console::Pounds(run.hmrc_pence()))),
               Row("Pensions", Escape(console::Pounds(run.pension_pence()))),
               Row("Cost in all", Escape(console::Pounds(run.total_cost_pence()))), "</dl>",
               console::DrawTable(slips), "<h2>Documents</h2><ul class=\"links\">",
               DocumentLink("payslips", "run", id, "The payslips (PDF)"),
               DocumentLink("bacs", "run", id, "The BACS file of net wages"),
               DocumentLink("fps", "run", id, "The Full Payment Submission to HMRC (XML)"),
               DocumentLink("pension", "run", id, "The pension contributions (CSV)"), "</ul>"));
}

void PayrollDocument(Site& site, const SignedIn& who, const httplib::Request& req,
                     httplib::Response& res) {
  // kind: what the document is and which id it needs (run, employee).
  static const std::map<std::string, std::pair<v1::DocumentKind, std::string>> kKinds = {
      {"payslips", {v1::DOCUMENT_KIND_PAYSLIPS_PDF, "run"}},
      {"bacs", {v1::DOCUMENT_KIND_BACS, "run"}},
      {"fps", {v1::DOCUMENT_KIND_FPS, "run"}},
      {"pension", {v1::DOCUMENT_KIND_PENSION_CSV, "run"}},
      {"p45", {v1::DOCUMENT_KIND_P45, "employee"}},
      {"p60", {v1::DOCUMENT_KIND_P60, "employee"}}};
  const auto kind = kKinds.find(req.get_param_value("kind"));
  int64_t id = 0;
  std::string problem;
  if (kind == kKinds.end()) {
    problem = "Choose a document: payslips, bacs, fps, pension, p45 or p60.";
  } else if (!absl::SimpleAtoi(req.get_param_value(kind->second.second), &id) || id <= 0) {
    problem = dp::StrCat("The link must name the ", kind->second.second, ".");
  }
  v1::GetDocumentRequest get;
  if (problem.empty()) {
    get.set_kind(kind->second.first);
    (kind->second.second == "run" ? get.set_run_id(id) : get.set_employee_id(id));
    const std::string year = req.get_param_value("tax_year");
    if (get.kind() == v1::DOCUMENT_KIND_P60) {
      if (year.size() != 7 || year[4] != '-') {
        problem = "A P60 names its tax year, like 2025-26.";
      }
      get.set_tax_year(year.substr(0, 7));
    }
  }
  if (!problem.empty()) {
    return SendPage(res, 422, "Check the link", who.viewer,
                    dp::StrCat(console::ErrorBox(problem), "<p>",
                               console::Link("/employers", "Back to payroll"), "</p>"));
  }
  v1::Document doc;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.payroll().GetDocument(ctx, get, &doc); })) {
    return;
  }
  SendDownload(res, doc.file_name(), doc.content_type(), doc.content());
}

}  // namespace dp::console_service
