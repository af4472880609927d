#include "iam/policy.h"

#include <iterator>


namespace dp::iam {
namespace {

constexpr uint32_t kOfficer = RoleBit(Role::kFinanceOfficer);
constexpr uint32_t kIso = RoleBit(Role::kIso);
constexpr uint32_t kAuditor = RoleBit(Role::kAuditor);
constexpr uint32_t kService = RoleBit(Role::kService);
constexpr uint32_t kAdmin = RoleBit(Role::kAdmin);
constexpr uint32_t kProcessor = RoleBit(Role::kProcessor);
// A person signed in to the console: reads of their own agreement only.
constexpr uint32_t kPerson = RoleBit(Role::kPerson);
// Everyone but the card processor, which may call only the card network.
constexpr uint32_t kAnyone = kOfficer | kIso | kAuditor | kService | kAdmin;

// The one table of who may call what. Keep it in method order per service.
const MethodPolicy kPolicies[] = {
    {"/grpc.health.v1.Health/Check", 0, false, true},
    {"/grpc.health.v1.Health/Watch", 0, false, true},
    {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
     kAnyone},

    {"/dp.v1.LedgerService/GetServiceInfo", kAnyone},
    {"/dp.v1.LedgerService/CreateAccount", kOfficer | kService, true, false, "ledger/accounts/{}"},
    {"/dp.v1.LedgerService/GetAccount", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.LedgerService/ListAccounts", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.LedgerService/CreateTransaction", kOfficer | kService, true, false, "ledger/transactions/{}"},
    {"/dp.v1.LedgerService/GetTransaction", kOfficer | kAuditor | kService},
    {"/dp.v1.LedgerService/ReverseTransaction", kOfficer | kService, true, false, "ledger/transactions/{}"},
    {"/dp.v1.LedgerService/CreatePendingTransfer", kOfficer | kService, true, false, "ledger/holds/{}"},
    {"/dp.v1.LedgerService/IncreasePendingTransfer", kOfficer | kService, true, false, "ledger/holds/{}"},
    {"/dp.v1.LedgerService/PostPendingTransfer", kOfficer | kService, true, false, "ledger/holds/{}"},
    {"/dp.v1.LedgerService/VoidPendingTransfer", kOfficer | kService, true, false, "ledger/holds/{}"},
    {"/dp.v1.LedgerService/GetPendingTransfer", kOfficer | kAuditor | kService},
    {"/dp.v1.LedgerService/GetBalance", kOfficer | kIso | kAuditor | kService | kPerson},
    {"/dp.v1.LedgerService/ListStatement", kOfficer | kIso | kAuditor | kService | kPerson},

    {"/dp.v1.AgreementService/GetServiceInfo", kAnyone},
    {"/dp.v1.AgreementService/SetAuthoritySettings", kOfficer | kService, true, false, "agreements/settings/{}"},
    {"/dp.v1.AgreementService/GetAuthoritySettings", kOfficer | kAuditor | kService},
    {"/dp.v1.AgreementService/CreatePerson", kOfficer | kService, true, false, "people/{}"},
    {"/dp.v1.AgreementService/GetPerson", kOfficer | kAuditor | kService},
    {"/dp.v1.AgreementService/CreateAgreement", kOfficer | kService, true, false, "agreements/{}"},
    {"/dp.v1.AgreementService/AmendAgreement", kOfficer | kService, true, false, "agreements/{}"},
    {"/dp.v1.AgreementService/GetAgreement", kOfficer | kIso | kAuditor | kService | kPerson},
    {"/dp.v1.AgreementService/ListAgreements", kOfficer | kIso | kAuditor | kService | kPerson},
    {"/dp.v1.AgreementService/SummariseAgreements", kOfficer | kAuditor | kService},
    // Approval needs a delegated level, which only finance officers have.
    {"/dp.v1.AgreementService/Decide", kOfficer | kService, true, false, "agreements/{}"},
    {"/dp.v1.AgreementService/Terminate", kOfficer | kService, true, false, "agreements/{}"},
    // Money goes back to the authority only on an officer's word.
    {"/dp.v1.AgreementService/ConfirmRecovery", kOfficer, true, false, "agreements/{}"},
    {"/dp.v1.AgreementService/RunPaymentSchedule", kOfficer | kService, true, false, "agreements/payment-runs/{}"},
    {"/dp.v1.AgreementService/RunPaymentScheduleWithProgress", kOfficer | kService, true, false, "agreements/payment-runs/{}"},
    {"/dp.v1.AgreementService/ListPayments", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.AgreementService/GetRecord", kOfficer | kIso | kAuditor | kService | kPerson},
    {"/dp.v1.PayrollService/GetServiceInfo", kAnyone},
    {"/dp.v1.PayrollService/Calculate", kOfficer | kIso | kAuditor | kService},
    // Payroll bureaus (ISOs) run payroll for the agreements linked to them.
    {"/dp.v1.PayrollService/CreateEmployer", kOfficer | kIso | kService, true, false, "payroll/employers/{}"},
    {"/dp.v1.PayrollService/CreateEmployee", kOfficer | kIso | kService, true, false, "payroll/employees/{}"},
    {"/dp.v1.PayrollService/SubmitTimesheet", kOfficer | kIso | kService, true, false, "payroll/timesheets/{}"},
    {"/dp.v1.PayrollService/RunPayroll", kOfficer | kIso | kService, true, false, "payroll/runs/{}"},
    {"/dp.v1.PayrollService/GetPayRun", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.PayrollService/PayLiability", kOfficer | kIso | kService, true, false, "ledger/transactions/{}"},
    {"/dp.v1.PayrollService/LeaveEmployee", kOfficer | kIso | kService, true, false, "payroll/employees/{}"},
    // Documents carry full NI numbers and bank details: those who run the
    // payroll, not auditors.
    {"/dp.v1.PayrollService/RecordStudentLoan", kOfficer | kIso | kService, true, false,
     "payroll/student-loans/{}"},
    {"/dp.v1.PayrollService/RecordTaxCodeNotice", kOfficer | kIso | kService, true, false,
     "payroll/tax-code-notices/{}"},
    {"/dp.v1.PayrollService/RecordStarter", kOfficer | kIso | kService, true, false,
     "payroll/tax-code-notices/{}"},
    {"/dp.v1.PayrollService/RecordFamilyLeave", kOfficer | kIso | kService, true, false,
     "payroll/family-leave/{}"},
    {"/dp.v1.PayrollService/ListFamilyLeave", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.PayrollService/RecordPensionOptOut", kOfficer | kIso | kService, true, false,
     "payroll/employees/{}"},
    {"/dp.v1.PayrollService/YearEnd", kOfficer | kIso | kService},
    {"/dp.v1.PayrollService/ListEmployers", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.PayrollService/ListEmployees", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.PayrollService/ListTimesheets", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.PayrollService/ListPayRuns", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.PayrollService/GetDocument", kOfficer | kIso | kService},
    {"/dp.v1.CardService/GetServiceInfo", kAnyone | kProcessor},
    {"/dp.v1.CardService/IssueCard", kOfficer | kService, true, false, "cards/{}"},
    // The person's ISO may stop a lost card, and start it again.
    {"/dp.v1.CardService/FreezeCard", kOfficer | kIso | kService, true, false, "cards/{}"},
    {"/dp.v1.CardService/UnfreezeCard", kOfficer | kIso | kService, true, false, "cards/{}"},
    {"/dp.v1.CardService/CancelCard", kOfficer | kService, true, false, "cards/{}"},
    {"/dp.v1.CardService/ReplaceCard", kOfficer | kService, true, false, "cards/{}"},
    {"/dp.v1.CardService/LoadCard", kOfficer | kService, true, false, "cards/loads/{}"},
    {"/dp.v1.CardService/SetCardControls", kOfficer | kService, true, false, "cards/{}"},
    {"/dp.v1.CardService/PreviewCardControls", kOfficer | kService},
    {"/dp.v1.CardService/GetCard", kOfficer | kIso | kAuditor | kService | kPerson},
    {"/dp.v1.CardService/ListCards", kOfficer | kIso | kAuditor | kService | kPerson},
    {"/dp.v1.CardService/GetCardStatement", kOfficer | kIso | kAuditor | kService | kPerson},
    // The card network: the processor only, for the authorities granted to it.
    {"/dp.v1.CardService/Authorize", kProcessor, true, false, "cards/authorisations/{}"},
    {"/dp.v1.CardService/Capture", kProcessor, true, false, "cards/settlements/{}"},
    {"/dp.v1.CardService/Reverse", kProcessor, true, false, "cards/settlements/{}"},
    {"/dp.v1.CardService/Refund", kProcessor, true, false, "cards/settlements/{}"},
    // The clearing file comes from the processor, or through an officer.
    {"/dp.v1.CardService/ImportClearing", kProcessor | kOfficer | kService, true, false,
     "cards/clearing/{}"},
    {"/dp.v1.MonitoringService/GetServiceInfo", kAnyone},
    {"/dp.v1.MonitoringService/SetMonitoringSettings", kOfficer | kService, true, false,
     "monitoring/settings/{}"},
    {"/dp.v1.MonitoringService/GetMonitoringSettings", kOfficer | kAuditor | kService},
    {"/dp.v1.MonitoringService/PreviewMonitoringSettings", kOfficer | kService},
    {"/dp.v1.MonitoringService/Sweep", kOfficer | kService, true, false, "monitoring/sweeps/{}"},
    // The person's ISO sees what monitoring says about the agreements it supports.
    {"/dp.v1.MonitoringService/GetAgreementMonitoring", kOfficer | kIso | kAuditor | kService | kPerson},
    {"/dp.v1.MonitoringService/ListFindings", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.MonitoringService/GetCase", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.MonitoringService/ListCases", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.MonitoringService/AddCaseNote", kOfficer | kService, true, false, "monitoring/cases/{}"},
    {"/dp.v1.MonitoringService/DecideCase", kOfficer | kService, true, false, "monitoring/cases/{}"},
    // A bank-paid agreement's statement, from the officer or the ISO that
    // manages the account.
    {"/dp.v1.MonitoringService/ImportBankStatement", kOfficer | kIso | kService, true, false,
     "monitoring/bank/{}"},
    // Auditors pull reports for the authorities granted to them.
    {"/dp.v1.MonitoringService/GetAuditorReport", kOfficer | kAuditor | kService},
    {"/dp.v1.MonitoringService/VerifyAuditorReport", kOfficer | kAuditor | kService},
    // Payments out: the ISO granted an agreement (its payment manager)
    // manages payees and arrangements; runs, the bank's files and any
    // override of committed funds are an officer's (checked in the books).
    {"/dp.v1.PaymentService/GetServiceInfo", kAnyone},
    {"/dp.v1.PaymentService/AddPayee", kOfficer | kIso | kService, true, false, "payments/payees/{}"},
    {"/dp.v1.PaymentService/ApprovePayee", kOfficer | kIso | kService, true, false,
     "payments/payees/{}"},
    {"/dp.v1.PaymentService/SubmitInvoice", kOfficer | kIso | kService, true, false,
     "payments/invoices/{}"},
    {"/dp.v1.PaymentService/ApproveInvoice", kOfficer | kIso | kService, true, false,
     "payments/invoices/{}"},
    {"/dp.v1.PaymentService/CreateStandingOrder", kOfficer | kIso | kService, true, false,
     "payments/standing-orders/{}"},
    {"/dp.v1.PaymentService/CancelStandingOrder", kOfficer | kIso | kService, true, false,
     "payments/standing-orders/{}"},
    {"/dp.v1.PaymentService/CreateMandate", kOfficer | kIso | kService, true, false,
     "payments/mandates/{}"},
    {"/dp.v1.PaymentService/CancelMandate", kOfficer | kIso | kService, true, false,
     "payments/mandates/{}"},
    {"/dp.v1.PaymentService/ListArrangements", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.PaymentService/SchedulePayment", kOfficer | kIso | kService, true, false,
     "payments/payments/{}"},
    {"/dp.v1.PaymentService/RunPayments", kOfficer | kService, true, false, "payments/runs/{}"},
    {"/dp.v1.PaymentService/GetPaymentsRun", kOfficer | kAuditor | kService},
    {"/dp.v1.PaymentService/SettlePaymentsRun", kOfficer | kService, true, false, "payments/runs/{}"},
    {"/dp.v1.PaymentService/ImportCollections", kOfficer | kService, true, false,
     "payments/collections/{}"},
    {"/dp.v1.PaymentService/ImportReturns", kOfficer | kService, true, false, "payments/returns/{}"},
    {"/dp.v1.PaymentService/ListOutgoingPayments", kOfficer | kIso | kAuditor | kService},
    {"/dp.v1.PaymentService/GetAvailableToSpend", kOfficer | kIso | kAuditor | kService | kPerson},

    {"/dp.v1.AdminService/WhoAmI", kAnyone | kPerson},
    {"/dp.v1.AdminService/InvitePerson", kOfficer | kAdmin, true, false, "iam/principals/{}"},
    {"/dp.v1.AdminService/InviteStaff", kOfficer | kAdmin, true, false, "iam/principals/{}"},
    {"/dp.v1.AdminService/CreateOrganisation", kAdmin, true, false, "iam/organisations/{}"},
    {"/dp.v1.AdminService/CreatePrincipal", kAdmin, true, false, "iam/principals/{}"},
    {"/dp.v1.AdminService/SetPrincipalDisabled", kAdmin, true, false, "iam/principals/{}"},
    {"/dp.v1.AdminService/ListPrincipals", kAdmin | kAuditor},
    {"/dp.v1.AdminService/Grant", kAdmin, true, false, "iam/grants/{}"},
    {"/dp.v1.AdminService/Revoke", kAdmin, true, false, "iam/grants/{}"},
    {"/dp.v1.AdminService/ListGrants", kAdmin | kAuditor},
    {"/dp.v1.AdminService/RotateKeys", kAdmin, true, false, "keys/{}"},
    {"/dp.v1.AuditService/ListAuditEvents", kAuditor | kAdmin},
    {"/dp.v1.AuditService/VerifyAuditChain", kAuditor | kAdmin},
    {"/dp.v1.AuditService/GetAuditHead", kAuditor | kAdmin},
};

}  // namespace

const MethodPolicy* AllPolicies(size_t* count) {
  *count = std::size(kPolicies);
  return kPolicies;
}

std::string ResourceName(std::string_view pattern, std::string_view id) {
  const size_t hole = pattern.find("{}");
  if (hole == std::string_view::npos) return std::string(pattern);
  if (id.empty()) return std::string(pattern.substr(0, hole > 0 ? hole - 1 : 0));
  std::string out(pattern.substr(0, hole));
  out.append(id);
  out.append(pattern.substr(hole + 2));
  return out;
}

std::string PolicyMarkdown() {
  constexpr Role kRoles[] = {Role::kFinanceOfficer, Role::kIso, Role::kAuditor, Role::kService,
                             Role::kAdmin, Role::kProcessor, Role::kPerson};
  std::string out =
      "# Who may call what\n\n"
      "Generated from the one policy table (`lib/iam/policy.cc`); `policy_doc_test` fails if\n"
      "this file and the table differ (`DP_WRITE_ROLES=1 build/lib/policy_doc_test` writes\n"
      "it). A method not listed is refused to everyone. Within a method, each service still\n"
      "checks the caller's reach: an officer's own authority, an ISO's granted agreements\n"
      "and employers, an auditor's granted authorities.\n\n"
      "The web console (role `console`) may call nothing as itself. It names the signed-in\n"
      "user in the call's `dp-acting-for` metadata; the call is then judged by that user's\n"
      "own role, reach and approver level, and the audit trail names both (`user via\n"
      "console`). Any other caller naming a user is refused.\n\n"
      "| method | finance_officer | iso | auditor | service | admin | processor | person |"
      " audited write |\n"
      "|---|---|---|---|---|---|---|---|---|\n";
  for (const MethodPolicy& p : kPolicies) {
    std::string row = std::string("| `") + std::string(p.method) + "` |";
    for (Role r : kRoles) row += p.needs_no_principal ? " anyone |" : (Allows(p, r) ? " yes |" : " |");
    row += p.writes ? " yes |" : " |";
    out += row + "\n";
  }
  return out;
}

const MethodPolicy* FindPolicy(std::string_view method) {
  for (const MethodPolicy& p : kPolicies) {
    if (p.method == method) return &p;
  }
  return nullptr;
}

bool Allows(const MethodPolicy& policy, Role role) { return (policy.roles & RoleBit(role)) != 0; }

}  // namespace dp::iam
