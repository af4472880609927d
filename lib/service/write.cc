#include "service/write.h"

#include "db/errors.h"
#include "service/digest.h"
#include "service/status.h"

namespace dp::service {

grpc::Status IdempotentWrite(db::PgPool& pool, CallAudit* audit, const db::RequestLog& requests,
                             const google::protobuf::Message& request,
                             const std::string& request_id, const std::string& operation,
                             const WriteFn& write, const ReloadFn& reload) {
  const std::string digest = RequestDigest(request, operation);
  try {
    auto conn = pool.Acquire();
    pqxx::work tx(*conn);
    auto seen = requests.Find(tx, request_id, operation, digest);
    if (!seen.ok()) return ToGrpcStatus(seen.status());
    if (seen->has_value()) {
      if (absl::Status s = reload(tx, **seen); !s.ok()) return ToGrpcStatus(s);
      if (audit != nullptr) audit->RecordIn(tx, **seen, 0);
    } else {
      auto key = write(tx);
      if (!key.ok()) return ToGrpcStatus(key.status());
      requests.Record(tx, request_id, operation, digest, *key);
      if (audit != nullptr) audit->RecordIn(tx, *key, 0);
    }
    tx.commit();
    if (audit != nullptr) audit->MarkCommitted();
    return grpc::Status::OK;
  } catch (const std::exception& e) {
    return ToGrpcStatus(db::StatusFromException(e));
  }
}

}  // namespace dp::service
