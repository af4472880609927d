#include "cards/rules/clearing.h"

#include <gtest/gtest.h>

namespace dp::cards {
namespace {

TEST(ClearingLine, ReadsEveryColumn) {
  auto line = ParseClearingLine("capture,CLR-1,TXN-1,tok_123,12.50,5411,Corner Shop");
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->type, ClearingType::kCapture);
  EXPECT_EQ(line->processor_id, "CLR-1");
  EXPECT_EQ(line->authorization_id, "TXN-1");
  EXPECT_EQ(line->card_token, "tok_123");
  EXPECT_EQ(line->amount_pence, 1250);
  EXPECT_EQ(line->merchant_category, "5411");
  EXPECT_EQ(line->merchant_name, "Corner Shop");
  line = ParseClearingLine("refund,CLR-2,,tok_123,2.00,5812,\"Cafe \"\"Lumiere\"\", Fife\"\r");
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->type, ClearingType::kRefund);
  EXPECT_EQ(line->authorization_id, "");
  EXPECT_EQ(line->merchant_name, "Cafe \"Lumiere\", Fife");
}

TEST(ClearingLine, SaysWhichColumnIsWrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"capture,CLR-1,TXN-1,tok,12.5.0,5411,x", "amount: "},
      {"capture,CLR-1,TXN-1,tok,-1.00,5411,x", "amount: "},
      {"capture,CLR-1,TXN-1,tok,1.00,54,x", "merchant_category: must be 4 digits"},
      {"charge,CLR-1,TXN-1,tok,1.00,5411,x", "type: must be capture or refund"},
      {"capture,,TXN-1,tok,1.00,5411,x", "processor_id: is required"},
      {"capture,CLR-1,TXN-1,,1.00,5411,x", "card_token: is required"},
      {"capture,CLR-1,TXN-1,tok,1.00,5411", "has 6 columns; the header names 7"},
      {"capture,CLR-1,TXN-1,tok,1.00,5411,\"open", "a quoted field is not closed"},
  };
  for (const auto& [text, message] : cases) {
    auto line = ParseClearingLine(text);
    ASSERT_FALSE(line.ok()) << text;
    EXPECT_EQ(std::string(line.status().message()).rfind(message, 0), 0u)
        << text << ": " << line.status().message();
  }
}

}  // namespace
}  // namespace dp::cards
