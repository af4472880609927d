#ifndef DP_LIB_LEDGER_BATCHER_H_
#define DP_LIB_LEDGER_BATCHER_H_

#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "db/group_commit.h"
#include "ledger/types.h"
#include "ledger/writer.h"

namespace dp::ledger {

// WriteBatcher groups writes that arrive together into one database
// transaction each (group commit): one fsync then serves many requests,
// and each balance row is locked once per batch rather than once per write.
// Each op still succeeds or fails on its own. If the database refuses a
// batch as a whole, its ops are retried one by one so that one bad op
// cannot fail its neighbours.
//
//   WriteBatcher batcher(database_url, {.workers = 2, .max_batch = 64});
//   absl::StatusOr<WriteResult> r = batcher.Submit(NewTransaction{...});
class WriteBatcher {
 public:
  using Options = db::GroupCommit<WriteOp, absl::StatusOr<WriteResult>>::Options;

  WriteBatcher(std::string database_url, Options options);

  // Submit blocks until `op` is committed or refused.
  absl::StatusOr<WriteResult> Submit(WriteOp op);

 private:
  // Each worker thread keeps its own connection.
  pqxx::connection& Connection();
  std::vector<absl::StatusOr<WriteResult>> RunBatch(std::vector<WriteOp>& ops);
  absl::StatusOr<WriteResult> RunAlone(const WriteOp& op);

  const std::string database_url_;
  db::GroupCommit<WriteOp, absl::StatusOr<WriteResult>> commits_;
};

}  // namespace dp::ledger

#endif  // DP_LIB_LEDGER_BATCHER_H_
