#include "pages.h"

#include <map>

#include "absl/time/time.h"
#include "base/strings.h"

namespace dp::console_service {
namespace {

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

std::string StatusWords(v1::AgreementStatus s) {
  switch (s) {
    case v1::AGREEMENT_STATUS_DRAFT: return "Draft";
    case v1::AGREEMENT_STATUS_AWAITING_APPROVAL: return "Awaiting approval";
    case v1::AGREEMENT_STATUS_APPROVED: return "Approved";
    case v1::AGREEMENT_STATUS_ACTIVE: return "Active";
    case v1::AGREEMENT_STATUS_SUSPENDED: return "Suspended";
    case v1::AGREEMENT_STATUS_TERMINATED: return "Ended";
    default: return "Unknown";
  }
}

std::string AgreementLink(int64_t id) {
  return console::Link(dp::StrCat("/agreements/", id), dp::StrCat("Agreement ", id));
}

// Row is one line of a summary list.
std::string Row(std::string_view term, std::string_view safe_value) {
  return dp::StrCat("<div><dt>", Escape(term), "</dt><dd>", safe_value, "</dd></div>");
}

std::string JoinEscaped(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += dp::StrCat(out.empty() ? "" : ", ", Escape(s));
  return out.empty() ? "none" : out;
}

// WhenSubmitted is when the record says the agreement was last sent for
// approval.
std::optional<absl::Time> WhenSubmitted(const v1::PersonRecord& record) {
  std::optional<absl::Time> at;
  for (const auto& d : record.decisions()) {
    if (d.kind() == "submitted") at = TimeOf(d.decided_at());
  }
  return at;
}

void OfficerHome(Backends& backends, const SignedIn& who, httplib::Response& res) {
  std::map<v1::AgreementStatus, int> by_status;
  std::vector<v1::Agreement> waiting;
  v1::ListAgreementsRequest list;
  list.set_authority_id(who.principal.organisation_id);
  list.set_page_size(500);
  for (int page = 0; page < 200; ++page) {  // bounded: 100,000 agreements
    v1::ListAgreementsResponse got;
    const grpc::Status s = backends.agreements().ListAgreements(backends.For(who.principal.name).get(),
                                                                list, &got);
    if (!s.ok()) return SendRefusal(res, who.viewer, s);
    for (const v1::Agreement& a : got.agreements()) {
      ++by_status[a.status()];
      if (a.status() == v1::AGREEMENT_STATUS_AWAITING_APPROVAL && waiting.size() < 50) {
        waiting.push_back(a);
      }
    }
    if (got.next_page_token().empty()) break;
    list.set_page_token(got.next_page_token());
  }
  console::Table counts{"Agreements by status", {"Status", "Agreements"}, {}, "No agreements yet."};
  for (const auto& [status, n] : by_status) {
    counts.rows.push_back({Escape(StatusWords(status)), std::to_string(n)});
  }
  console::Table approvals{"Approvals waiting",
                           {"Agreement", "Needs approval by", "Days waiting", "Panel wait"},
                           {},
                           "No agreement is waiting for approval."};
  for (const v1::Agreement& a : waiting) {
    v1::GetRecordRequest rr;
    rr.set_agreement_id(a.agreement_id());
    v1::PersonRecord record;
    std::string days = "unknown";
    if (backends.agreements().GetRecord(backends.For(who.principal.name).get(), rr, &record).ok()) {
      if (auto at = WhenSubmitted(record)) {
        days = std::to_string(absl::ToInt64Hours(absl::Now() - *at) / 24);
      }
    }
    approvals.rows.push_back({AgreementLink(a.agreement_id()), Escape(a.required_approval_level()),
                              days,
                              a.panel_wait_exceeded() ? "<strong>Longer than allowed</strong>"
                                                      : "Within time"});
  }
  SendPage(res, 200, "Home", who.viewer,
           dp::StrCat("<p>", Escape(who.principal.organisation_id), ": what needs doing.</p>",
                      console::DrawTable(approvals), console::DrawTable(counts)));
}

}  // namespace

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
    default: break;
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
    case iam::Role::kFinanceOfficer: return "Finance officer";
    case iam::Role::kIso: return "Support organisation";
    case iam::Role::kAuditor: return "Auditor";
    case iam::Role::kAdmin: return "Administrator";
    case iam::Role::kService: return "Service";
    case iam::Role::kProcessor: return "Card processor";
    case iam::Role::kConsole: return "Console";
  }
  return "Unknown";
}

void HomePage(Backends& backends, const SignedIn& who, const httplib::Request&,
              httplib::Response& res) {
  if (who.principal.role == iam::Role::kFinanceOfficer) return OfficerHome(backends, who, res);
  SendPage(res, 200, "Home", who.viewer,
           dp::StrCat("<p>Signed in as ", Escape(who.principal.name),
                      ". The pages for your role are not in the console yet: use dpctl, or "
                      "open an agreement you may see at /agreements/ and its number.</p>"));
}

