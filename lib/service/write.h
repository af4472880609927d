#ifndef DP_LIB_SERVICE_WRITE_H_
#define DP_LIB_SERVICE_WRITE_H_

#include <functional>
#include <string>

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>
#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "db/idempotency.h"
#include "db/pool.h"
#include "service/call_audit.h"

namespace dp::service {

// WriteFn does a write and returns the key of what it wrote; ReloadFn
// answers a retry from that key.
using WriteFn = std::function<absl::StatusOr<std::string>(pqxx::work&)>;
using ReloadFn = std::function<absl::Status(pqxx::work&, const std::string& key)>;

// IdempotentWrite runs `write` once per request_id, in one database
// transaction with the record of the request and the call's audit event
// (`audit`, from ServiceHost::AuditOf; the key names the resource unless
// the write named it): a retry with the same content runs `reload` with the
// first write's key and is audited too; the same id with other content is
// ALREADY_EXISTS. A failed write commits nothing, not even its event (the
// host then records the refusal on its own).
//
//   return IdempotentWrite(pool, host.AuditOf(*ctx), requests, *req, req->request_id(),
//       "CreateAgreement",
//       [&](pqxx::work& tx) -> absl::StatusOr<std::string> { ...; return key; },
//       [&](pqxx::work& tx, const std::string& key) { return Reload(tx, key); });
grpc::Status IdempotentWrite(db::PgPool& pool, CallAudit* audit, const db::RequestLog& requests,
                             const google::protobuf::Message& request,
                             const std::string& request_id, const std::string& operation,
                             const WriteFn& write, const ReloadFn& reload);

// SeenBefore tells whether IdempotentWrite would answer this request from
// its record (a retry), before the caller does work that cannot sit inside
// one transaction (a sweep of many agreements, each in its own): true for
// a retry, false for a new request, ALREADY_EXISTS for the same id with
// other content. The caller still ends with IdempotentWrite, which records
// the request and its audit event.
absl::StatusOr<bool> SeenBefore(db::PgPool& pool, CallAudit* audit, const db::RequestLog& requests,
                                const google::protobuf::Message& request,
                                const std::string& request_id, const std::string& operation);

// AnswerAsKey and AnswerFromKey keep a whole answer in a request log's
// resource key (protobuf's JSON mapping), for a write whose answer cannot
// be read back from its rows (a bank file's report): a retry returns the
// first answer as it was.
//   return AnswerAsKey(*out);                           // in the WriteFn
//   return AnswerFromKey(key, out);                     // in the ReloadFn
std::string AnswerAsKey(const google::protobuf::Message& answer);
absl::Status AnswerFromKey(const std::string& key, google::protobuf::Message* answer);

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_WRITE_H_
