#include "monitoring/rules/bank.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/csv.h"
#include "base/strings.h"
#include "money/money.h"

namespace dp::monitoring {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// ParseDate reads YYYY-MM-DD or DD/MM/YYYY, and nothing else.
std::optional<absl::CivilDay> ParseDate(const std::string& text) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && text.size() == 10) {
  } else if (std::sscanf(text.c_str(), "%2d/%2d/%4d%c", &d, &m, &y, &tail) == 3 && text.size() == 10) {
  } else {
    return std::nullopt;
  }
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d || y < 2000 || y > 2099) return std::nullopt;
  return day;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// IsGroupingComma: the comma at `i` separates thousands: a digit before it,
// three after it, then the end, a decimal point or another such comma.
bool IsGroupingComma(const std::string& t, size_t i) {
  if (t[i] != ',' || i == 0 || !IsDigit(t[i - 1]) || i + 4 > t.size()) return false;
  for (size_t k = i + 1; k <= i + 3; ++k) {
    if (!IsDigit(t[k])) return false;
  }
  return i + 4 == t.size() || t[i + 4] == '.' || t[i + 4] == ',';
}

// Pence reads "1,200.50", "-12.50" or "(12.50)"; the thousands commas are
// dropped only between digit groups.
absl::StatusOr<int64_t> Pence(std::string text) {
  text = Trim(text);
  bool negative = false;
  if (text.size() >= 2 && text.front() == '(' && text.back() == ')') {
    negative = true;
    text = text.substr(1, text.size() - 2);
  }
  std::string plain;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsGroupingComma(text, i)) plain += text[i];
  }
  auto pence = ParsePence(plain);
  if (!pence.ok()) return pence.status();
  return negative ? -*pence : *pence;
}

}  // namespace

absl::StatusOr<ParsedStatement> ParseBankStatement(std::string_view header,
                                                   const std::vector<std::string>& lines,
                                                   int first_line) {
  auto columns = SplitCsv(header);
  if (!columns.ok()) return absl::InvalidArgumentError("the header is not a CSV line");
  int date = -1, description = -1, amount = -1, paid_out = -1, paid_in = -1;
  for (size_t i = 0; i < columns->size(); ++i) {
    const std::string name = Upper(Trim((*columns)[i]));
    int* slot = name == "DATE"          ? &date
                : name == "DESCRIPTION" ? &description
                : name == "AMOUNT"      ? &amount
                : name == "PAID OUT" || name == "PAID_OUT" ? &paid_out
                : name == "PAID IN" || name == "PAID_IN"   ? &paid_in
                                                           : nullptr;
    if (slot != nullptr) *slot = static_cast<int>(i);
  }
  if (date < 0 || description < 0 || (amount < 0 && (paid_out < 0 || paid_in < 0))) {
    return absl::InvalidArgumentError(
        "the header must name date, description, and amount (or paid_out and paid_in)");
  }
  ParsedStatement out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line_no = first_line + static_cast<int>(i);
    if (Trim(lines[i]).empty()) continue;
    auto fields = SplitCsv(lines[i]);
    const int needed = std::max({date, description, amount, paid_out, paid_in}) + 1;
    if (!fields.ok() || static_cast<int>(fields->size()) < needed) {
      out.problems.push_back({line_no, dp::StrCat("expected ", needed, " columns")});
      continue;
    }
    const auto day = ParseDate(Trim((*fields)[date]));
    if (!day) {
      out.problems.push_back({line_no, dp::StrCat("date: \"", Trim((*fields)[date]).substr(0, 20),
                                                  "\" is not YYYY-MM-DD or DD/MM/YYYY")});
      continue;
    }
    int64_t pence = 0;
    if (amount >= 0) {
      auto p = Pence((*fields)[amount]);
      if (!p.ok()) {
        out.problems.push_back({line_no, "amount: not an amount in pounds"});
        continue;
      }
      pence = *p;
    } else {
      const std::string out_text = Trim((*fields)[paid_out]), in_text = Trim((*fields)[paid_in]);
      if (out_text.empty() == in_text.empty()) {
        out.problems.push_back({line_no, "paid_out and paid_in: give exactly one"});
        continue;
      }
      auto p = Pence(out_text.empty() ? in_text : out_text);
      if (!p.ok() || *p < 0) {
        out.problems.push_back({line_no, "paid_out or paid_in: not an amount in pounds"});
        continue;
      }
      pence = out_text.empty() ? *p : -*p;
    }
    if (pence == 0 || pence > kMaxAmountPence || pence < -kMaxAmountPence) {
      out.problems.push_back({line_no, "amount: must not be zero, nor beyond £10bn"});
      continue;
    }
    std::string text = Trim((*fields)[description]);
    if (text.empty() || text.size() > 500) {
      out.problems.push_back({line_no, "description: 1 to 500 characters"});
      continue;
    }
    out.lines.push_back({line_no, *day, pence, std::move(text)});
  }
  return out;
}

