#ifndef DP_LIB_PAYMENTS_BOOKS_AVAILABLE_H_
#define DP_LIB_PAYMENTS_BOOKS_AVAILABLE_H_

#include <cstdint>
#include <string>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "agreements/store.h"
#include "payments/books/payees.h"
#include "payments/rules/payments.h"

// "Available to spend" read from the books: the agreement account's
// balance and holds in the ledger, less what is committed.
namespace dp::payments {

// AvailableToSpend reads, in this order of claim on the money:
//   - wages, HMRC and pension that payroll owes (their liability accounts,
//     less what a payment run has already sent), and any other liability
//     (a card shortfall);
//   - holiday pay accrued by the PAs and not yet taken, at their holiday rate;
//   - payments scheduled and not yet sent;
//   - invoices approved and not yet in a run;
//   - standing orders due from `today` to 27 days on.
//
//   auto a = AvailableToSpend(tx, header, today);  // a->available_pence
absl::StatusOr<Available> AvailableToSpend(pqxx::transaction_base& tx,
                                           const agreements::Header& header, absl::CivilDay today);

// Summary is `available` in one sentence the person can read.
std::string Summary(const Available& available);

// FundedOrOverridden checks that paying `amount_pence` for `what` leaves
// every commitment funded (CheckFunded). An officer's `override_reason`
// lets it through, recorded in the person's record with the commitment it
// leaves short; an ISO's is refused.
absl::Status FundedOrOverridden(pqxx::work& tx, const agreements::Header& header,
                                int64_t amount_pence, const std::string& what,
                                const std::string& override_reason, const Actor& actor,
                                absl::CivilDay today);

}  // namespace dp::payments

#endif  // DP_LIB_PAYMENTS_BOOKS_AVAILABLE_H_
