#include "pages.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/time/time.h"
#include "payroll/forms/document.h"
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

// Wrap breaks text into lines of at most `width` bytes at spaces.
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

// WhenSubmitted is when the record says the agreement was last sent for
// approval.
std::optional<absl::Time> WhenSubmitted(const v1::PersonRecord& record) {
  std::optional<absl::Time> at;
  for (const auto& d : record.decisions()) {
    if (d.kind() == "submitted") at = TimeOf(d.decided_at());
  }
  return at;
}

void OfficerHome(Site& site, const SignedIn& who, httplib::Response& res) {
  Backends& backends = site.backends;
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

// MoneySection is the balance and what is available to spend, with each
// part committed, as the payments service works it out.
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
  std::string rows = dp::StrCat(Row("Balance", Escape(console::Pounds(a.balance().amount_pence()))),
                                Row("Card payments not yet settled",
                                    Escape(console::Pounds(a.held().amount_pence()))));
  for (const v1::CommittedPart& c : a.commitments()) {
    std::string words = c.words();
    if (!words.empty()) words[0] = absl::ascii_toupper(static_cast<unsigned char>(words[0]));
    rows += Row(words, Escape(console::Pounds(c.amount().amount_pence())));
  }
  rows += Row("Available to spend", dp::StrCat("<strong>",
                                               Escape(console::Pounds(a.available().amount_pence())),
                                               "</strong>"));
  return dp::StrCat("<h2>Money</h2><dl class=\"summary\">", rows, "</dl><p>", Escape(a.summary()),
                    "</p>");
}

// RecordTable is the person's record: every decision, with its reason.
std::string RecordTable(const v1::PersonRecord& record, std::string_view caption) {
  console::Table decisions{std::string(caption), {"When", "What", "By", "Reason"}, {},
                           "Nothing recorded yet."};
  for (const v1::Decision& d : record.decisions()) {
    decisions.rows.push_back({Escape(When(d.decided_at())),
                              Escape(d.summary().empty() ? d.kind() : d.summary()),
                              Escape(d.decided_by()), Escape(d.reason())});
  }
  return console::DrawTable(decisions);
}

// OpenRequest is the latest request for information in the record, unless
// a later review decision has followed it.
std::optional<v1::Decision> OpenRequest(const v1::PersonRecord& record) {
  std::optional<v1::Decision> open;
  for (const v1::Decision& d : record.decisions()) {
    if (d.kind() != "review_decision") continue;
    if (d.summary().find("asked for information") != std::string::npos) {
      open = d;
    } else {
      open.reset();
    }
  }
  return open;
}

std::string TierWords(v1::Tier t) {
  switch (t) {
    case v1::TIER_LIGHT: return "Light";
    case v1::TIER_STANDARD: return "Standard";
    case v1::TIER_ENHANCED: return "Enhanced";
    default: return "Not set yet";
  }
}

// PersonHome is the person's own page: their direct payment in plain
// words, what they can spend, how it is checked and why, what we asked
// them for, and every decision with its reason.
void PersonHome(Site& site, const SignedIn& who, httplib::Response& res) {
  Backends& backends = site.backends;
  const std::string& user = who.principal.name;
  v1::ListAgreementsRequest list;
  list.set_page_size(10);
  v1::ListAgreementsResponse got;
  if (grpc::Status s = backends.agreements().ListAgreements(backends.For(user).get(), list, &got);
      !s.ok()) {
    return SendRefusal(res, who.viewer, s);
  }
  std::string html;
  for (const v1::Agreement& a : got.agreements()) {
    v1::GetRecordRequest rr;
    rr.set_agreement_id(a.agreement_id());
    v1::PersonRecord record;
    if (grpc::Status s = backends.agreements().GetRecord(backends.For(user).get(), rr, &record);
        !s.ok()) {
      return SendRefusal(res, who.viewer, s);
    }
    html += dp::StrCat("<p>This is the direct payment for <strong>", Escape(record.person_name()),
                       "</strong>. It is ", Escape(absl::AsciiStrToLower(StatusWords(a.status()))),
                       ".</p>");
    if (auto open = OpenRequest(record)) {
      html += console::NoticeBox(dp::StrCat(open->summary(), " ", open->reason()));
    }
    html += MoneySection(backends, user, a.agreement_id());
    v1::GetAgreementMonitoringRequest mr;
    mr.set_agreement_id(a.agreement_id());
    v1::AgreementMonitoring m;
    if (backends.monitoring().GetAgreementMonitoring(backends.For(user).get(), mr, &m).ok()) {
      html += dp::StrCat("<h2>How your payment is checked</h2><dl class=\"summary\">",
                         Row("Level", Escape(TierWords(m.tier()))),
                         Row("What it means", Escape(m.words())),
                         Row("What we may ask for", Escape(m.evidence())),
                         Row("Next review by", Escape(DayOf(m.next_review_due()))), "</dl>");
    }
    html += RecordTable(record, "Your record: every decision and why");
    html += dp::StrCat("<p>",
                       console::Link(dp::StrCat("/agreements/", a.agreement_id(), "/record.pdf"),
                                     "Download your record (PDF)"),
                       "</p>");
  }
  if (got.agreements().empty()) html = "<p>There is no direct payment to show.</p>";
  SendPage(res, 200, "Your direct payment", who.viewer, html);
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
    case iam::Role::kPerson: return "Your own record";
  }
  return "Unknown";
}