void AgreementPage(Backends& backends, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  const std::string& user = who.principal.name;
  v1::GetAgreementRequest get;
  get.set_agreement_id(id);
  v1::Agreement a;
  if (grpc::Status s = backends.agreements().GetAgreement(backends.For(user).get(), get, &a); !s.ok()) {
    return SendRefusal(res, who.viewer, s);
  }
  v1::GetRecordRequest rr;
  rr.set_agreement_id(id);
  v1::PersonRecord record;
  if (grpc::Status s = backends.agreements().GetRecord(backends.For(user).get(), rr, &record);
      !s.ok()) {
    return SendRefusal(res, who.viewer, s);
  }
  const v1::Terms& t = a.current().terms();
  std::string html;
  if (req.has_param("done")) {
    html += console::NoticeBox(dp::StrCat("Recorded: ", req.get_param_value("done").substr(0, 40), "."));
  }
  html += dp::StrCat(
      "<dl class=\"summary\">", Row("Person", Escape(record.person_name())),
      Row("Status", dp::StrCat(Escape(StatusWords(a.status())),
                               a.status_reason().empty() ? "" : ": " + Escape(a.status_reason()))),
      Row("Authority", Escape(a.authority_id())),
      Row("Needs approval by", Escape(a.required_approval_level())),
      Row("Gross budget a period", Escape(console::Pounds(t.gross_budget().amount_pence()))),
      Row("Person's contribution a period",
          Escape(console::Pounds(t.assessed_contribution().amount_pence()))),
      Row("Paid a period", Escape(console::Pounds(a.current().net_per_period().amount_pence()))),
      Row("Cost a year", Escape(console::Pounds(a.current().annual_cost().amount_pence()))),
      Row("Starts", Escape(DayOf(t.start_date()))), Row("Review", Escape(DayOf(t.review_date()))),
      Row("Ends", Escape(DayOf(t.end_date()))), Row("May be spent on", JoinEscaped(t.permitted_uses())),
      Row("Outcomes", JoinEscaped(t.personal_outcomes())), "</dl>");
  if (a.holding_account_id() != 0) {
    v1::GetBalanceRequest br;
    br.set_account_id(a.holding_account_id());
    v1::Balance b;
    if (grpc::Status s = backends.ledger().GetBalance(backends.For(user).get(), br, &b); s.ok()) {
      html += dp::StrCat("<h2>Money</h2><dl class=\"summary\">",
                         Row("Balance", Escape(console::Pounds(b.posted_balance_pence()))),
                         Row("Available to spend", Escape(console::Pounds(b.available_balance_pence()))),
                         Row("Committed, not yet paid",
                             Escape(console::Pounds(b.posted_balance_pence() -
                                                    b.available_balance_pence()))),
                         "</dl>");
    }
  }
  if (a.status() == v1::AGREEMENT_STATUS_AWAITING_APPROVAL &&
      who.principal.role == iam::Role::kFinanceOfficer) {
    html += dp::StrCat(
        "<h2>Decision</h2><p>This budget needs approval by a ", Escape(a.required_approval_level()),
        ". Your delegated level is ", Escape(who.principal.approver_level), ".</p>",
        "<form method=\"post\" action=\"/agreements/", id, "/decision\">",
        console::CsrfField(who.session.csrf_token),
        "<input type=\"hidden\" name=\"request_id\" value=\"console-", console::NewToken(), "\">",
        "<fieldset><legend>Decision</legend>"
        "<p><input type=\"radio\" id=\"d-approve\" name=\"action\" value=\"approve\" required>"
        "<label for=\"d-approve\">Approve the budget</label></p>"
        "<p><input type=\"radio\" id=\"d-return\" name=\"action\" value=\"return\">"
        "<label for=\"d-return\">Return it for changes</label></p></fieldset>"
        "<p class=\"field\"><label for=\"f-reason\">Reason</label><span class=\"hint\" "
        "id=\"f-reason-hint\">The person sees this in their record: write it for them.</span>"
        "<textarea id=\"f-reason\" name=\"reason\" rows=\"3\" maxlength=\"2000\" "
        "aria-describedby=\"f-reason-hint\" required></textarea></p>"
        "<p><button type=\"submit\">Record the decision</button></p></form>");
  }
  console::Table decisions{"The person's record", {"When", "What", "By", "Reason"}, {},
                           "Nothing recorded yet."};
  for (const v1::Decision& d : record.decisions()) {
    decisions.rows.push_back({Escape(When(d.decided_at())),
                              Escape(d.summary().empty() ? d.kind() : d.summary()),
                              Escape(d.decided_by()), Escape(d.reason())});
  }
  html += console::DrawTable(decisions);
  SendPage(res, 200, dp::StrCat("Agreement ", id), who.viewer, html);
}

void DecisionPost(Backends& backends, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  const std::string action = req.get_param_value("action");
  v1::DecideRequest d;
  d.set_agreement_id(id);
  d.set_request_id(req.get_param_value("request_id").substr(0, 100));
  d.set_reason(req.get_param_value("reason"));
  if (action == "approve") {
    d.set_action(v1::DECISION_ACTION_APPROVE);
  } else if (action == "return") {
    d.set_action(v1::DECISION_ACTION_RETURN);
  } else {
    return SendPage(res, 422, "Choose a decision", who.viewer,
                    dp::StrCat(console::ErrorBox("Choose approve or return, then record it."), "<p>",
                               AgreementLink(id), "</p>"));
  }
  v1::Agreement out;
  const grpc::Status s =
      backends.agreements().Decide(backends.For(who.principal.name).get(), d, &out);
  if (!s.ok()) return SendRefusal(res, who.viewer, s);
  res.set_redirect(dp::StrCat("/agreements/", id, "?done=", action == "approve" ? "approved" : "returned"),
                   303);
}

}  // namespace dp::console_service
