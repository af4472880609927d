#ifndef DP_SERVICES_CONSOLE_PAGES_PAGES_H_
#define DP_SERVICES_CONSOLE_PAGES_PAGES_H_

#include <httplib.h>

#include "pages/common.h"
#include "pages/lists.h"

// The pages a signed-in user sees, by route, each over the services' own
// RPCs as that user, so that the services' own rules decide what they may
// see and do. One file per audience: officer.cc, person.cc, auditor.cc;
// money.cc has the statement and card pages several audiences share.
namespace dp::console_service {

using PageFn = void (*)(Site&, const SignedIn&, const httplib::Request&, httplib::Response&);

// HomePage: by role, what needs doing (officer: agreements by status and the
// approvals waiting; a person: their own direct payment; an auditor: the
// reports and the audit trail).
void HomePage(Site& site, const SignedIn& who, const httplib::Request& req, httplib::Response& res);

// IsoHome: the agreements an ISO supports, and the way to its payroll;
// SupportedPage all of those agreements, paged and as CSV.
void IsoHome(Site& site, const SignedIn& who, const httplib::Request& req, httplib::Response& res);
void SupportedPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res);

// The officer's dashboard (dashboard.cc): approvals waiting, open cases
// and findings, today's payments in and out, and agreements by status;
// each list also on its own page that pages and downloads.
void OfficerHome(Site& site, const SignedIn& who, const httplib::Request& req,
                 httplib::Response& res);
void ApprovalsPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res);
// PaymentsDayPage: the authority's payments out due on `?date=` (today
// when absent), whatever became of them.
void PaymentsDayPage(Site& site, const SignedIn& who, const httplib::Request& req,
                     httplib::Response& res);

// Payments out of an agreement (payments_out.cc), for its ISO and officer.
// PaymentsOutPage: payees, invoices, standing orders and mandates, with the
// forms to submit an invoice and approve a payee or an invoice;
// PaymentsOutHistory: every payment made, paged and as CSV.
void PaymentsOutPage(Site& site, const SignedIn& who, const httplib::Request& req,
                     httplib::Response& res);
void PaymentsOutHistory(Site& site, const SignedIn& who, const httplib::Request& req,
                        httplib::Response& res);
void InvoicePost(Site& site, const SignedIn& who, const httplib::Request& req,
                 httplib::Response& res);
// ApprovalPost approves a payee or an invoice (the route's second match).
void ApprovalPost(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res);
// PaymentsOutList is a list of payments out, as `query` names them (an
// agreement's, or an authority's due on a day), and what became of each.
List PaymentsOutList(Site& site, std::string path, std::string caption, std::string empty_words,
                     const v1::ListOutgoingPaymentsRequest& query);

// Officer (officer.cc).
// AgreementPage: the terms, the money, the person's record, and (when it
// waits for approval) the decision form; the invitation form for officers.
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

// SendInvitationLink shows an invitation's link, once, with when it expires.
void SendInvitationLink(Site& site, const SignedIn& who, httplib::Response& res,
                        const std::string& name, const std::string& token,
                        const google::protobuf::Timestamp& expires_at,
                        const std::string& back_html);
// StaffPage and StaffInvitePost: an administrator invites any colleague, an
// officer another officer of their authority (AdminService.InviteStaff);
// accepting resets the password and the authenticator app.
void StaffPage(Site& site, const SignedIn& who, const httplib::Request& req,
               httplib::Response& res);
void StaffInvitePost(Site& site, const SignedIn& who, const httplib::Request& req,
                     httplib::Response& res);

// The person (person.cc).
void PersonHome(Site& site, const SignedIn& who, const httplib::Request& req,
                httplib::Response& res);
// RecordPdf: the person's record as a PDF to keep.
void RecordPdf(Site& site, const SignedIn& who, const httplib::Request& req,
               httplib::Response& res);

// The payment schedule (schedule.cc), for an officer: the form, and the run
// with what it paid.
void SchedulePage(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res);
void SchedulePost(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res);