void HomePage(Site& site, const SignedIn& who, const httplib::Request&,
              httplib::Response& res) {
  if (who.principal.role == iam::Role::kFinanceOfficer) return OfficerHome(site, who, res);
  if (who.principal.role == iam::Role::kPerson) return PersonHome(site, who, res);
  SendPage(res, 200, "Home", who.viewer,
           dp::StrCat("<p>Signed in as ", Escape(who.principal.name),
                      ". The pages for your role are not in the console yet: use dpctl, or "
                      "open an agreement you may see at /agreements/ and its number.</p>"));
}

void AgreementPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res) {
  Backends& backends = site.backends;
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
  html += MoneySection(backends, user, id);
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
  html += RecordTable(record, "The person's record");
  if (who.principal.role == iam::Role::kFinanceOfficer) {
    html += dp::StrCat(
        "<h2>The person's own sign-in</h2><p>Invite the person, or their representative, to "
        "see this record, their money and their monitoring for themselves. The link works once, "
        "for 72 hours; a new one replaces it.</p><form method=\"post\" action=\"/agreements/", id,
        "/invite\">", console::CsrfField(who.session.csrf_token),
        "<input type=\"hidden\" name=\"request_id\" value=\"console-", console::NewToken(), "\">",
        console::Field("Their sign-in name", "name", "text", "off",
                       "Letters, digits and . _ - @, for example morag.brown"),
        "<p><button type=\"submit\">Make an invitation link</button></p></form>");
  }
  SendPage(res, 200, dp::StrCat("Agreement ", id), who.viewer, html);

}

void DecisionPost(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res) {
  Backends& backends = site.backends;
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

void InvitePost(Site& site, const SignedIn& who, const httplib::Request& req,
                httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::InvitePersonRequest invite;
  invite.set_request_id(req.get_param_value("request_id").substr(0, 100));
  invite.set_agreement_id(id);
  invite.set_name(req.get_param_value("name").substr(0, 200));
  v1::PersonInvitation out;
  const grpc::Status s =
      site.backends.admin().InvitePerson(site.backends.For(who.principal.name).get(), invite, &out);
  if (!s.ok()) return SendRefusal(res, who.viewer, s);
  if (out.invitation_token().empty()) {
    return SendPage(res, 200, "Invitation already made", who.viewer,
                    dp::StrCat("<p>This form was sent before, and its link was shown then. To "
                               "make a new link, open ",
                               AgreementLink(id), " again and send the form once more.</p>"));
  }
  const std::string link = dp::StrCat(site.public_url, "/invitation?token=", out.invitation_token());
  SendPage(res, 200, "Invitation link", who.viewer,
           dp::StrCat("<p>Give this link to <strong>", Escape(out.name()),
                      "</strong> (by email or letter). It works once, until ",
                      Escape(When(out.expires_at())), ". This page shows it only now.</p>",
                      "<p class=\"secret\"><code id=\"invitation-link\">", Escape(link),
                      "</code></p><p>", AgreementLink(id), "</p>"));
}

void RecordPdf(Site& site, const SignedIn& who, const httplib::Request& req,
               httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::GetRecordRequest rr;
  rr.set_agreement_id(id);
  v1::PersonRecord record;
  if (grpc::Status s = site.backends.agreements().GetRecord(
          site.backends.For(who.principal.name).get(), rr, &record);
      !s.ok()) {
    return SendRefusal(res, who.viewer, s);
  }
  payroll::DocPage page{dp::StrCat("Direct payment record: ", record.person_name()),
                        dp::StrCat("Agreement ", id, ", as at ",
                                   absl::FormatTime("%e %B %Y", absl::Now(), London())),
                        {},
                        "Every decision about this direct payment, and the reason for it."};
  for (const v1::Decision& d : record.decisions()) {
    page.lines.push_back({When(d.decided_at()), "", true});
    for (const std::string& text : {d.summary(), d.reason().empty() ? "" : "Why: " + d.reason(),
                                    "By: " + d.decided_by()}) {
      for (const std::string& line : Wrap(text, 80)) page.lines.push_back({"", line, false});
    }
  }
  auto pdf = payroll::RenderPdf({page});
  if (!pdf.ok()) {
    return SendPage(res, 500, "The PDF could not be made", who.viewer,
                    console::ErrorBox(std::string(pdf.status().message())));
  }
  res.set_header("Content-Disposition",
                 dp::StrCat("attachment; filename=\"record-agreement-", id, ".pdf\""));
  res.set_content(*pdf, "application/pdf");
}

}  // namespace dp::console_service

