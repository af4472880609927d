#include "base/strings.h"
#include "pages/pages.h"

namespace dp::console_service {

namespace {

// SupportedList is the agreements an ISO was granted, whatever their authority.
List SupportedList(Site& site) {
  return {
      "/supported",
      "The agreements you support",
      {"Agreement", "Authority", "Status"},
      "No agreement has been granted to you yet.",
      PagedFetch<v1::ListAgreementsResponse>(
          v1::ListAgreementsRequest(),
          [&site](auto* ctx, const auto& req, auto* got) {
            return site.backends.agreements().ListAgreements(ctx, req, got);
          },
          [](const v1::ListAgreementsResponse& got) -> const auto& { return got.agreements(); },
          [](const v1::Agreement& a) -> ListRow {
            return {AgreementCell(a.agreement_id()), {a.authority_id()}, {StatusWords(a.status())}};
          })};
}

}  // namespace

void IsoHome(Site& site, const SignedIn& who, const httplib::Request&, httplib::Response& res) {
  SendPage(res, 200, "Home", who.viewer,
           dp::StrCat(ListExcerpt(site, who, SupportedList(site), 50), "<p>",
                      console::Link("/employers", "Payroll: employers, timesheets and pay runs"),
                      "</p>"));
}

void SupportedPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res) {
  SendList(site, who, SupportedList(site), req, res);
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
