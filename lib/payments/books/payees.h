#ifndef DP_LIB_PAYMENTS_BOOKS_PAYEES_H_
#define DP_LIB_PAYMENTS_BOOKS_PAYEES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "agreements/store.h"
#include "crypto/field_cipher.h"
#include "payments/rules/bank_details.h"
#include "payments/rules/payments.h"

// Who an agreement pays and on what terms, over the database (schema
// `payments`, 0019): payees and their approval, invoices, standing orders,
// direct debit mandates and one-off payments. Each write runs inside the
// caller's transaction, with the request's record and audit event
// (service/write.h); a refusal writes nothing.
namespace dp::payments {

// Actor is who acts: an officer of the authority, or an ISO granted the
// agreement (the person's payment manager or managed-account provider).
struct Actor {
  std::string name;
  bool officer = false;
};

struct Payee {
  int64_t id = 0;
  int64_t agreement_id = 0;
  std::string authority_id;
  PayeeKind kind = PayeeKind::kSupplier;
  std::string use;
  std::string name;
  std::string account_name;
  std::string sort_code;       // decrypted
  std::string account_number;  // decrypted
  std::string account_last4;
  std::string reference;
  int64_t employee_id = 0;
  Plan plan;
  int64_t ledger_account_id = 0;
  bool approved = false;
  std::string approved_by;
  std::string approval_reason;
};

// NewPayee is what AddPayee is given, unchecked.
struct NewPayee {
  int64_t agreement_id = 0;
  PayeeKind kind = PayeeKind::kSupplier;
  std::string name, account_name, sort_code, account_number, reference, use, reason;
  int64_t employee_id = 0;
  Plan plan;
};

// PayableAgreement reads an agreement that money may leave now: NOT_FOUND
// when there is none, AGREEMENT_NOT_PAYABLE unless it is active.
absl::StatusOr<agreements::Header> PayableAgreement(pqxx::transaction_base& tx,
                                                    int64_t agreement_id);

// AddPayee checks the payee (the agreement not ended, its permitted uses,
// the bank details, a PA's payroll employment), opens its ledger account
// and stores it awaiting approval. Returns its id.
absl::StatusOr<int64_t> AddPayee(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                 const ModulusRules& modulus, const NewPayee& payee,
                                 const Actor& actor, absl::CivilDay today);
// ApprovePayee approves a payee once, with the reason, in the person's record.
absl::Status ApprovePayee(pqxx::work& tx, int64_t payee_id, const std::string& reason,
                          const Actor& actor);
absl::StatusOr<Payee> GetPayee(pqxx::transaction_base& tx, const crypto::FieldCipher& cipher,
                               int64_t payee_id);
std::vector<Payee> ListPayees(pqxx::transaction_base& tx, const crypto::FieldCipher& cipher,
                              int64_t agreement_id);
// PayableTo refuses (PAYEE_NOT_APPROVED) a payee not yet approved, naming
// the approval that is missing.
absl::Status PayableTo(const Payee& payee);

enum class InvoiceStatus { kAwaitingApproval, kApproved, kScheduled, kPaid, kReturned };

struct Invoice {
  int64_t id = 0;
  int64_t agreement_id = 0;
  int64_t payee_id = 0;
  std::string number;
  InvoiceLine line;
  int64_t amount_pence = 0;
  absl::CivilDay due;
  std::string description;
  InvoiceStatus status = InvoiceStatus::kAwaitingApproval;
  std::string flag;
  std::string approved_by;
  std::string approval_reason;
};

struct NewInvoice {
  int64_t agreement_id = 0;
  int64_t payee_id = 0;
  std::string number;
  InvoiceLine line;
  absl::CivilDay due;
  std::string description;
};

// SubmitInvoice stores an invoice for an agency, a supplier, or a PA's
// expenses (a PA still employed through payroll), flagged in words when it
// is above the payee's plan. Returns its id.
absl::StatusOr<int64_t> SubmitInvoice(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                      const NewInvoice& invoice, const Actor& actor,
                                      absl::CivilDay today);
// ApproveInvoice commits an invoice's money. A flagged invoice needs an
// officer; one that would leave commitments unfunded is refused unless an
// officer gives `override_reason`, which the person's record shows.
absl::Status ApproveInvoice(pqxx::work& tx, int64_t invoice_id, const std::string& reason,
                            const std::string& override_reason, const Actor& actor,
                            absl::CivilDay today);
absl::StatusOr<Invoice> GetInvoice(pqxx::transaction_base& tx, int64_t invoice_id);
std::vector<Invoice> ListInvoices(pqxx::transaction_base& tx, int64_t agreement_id);

struct StandingOrderRecord {
  int64_t id = 0;
  int64_t agreement_id = 0;
  int64_t payee_id = 0;
  StandingOrder order;
  std::string reference;
  bool active = true;
  std::string cancel_reason;
  std::optional<absl::CivilDay> next;  // the next date not yet paid
};

// CreateStandingOrder checks the payee and that the first 28 days' payments
// leave commitments funded (or an officer's override). Returns its id.
absl::StatusOr<int64_t> CreateStandingOrder(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                            int64_t agreement_id, int64_t payee_id,
                                            const StandingOrder& order, const std::string& reference,
                                            const std::string& override_reason, const Actor& actor,
                                            absl::CivilDay today);
absl::StatusOr<StandingOrderRecord> GetStandingOrder(pqxx::transaction_base& tx, int64_t id);
std::vector<StandingOrderRecord> ListStandingOrders(pqxx::transaction_base& tx, int64_t agreement_id);

struct MandateRecord {
  int64_t id = 0;
  int64_t agreement_id = 0;
  int64_t payee_id = 0;
  std::string reference;
  bool active = true;
  std::string cancel_reason;
};
absl::StatusOr<int64_t> CreateMandate(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                      int64_t agreement_id, int64_t payee_id,
                                      const std::string& reference, const Actor& actor);
absl::StatusOr<MandateRecord> GetMandate(pqxx::transaction_base& tx, int64_t id);
std::vector<MandateRecord> ListMandates(pqxx::transaction_base& tx, int64_t agreement_id);

// Cancel ends a standing order (`what` "standing_order") or a mandate
// ("mandate") with the reason; cancelling twice is refused.
absl::Status Cancel(pqxx::work& tx, const std::string& what, int64_t id, const std::string& reason,
                    const Actor& actor);
// AgreementOfArrangement is the agreement a payee, invoice, standing order
// or mandate belongs to (NOT_FOUND naming it when there is none).
absl::StatusOr<int64_t> AgreementOfArrangement(pqxx::transaction_base& tx, const std::string& what,
                                               int64_t id);

}  // namespace dp::payments

#endif  // DP_LIB_PAYMENTS_BOOKS_PAYEES_H_
