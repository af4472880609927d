#include "payroll/forms/bacs.h"

#include <cctype>
#include <cstdio>

#include "base/check.h"
#include "base/strings.h"

namespace dp::payroll {
namespace {

constexpr size_t kRecordChars = 100;
constexpr size_t kMaxCredits = 100000;
constexpr int64_t kMaxAmountPence = 99'999'999'999;  // 11 digits

absl::Status CheckAccount(const BacsAccount& a, const std::string& who) {
  if (!dp::IsDigits(a.sort_code, 6)) {
    return absl::FailedPreconditionError(
        dp::StrCat(who, ": the sort code must be six digits; record the bank details first"));
  }
  if (!dp::IsDigits(a.account_number, 8)) {
    return absl::FailedPreconditionError(
        dp::StrCat(who, ": the account number must be eight digits"));
  }
  return absl::OkStatus();
}

std::string Amount(int64_t pence) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%011lld", static_cast<long long>(pence));
  return digits;
}

std::string Record(const BacsAccount& to, const char* code, const BacsAccount& from,
                   int64_t pence, std::string_view narrative, std::string_view reference,
                   std::string_view name) {
  std::string r = dp::StrCat(to.sort_code, to.account_number, "0", code, from.sort_code,
                             from.account_number, "    ", Amount(pence),
                             BacsText(narrative, 18), BacsText(reference, 18),
                             BacsText(name, 18));
  DP_CHECK(r.size() == kRecordChars);
  return r + "\r\n";
}

}  // namespace

std::string BacsText(std::string_view text, size_t width) {
  std::string out;
  for (size_t i = 0; i < text.size() && out.size() < width; ++i) {
    const char c = text[i];
    if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;  // inside one UTF-8 character
    const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const bool allowed = std::isalnum(static_cast<unsigned char>(u)) || u == '.' || u == '&' ||
                         u == '/' || u == '-' || u == ' ';
    out.push_back(allowed && static_cast<unsigned char>(u) < 128 ? u : ' ');
  }
  out.resize(width, ' ');
  return out;
}

absl::StatusOr<std::string> BacsStandard18(const BacsAccount& from,
                                           const std::vector<BacsCredit>& credits,
                                           std::string_view contra_narrative) {
  if (auto s = CheckAccount(from, "the paying account"); !s.ok()) return s;
  if (credits.empty()) return absl::FailedPreconditionError("there is nothing to pay");
  if (credits.size() > kMaxCredits) return absl::InvalidArgumentError("too many credits");
  std::string file;
  int64_t total = 0;
  for (const BacsCredit& c : credits) {
    if (auto s = CheckAccount(c.to, dp::StrCat("payee ", c.to.name)); !s.ok()) return s;
    if (c.amount_pence <= 0 || c.amount_pence > kMaxAmountPence) {
      return absl::InvalidArgumentError(
          dp::StrCat("payee ", c.to.name, ": the amount must be positive and fit 11 digits"));
    }
    total += c.amount_pence;
    file += Record(c.to, "99", from, c.amount_pence, from.name, c.reference, c.to.name);
  }
  if (total > kMaxAmountPence) return absl::InvalidArgumentError("the total does not fit 11 digits");
  file += Record(from, "17", from, total, contra_narrative, "CONTRA", from.name);
  return file;
}

}  // namespace dp::payroll
