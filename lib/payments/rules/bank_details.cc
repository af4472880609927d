#include "payments/rules/bank_details.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "base/refusal.h"
#include "base/strings.h"

namespace dp::payments {
namespace {

std::string DigitsOf(std::string_view text, bool* other) {
  std::string digits;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c != '-' && c != ' ') {
      *other = true;
    }
  }
  return digits;
}

}  // namespace

absl::StatusOr<std::string> NormaliseSortCode(std::string_view text, std::string_view field) {
  bool other = false;
  const std::string digits = DigitsOf(text, &other);
  if (other || digits.size() != 6) {
    return FieldError(field, "must be a sort code of six digits, such as 40-12-34");
  }
  return digits;
}

absl::StatusOr<std::string> NormaliseAccountNumber(std::string_view text, std::string_view field) {
  bool other = false;
  std::string digits = DigitsOf(text, &other);
  if (other || digits.size() < 6 || digits.size() > 8) {
    return FieldError(field, "must be an account number of six to eight digits");
  }
  return std::string(8 - digits.size(), '0') + digits;
}

absl::StatusOr<std::string> BacsName(std::string_view text, size_t max_chars,
                                     std::string_view field) {
  std::string out;
  for (char c : text) {
    const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const bool allowed = (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '.' ||
                         u == '&' || u == '/' || u == '-' || u == ' ';
    if (!allowed) {
      return FieldError(field, "may hold only letters, digits, spaces and . & / - (the BACS characters)");
    }
    out.push_back(u);
  }
  if (out.find_first_not_of(' ') == std::string::npos) return FieldError(field, "is required");
  if (out.size() > max_chars) {
    return FieldError(field, dp::StrCat("is longer than the ", max_chars,
                                        " characters a BACS record holds"));
  }
  return out;
}

absl::StatusOr<ModulusRules> ModulusRules::Parse(std::string_view text) {
  ModulusRules rules;
  std::istringstream in{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    ModulusRule r;
    words >> r.from >> r.to >> r.method;
    for (int& w : r.weights) words >> w;
    if (!words || !dp::IsDigits(r.from, 6) || !dp::IsDigits(r.to, 6) || r.from > r.to ||
        (r.method != "MOD10" && r.method != "MOD11" && r.method != "DBLAL")) {
      return absl::InvalidArgumentError(
          dp::StrCat("modulus weights, line ", number, ": expected two sort codes, MOD10, "
                     "MOD11 or DBLAL and fourteen weights"));
    }
    rules.rules_.push_back(r);
  }
  return rules;
}

absl::StatusOr<ModulusRules> ModulusRules::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(dp::StrCat("cannot read the modulus weights ", path));
  std::stringstream text;
  text << in.rdbuf();
  auto rules = Parse(text.str());
  if (!rules.ok()) return absl::InvalidArgumentError(dp::StrCat(path, ": ", std::string(rules.status().message())));
  return rules;
}

absl::Status ModulusRules::Check(const std::string& sort_code,
                                 const std::string& account_number) const {
  const std::string digits = sort_code + account_number;
  if (digits.size() != 14) return FieldError("sort_code", "must be six digits and eight digits");
  for (const ModulusRule& r : rules_) {
    if (sort_code < r.from || sort_code > r.to) continue;
    int total = 0;
    for (int i = 0; i < 14; ++i) {
      const int product = (digits[i] - '0') * r.weights[i];
      total += r.method == "DBLAL" ? product / 10 + product % 10 : product;
    }
    const int modulus = r.method == "MOD11" ? 11 : 10;
    if (total % modulus != 0) {
      return Refusal(absl::StatusCode::kFailedPrecondition, reason::kBankDetailsInvalid,
                     dp::StrCat("the account number does not pass the ", r.method,
                                " check for sort code ", sort_code,
                                ": confirm the details with the payee"),
                     {{"field", "account_number"}});
    }
  }
  return absl::OkStatus();
}

}  // namespace dp::payments
