#ifndef DP_LIB_MONITORING_BOOKS_FACTS_H_
#define DP_LIB_MONITORING_BOOKS_FACTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "agreements/store.h"
#include "monitoring/rules/assess.h"

// What the monitoring checks read: named queries over the ledger, the
// agreements, payroll, cards and the monitoring schema itself. Reads only.
namespace dp::monitoring {

// Activity is one active agreement of an authority with the mark of its
// latest activity (postings, card decisions, record entries, case events)
// and where its last check stood.
struct Activity {
  int64_t agreement_id = 0;
  std::string mark;          // changes whenever anything new happens to it
  std::string checked_mark;  // the mark at its last check ("" : never)
  std::optional<absl::CivilDay> recheck_on;  // when time alone may change its checks
  bool Unchanged(absl::CivilDay today) const {
    return recheck_on && *recheck_on > today && mark == checked_mark;
  }
};

// ActiveAgreements lists an authority's active agreements after
// `after_agreement_id`, in id order, at most `limit`.
std::vector<Activity> ActiveAgreements(pqxx::transaction_base& tx, const std::string& authority_id,
                                       int64_t after_agreement_id, int limit);
// CurrentMark is one agreement's activity mark now.
std::string CurrentMark(pqxx::transaction_base& tx, int64_t agreement_id);
int CountActive(pqxx::transaction_base& tx, const std::string& authority_id);

// GatherFacts reads everything the checks need about one agreement on
// `today`. `underspend_periods` bounds the window of payments in;
// `bank_match_days` is how long a payment may take to show on a statement.
absl::StatusOr<Facts> GatherFacts(pqxx::transaction_base& tx, const agreements::Header& agreement,
                                  absl::CivilDay today, int underspend_periods, int bank_match_days);

}  // namespace dp::monitoring

#endif  // DP_LIB_MONITORING_BOOKS_FACTS_H_
