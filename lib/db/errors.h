#ifndef DP_LIB_DB_ERRORS_H_
#define DP_LIB_DB_ERRORS_H_

#include <exception>

#include "absl/status/status.h"

namespace dp::db {

// StatusFromException maps a database failure to a status a client can act on:
//   connection lost, or a commit whose outcome is unknown -> UNAVAILABLE
//     (retry with the same request_id: idempotency makes that safe);
//   a rule enforced by the database (check, foreign key, append-only) ->
//     FAILED_PRECONDITION with PostgreSQL's message;
//   a unique key taken by a concurrent request -> ABORTED (retry);
//   anything else -> INTERNAL.
absl::Status StatusFromException(const std::exception& e);

// IsRetryable: a fresh attempt of the same work may succeed (connection
// lost, serialization failure, deadlock, a concurrent twin request).
bool IsRetryable(const std::exception& e);

}  // namespace dp::db

#endif  // DP_LIB_DB_ERRORS_H_
