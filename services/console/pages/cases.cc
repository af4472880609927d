// Review cases, from finding to decision (officer): a case's findings with
// their evidence, its notes and decisions, and the forms to add a note
// and to decide, each decision with the reason the person reads.
#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"
#include "base/strings.h"
#include "pages/pages.h"

namespace dp::console_service {

using console::Escape;

namespace {

std::string DecisionWords(v1::CaseDecision d) {
  switch (d) {
    case v1::CASE_DECISION_NO_ACTION:
      return "No action";
    case v1::CASE_DECISION_REQUEST_INFORMATION:
      return "Asked for information";
    case v1::CASE_DECISION_AGREE_PLAN:
      return "Plan agreed";
    case v1::CASE_DECISION_RECOVER:
      return "Money to be returned";
    case v1::CASE_DECISION_SUSPEND:
      return "Payments suspended";
    default:
      return "Note";
  }
}

// Overdue tells whether an information request's due day has passed.
bool Overdue(const v1::Date& due) {
  if (due.year() == 0) return false;
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), London());
  return absl::CivilDay(due.year(), due.month(), due.day()) < today;
}

}  // namespace

List CasesList(Site& site, std::string path, std::string caption, std::string empty_words,
               const v1::ListCasesRequest& query) {
  return {std::move(path),
          std::move(caption),
          {"Case", "Agreement", "Opened", "Information due", "State"},
          std::move(empty_words),
          PagedFetch<v1::ListCasesResponse>(
              query,
              [&site](auto* ctx, const auto& req, auto* got) {
                return site.backends.monitoring().ListCases(ctx, req, got);
              },
              [](const v1::ListCasesResponse& got) -> const auto& { return got.cases(); },
              [](const v1::ReviewCase& c) -> ListRow {
                const bool open = c.state() == v1::CASE_STATE_OPEN;
                const bool overdue = open && Overdue(c.information_due());
                return {{dp::StrCat("Case ", c.case_id()), dp::StrCat("/cases/", c.case_id())},
                        AgreementCell(c.agreement_id()),
                        {When(c.opened_at())},
                        {dp::StrCat(overdue ? "Overdue: " : "", DayOf(c.information_due())), "",
                         overdue},
                        {open ? "Open" : "Closed"}};
              })};
}

List FindingsList(Site& site, std::string path, std::string caption, std::string empty_words,
                  const v1::ListFindingsRequest& query) {
  return {std::move(path),
          std::move(caption),
          {"Agreement", "Check", "What was found", "Since", "State"},
          std::move(empty_words),
          PagedFetch<v1::ListFindingsResponse>(
              query,
              [&site](auto* ctx, const auto& req, auto* got) {
                return site.backends.monitoring().ListFindings(ctx, req, got);
              },
              [](const v1::ListFindingsResponse& got) -> const auto& { return got.findings(); },
              [](const v1::Finding& f) -> ListRow {
                return {AgreementCell(f.agreement_id()),
                        {f.check()},
                        {f.summary()},
                        {When(f.opened_at())},
                        {f.state() == v1::FINDING_STATE_OPEN
                             ? "Open"
                             : dp::StrCat("Closed ", When(f.closed_at()))}};
              })};
}

List OpenCasesList(Site& site, const SignedIn& who) {
  v1::ListCasesRequest query;
  query.set_authority_id(who.principal.organisation_id);
  query.set_state(v1::CASE_STATE_OPEN);
  return CasesList(site, "/cases", "Open review cases", "No open review case.", query);
}

List OpenFindingsList(Site& site, const SignedIn& who) {
  v1::ListFindingsRequest query;
  query.set_authority_id(who.principal.organisation_id);
  query.set_state(v1::FINDING_STATE_OPEN);
  return FindingsList(site, "/findings", "Open findings", "No open finding.", query);
}

List AgreementCasesList(Site& site, int64_t agreement_id) {
  v1::ListCasesRequest query;
  query.set_agreement_id(agreement_id);
  return CasesList(site, dp::StrCat("/agreements/", agreement_id, "/cases"), "Review cases",
                   "No review case.", query);
}

List AgreementFindingsList(Site& site, int64_t agreement_id) {
  v1::ListFindingsRequest query;
  query.set_agreement_id(agreement_id);
  return FindingsList(site, dp::StrCat("/agreements/", agreement_id, "/findings"),
                      "Monitoring findings", "Nothing has been found.", query);
}

void OpenCasesPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res) {
  SendList(site, who, OpenCasesList(site, who), req, res);
}

void OpenFindingsPage(Site& site, const SignedIn& who, const httplib::Request& req,
                      httplib::Response& res) {
  SendList(site, who, OpenFindingsList(site, who), req, res);
}

void AgreementMonitoringList(Site& site, const SignedIn& who, const httplib::Request& req,
                             httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  const std::string back = dp::StrCat("<p>", AgreementLink(id), "</p>");
  if (req.matches[2] == "cases")
    return SendList(site, who, AgreementCasesList(site, id), req, res, back);
  SendList(site, who, AgreementFindingsList(site, id), req, res, back);
}

