#ifndef DP_LIB_BASE_BOUNDS_H_
#define DP_LIB_BASE_BOUNDS_H_

#include <cstddef>
#include <cstdint>

// Bounds from the domain, one place per kind of value, applied where input
// enters. Each is far above anything real and far below where arithmetic on
// it could overflow: so a figure that passes can be multiplied by a year of
// periods, or summed over a national run, without wrapping.
namespace dp::bounds {

// A direct payment's gross budget for one period (4 weeks or a month). The
// largest Option 1 packages (24-hour care with two PAs) cost some £25,000
// a period; ten billion pence a year is out of reach of any product below.
inline constexpr int64_t kMaxBudgetPerPeriodPence = 100'000'00;  // £100,000

// Periods in a year of any frequency the system pays (weekly is the most).
inline constexpr int64_t kMaxPeriodsPerYear = 53;

// Gross pay for one PA for one pay period.
inline constexpr int64_t kMaxPayPerPeriodPence = 100'000'00;  // £100,000

// An hourly rate of pay (the Scottish care minimum is some £13 an hour).
inline constexpr int64_t kMaxHourlyRatePence = 1'000'00;  // £1,000

// Pay in one tax year from one employment, as a P45 carries it.
inline constexpr int64_t kMaxPayPerYearPence = 10'000'000'00;  // £10 million

// Weeks of budget an agreement or authority may set aside or allow
// (contingency, surplus threshold): at most a year.
inline constexpr int kMaxWeeksOfBudget = 52;

// A pay period, and so a timesheet or a pay run: a month at the longest.
inline constexpr int kMaxPayPeriodDays = 31;

// Lines on one timesheet: a month of days, each with a few kinds of hours.
inline constexpr size_t kMaxTimesheetEntries = 31 * 8;

// Any one amount the ledger accepts (see money.h: kMaxAmountPence).

static_assert(kMaxBudgetPerPeriodPence * kMaxPeriodsPerYear * 1000 < INT64_MAX / 1000,
              "a year of budgets, summed over a thousand agreements, fits in int64");

}  // namespace dp::bounds

#endif  // DP_LIB_BASE_BOUNDS_H_
