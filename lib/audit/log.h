#ifndef DP_LIB_AUDIT_LOG_H_
#define DP_LIB_AUDIT_LOG_H_

#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/chain.h"
#include "audit/head.h"
#include "db/group_commit.h"

namespace dp::audit {

// AppendInTransaction chains `events` onto one lane inside the caller's
// database transaction `tx`, so that they commit with the write they
// describe or not at all. It takes the first lane head no one else holds
// (FOR UPDATE SKIP LOCKED), so concurrent writers spread over the lanes and
// never queue on one row; only when every lane is busy does it wait. The
// lane stays locked until `tx` ends: call it as late as possible, just
// before the commit. Fills each event's lane, seq, at_us, prev_hash, hash.
//
//   pqxx::work tx(conn);
//   ... the write ...
//   AppendInTransaction(tx, keyring.audit_key(), events);
//   tx.commit();
void AppendInTransaction(pqxx::work& tx, std::string_view key, std::vector<Event>& events);

// ClaimLaneSql is AppendInTransaction's first step as a query, for a
// pipeline that claims a lane along with its own work and so saves a round
// trip: it takes the first free lane, this thread's first, as columns
// audit_lane, audit_seq, audit_hash; no row when every lane is busy.
// ClaimedLane reads its result (nullopt for no row). AppendOnLane writes
// the events on the claimed lane, or, when none was free, waits for this
// thread's own; AppendOnLaneSql is the same as text, to send with other
// writes in one round trip ("" for no events).
//
// Both prepare their statements on the connection the first time (so
// ClaimLaneSql comes before the pipeline opens).
//
//   const std::string claim = ClaimLaneSql(tx);
//   pqxx::pipeline pipe(tx);
//   const auto lane_q = pipe.insert(claim);
//   ... std::optional<LaneHead> lane = ClaimedLane(pipe.retrieve(lane_q));
//   tx.exec(my_writes + AppendOnLaneSql(tx, key, lane, events));
std::string ClaimLaneSql(pqxx::transaction_base& tx);
std::optional<LaneHead> ClaimedLane(const pqxx::result& claimed);
void AppendOnLane(pqxx::work& tx, std::string_view key, std::optional<LaneHead> lane,
                  std::vector<Event>& events);
std::string AppendOnLaneSql(pqxx::transaction_base& tx, std::string_view key,
                            std::optional<LaneHead> lane, std::vector<Event>& events);

// AuditLog appends events that have no write of their own to commit with
// (refusals, door refusals) in their own transactions, grouping concurrent
// ones into one. Append returns once its event is durable.
//
//   AuditLog log(database_url, keyring.audit_key());
//   log.Append({.principal = "officer@fife", .method = "...", ...});
class AuditLog {
 public:
  AuditLog(std::string database_url, std::string key);

  absl::Status Append(Event event);
  const std::string& key() const { return key_; }

 private:
  std::vector<absl::Status> AppendBatch(std::vector<Event>& events);

  const std::string database_url_;
  const std::string key_;
  std::unique_ptr<pqxx::connection> conn_;  // used by the single worker only
  db::GroupCommit<Event, absl::Status> commits_;
};

struct EventPage {
  std::vector<Event> events;
  std::string next_page_token;
};

// ListEvents pages through the trail in the order events were written;
// when `scoped`, only events of callers from these authorities.
absl::StatusOr<EventPage> ListEvents(pqxx::transaction_base& tx, bool scoped,
                                     const std::vector<std::string>& authorities, int page_size,
                                     const std::string& page_token);

// ReadHeads returns every lane's head, in lane order.
std::vector<LaneHead> ReadHeads(pqxx::transaction_base& tx);

struct ChainReport {
  Verdict verdict;
  std::vector<LaneHead> heads;
  std::string head;  // FormatHead(heads): record it to check later
};

// VerifyChain recomputes every lane's chain and reports the first event
// that was altered, inserted or deleted, and a lane whose head row does not
// match its last event. With `expected` (a head recorded earlier), it also
// fails if the trail no longer reaches it: events cut from the end of a
// lane, however its head row was moved back.
ChainReport VerifyChain(pqxx::transaction_base& tx, const std::string& key,
                        const RecordedHead* expected = nullptr);

}  // namespace dp::audit

#endif  // DP_LIB_AUDIT_LOG_H_
