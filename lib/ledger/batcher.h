#ifndef DP_LIB_LEDGER_BATCHER_H_
#define DP_LIB_LEDGER_BATCHER_H_

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
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
  struct Options {
    int workers = 2;
    int max_batch = 64;
  };

  WriteBatcher(std::string database_url, Options options);
  ~WriteBatcher();  // finishes queued writes, then stops the workers

  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  // Submit blocks until `op` is committed or refused.
  absl::StatusOr<WriteResult> Submit(WriteOp op);

 private:
  struct Item {
    WriteOp op;
    std::promise<absl::StatusOr<WriteResult>> done;
  };

  void WorkerLoop();
  void RunBatch(std::vector<Item*>& batch, std::unique_ptr<pqxx::connection>& conn);
  absl::StatusOr<WriteResult> RunAlone(Item& item, std::unique_ptr<pqxx::connection>& conn);

  const std::string database_url_;
  const Options options_;
  std::mutex mu_;
  std::condition_variable work_ready_;
  std::deque<Item*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace dp::ledger

#endif  // DP_LIB_LEDGER_BATCHER_H_
