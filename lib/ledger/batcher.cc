#include "ledger/batcher.h"

#include <cassert>

#include "db/errors.h"

namespace dp::ledger {
namespace {

constexpr int kMaxAttemptsAlone = 3;

}  // namespace

WriteBatcher::WriteBatcher(std::string database_url, Options options)
    : database_url_(std::move(database_url)),
      commits_(options, [this](std::vector<WriteOp>& ops) { return RunBatch(ops); }) {}

absl::StatusOr<WriteResult> WriteBatcher::Submit(WriteOp op) {
  return commits_.Submit(std::move(op),
                         absl::UnavailableError("the ledger is shutting down; retry"));
}

pqxx::connection& WriteBatcher::Connection() {
  thread_local std::unique_ptr<pqxx::connection> conn;
  if (conn == nullptr || !conn->is_open()) conn = std::make_unique<pqxx::connection>(database_url_);
  return *conn;
}

std::vector<absl::StatusOr<WriteResult>> WriteBatcher::RunBatch(std::vector<WriteOp>& ops) {
  if (ops.size() > 1) {
    try {
      pqxx::work tx(Connection());
      auto results = ApplyWrites(tx, ops);
      tx.commit();
      assert(results.size() == ops.size());
      return results;
    } catch (const std::exception&) {
      // One op may have tripped a database rule, or the commit's outcome is
      // unknown: retrying each alone is safe, because a request_id finds
      // whatever did commit.
    }
  }
  std::vector<absl::StatusOr<WriteResult>> results;
  for (const WriteOp& op : ops) results.push_back(RunAlone(op));
  return results;
}

absl::StatusOr<WriteResult> WriteBatcher::RunAlone(const WriteOp& op) {
  absl::Status last = absl::UnavailableError("not attempted");
  for (int attempt = 0; attempt < kMaxAttemptsAlone; ++attempt) {
    try {
      pqxx::work tx(Connection());
      auto result = std::move(ApplyWrites(tx, {op}).front());
      tx.commit();
      return result;
    } catch (const std::exception& e) {
      last = db::StatusFromException(e);
      if (!db::IsRetryable(e)) return last;
    }
  }
  return last;
}

}  // namespace dp::ledger
