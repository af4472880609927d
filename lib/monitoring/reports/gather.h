#ifndef DP_LIB_MONITORING_REPORTS_GATHER_H_
#define DP_LIB_MONITORING_REPORTS_GATHER_H_

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "monitoring/reports/report.h"

namespace dp::monitoring::reports {

// Gather reads a report from the books as of `params.as_of_us`: every row
// stamped by then, none after, so that the same params give the same
// report for as long as the books are not altered. The caller reads in one
// REPEATABLE READ snapshot and keeps as_of no later than the settled
// horizon (ledger::SettledHorizonUs), so no transaction stamped before it
// can still commit.
absl::StatusOr<Report> Gather(pqxx::transaction_base& tx, const Params& params);

}  // namespace dp::monitoring::reports

#endif  // DP_LIB_MONITORING_REPORTS_GATHER_H_