std::string BankRules::Categorise(std::string_view description, bool* blocked) const {
  const std::string text = Upper(description);
  for (const BankRule& r : rules) {
    if (text.find(r.contains) != std::string::npos) {
      *blocked = r.blocked;
      return r.category;
    }
  }
  *blocked = false;
  return "uncategorised";
}

absl::StatusOr<std::vector<BankRules>> LoadBankRules(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(dp::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  std::vector<BankRules> out;
  try {
    const nlohmann::json doc = nlohmann::json::parse(text.str());
    for (const auto& v : doc.at("versions")) {
      BankRules r;
      const std::string from = v.at("effective_from").get<std::string>();
      if (!absl::ParseCivilTime(from, &r.effective_from)) {
        return absl::InvalidArgumentError(dp::StrCat(path, ": \"", from, "\" is not a date"));
      }
      for (const auto& rule : v.at("rules")) {
        BankRule b{Upper(rule.at("contains").get<std::string>()), rule.at("category").get<std::string>(),
                   rule.value("blocked", false)};
        if (b.contains.empty() || b.category.empty()) {
          return absl::InvalidArgumentError(dp::StrCat(path, ": a rule needs contains and category"));
        }
        r.rules.push_back(std::move(b));
      }
      out.push_back(std::move(r));
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(dp::StrCat(path, " is malformed: ", e.what()));
  }
  if (out.empty()) return absl::InvalidArgumentError(dp::StrCat(path, " has no version"));
  std::sort(out.begin(), out.end(),
            [](const BankRules& a, const BankRules& b) { return a.effective_from < b.effective_from; });
  return out;
}

const BankRules& InForce(const std::vector<BankRules>& versions, absl::CivilDay day) {
  const BankRules* chosen = &versions.front();
  for (const BankRules& r : versions) {
    if (r.effective_from <= day) chosen = &r;
  }
  return *chosen;
}

std::vector<int> Match(const std::vector<BankLine>& lines, const std::vector<Expected>& expected,
                       int64_t tolerance_pence, int tolerance_days) {
  // Every candidate pair, nearest in date then in amount first: a greedy
  // one-to-one pairing that never takes a worse pair before a better one.
  struct Pair {
    int64_t days, pence;
    size_t line, exp;
  };
  std::vector<Pair> pairs;
  for (size_t l = 0; l < lines.size(); ++l) {
    for (size_t e = 0; e < expected.size(); ++e) {
      if ((lines[l].amount_pence > 0) != (expected[e].amount_pence > 0)) continue;
      const int64_t pence = std::llabs(lines[l].amount_pence - expected[e].amount_pence);
      const int64_t days = std::llabs(static_cast<int64_t>(lines[l].date - expected[e].date));
      if (pence <= tolerance_pence && days <= tolerance_days) pairs.push_back({days, pence, l, e});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    return std::tie(a.days, a.pence, a.line, a.exp) < std::tie(b.days, b.pence, b.line, b.exp);
  });
  std::vector<int> out(lines.size(), -1);
  std::vector<bool> taken(expected.size(), false);
  for (const Pair& p : pairs) {
    if (out[p.line] >= 0 || taken[p.exp]) continue;
    out[p.line] = static_cast<int>(p.exp);
    taken[p.exp] = true;
  }
  return out;
}

}  // namespace dp::monitoring
