#ifndef DP_LIB_AUDIT_LOG_H_
#define DP_LIB_AUDIT_LOG_H_

#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "audit/chain.h"
#include "db/group_commit.h"

namespace dp::audit {

// AuditLog appends events to the hash chain in audit.events. Appends from
// concurrent calls are grouped into one database transaction under the
// chain's head lock; Append returns once its event is durable, so a call is
// only answered after its audit event is written.
//
//   AuditLog log(database_url, keyring.audit_key());
//   log.Append({.principal = "officer@fife", .method = "...", ...});
class AuditLog {
 public:
  AuditLog(std::string database_url, std::string key);

  absl::Status Append(Event event);

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

// ListEvents pages through the trail, newest last; when `scoped`, only
// events of callers from these authorities.
absl::StatusOr<EventPage> ListEvents(pqxx::transaction_base& tx, bool scoped,
                                     const std::vector<std::string>& authorities, int page_size,
                                     const std::string& page_token);

struct ChainReport {
  Verdict verdict;
  int64_t head_seq = 0;
  std::string head_hash;
};

// VerifyChain recomputes the whole chain and reports the first event that
// was altered, inserted or deleted.
ChainReport VerifyChain(pqxx::transaction_base& tx, const std::string& key);

}  // namespace dp::audit

#endif  // DP_LIB_AUDIT_LOG_H_