// Monitoring (cases.cc), for an officer: the authority's open review cases
// (an information request past its due day marked overdue) and open
// findings, each a list that pages and downloads.
List OpenCasesList(Site& site, const SignedIn& who);
List OpenFindingsList(Site& site, const SignedIn& who);
void OpenCasesPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res);
void OpenFindingsPage(Site& site, const SignedIn& who, const httplib::Request& req,
                      httplib::Response& res);
// An agreement's review cases and findings, open or closed: for its page,
// and each on its own page (the route's second match: cases or findings).
List AgreementCasesList(Site& site, int64_t agreement_id);
List AgreementFindingsList(Site& site, int64_t agreement_id);
void AgreementMonitoringList(Site& site, const SignedIn& who, const httplib::Request& req,
                             httplib::Response& res);
// CasePage: a case's findings and evidence, notes and decisions, and the
// forms to add a note and to decide; the posts record them.
void CasePage(Site& site, const SignedIn& who, const httplib::Request& req, httplib::Response& res);
void CaseNotePost(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res);
void CaseDecisionPost(Site& site, const SignedIn& who, const httplib::Request& req,
                      httplib::Response& res);

// Payroll (payroll.cc), for an ISO and an officer.
// EmployersPage lists the employers the user may see; EmployerPage one
// employer's PAs, timesheets and pay runs, with the timesheet form.
void EmployersPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res);
void EmployerPage(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res);
// EmployerListPage: all of an employer's timesheets or pay runs (the
// route's second match), paged and as CSV.
void EmployerListPage(Site& site, const SignedIn& who, const httplib::Request& req,
                      httplib::Response& res);
// TimesheetPost: a week of hours for one PA; the payroll service checks them.
void TimesheetPost(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res);
// PayRunPage: a run's totals, payslips and documents; PayrollDocument any
// of them by `?kind=` (payslips, bacs, fps, pension of a `run`; p45, p60
// with `tax_year` of an `employee`).
void PayRunPage(Site& site, const SignedIn& who, const httplib::Request& req,
                httplib::Response& res);
void PayrollDocument(Site& site, const SignedIn& who, const httplib::Request& req,
                     httplib::Response& res);

// The auditor (auditor.cc).
void AuditorHome(Site& site, const SignedIn& who, const httplib::Request& req,
                 httplib::Response& res);
// ReportDownload: an authority's report for a period as CSV, XLSX or PDF.
void ReportDownload(Site& site, const SignedIn& who, const httplib::Request& req,
                    httplib::Response& res);
// ReportVerify: an uploaded CSV report against the books as they are now.
void ReportVerify(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res);
// SamplePage draws a report's sample of transactions, each linked to
// TransactionPage: its postings, by account.
void SamplePage(Site& site, const SignedIn& who, const httplib::Request& req,
                httplib::Response& res);
void TransactionPage(Site& site, const SignedIn& who, const httplib::Request& req,
                     httplib::Response& res);
// AuditTrail pages through the trail; AuditVerify checks it, against a
// head kept outside when given.
void AuditTrail(Site& site, const SignedIn& who, const httplib::Request& req,
                httplib::Response& res);
void AuditVerify(Site& site, const SignedIn& who, const httplib::Request& req,
                 httplib::Response& res);

// Money (money.cc), for whoever may read the agreement.
// StatementPage: the agreement's account a page at a time, with a running
// balance; StatementCsv: all of it as CSV.
void StatementPage(Site& site, const SignedIn& who, const httplib::Request& req,
                   httplib::Response& res);
void StatementCsv(Site& site, const SignedIn& who, const httplib::Request& req,
                  httplib::Response& res);
// CardPage: the card account's balance, what is committed and not yet paid,
// the payments refused with the reason in words, and its movements.
void CardPage(Site& site, const SignedIn& who, const httplib::Request& req, httplib::Response& res);

}  // namespace dp::console_service

#endif  // DP_SERVICES_CONSOLE_PAGES_PAGES_H_
