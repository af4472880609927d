#include "base/strings.h"
#include "pages/pages.h"

namespace dp::console_service {

void IsoHome(Site& site, const SignedIn& who, const httplib::Request&, httplib::Response& res) {
  v1::ListAgreementsRequest list;
  list.set_page_size(500);
  v1::ListAgreementsResponse got;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.agreements().ListAgreements(ctx, list, &got); })) {
    return;
  }
  console::Table table{"The agreements you support",
                       {"Agreement", "Authority", "Status"},
                       {},
                       "No agreement has been granted to you yet."};
  for (const v1::Agreement& a : got.agreements()) {
    table.rows.push_back({AgreementLink(a.agreement_id()), console::Escape(a.authority_id()),
                          console::Escape(StatusWords(a.status()))});
  }
  SendPage(res, 200, "Home", who.viewer,
           dp::StrCat(console::DrawTable(table), "<p>",
                      console::Link("/employers", "Payroll: employers, timesheets and pay runs"),
                      "</p>"));
}

void HomePage(Site& site, const SignedIn& who, const httplib::Request& req,
              httplib::Response& res) {
  if (who.principal.role == iam::Role::kFinanceOfficer) return OfficerHome(site, who, req, res);
  if (who.principal.role == iam::Role::kPerson) return PersonHome(site, who, req, res);
  if (who.principal.role == iam::Role::kAuditor) return AuditorHome(site, who, req, res);
  if (who.principal.role == iam::Role::kIso) return IsoHome(site, who, req, res);
  // An administrator invites colleagues here; identities and keys are
  // managed with dpctl admin.
  SendPage(
      res, 200, "Home", who.viewer,
      dp::StrCat("<p>Signed in as ", console::Escape(who.principal.name), ". ",
                 console::Link("/staff", "Invite a colleague"),
                 " to the console, or replace a lost authenticator app. Organisations, "
                 "principals, grants and keys are managed with <code>dpctl admin</code>.</p>"));
}

}  // namespace dp::console_service
