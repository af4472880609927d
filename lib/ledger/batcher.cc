#include "ledger/batcher.h"

#include <cassert>

#include "db/errors.h"

namespace dp::ledger {
namespace {

constexpr int kMaxAttemptsAlone = 3;

// Commits `ops` on `conn`, reconnecting first if the connection broke.
std::vector<absl::StatusOr<WriteResult>> CommitOps(std::unique_ptr<pqxx::connection>& conn,
                                                   const std::string& url,
                                                   const std::vector<WriteOp>& ops) {
  if (conn == nullptr || !conn->is_open()) conn = std::make_unique<pqxx::connection>(url);
  pqxx::work tx(*conn);
  auto results = ApplyWrites(tx, ops);
  tx.commit();
  return results;
}

}  // namespace

WriteBatcher::WriteBatcher(std::string database_url, Options options)
    : database_url_(std::move(database_url)), options_(options) {
  assert(options_.workers > 0 && options_.max_batch > 0);
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

WriteBatcher::~WriteBatcher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (auto& t : workers_) t.join();
}

absl::StatusOr<WriteResult> WriteBatcher::Submit(WriteOp op) {
  Item item{std::move(op), {}};
  auto done = item.done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return absl::UnavailableError("the ledger is shutting down; retry");
    queue_.push_back(&item);
  }
  work_ready_.notify_one();
  return done.get();
}

void WriteBatcher::WorkerLoop() {
  std::unique_ptr<pqxx::connection> conn;
  while (true) {
    std::vector<Item*> batch;
    {
      std::unique_lock lock(mu_);
      work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to do
      while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunBatch(batch, conn);
  }
}

void WriteBatcher::RunBatch(std::vector<Item*>& batch, std::unique_ptr<pqxx::connection>& conn) {
  if (batch.size() > 1) {
    std::vector<WriteOp> ops;
    ops.reserve(batch.size());
    for (Item* item : batch) ops.push_back(item->op);
    try {
      auto results = CommitOps(conn, database_url_, ops);
      assert(results.size() == batch.size());
      for (size_t i = 0; i < batch.size(); ++i) batch[i]->done.set_value(std::move(results[i]));
      return;
    } catch (const pqxx::in_doubt_error&) {
      // The commit's outcome is unknown: retrying alone is safe, because the
      // request_id finds whatever did commit.
    } catch (const std::exception&) {
      // Fall through: one op may have tripped a database rule.
    }
  }
  for (Item* item : batch) item->done.set_value(RunAlone(*item, conn));
}

absl::StatusOr<WriteResult> WriteBatcher::RunAlone(Item& item,
                                                  std::unique_ptr<pqxx::connection>& conn) {
  absl::Status last = absl::UnavailableError("not attempted");
  for (int attempt = 0; attempt < kMaxAttemptsAlone; ++attempt) {
    try {
      return std::move(CommitOps(conn, database_url_, {item.op}).front());
    } catch (const std::exception& e) {
      last = db::StatusFromException(e);
      if (!db::IsRetryable(e)) return last;
    }
  }
  return last;
}

}  // namespace dp::ledger
