#ifndef DP_LIB_SERVICE_READ_ONLY_H_
#define DP_LIB_SERVICE_READ_ONLY_H_

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "db/errors.h"
#include "db/pool.h"

namespace dp::service {

// RunReadOnly runs `read` in a read-only transaction on a pooled connection
// and returns its status, mapping a database failure (connection lost, ...)
// to a status too, so that handlers never let an exception escape.
//
//   return ToGrpcStatus(RunReadOnly(pool, [&](pqxx::transaction_base& tx) {
//     auto account = ledger::GetAccount(tx, id);
//     ...
//     return account.status();
//   }));
template <typename Fn>
absl::Status RunReadOnly(db::PgPool& pool, Fn read) {
  try {
    auto conn = pool.Acquire();
    pqxx::read_transaction tx(*conn);
    return read(tx);
  } catch (const std::exception& e) {
    return db::StatusFromException(e);
  }
}

// RunReadOnlySnapshot is RunReadOnly in one REPEATABLE READ snapshot, for
// a read of several statements that must see the same instant (verifying
// the audit trail: heads and events read while writers append). Read
// committed, RunReadOnly's level, gives each statement its own snapshot.
template <typename Fn>
absl::Status RunReadOnlySnapshot(db::PgPool& pool, Fn read) {
  try {
    auto conn = pool.Acquire();
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(*conn);
    return read(tx);
  } catch (const std::exception& e) {
    return db::StatusFromException(e);
  }
}

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_READ_ONLY_H_
