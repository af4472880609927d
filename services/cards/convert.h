#ifndef DP_SERVICES_CARDS_CONVERT_H_
#define DP_SERVICES_CARDS_CONVERT_H_

#include "absl/status/statusor.h"
#include "cards/books/cards.h"
#include "cards/books/network.h"
#include "cards/books/statement.h"
#include "dp/v1/cards.pb.h"

// Conversions between CardService messages and lib/cards: each refusal
// names the request field.
namespace dp::cards_service {

absl::StatusOr<cards::Controls> FromProto(const v1::CardControls& controls);
void ToProto(const cards::Controls& controls, v1::CardControls* out);
void ToProto(const cards::Card& card, v1::Card* out);

absl::StatusOr<cards::AuthorisationRequest> FromProto(const v1::AuthorizeRequest& req);
void ToProto(const cards::AuthorisationRecord& record, v1::AuthorizationDecision* out);

absl::StatusOr<cards::SettlementRequest> FromProto(const v1::CaptureRequest& req);
absl::StatusOr<cards::SettlementRequest> FromProto(const v1::ReverseRequest& req);
absl::StatusOr<cards::SettlementRequest> FromProto(const v1::RefundRequest& req);
void ToProto(const cards::SettlementRecord& record, v1::CardTransaction* out);
// ToProto: each line's MCC is named by its group in `categories`.
void ToProto(const cards::CardStatement& statement, const cards::Categories& categories,
             v1::CardStatement* out);

}  // namespace dp::cards_service

#endif  // DP_SERVICES_CARDS_CONVERT_H_
