#include "ledger/batcher.h"

#include "audit/log.h"
#include "base/check.h"
#include "base/strings.h"
#include "db/pool.h"
#include "db/errors.h"

namespace dp::ledger {
namespace {

constexpr int kMaxAttemptsAlone = 3;

}  // namespace

WriteBatcher::WriteBatcher(std::string database_url, std::string audit_key, Options options)
    : database_url_(std::move(database_url)),
      audit_key_(std::move(audit_key)),
      commits_(options, [this](std::vector<BatchItem>& items) { return RunBatch(items); }) {}

namespace {

BatchOutcome ShuttingDown() {
  return {absl::UnavailableError("the ledger is shutting down; retry"), false};
}

}  // namespace

BatchOutcome WriteBatcher::Submit(BatchItem item) {
  return commits_.Submit(std::move(item), ShuttingDown());
}

void WriteBatcher::SubmitAsync(BatchItem item, std::function<void(BatchOutcome)> done) {
  commits_.SubmitAsync(std::move(item), ShuttingDown(), std::move(done));
}


std::vector<BatchOutcome> WriteBatcher::Commit(pqxx::connection& conn,
                                               const std::vector<const BatchItem*>& items) {
  std::vector<WriteOp> ops;
  ops.reserve(items.size());
  for (const BatchItem* item : items) ops.push_back(item->op);
  // BEGIN and COMMIT travel with the batch's own statements, so the
  // transaction is this function's, on a nontransaction: every path out
  // ends it.
  try {
    pqxx::nontransaction tx(conn);
    PlannedWrites planned = PlanWrites(tx, ops, {"BEGIN", audit::ClaimLaneSql(tx)});
    DP_CHECK(planned.results.size() == items.size());
    std::vector<BatchOutcome> results;
    for (auto& r : planned.results) results.push_back({std::move(r), false});
    std::vector<audit::Event> events;
    std::vector<size_t> audited;
    for (size_t i = 0; i < items.size(); ++i) {
      if (!items[i]->event.has_value()) continue;
      audit::Event e = *items[i]->event;
      e.code = static_cast<int>(results[i].result.status().code());
      if (results[i].result.ok()) dp::StrAppend(&e.resource, "/", results[i].result->id);
      events.push_back(std::move(e));
      audited.push_back(i);
    }
    DP_CHECK(planned.also_read.has_value());
    const std::string sql =
        planned.sql + audit::AppendOnLaneSql(tx, audit_key_,
                                             audit::ClaimedLane(*planned.also_read), events);
    tx.exec(sql + "COMMIT");
    for (size_t i : audited) results[i].audited = true;
    return results;
  } catch (...) {
    db::EndTransaction(conn);
    throw;
  }
}

std::vector<BatchOutcome> WriteBatcher::RunBatch(std::vector<BatchItem>& items) {
  if (items.size() > 1) {
    try {
      std::vector<const BatchItem*> refs;
      for (const BatchItem& item : items) refs.push_back(&item);
      return Commit(db::WorkerConnection(database_url_), refs);
    } catch (const std::exception&) {
      // One op may have tripped a database rule, or the commit's outcome is
      // unknown: retrying each alone is safe, because a request_id finds
      // whatever did commit.
    }
  }
  std::vector<BatchOutcome> results;
  for (const BatchItem& item : items) results.push_back(RunAlone(item));
  return results;
}

BatchOutcome WriteBatcher::RunAlone(const BatchItem& item) {
  absl::Status last = absl::UnavailableError("not attempted");
  for (int attempt = 0; attempt < kMaxAttemptsAlone; ++attempt) {
    try {
      return std::move(Commit(db::WorkerConnection(database_url_), {&item}).front());
    } catch (const std::exception& e) {
      last = db::StatusFromException(e);
      if (!db::IsRetryable(e)) return {last, false};
    }
  }
  return {last, false};
}

}  // namespace dp::ledger
