#ifndef DP_LIB_DB_IDEMPOTENCY_H_
#define DP_LIB_DB_IDEMPOTENCY_H_

#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"

namespace dp::db {

// RequestLog makes a service's writes idempotent by request_id, over a
// table (request_id, operation, request_digest, resource_key) in the
// service's own schema, written in the same database transaction as the
// write itself.
//
//   RequestLog log("iam.requests");
//   auto seen = log.Find(tx, request_id, "CreatePrincipal", digest);
//   if (!seen.ok()) return seen.status();      // same id, other content
//   if (seen->has_value()) return Reload(**seen);  // a retry
//   ... write ...; log.Record(tx, request_id, "CreatePrincipal", digest, key);
class RequestLog {
 public:
  explicit RequestLog(std::string table) : table_(std::move(table)) {}

  // Find returns the resource key a previous request with this id produced,
  // nothing for a new id, or ALREADY_EXISTS when the id was used for
  // different content.
  absl::StatusOr<std::optional<std::string>> Find(pqxx::transaction_base& tx,
                                                  const std::string& request_id,
                                                  const std::string& operation,
                                                  const std::string& digest) const;
  void Record(pqxx::transaction_base& tx, const std::string& request_id,
              const std::string& operation, const std::string& digest,
              const std::string& resource_key) const;

 private:
  std::string table_;
};

}  // namespace dp::db

#endif  // DP_LIB_DB_IDEMPOTENCY_H_
