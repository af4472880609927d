#include "service/write.h"

#include <google/protobuf/util/json_util.h>

#include "base/check.h"
#include "base/refusal.h"
#include "db/errors.h"
#include "service/digest.h"
#include "service/status.h"

namespace dp::service {

namespace {

absl::Status CheckRequestId(const std::string& request_id) {
  if (request_id.empty() || request_id.size() > 128) {
    return FieldError("request_id", "is required (1 to 128 characters)");
  }
  return absl::OkStatus();
}

// ScopedKey: request ids are the caller's organisation's own, so that one
// authority's cannot collide with, or replay, another's.
std::string ScopedKey(CallAudit* audit, const std::string& request_id) {
  return audit != nullptr && !audit->Event(0).organisation_id.empty()
             ? audit->Event(0).organisation_id + "|" + request_id
             : request_id;
}

}  // namespace

absl::StatusOr<bool> SeenBefore(db::PgPool& pool, CallAudit* audit, const db::RequestLog& requests,
                                const google::protobuf::Message& request,
                                const std::string& request_id, const std::string& operation) {
  if (auto s = CheckRequestId(request_id); !s.ok()) return s;
  try {
    auto conn = pool.Acquire();
    pqxx::read_transaction tx(*conn);
    auto seen = requests.Find(tx, ScopedKey(audit, request_id), operation,
                              RequestDigest(request, operation));
    if (!seen.ok()) return seen.status();
    return seen->has_value();
  } catch (const std::exception& e) {
    return db::StatusFromException(e);
  }
}

grpc::Status IdempotentWrite(db::PgPool& pool, CallAudit* audit, const db::RequestLog& requests,
                             const google::protobuf::Message& request,
                             const std::string& request_id, const std::string& operation,
                             const WriteFn& write, const ReloadFn& reload) {
  const std::string digest = RequestDigest(request, operation);
  if (auto s = CheckRequestId(request_id); !s.ok()) return ToGrpcStatus(s);
  const std::string key = ScopedKey(audit, request_id);
  try {
    auto conn = pool.Acquire();
    pqxx::work tx(*conn);
    auto seen = requests.Find(tx, key, operation, digest);
    if (!seen.ok()) return ToGrpcStatus(seen.status());
    if (seen->has_value()) {
      if (absl::Status s = reload(tx, **seen); !s.ok()) return ToGrpcStatus(s);
      if (audit != nullptr) audit->RecordIn(tx, **seen, 0);
    } else {
      auto written = write(tx);
      if (!written.ok()) return ToGrpcStatus(written.status());
      requests.Record(tx, key, operation, digest, *written);
      if (audit != nullptr) audit->RecordIn(tx, *written, 0);
    }
    tx.commit();
    if (audit != nullptr) audit->MarkCommitted();
    return grpc::Status::OK;
  } catch (const std::exception& e) {
    return ToGrpcStatus(db::StatusFromException(e));
  }
}

std::string AnswerAsKey(const google::protobuf::Message& answer) {
  std::string json;
  DP_CHECK(google::protobuf::util::MessageToJsonString(answer, &json).ok());
  return json;
}

absl::Status AnswerFromKey(const std::string& key, google::protobuf::Message* answer) {
  if (!google::protobuf::util::JsonStringToMessage(key, answer).ok()) {
    return absl::DataLossError("a recorded answer is not readable");
  }
  return absl::OkStatus();
}

}  // namespace dp::service
