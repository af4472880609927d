#include "cards/rules/clearing.h"

#include "base/csv.h"

#include "base/strings.h"
#include "cards/rules/categories.h"
#include "money/money.h"

namespace dp::cards {

absl::StatusOr<ClearingLine> ParseClearingLine(std::string_view text) {
  auto fields = SplitCsv(text);
  if (!fields.ok()) return fields.status();
  if (fields->size() != 7) {
    return absl::InvalidArgumentError(
        dp::StrCat("has ", fields->size(), " columns; the header names 7: ", kClearingHeader));
  }
  const auto& f = *fields;
  ClearingLine line;
  if (f[0] == "capture") {
    line.type = ClearingType::kCapture;
  } else if (f[0] == "refund") {
    line.type = ClearingType::kRefund;
  } else {
    return absl::InvalidArgumentError("type: must be capture or refund");
  }
  if (f[1].empty() || f[1].size() > 128) {
    return absl::InvalidArgumentError("processor_id: is required (1 to 128 characters)");
  }
  line.processor_id = f[1];
  if (f[2].size() > 128) return absl::InvalidArgumentError("authorization_id: over 128 characters");
  line.authorization_id = f[2];
  if (f[3].empty() || f[3].size() > 64) {
    return absl::InvalidArgumentError("card_token: is required (1 to 64 characters)");
  }
  line.card_token = f[3];
  auto pence = ParsePence(f[4]);
  if (!pence.ok()) {
    return absl::InvalidArgumentError(dp::StrCat("amount: ", std::string(pence.status().message())));
  }
  if (*pence <= 0 || *pence > 100'000'00) {
    return absl::InvalidArgumentError("amount: must be more than 0 and at most 100000.00");
  }
  line.amount_pence = *pence;
  if (!IsMcc(f[5])) return absl::InvalidArgumentError("merchant_category: must be 4 digits");
  line.merchant_category = f[5];
  if (f[6].size() > 200) return absl::InvalidArgumentError("merchant_name: over 200 characters");
  line.merchant_name = f[6];
  return line;
}

}  // namespace dp::cards
