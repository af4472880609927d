#include "db/idempotency.h"

#include "base/refusal.h"
#include "base/strings.h"

namespace dp::db {

absl::StatusOr<std::optional<std::string>> RequestLog::Find(pqxx::transaction_base& tx,
                                                            const std::string& request_id,
                                                            const std::string& operation,
                                                            const std::string& digest) const {
  if (request_id.empty() || request_id.size() > 300) {  // 128 and its organisation's scope
    return FieldError("request_id", "is required (1 to 128 characters)");
  }
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT operation, request_digest, resource_key FROM ", table_,
                 " WHERE request_id = $1"),
      request_id);
  if (r.empty()) return std::optional<std::string>();
  if (r[0][0].as<std::string>() != operation || r[0][1].as<std::string>() != digest) {
    return Refusal(absl::StatusCode::kAlreadyExists, reason::kRequestIdReused,
                   dp::StrCat("request_id ", Quoted(request_id.substr(request_id.find('|') + 1), 128),
                              " was already used for a different ", r[0][0].as<std::string>(),
                              " request; a retry must resend the same request, a new request "
                              "needs a new request_id"),
                   {{"operation", r[0][0].as<std::string>()}});
  }
  return std::optional<std::string>(r[0][2].as<std::string>());
}

void RequestLog::Record(pqxx::transaction_base& tx, const std::string& request_id,
                        const std::string& operation, const std::string& digest,
                        const std::string& resource_key) const {
  tx.exec_params(dp::StrCat("INSERT INTO ", table_,
                            " (request_id, operation, request_digest, resource_key)"
                            " VALUES ($1, $2, $3, $4)"),
                 request_id, operation, digest, resource_key);
}

}  // namespace dp::db
