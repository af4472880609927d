#include "cards/books/batcher.h"

#include <algorithm>
#include <memory>

#include "audit/log.h"
#include "base/check.h"
#include "base/strings.h"
#include "db/pool.h"
#include "iam/policy.h"

namespace dp::cards {

AuthorisationBatcher::AuthorisationBatcher(std::string database_url, std::string audit_key,
                                           std::chrono::milliseconds deadline, Options options)
    : database_url_(std::move(database_url)),
      audit_key_(std::move(audit_key)),
      deadline_(deadline),
      commits_(
          [&] {
            options.conflict_key = [this](const AuthorisationItem& item) {
              return ConflictKey(item);
            };
            return options;
          }(),
          [this](std::vector<AuthorisationItem>& items) { return RunBatch(items); }) {
  DP_CHECK(deadline_.count() > 0);
}

std::string AuthorisationBatcher::ConflictKey(const AuthorisationItem& item) {
  std::lock_guard lock(accounts_mu_);
  auto it = accounts_of_token_.find(item.request.card_token);
  return it == accounts_of_token_.end() ? dp::StrCat("t", item.request.card_token)
                                        : dp::StrCat("a", it->second.card);
}

AuthorisationOutcome AuthorisationBatcher::Submit(AuthorisationItem item) {
  // Shutting down: the caller decides alone.
  return commits_.Submit(std::move(item), AuthorisationOutcome{});
}

std::vector<AuthorisationOutcome> AuthorisationBatcher::RunBatch(
    std::vector<AuthorisationItem>& items) {
  DP_CHECK(!items.empty());
  std::vector<AuthorisationOutcome> outcomes(items.size());
  absl::Time oldest = items.front().started;
  std::vector<BatchedAuthorisation> batch;
  std::vector<CardAccounts> card_accounts(items.size());
  {
    std::lock_guard lock(accounts_mu_);
    for (size_t i = 0; i < items.size(); ++i) {
      auto it = accounts_of_token_.find(items[i].request.card_token);
      if (it != accounts_of_token_.end()) card_accounts[i] = it->second;
    }
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const AuthorisationItem& item = items[i];
    DP_CHECK(item.categories != nullptr);
    oldest = std::min(oldest, item.started);
    batch.push_back({&item.request, &item.reach, item.categories, &card_accounts[i]});
  }
  // The accounts read are known from now on, whatever became of the batch.
  struct Learn {
    AuthorisationBatcher* self;
    std::vector<AuthorisationItem>& items;
    std::vector<CardAccounts>& accounts;
    ~Learn() {
      std::lock_guard lock(self->accounts_mu_);
      if (self->accounts_of_token_.size() > kMaxAccountsKnown) self->accounts_of_token_.clear();
      for (size_t i = 0; i < items.size(); ++i) {
        if (accounts[i].card != 0) self->accounts_of_token_[items[i].request.card_token] = accounts[i];
      }
    }
  } learn{this, items, card_accounts};
  const absl::Duration deadline = absl::FromChrono(deadline_);
  try {
    if (absl::Now() >= oldest + deadline) return outcomes;
    // No statement may run longer than the deadline (and a batch that
    // would answer late is rolled back below); generic plans for the
    // batch's prepared reads (their custom plans, on an array of cards
    // whose length the planner sees, looked cheaper, so PostgreSQL planned
    // them afresh every batch, at more than they cost to run); and no
    // sequential scans: a generic plan counts ten keys in each array, and
    // on an authority's thousand cards reading the whole table looked
    // cheaper than ten index lookups, for what is mostly one key (each
    // batch read every card, agreement, account and balance row). Set once
    // for the connection's life, not in a round trip per batch.
    pqxx::connection& conn = db::WorkerConnection(
        database_url_, dp::StrCat("SET statement_timeout = ", deadline_.count(),
                                  "; SET plan_cache_mode = force_generic_plan",
                                  "; SET enable_seqscan = off"));
    std::vector<size_t> audited;
    // The audit events go with the batch's last writes, naming the records.
    std::vector<std::optional<absl::StatusOr<AuthorisationRecord>>> decided;
    try {
      pqxx::nontransaction tx(conn);
      auto events_sql = [&](const std::vector<int64_t>& record_ids,
                            std::optional<audit::LaneHead> lane) {
        DP_CHECK(record_ids.size() == items.size());
        std::vector<audit::Event> events;
        for (size_t i = 0; i < items.size(); ++i) {
          if (record_ids[i] == 0 || !items[i].event.has_value()) continue;
          audit::Event e = *items[i].event;
          e.resource = iam::ResourceName(items[i].resource_pattern, std::to_string(record_ids[i]));
          e.code = 0;
          events.push_back(std::move(e));
          audited.push_back(i);
        }
        return audit::AppendOnLaneSql(tx, audit_key_, lane, events);
      };
      // The whole is not committed once the processor stopped waiting.
      decided = AuthoriseBatch(tx, batch, items.front().today, events_sql,
                               OwnTransaction{oldest + deadline});
    } catch (...) {
      db::EndTransaction(conn);
      throw;
    }
    DP_CHECK(decided.size() == items.size());
    // Nothing decided: rolled back as late, or all left to be decided alone.
    if (std::none_of(decided.begin(), decided.end(), [](const auto& d) { return d.has_value(); })) {
      return outcomes;
    }
    for (size_t i : audited) {
      DP_CHECK(decided[i].has_value() && decided[i]->ok());
    }
    for (size_t i = 0; i < items.size(); ++i) outcomes[i].result = std::move(decided[i]);
    for (size_t i : audited) outcomes[i].audited = true;
  } catch (const std::exception&) {
    // A timeout, a lost connection, a rule tripped: nothing of the batch
    // committed (or, if the commit's fate is unknown, the processor ids
    // find it), and each caller decides alone within what time it has.
    return std::vector<AuthorisationOutcome>(items.size());
  }
  return outcomes;
}

}  // namespace dp::cards
