#ifndef DP_LIB_PAYROLL_BOOKS_BOOK_ROWS_H_
#define DP_LIB_PAYROLL_BOOKS_BOOK_ROWS_H_

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/time/civil_time.h"
#include "ledger/types.h"
#include "payroll/books/book.h"

// Rows and postings shared by the payroll books (book.cc) and pay runs
// (pay_run.cc). Internal to lib/payroll.
namespace dp::payroll::rows {

inline constexpr const char* kCurrency = "GBP";

// DayOf reads a `date` column (PostgreSQL prints it as YYYY-MM-DD).
absl::CivilDay DayOf(const pqxx::field& f);

// Leg adds a posting, flipping its side when the amount is negative (a tax
// refund) and leaving out a zero.
void Leg(std::vector<ledger::PostingSpec>& legs, int64_t account_id, ledger::Side side,
         int64_t amount_pence);

// DetailJson and ReadDetail keep what a payslip holds beyond its columns
// in its `detail` (hours and pay by rate, holiday, SSP days, figures to
// date, family and notice pay); a key an older payslip lacks reads as 0.
std::string DetailJson(const Payslip& s);
void ReadDetail(const std::string& json, Payslip& s);

// kEmployeeColumns selects an employee from `payroll.employees e`, read
// back by EmployeeFrom starting at column `first`.
extern const char* const kEmployeeColumns;
Employee EmployeeFrom(const pqxx::row& row, int first);

// kEmployerColumns selects an employer from `payroll.employers`.
extern const char* const kEmployerColumns;
Employer EmployerFrom(const pqxx::row& row);

}  // namespace dp::payroll::rows

#endif  // DP_LIB_PAYROLL_BOOKS_BOOK_ROWS_H_