void CasePage(Site& site, const SignedIn& who, const httplib::Request& req,
              httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::GetCaseRequest get;
  get.set_case_id(id);
  v1::ReviewCase c;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.monitoring().GetCase(ctx, get, &c); })) {
    return;
  }
  std::string html;
  if (req.has_param("done")) {
    html += console::NoticeBox(
        dp::StrCat("Recorded: ", req.get_param_value("done").substr(0, 40), "."));
  }
  html += dp::StrCat("<dl class=\"summary\">", Row("Agreement", AgreementLink(c.agreement_id())),
                     Row("State", c.state() == v1::CASE_STATE_OPEN ? "Open" : "Closed"),
                     Row("Opened", Escape(When(c.opened_at()))),
                     Row("Information due", Escape(DayOf(c.information_due()))), "</dl>");
  console::Table ft{"Findings", {"Check", "What was found", "Amount", "Evidence"}, {}, "None."};
  for (const v1::Finding& f : c.findings()) {
    std::string evidence;
    for (int64_t t : f.transaction_ids())
      evidence += dp::StrCat(evidence.empty() ? "" : ", ", "transaction ", t);
    for (const std::string& p : f.payslips())
      evidence += dp::StrCat(evidence.empty() ? "" : ", ", p);
    ft.rows.push_back({Escape(f.check()), Escape(f.summary()),
                       Escape(console::Pounds(f.amount().amount_pence())), Escape(evidence)});
  }
  console::Table et{"Notes and decisions", {"When", "By", "What", "Words"}, {}, "Nothing yet."};
  for (const v1::CaseEvent& e : c.events()) {
    et.rows.push_back({Escape(When(e.at())), Escape(e.by()), Escape(DecisionWords(e.decision())),
                       Escape(e.text())});
  }
  html += console::DrawTable(ft) + console::DrawTable(et);
  if (c.state() == v1::CASE_STATE_OPEN && who.principal.role == iam::Role::kFinanceOfficer) {
    const std::string csrf = console::CsrfField(who.session.csrf_token);
    const std::string request = console::RequestIdField();
    html += dp::StrCat("<h2>Add a note</h2><form method=\"post\" action=\"/cases/", id, "/note\">",
                       csrf, request, console::TextArea("Note of a conversation", "note", 4000),
                       "<p><button type=\"submit\">Add the note</button></p></form>",
                       "<h2>Decide</h2><form method=\"post\" action=\"/cases/", id, "/decision\">",
                       csrf, request, "<fieldset><legend>Decision</legend>");
    for (const auto& [value, words] : std::vector<std::pair<std::string, std::string>>{
             {"no_action", "No action: close the review"},
             {"request_information", "Ask for information"},
             {"agree_plan", "Agree a plan for the money"},
             {"recover", "Recover money"},
             {"suspend", "Suspend payments"}}) {
      html += dp::StrCat("<p><input type=\"radio\" id=\"d-", value, "\" name=\"decision\" value=\"",
                         value, "\" required><label for=\"d-", value, "\">", Escape(words),
                         "</label></p>");
    }
    html += dp::StrCat(
        "</fieldset>", console::ReasonField(),
        "<p class=\"field\"><label for=\"f-due\">Information due by (optional)</label><input "
        "id=\"f-due\" name=\"due\" type=\"date\"></p>"
        "<p class=\"field\"><label for=\"f-amount\">Amount to recover, in pounds (recovery "
        "only)</label><input id=\"f-amount\" name=\"amount\" type=\"text\" inputmode=\"decimal\" "
        "autocomplete=\"off\"></p><p><button type=\"submit\">Record the "
        "decision</button></p></form>");
  }
  SendPage(res, 200, dp::StrCat("Review case ", id), who.viewer, html);
}

void CaseNotePost(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::AddCaseNoteRequest note;
  note.set_request_id(req.get_param_value("request_id").substr(0, 100));
  note.set_case_id(id);
  note.set_note(req.get_param_value("note"));
  v1::ReviewCase out;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.monitoring().AddCaseNote(ctx, note, &out); })) {
    return;
  }
  res.set_redirect(dp::StrCat("/cases/", id, "?done=note"), 303);
}

void CaseDecisionPost(Site& site, const SignedIn& who, const httplib::Request& req,
                      httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::DecideCaseRequest d;
  d.set_request_id(req.get_param_value("request_id").substr(0, 100));
  d.set_case_id(id);
  d.set_reason(req.get_param_value("reason"));
  const std::string decision = req.get_param_value("decision");
  static const std::vector<std::pair<std::string, v1::CaseDecision>> kDecisions = {
      {"no_action", v1::CASE_DECISION_NO_ACTION},
      {"request_information", v1::CASE_DECISION_REQUEST_INFORMATION},
      {"agree_plan", v1::CASE_DECISION_AGREE_PLAN},
      {"recover", v1::CASE_DECISION_RECOVER},
      {"suspend", v1::CASE_DECISION_SUSPEND}};
  std::string problem = "Choose a decision.";
  for (const auto& [name, value] : kDecisions) {
    if (name == decision) {
      d.set_decision(value);
      problem.clear();
    }
  }
  const std::string due = req.get_param_value("due");
  if (problem.empty() && !due.empty()) {
    const auto day = ParseDay(due);
    if (!day) {
      problem = "Information due by must be a date, for example 2027-01-15.";
    } else {
      *d.mutable_due_date() = *day;
    }
  }
  const std::string amount = req.get_param_value("amount");
  if (problem.empty() && !amount.empty()) {
    const auto pence = console::ParsePounds(amount);
    if (!pence) {
      problem = "The amount must be pounds and pence, for example 250.00.";
    } else {
      d.mutable_amount()->set_amount_pence(*pence);
      d.mutable_amount()->set_currency("GBP");
    }
  }
  if (!problem.empty()) {
    return SendPage(
        res, 422, "Check the decision", who.viewer,
        dp::StrCat(console::ErrorBox(problem), "<p>",
                   console::Link(dp::StrCat("/cases/", id), dp::StrCat("Case ", id)), "</p>"));
  }
  v1::ReviewCase out;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.monitoring().DecideCase(ctx, d, &out); })) {
    return;
  }
  res.set_redirect(dp::StrCat("/cases/", id, "?done=decision"), 303);
}

}  // namespace dp::console_service
