#ifndef DP_SERVICES_CONSOLE_PAGES_H_
#define DP_SERVICES_CONSOLE_PAGES_H_

#include <httplib.h>

#include <string>

#include <grpcpp/grpcpp.h>

#include "backends.h"
#include "server.h"

// The pages a signed-in user sees, each over the services' own RPCs as
// that user (so the services' own rules decide what they may see and do).
namespace dp::console_service {

// Site is what the pages need besides the request: the services, and the
// console's own address for the links it gives out.
struct Site {
  Backends& backends;
  std::string public_url;  // "https://console.example.gov.uk"
};

// SendPage answers with a whole page.
void SendPage(httplib::Response& res, int status, const std::string& title,
              const console::Viewer& viewer, const std::string& main_html);

// SendRefusal answers a service's refusal as a page in words, with the
// HTTP status that matches it (403, 404, 422, 503).
void SendRefusal(httplib::Response& res, const console::Viewer& viewer, const grpc::Status& status);

// RoleWords names a role for people: "Finance officer".
std::string RoleWords(iam::Role role);

// Home: by role, what needs doing (officer: agreements by status and the
// approvals waiting; a person: their own direct payment).
void HomePage(Site& site, const SignedIn& who, const httplib::Request& req,
              httplib::Response& res);

// AgreementPage: the terms, the balance and what is available, the person's
// record of decisions, and (when it waits for approval) the decision form.
void AgreementPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res);

// DecisionPost: approve or return an agreement, with a reason; the
// agreements service refuses what is above the officer's level.
void DecisionPost(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res);

// InvitePost: the officer invites the person (or their representative) to
// see their own record; the page shows the link once.
void InvitePost(Site& site, const SignedIn& who, const httplib::Request& req,
                httplib::Response& res);

// RecordPdf: the person's record as a PDF to keep.
void RecordPdf(Site& site, const SignedIn& who, const httplib::Request& req,
               httplib::Response& res);

}  // namespace dp::console_service

#endif  // DP_SERVICES_CONSOLE_PAGES_H_
