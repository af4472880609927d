#include "base/strings.h"
#include "pages/pages.h"

namespace dp::console_service {

void HomePage(Site& site, const SignedIn& who, const httplib::Request& req,
              httplib::Response& res) {
  if (who.principal.role == iam::Role::kFinanceOfficer) return OfficerHome(site, who, req, res);
  if (who.principal.role == iam::Role::kPerson) return PersonHome(site, who, req, res);
  if (who.principal.role == iam::Role::kAuditor) return AuditorHome(site, who, req, res);
  SendPage(res, 200, "Home", who.viewer,
           dp::StrCat("<p>Signed in as ", console::Escape(who.principal.name),
                      ". The pages for your role are not in the console yet: use dpctl, or "
                      "open an agreement you may see at /agreements/ and its number.</p>"));
}


}  // namespace dp::console_service
