#ifndef DP_LIB_LEDGER_BATCHER_H_
#define DP_LIB_LEDGER_BATCHER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "audit/chain.h"
#include "db/group_commit.h"
#include "ledger/types.h"
#include "ledger/writer.h"

namespace dp::ledger {

// BatchItem is one write and, for a call that is audited, its audit event:
// the batch writes the event in the same database transaction as the
// write, with the outcome's code and `event.resource` + "/" + the id made.
struct BatchItem {
  WriteOp op;
  std::optional<audit::Event> event;
};

// BatchOutcome is an item's result, and whether its event was committed
// with it (false: the caller must still record the outcome).
struct BatchOutcome {
  absl::StatusOr<WriteResult> result;
  bool audited = false;
};

// WriteBatcher groups writes that arrive together into one database
// transaction each (group commit): one fsync then serves many requests,
// and each balance row is locked once per batch rather than once per write.
// The batch's audit events go in the same transaction, on one lane of the
// trail. Each op still succeeds or fails on its own. If the database
// refuses a batch as a whole, its ops are retried one by one so that one
// bad op cannot fail its neighbours.
//
//   WriteBatcher batcher(database_url, audit_key, {.workers = 2, .max_batch = 64});
//   BatchOutcome r = batcher.Submit({NewTransaction{...}, event});
class WriteBatcher {
 public:
  using Options = db::GroupCommit<BatchItem, BatchOutcome>::Options;

  WriteBatcher(std::string database_url, std::string audit_key, Options options);

  // Submit blocks until the item is committed or refused.
  BatchOutcome Submit(BatchItem item);
  // SubmitAsync returns at once; `done` gets the outcome on the batch's
  // thread once it is committed or refused, and must not block.
  void SubmitAsync(BatchItem item, std::function<void(BatchOutcome)> done);

 private:
  std::vector<BatchOutcome> RunBatch(std::vector<BatchItem>& items);
  BatchOutcome RunAlone(const BatchItem& item);
  // Commit applies the ops of `items` with their audit events in a
  // transaction of its own on `conn`, in three round trips: BEGIN, the
  // reads and a claim on an audit lane; the writes, the events and COMMIT;
  // nothing else. On an exception the transaction is rolled back (or the
  // connection is lost) and nothing of it was written, unless the failure
  // came at COMMIT, whose outcome the request ids then find.
  std::vector<BatchOutcome> Commit(pqxx::connection& conn,
                                   const std::vector<const BatchItem*>& items);

  const std::string database_url_;
  const std::string audit_key_;
  db::GroupCommit<BatchItem, BatchOutcome> commits_;
};

}  // namespace dp::ledger

#endif  // DP_LIB_LEDGER_BATCHER_H_
