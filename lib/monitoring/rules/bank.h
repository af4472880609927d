#ifndef DP_LIB_MONITORING_RULES_BANK_H_
#define DP_LIB_MONITORING_RULES_BANK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

// Bank returns for agreements paid into a bank account: the statement's
// lines read from CSV, sorted into categories by rules that are data
// (data/monitoring/bank_rules.json), and matched to the payments the books
// expect in and out. Pure: the monitoring books store what this decides.
namespace dp::monitoring {

// BankLine is one line of a statement: money in is positive, out negative.
struct BankLine {
  int line_no = 0;  // in the file, the header being line 1
  absl::CivilDay date;
  int64_t amount_pence = 0;
  std::string description;
};

// BankProblem is a line that could not be read, with why.
struct BankProblem {
  int line_no = 0;
  std::string detail;
};

// ParseBankStatement reads a statement: a header naming its columns (date,
// description, and either amount, signed, or paid_out and paid_in), then a
// line per transaction. Dates are YYYY-MM-DD or DD/MM/YYYY; amounts are
// pounds ("12.50", "-12.50", "1,200.00"). A line that cannot be read is a
// problem with its number; the others are still read. `first_line` is the
// number of lines[0] in the file (a chunk of a long file); the header is
// given once, as `header`.
//
//   ParseBankStatement("date,description,amount", {"2026-11-02,TESCO STORES,-23.10"}, 2)
//     -> lines {2, 2026-11-02, -2310, "TESCO STORES"}
struct ParsedStatement {
  std::vector<BankLine> lines;
  std::vector<BankProblem> problems;
};
absl::StatusOr<ParsedStatement> ParseBankStatement(std::string_view header,
                                                   const std::vector<std::string>& lines,
                                                   int first_line);

// BankRule sorts a line by a word in its description.
struct BankRule {
  std::string contains;  // upper case; matched against the upper-cased description
  std::string category;
  bool blocked = false;  // spending no direct payment may make (gambling, ...)
};

// BankRules is one version of the categorisation rules.
struct BankRules {
  absl::CivilDay effective_from;
  std::vector<BankRule> rules;
  // Categorise is the first rule's category whose word the description
  // contains, else "uncategorised"; `blocked` says whether it is one no
  // direct payment may buy.
  std::string Categorise(std::string_view description, bool* blocked) const;
};
absl::StatusOr<std::vector<BankRules>> LoadBankRules(const std::string& path);
const BankRules& InForce(const std::vector<BankRules>& versions, absl::CivilDay day);

// Expected is a movement the books expect to see on the statement: a
// scheduled payment in, a PA's net wages, an HMRC or pension payment, an
// assessed contribution paid in by the person.
struct Expected {
  std::string kind;  // payment_in, wages, hmrc, pension, contribution
  std::string ref;   // "payment 2026-11-16", "run 4, employee 3", "transaction 88"
  absl::CivilDay date;
  int64_t amount_pence = 0;  // signed as the statement shows it
};

// Match pairs statement lines with expected movements one to one: the same
// direction, an amount within `tolerance_pence`, a date within
// `tolerance_days`, nearest date first. Returns, for each line, the index of
// its expected movement or -1.
std::vector<int> Match(const std::vector<BankLine>& lines, const std::vector<Expected>& expected,
                       int64_t tolerance_pence, int tolerance_days);

}  // namespace dp::monitoring

#endif  // DP_LIB_MONITORING_RULES_BANK_H_
