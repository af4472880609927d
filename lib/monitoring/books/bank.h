#ifndef DP_LIB_MONITORING_BOOKS_BANK_H_
#define DP_LIB_MONITORING_BOOKS_BANK_H_

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "monitoring/rules/bank.h"
#include "monitoring/rules/settings.h"

// Bank returns over the database: storing a statement's lines once each,
// sorting them, and matching them again to what the books expected.
namespace dp::monitoring {

struct BankImport {
  int lines = 0;             // lines read (not counting the header)
  int imported = 0;          // new lines stored
  int already_imported = 0;  // lines stored before: the same file again, or an overlap
  int matched = 0;           // of this request's lines, matched to what the books expected
  int blocked = 0;           // of this request's lines, in a blocked category
  std::vector<BankProblem> problems;         // malformed lines, with their numbers
  std::vector<Expected> expected_not_seen;   // in the statement's dates, with no line
  std::vector<std::pair<std::string, int64_t>> by_category;  // this request's lines
};

// ImportBankLines stores a chunk of a statement for a bank-paid agreement
// and matches every stored line of the dates it covers (within the
// tolerance) to the movements the books expected, in the caller's
// transaction. `header` is the statement's header line.
absl::StatusOr<BankImport> ImportBankLines(pqxx::work& tx, int64_t agreement_id,
                                           const std::string& file_name, const std::string& header,
                                           const std::vector<std::string>& lines, int first_line,
                                           const BankRules& rules, const Settings& settings,
                                           const std::string& imported_by);

// ExpectedMovements lists what the books expect on the agreement's bank
// statement between two days: scheduled payments in, a gross payment's
// contributions, PA net wages, HMRC and pension payments.
std::vector<Expected> ExpectedMovements(pqxx::transaction_base& tx, int64_t agreement_id,
                                        absl::CivilDay from, absl::CivilDay to);

}  // namespace dp::monitoring

#endif  // DP_LIB_MONITORING_BOOKS_BANK_H_
