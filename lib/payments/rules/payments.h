#ifndef DP_LIB_PAYMENTS_RULES_PAYMENTS_H_
#define DP_LIB_PAYMENTS_RULES_PAYMENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

// The rules of paying out of a direct payment account, without a database:
// who a payee may be, when a standing order falls due, when an invoice is
// above the support plan, and what is committed and so not free to spend.
namespace dp::payments {

// kMaxBacsPence is the largest amount a BACS record's eleven digits hold.
inline constexpr int64_t kMaxBacsPence = 99'999'999'999;

enum class PayeeKind { kPa, kAgency, kHmrc, kPension, kSupplier };
std::string_view PayeeKindName(PayeeKind kind);  // "pa", "agency", ...
std::optional<PayeeKind> ParsePayeeKind(std::string_view name);

// UseOfPayee is the agreement use a payee's payments serve: PAs, HMRC and
// the pension scheme serve "pa_employment", an agency "agency_care", a
// supplier the use it was recorded for (INVALID_ARGUMENT naming `use` when
// that is not an agreement use).
absl::StatusOr<std::string> UseOfPayee(PayeeKind kind, std::string_view supplier_use);

// CheckUsePermitted refuses (FAILED_PRECONDITION, USE_NOT_PERMITTED) a use
// the agreement's version in force does not permit, in the person's words.
absl::Status CheckUsePermitted(std::string_view use, const std::vector<std::string>& permitted);

enum class Frequency { kWeekly, kFourWeekly, kMonthly };
std::string_view FrequencyName(Frequency f);  // "weekly", "four_weekly", "monthly"
std::optional<Frequency> ParseFrequency(std::string_view name);

// StandingOrder is what the bank pays on its own schedule.
struct StandingOrder {
  int64_t amount_pence = 0;
  Frequency frequency = Frequency::kMonthly;
  absl::CivilDay first;
  std::optional<absl::CivilDay> end;  // inclusive
};

// Occurrences are a standing order's dates from `from` to `to` inclusive,
// at most 400 of them. A monthly order on the 31st falls on a shorter
// month's last day.
//   Occurrences({100, kMonthly, 2026-01-31}, 2026-02-01, 2026-03-31) -> 2026-02-28, 2026-03-31
std::vector<absl::CivilDay> Occurrences(const StandingOrder& order, absl::CivilDay from,
                                        absl::CivilDay to);

// Plan is the support plan's line for a provider: its rate and weekly hours
// (0 where the plan does not say).
struct Plan {
  int64_t rate_pence = 0;
  int64_t centi_hours_per_week = 0;
};

// InvoiceLine is what an invoice asks for: hours at a rate, or an amount,
// for an optional period.
struct InvoiceLine {
  int64_t centi_hours = 0;  // 0: an amount
  int64_t rate_pence = 0;
  int64_t amount_pence = 0;  // for an amount-only invoice
  std::optional<absl::CivilDay> period_start, period_end;
};

// InvoiceAmount is hours x rate rounded to the nearest penny, or the amount.
int64_t InvoiceAmount(const InvoiceLine& line);

// InvoiceFlag says, in plain words, why an officer must look at an invoice
// before it is paid: a rate above the plan's, or more hours than the plan
// allows for the period's weeks. "" when it is within the plan.
std::string InvoiceFlag(const InvoiceLine& line, const Plan& plan);

// Commitment is money already promised out of the account: what kind, in
// the person's words, and how much.
struct Commitment {
  std::string kind;  // wages, hmrc, pension, holiday, invoice, standing_order, scheduled
  std::string words;
  int64_t amount_pence = 0;
};

// Available is "available to spend": the balance, less holds, less
// commitments, which may be negative (commitments not funded).
struct Available {
  int64_t balance_pence = 0;
  int64_t held_pence = 0;
  std::vector<Commitment> commitments;
  int64_t committed_pence = 0;
  int64_t available_pence = 0;
};
Available AvailableOf(int64_t balance_pence, int64_t held_pence,
                      std::vector<Commitment> commitments);

// CheckFunded refuses (FAILED_PRECONDITION, COMMITMENTS_UNFUNDED) a new
// payment of `amount_pence` that would leave a commitment unfunded: the
// commitments are funded in the order given (wages first), and the first
// one left short is named with what is short.
absl::Status CheckFunded(const Available& available, int64_t amount_pence);

}  // namespace dp::payments

#endif  // DP_LIB_PAYMENTS_RULES_PAYMENTS_H_
