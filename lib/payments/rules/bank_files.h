#ifndef DP_LIB_PAYMENTS_RULES_BANK_FILES_H_
#define DP_LIB_PAYMENTS_RULES_BANK_FILES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

// The bank's files about payments out, read without a database: the daily
// direct debit collections and the returns of BACS credits (ARUCS-style).
// Both are CSV with a header naming the columns, in any order; a line that
// cannot be read is reported with its number and the rest are still read.
namespace dp::payments {

// FileProblem is a line that could not be read, with why.
struct FileProblem {
  int line_no = 0;  // the header is line 1
  std::string detail;
};

// Collection is one direct debit the bank paid an originator.
struct Collection {
  int line_no = 0;
  absl::CivilDay date;
  std::string reference;   // the mandate's reference
  std::string originator;  // who collected
  int64_t amount_pence = 0;
  std::string key;  // what makes the line itself: date|reference|amount|originator
};

struct Collections {
  std::vector<Collection> lines;
  std::vector<FileProblem> problems;
};

// ParseCollections reads "date,reference,originator,amount":
//   ParseCollections("date,reference,originator,amount\n2026-12-01,DD-OXY-7,OXYGEN LTD,23.10\n")
//     -> lines {2, 2026-12-01, "DD-OXY-7", "OXYGEN LTD", 2310}
// INVALID_ARGUMENT when the header lacks a column.
absl::StatusOr<Collections> ParseCollections(std::string_view text);

// Return is one credit the receiving bank sent back.
struct Return {
  int line_no = 0;
  absl::CivilDay original_date;  // the processing day of the run that paid it
  std::string reference;         // as the payment carried it
  int64_t amount_pence = 0;
  std::string code;    // the ARUCS reason code ("0" refer to payer, "B" account closed, ...)
  std::string reason;  // the bank's words
  std::string key;
};

struct Returns {
  std::vector<Return> lines;
  std::vector<FileProblem> problems;
};

// ParseReturns reads "original_date,reference,amount,return_code,reason".
absl::StatusOr<Returns> ParseReturns(std::string_view text);

}  // namespace dp::payments

#endif  // DP_LIB_PAYMENTS_RULES_BANK_FILES_H_
