#ifndef DP_LIB_CARDS_BOOKS_BATCHER_H_
#define DP_LIB_CARDS_BOOKS_BATCHER_H_

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "audit/chain.h"
#include "cards/books/network.h"
#include "db/group_commit.h"

namespace dp::cards {

// AuthorisationItem is one authorisation waiting for a batch: the request,
// its caller's reach, the categories in force, when the call began (its
// deadline runs from then) and, for an audited call, its event, whose
// resource the batch names from `resource_pattern` and the record's id.
struct AuthorisationItem {
  AuthorisationRequest request;
  Reach reach;
  const Categories* categories = nullptr;
  absl::Time started;
  absl::CivilDay today;  // in the UK, when the call began
  std::optional<audit::Event> event;
  std::string resource_pattern;
};

// AuthorisationOutcome is an item's decision (or refusal), committed with
// its event when `audited`; empty when the batch did not decide it and the
// caller must (AuthoriseBatch's list: a busy card, an increment, ...; and
// every item of a batch that failed or ran out of time).
struct AuthorisationOutcome {
  std::optional<absl::StatusOr<AuthorisationRecord>> result;
  bool audited = false;
};

// AuthorisationBatcher decides authorisations that arrive together in one
// database transaction each (group commit): one fsync and a handful of
// statements serve a whole batch, where one decision alone takes a dozen.
// The batch's holds, records and audit events commit together. No
// statement may run longer than the deadline, and a batch that would
// answer its oldest caller late is rolled back: its callers then answer as
// they would have alone (SYSTEM_UNAVAILABLE once their time is up).
// Purchases on one card account are kept to one batch at a time (the
// GroupCommit's conflict key: the account, once a batch has read the
// card, the card before), so that batches running side by side never find
// each other's cards locked.
//
//   AuthorisationBatcher batcher(url, audit_key, std::chrono::milliseconds(1500),
//                                {.workers = 1, .max_batch = 32});
//   AuthorisationOutcome o = batcher.Submit(std::move(item));
//   if (!o.result) ... decide alone (Authorise) ...
class AuthorisationBatcher {
 public:
  using Options = db::GroupCommit<AuthorisationItem, AuthorisationOutcome>::Options;

  AuthorisationBatcher(std::string database_url, std::string audit_key,
                       std::chrono::milliseconds deadline, Options options);

  // Submit blocks until the item's batch is committed or given up.
  AuthorisationOutcome Submit(AuthorisationItem item);

 private:
  std::vector<AuthorisationOutcome> RunBatch(std::vector<AuthorisationItem>& items);
  // ConflictKey is "a<account id>" for a card whose account a batch has
  // read, "t<token>" for one not yet read.
  std::string ConflictKey(const AuthorisationItem& item);

  const std::string database_url_;
  const std::string audit_key_;
  const std::chrono::milliseconds deadline_;
  std::mutex accounts_mu_;
  // The accounts of each card token seen (a card's never change),
  // forgotten all at once past kMaxAccountsKnown: the batch's conflict key,
  // and what lets the ledger's reads go with the batch's first round trip.
  std::unordered_map<std::string, CardAccounts> accounts_of_token_;
  static constexpr size_t kMaxAccountsKnown = 1'000'000;
  db::GroupCommit<AuthorisationItem, AuthorisationOutcome> commits_;
};

}  // namespace dp::cards

#endif  // DP_LIB_CARDS_BOOKS_BATCHER_H_
