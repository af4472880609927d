#ifndef DP_LIB_CARDS_RULES_CLEARING_H_
#define DP_LIB_CARDS_RULES_CLEARING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

// The processor's daily clearing file: what settled, one line each, as CSV
// (RFC 4180 quoting) under this header:
//
//   type,processor_id,authorization_id,card_token,amount,merchant_category,merchant_name
//   capture,CLR-1,TXN-1,tok_123,12.50,5411,Corner Shop
//   capture,CLR-2,,tok_123,8.00,5411,Offline sale        <- no authorisation: a force post
//   refund,CLR-3,TXN-1,tok_123,2.00,5411,Corner Shop
namespace dp::cards {

inline constexpr std::string_view kClearingHeader =
    "type,processor_id,authorization_id,card_token,amount,merchant_category,merchant_name";

enum class ClearingType { kCapture, kRefund };

struct ClearingLine {
  ClearingType type = ClearingType::kCapture;
  std::string processor_id;
  std::string authorization_id;  // empty: none (a force post, an unlinked refund)
  std::string card_token;
  int64_t amount_pence = 0;
  std::string merchant_category;
  std::string merchant_name;
};

// ParseClearingLine reads one line of the file; the error says which
// column is wrong and why, in words an operator can act on.
//
//   ParseClearingLine("capture,CLR-1,TXN-1,tok_123,12.50,5411,Corner Shop")
//     -> {kCapture, "CLR-1", "TXN-1", "tok_123", 1250, "5411", "Corner Shop"}
//   ParseClearingLine("capture,CLR-1,TXN-1,tok_123,12.5.0,5411,x")
//     -> INVALID_ARGUMENT "amount: ..."
absl::StatusOr<ClearingLine> ParseClearingLine(std::string_view line);

}  // namespace dp::cards

#endif  // DP_LIB_CARDS_RULES_CLEARING_H_
