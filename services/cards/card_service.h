#ifndef DP_SERVICES_CARDS_CARD_SERVICE_H_
#define DP_SERVICES_CARDS_CARD_SERVICE_H_

#include <chrono>
#include <functional>
#include <vector>

#include "cards/books/batcher.h"
#include "cards/books/cards.h"
#include "cards/books/network.h"
#include "db/idempotency.h"
#include "dp/v1/cards.grpc.pb.h"
#include "service/host.h"
#include "service/write.h"

namespace dp::cards_service {

// CardServiceImpl is the gRPC face of lib/cards: it checks who is calling,
// converts messages, and runs the books in one database transaction per
// call with the call's audit event. The card network's calls answer a
// decision even when the books cannot (SYSTEM_UNAVAILABLE, nothing held).
class CardServiceImpl final : public v1::CardService::Service {
 public:
  // Authorisations are decided in batches by `batcher`, whose deadline is
  // `decision_deadline` too.
  CardServiceImpl(service::ServiceHost& host, std::vector<cards::Categories> categories,
                  std::chrono::milliseconds decision_deadline, cards::AuthorisationBatcher& batcher)
      : host_(host),
        categories_(std::move(categories)),
        deadline_(decision_deadline),
        batcher_(batcher) {}

  grpc::Status GetServiceInfo(grpc::ServerContext*, const v1::GetServiceInfoRequest*,
                              v1::ServiceInfo* out) override;
  grpc::Status IssueCard(grpc::ServerContext* ctx, const v1::IssueCardRequest* req,
                         v1::Card* out) override;
  grpc::Status FreezeCard(grpc::ServerContext* ctx, const v1::ChangeCardRequest* req,
                          v1::Card* out) override;
  grpc::Status UnfreezeCard(grpc::ServerContext* ctx, const v1::ChangeCardRequest* req,
                            v1::Card* out) override;
  grpc::Status CancelCard(grpc::ServerContext* ctx, const v1::ChangeCardRequest* req,
                          v1::Card* out) override;
  grpc::Status ReplaceCard(grpc::ServerContext* ctx, const v1::ReplaceCardRequest* req,
                           v1::Card* out) override;
  grpc::Status LoadCard(grpc::ServerContext* ctx, const v1::LoadCardRequest* req,
                        v1::CardLoad* out) override;
  grpc::Status SetCardControls(grpc::ServerContext* ctx, const v1::SetCardControlsRequest* req,
                               v1::Card* out) override;
  grpc::Status PreviewCardControls(grpc::ServerContext* ctx,
                                   const v1::PreviewCardControlsRequest* req,
                                   v1::ControlsPreview* out) override;
  grpc::Status GetCard(grpc::ServerContext* ctx, const v1::GetCardRequest* req,
                       v1::Card* out) override;
  grpc::Status ListCards(grpc::ServerContext* ctx, const v1::ListCardsRequest* req,
                         v1::ListCardsResponse* out) override;
  grpc::Status GetCardStatement(grpc::ServerContext* ctx, const v1::GetCardStatementRequest* req,
                                v1::CardStatement* out) override;
  grpc::Status Authorize(grpc::ServerContext* ctx, const v1::AuthorizeRequest* req,
                         v1::AuthorizationDecision* out) override;
  grpc::Status Capture(grpc::ServerContext* ctx, const v1::CaptureRequest* req,
                       v1::CardTransaction* out) override;
  grpc::Status Reverse(grpc::ServerContext* ctx, const v1::ReverseRequest* req,
                       v1::CardTransaction* out) override;
  grpc::Status Refund(grpc::ServerContext* ctx, const v1::RefundRequest* req,
                      v1::CardTransaction* out) override;
  grpc::Status ImportClearing(grpc::ServerContext* ctx, const v1::ImportClearingRequest* req,
                              v1::ClearingReport* out) override;

 private:
  // Categories in force today.
  const cards::Categories& Today() const;
  // CardWrite is an officer's (or, where `iso_may`, a granted ISO's) write
  // to one card: a card outside the caller's reach answers as a missing
  // one. `change` writes; the card is read back into `out` after.
  using ChangeFn = std::function<absl::StatusOr<int64_t>(pqxx::work&, const cards::Card&)>;
  grpc::Status CardWrite(grpc::ServerContext* ctx, const google::protobuf::Message& request,
                         const std::string& request_id, const std::string& operation,
                         int64_t card_id, bool iso_may, const ChangeFn& change, v1::Card* out);
  grpc::Status ChangeStatus(grpc::ServerContext* ctx, const v1::ChangeCardRequest& req,
                            const std::string& operation, cards::CardStatus to, bool iso_may,
                            v1::Card* out);
  // Network runs one card network call in its own transaction, bounded by
  // the decision deadline counted from `started`, with the call's audit
  // event.
  using NetworkFn = std::function<absl::StatusOr<std::string>(pqxx::work&, const cards::Reach&)>;
  absl::Status Network(grpc::ServerContext* ctx, const NetworkFn& call,
                       absl::Time started = absl::Now());
  // Decide is an authorisation decided in a batch or, where the batch left
  // it (a busy card, an increment, ...), alone; DEADLINE_EXCEEDED or
  // UNAVAILABLE when the books could not answer in time.
  absl::StatusOr<cards::AuthorisationRecord> Decide(grpc::ServerContext* ctx,
                                                    const cards::AuthorisationRequest& request);
  // Settle is a capture, reversal or refund: the request converted, the
  // book's call run by Network, its record into `out`.
  template <typename Request, typename Book>
  grpc::Status Settle(grpc::ServerContext* ctx, const Request& req, Book book,
                      v1::CardTransaction* out);

  service::ServiceHost& host_;
  const std::vector<cards::Categories> categories_;
  const std::chrono::milliseconds deadline_;
  cards::AuthorisationBatcher& batcher_;
  const db::RequestLog requests_{"cards.requests"};
};

}  // namespace dp::cards_service

#endif  // DP_SERVICES_CARDS_CARD_SERVICE_H_
