#include "base/strings.h"
#include "pages/pages.h"

namespace dp::console_service {

using console::Escape;

namespace {

constexpr int kAgreementRows = 5;

// VersionsTable is every version of the terms, oldest first, with what each
// pays and why it was made.
std::string VersionsTable(const v1::PersonRecord& record) {
  console::Table table{"Versions of the terms",
                       {"Version", "From", "Gross a period", "Contribution", "Paid a period",
                        "Cost a year", "Why", "By"},
                       {},
                       "No version."};
  for (const v1::AgreementVersion& v : record.versions()) {
    table.rows.push_back({std::to_string(v.version()), Escape(DayOf(v.effective_from())),
                          Escape(console::Pounds(v.terms().gross_budget().amount_pence())),
                          Escape(console::Pounds(v.terms().assessed_contribution().amount_pence())),
                          Escape(console::Pounds(v.net_per_period().amount_pence())),
                          Escape(console::Pounds(v.annual_cost().amount_pence())),
                          Escape(v.reason()), Escape(v.created_by())});
  }
  return console::DrawTable(table);
}

// PayrollLinks links the agreement's PA employers, when it has any.
std::string PayrollLinks(Site& site, const SignedIn& who, int64_t id) {
  v1::ListEmployersRequest list;
  list.set_agreement_id(id);
  list.set_page_size(20);
  v1::ListEmployersResponse got;
  if (!site.backends.payroll()
           .ListEmployers(site.backends.For(who.principal.name).get(), list, &got)
           .ok()) {
    return dp::StrCat("<h2>Payroll</h2><p>", kNoAnswer, "</p>");
  }
  if (got.employers().empty()) return "";
  std::string links;
  for (const v1::Employer& e : got.employers()) {
    links += dp::StrCat("<li>",
                        console::Link(dp::StrCat("/employers/", e.employer_id()),
                                      dp::StrCat(e.name(), ": PAs, timesheets and pay runs")),
                        "</li>");
  }
  return dp::StrCat("<h2>Payroll</h2><ul class=\"links\">", links, "</ul>");
}

}  // namespace

void AgreementPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res) {
  Backends& backends = site.backends;
  const int64_t id = std::stoll(req.matches[1]);
  const std::string& user = who.principal.name;
  v1::GetAgreementRequest get;
  get.set_agreement_id(id);
  v1::Agreement a;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return backends.agreements().GetAgreement(ctx, get, &a); })) {
    return;
  }
  v1::GetRecordRequest rr;
  rr.set_agreement_id(id);
  v1::PersonRecord record;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return backends.agreements().GetRecord(ctx, rr, &record); })) {
    return;
  }
  const v1::Terms& t = a.current().terms();
  std::string html;
  if (req.has_param("done")) {
    html += console::NoticeBox(
        dp::StrCat("Recorded: ", req.get_param_value("done").substr(0, 40), "."));
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
      Row("Ends", Escape(DayOf(t.end_date()))),
      Row("May be spent on", JoinEscaped(t.permitted_uses())),
      Row("Outcomes", JoinEscaped(t.personal_outcomes())), "</dl>");
  html += MoneySection(backends, user, id);
  html += MoneyLinks(id, "the statement", "the card");
  html += dp::StrCat("<p>",
                     console::Link(dp::StrCat("/agreements/", id, "/payments-out"),
                                   "See payments out: payees, invoices, standing orders"),
                     "</p>");
  html += MoneyCharts(backends, user, a);
  html += VersionsTable(record);
  html += PayrollLinks(site, who, id);
  html += dp::StrCat("<h2>Monitoring</h2>",
                     ListExcerpt(site, who, AgreementCasesList(site, id), kAgreementRows),
                     ListExcerpt(site, who, AgreementFindingsList(site, id), kAgreementRows));
  if (a.status() == v1::AGREEMENT_STATUS_AWAITING_APPROVAL &&
      who.principal.role == iam::Role::kFinanceOfficer) {
    html += dp::StrCat(
        "<h2>Decision</h2><p>This budget needs approval by a ", Escape(a.required_approval_level()),
        ". Your delegated level is ", Escape(who.principal.approver_level), ".</p>",
        "<form method=\"post\" action=\"/agreements/", id, "/decision\">",
        console::CsrfField(who.session.csrf_token), console::RequestIdField(),
        "<fieldset><legend>Decision</legend>"
        "<p><input type=\"radio\" id=\"d-approve\" name=\"action\" value=\"approve\" required>"
        "<label for=\"d-approve\">Approve the budget</label></p>"
        "<p><input type=\"radio\" id=\"d-return\" name=\"action\" value=\"return\">"
        "<label for=\"d-return\">Return it for changes</label></p></fieldset>",
        console::ReasonField(),
        "<p><button type=\"submit\">Record the decision</button></p></form>");
  }
  html += RecordTable(record, "The person's record");
  if (who.principal.role == iam::Role::kFinanceOfficer) {
    html += dp::StrCat(
        "<h2>The person's own sign-in</h2><p>Invite the person, or their representative, to "
        "see this record, their money and their monitoring for themselves. The link works once, "
        "for 72 hours; a new one replaces it.</p><form method=\"post\" action=\"/agreements/",
        id, "/invite\">", console::CsrfField(who.session.csrf_token), console::RequestIdField(),
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
                    dp::StrCat(console::ErrorBox("Choose approve or return, then record it."),
                               "<p>", AgreementLink(id), "</p>"));
  }
  v1::Agreement out;
  if (!Ask(site, who, res, [&](auto* ctx) { return backends.agreements().Decide(ctx, d, &out); })) {
    return;
  }
  res.set_redirect(
      dp::StrCat("/agreements/", id, "?done=", action == "approve" ? "approved" : "returned"), 303);
}

