#include "payments/rules/bank_files.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/time/civil_time.h"
#include "base/csv.h"
#include "base/strings.h"
#include "money/money.h"

namespace dp::payments {
namespace {

constexpr size_t kMaxLines = 200000;

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t\r") - b + 1));
}

// Table is a CSV file split into its header's named columns and its lines.
struct Table {
  std::map<std::string, int> column;  // by lower-case name
  std::vector<std::string> lines;     // lines[0] is line 2 of the file
};

absl::StatusOr<Table> ReadTable(std::string_view text, const std::vector<std::string>& needed) {
  Table t;
  size_t at = 0;
  bool header = true;
  while (at <= text.size()) {
    const size_t end = std::min(text.find('\n', at), text.size());
    const std::string line(text.substr(at, end - at));
    at = end + 1;
    if (header) {
      auto names = SplitCsv(line);
      if (!names.ok()) return absl::InvalidArgumentError("the header is not a CSV line");
      for (size_t i = 0; i < names->size(); ++i) {
        std::string name = Trim((*names)[i]);
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        t.column[name] = static_cast<int>(i);
      }
      std::string all;
      for (const auto& n : needed) dp::StrAppend(&all, all.empty() ? "" : ",", n);
      for (const auto& n : needed) {
        if (!t.column.count(n)) {
          return absl::InvalidArgumentError(
              dp::StrCat("the header must be \"", all, "\": \"", n, "\" is missing"));
        }
      }
      header = false;
      continue;
    }
    if (t.lines.size() >= kMaxLines) {
      return absl::InvalidArgumentError(dp::StrCat("the file has more than ", kMaxLines, " lines"));
    }
    t.lines.push_back(line);
    if (end == text.size()) break;
  }
  if (header) return absl::InvalidArgumentError("the file is empty: it needs a header");
  return t;
}

// Fields splits line `i` and checks it has every column; the problem is
// reported and nullopt returned otherwise.
std::optional<std::vector<std::string>> Fields(const Table& t, size_t i,
                                               std::vector<FileProblem>* problems) {
  auto fields = SplitCsv(t.lines[i]);
  int needed = 0;
  for (const auto& [name, index] : t.column) needed = std::max(needed, index + 1);
  if (!fields.ok() || static_cast<int>(fields->size()) < needed) {
    problems->push_back({static_cast<int>(i) + 2, dp::StrCat("expected ", needed, " columns")});
    return std::nullopt;
  }
  for (auto& f : *fields) f = Trim(f);
  return *fields;
}

std::optional<absl::CivilDay> Day(const std::string& text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) return std::nullopt;
  return day;
}

std::optional<int64_t> Amount(const std::string& text) {
  auto pence = ParsePence(text);
  if (!pence.ok() || *pence <= 0 || *pence > kMaxAmountPence) return std::nullopt;
  return *pence;
}

}  // namespace

absl::StatusOr<Collections> ParseCollections(std::string_view text) {
  auto table = ReadTable(text, {"date", "reference", "originator", "amount"});
  if (!table.ok()) return table.status();
  Collections out;
  for (size_t i = 0; i < table->lines.size(); ++i) {
    if (Trim(table->lines[i]).empty()) continue;
    auto f = Fields(*table, i, &out.problems);
    if (!f) continue;
    const int line_no = static_cast<int>(i) + 2;
    Collection c;
    c.line_no = line_no;
    const auto day = Day((*f)[table->column["date"]]);
    const auto amount = Amount((*f)[table->column["amount"]]);
    c.reference = (*f)[table->column["reference"]];
    c.originator = (*f)[table->column["originator"]];
    if (!day) {
      out.problems.push_back({line_no, "date: not YYYY-MM-DD"});
    } else if (!amount) {
      out.problems.push_back({line_no, "amount: not a positive amount in pounds"});
    } else if (c.reference.empty() || c.reference.size() > 18) {
      out.problems.push_back({line_no, "reference: 1 to 18 characters"});
    } else {
      c.date = *day;
      c.amount_pence = *amount;
      c.key = dp::StrCat(absl::FormatCivilTime(c.date), "|", c.reference, "|", c.amount_pence,
                         "|", c.originator.substr(0, 64));
      out.lines.push_back(std::move(c));
    }
  }
  return out;
}

absl::StatusOr<Returns> ParseReturns(std::string_view text) {
  auto table = ReadTable(text, {"original_date", "reference", "amount", "return_code", "reason"});
  if (!table.ok()) return table.status();
  Returns out;
  for (size_t i = 0; i < table->lines.size(); ++i) {
    if (Trim(table->lines[i]).empty()) continue;
    auto f = Fields(*table, i, &out.problems);
    if (!f) continue;
    const int line_no = static_cast<int>(i) + 2;
    Return r;
    r.line_no = line_no;
    const auto day = Day((*f)[table->column["original_date"]]);
    const auto amount = Amount((*f)[table->column["amount"]]);
    r.reference = (*f)[table->column["reference"]];
    r.code = (*f)[table->column["return_code"]];
    r.reason = (*f)[table->column["reason"]].substr(0, 200);
    if (!day) {
      out.problems.push_back({line_no, "original_date: not YYYY-MM-DD"});
    } else if (!amount) {
      out.problems.push_back({line_no, "amount: not a positive amount in pounds"});
    } else if (r.reference.empty() || r.reference.size() > 18) {
      out.problems.push_back({line_no, "reference: 1 to 18 characters"});
    } else if (r.code.empty() || r.code.size() > 4) {
      out.problems.push_back({line_no, "return_code: 1 to 4 characters"});
    } else {
      r.original_date = *day;
      r.amount_pence = *amount;
      r.key = dp::StrCat(absl::FormatCivilTime(r.original_date), "|", r.reference, "|",
                         r.amount_pence, "|", r.code);
      out.lines.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace dp::payments
