#ifndef DP_LIB_BASE_CSV_H_
#define DP_LIB_BASE_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dp {

// SplitCsv splits one CSV line (RFC 4180) into its fields, honouring
// double quotes; INVALID_ARGUMENT for an unterminated quote or more than
// 64 fields. Files read this way: the card processor's clearing file, bank
// statements.
//
//   SplitCsv(R"(a,"b, c","d ""e""")") -> {"a", "b, c", "d \"e\""}
absl::StatusOr<std::vector<std::string>> SplitCsv(std::string_view line);

// AppendCsvLine writes one CSV line (RFC 4180) of `fields` to `out`,
// quoting a field only when it holds a comma, a quote or a line break; the
// line ends with "\n". What SplitCsv reads back. Files written this way:
// the auditor report, the console's downloads.
//
//   AppendCsvLine(&out, {"a", "b, c"});  // out += "a,\"b, c\"\n"
void AppendCsvLine(std::string* out, const std::vector<std::string>& fields);

}  // namespace dp

#endif  // DP_LIB_BASE_CSV_H_