void InvitePost(Site& site, const SignedIn& who, const httplib::Request& req,
                httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::InvitePersonRequest invite;
  invite.set_request_id(req.get_param_value("request_id").substr(0, 100));
  invite.set_agreement_id(id);
  invite.set_name(req.get_param_value("name").substr(0, 200));
  v1::PersonInvitation out;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.admin().InvitePerson(ctx, invite, &out); })) {
    return;
  }
  if (out.invitation_token().empty()) {
    return SendPage(res, 200, "Invitation already made", who.viewer,
                    dp::StrCat("<p>This form was sent before, and its link was shown then. To "
                               "make a new link, open ",
                               AgreementLink(id), " again and send the form once more.</p>"));
  }
  SendInvitationLink(site, who, res, out.name(), out.invitation_token(), out.expires_at(),
                     AgreementLink(id));
}

void SendInvitationLink(Site& site, const SignedIn& who, httplib::Response& res,
                        const std::string& name, const std::string& token,
                        const google::protobuf::Timestamp& expires_at,
                        const std::string& back_html) {
  const std::string link = dp::StrCat(site.public_url, "/invitation?token=", token);
  SendPage(res, 200, "Invitation link", who.viewer,
           dp::StrCat("<p>Give this link to <strong>", Escape(name),
                      "</strong> (by email or letter). It works once, until ",
                      Escape(When(expires_at)), ". This page shows it only now.</p>",
                      "<p class=\"secret\"><code id=\"invitation-link\">", Escape(link),
                      "</code></p><p>", back_html, "</p>"));
}

void StaffPage(Site&, const SignedIn& who, const httplib::Request&, httplib::Response& res) {
  const bool admin = who.principal.role == iam::Role::kAdmin;
  SendPage(
      res, 200, "Invite a colleague", who.viewer,
      dp::StrCat(
          "<p>",
          admin ? "Any officer, auditor, support organisation's staff or administrator who "
                  "already has a principal (<code>dpctl admin principals create</code>)."
                : "Another finance officer of your authority.",
          " The link sets a new password and, for officers, auditors and administrators, a new "
          "authenticator app: use it too when someone has lost their phone. It works once, for "
          "72 hours, and replaces any earlier link.</p>",
          "<form method=\"post\" action=\"/staff/invite\">",
          console::CsrfField(who.session.csrf_token), console::RequestIdField(),
          console::Field("Their sign-in name", "name", "text", "off", "For example alice@fife"),
          "<p><button type=\"submit\">Make an invitation link</button></p></form>"));
}

void StaffInvitePost(Site& site, const SignedIn& who, const httplib::Request& req,
                     httplib::Response& res) {
  v1::InviteStaffRequest invite;
  invite.set_request_id(req.get_param_value("request_id").substr(0, 100));
  invite.set_name(req.get_param_value("name").substr(0, 128));
  v1::StaffInvitation out;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.admin().InviteStaff(ctx, invite, &out); })) {
    return;
  }
  const std::string back = console::Link("/staff", "Invite another colleague");
  if (out.invitation_token().empty()) {
    return SendPage(res, 200, "Invitation already made", who.viewer,
                    dp::StrCat("<p>This form was sent before, and its link was shown then. ", back,
                               " to make a new link.</p>"));
  }
  SendInvitationLink(site, who, res, out.name(), out.invitation_token(), out.expires_at(), back);
}

}  // namespace dp::console_service
