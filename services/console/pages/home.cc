#include "base/strings.h"
#include "pages/pages.h"

namespace dp::console_service {

namespace {

// SupportedList is the agreements an ISO was granted, whatever their authority.
List SupportedList(Site& site) {
  return {"/supported",
          "The agreements you support",
          {"Agreement", "Authority", "Status"},
          "No agreement has been granted to you yet.",
          [&site](grpc::ClientContext* ctx, int size, const std::string& token, ListPage* page) {
            v1::ListAgreementsRequest req;
            req.set_page_size(size);
            req.set_page_token(token);
            v1::ListAgreementsResponse got;
            const grpc::Status s = site.backends.agreements().ListAgreements(ctx, req, &got);
            for (const v1::Agreement& a : got.agreements()) {
              page->rows.push_back({{dp::StrCat("Agreement ", a.agreement_id()),
                                     dp::StrCat("/agreements/", a.agreement_id())},
                                    {a.authority_id()},
                                    {StatusWords(a.status())}});
            }
            page->next_token = got.next_page_token();
            return s;
          }};
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
