#ifndef DP_SERVICES_AGREEMENTS_PAYMENT_CONVERT_H_
#define DP_SERVICES_AGREEMENTS_PAYMENT_CONVERT_H_

#include "absl/status/statusor.h"
#include "dp/v1/payments.pb.h"
#include "payments/books/payees.h"
#include "payments/books/runs.h"

// Conversions between PaymentService messages and lib/payments types.
// Request conversions fail with INVALID_ARGUMENT naming the field.
namespace dp::agreements_service {

absl::StatusOr<payments::PayeeKind> PayeeKindFromProto(v1::PayeeKind kind);
absl::StatusOr<payments::Frequency> FrequencyFromProto(v1::OrderFrequency f);
absl::StatusOr<std::optional<payments::PaymentStatus>> StatusFromProto(v1::PaymentStatus s);
absl::StatusOr<payments::InvoiceLine> InvoiceLineFromProto(const v1::SubmitInvoiceRequest& r);

void ToProto(const payments::Payee& p, v1::Payee* out);
void ToProto(const payments::Invoice& i, v1::Invoice* out);
void ToProto(const payments::StandingOrderRecord& o, v1::StandingOrder* out);
void ToProto(const payments::MandateRecord& m, v1::Mandate* out);
void ToProto(const payments::Payment& p, v1::OutgoingPayment* out);
void ToProto(const payments::Held& h, v1::HeldBack* out);
void ToProto(const payments::Run& r, v1::PaymentsRun* out);
void ToProto(const payments::FileReport& r, v1::BankFileReport* out);
void ToProto(int64_t agreement_id, const payments::Available& a, v1::AvailableToSpend* out);

}  // namespace dp::agreements_service

#endif  // DP_SERVICES_AGREEMENTS_PAYMENT_CONVERT_H_
