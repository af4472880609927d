#include "money/money.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace dp {
namespace {

TEST(ParsePence, AcceptsWholeAndDecimalAmounts) {
  EXPECT_EQ(*ParsePence("12.34"), 1234);
  EXPECT_EQ(*ParsePence("12.5"), 1250);
  EXPECT_EQ(*ParsePence("12"), 1200);
  EXPECT_EQ(*ParsePence("0.01"), 1);
  EXPECT_EQ(*ParsePence(".07"), 7);
  EXPECT_EQ(*ParsePence("-0.07"), -7);
  EXPECT_EQ(*ParsePence("+3.00"), 300);
}

TEST(ParsePence, RefusesWhatIsNotAnExactAmount) {
  for (const char* text : {"", "-", ".", "1.234", "1.2.3", "12,34", "1e3",
                           "abc", "99999999999999", " 1"}) {
    auto parsed = ParsePence(text);
    EXPECT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << text;
  }
}

TEST(FormatPence, RendersMajorAndMinorUnits) {
  EXPECT_EQ(FormatPence(0), "0.00");
  EXPECT_EQ(FormatPence(7), "0.07");
  EXPECT_EQ(FormatPence(-7), "-0.07");
  EXPECT_EQ(FormatPence(123456), "1234.56");
  EXPECT_EQ(FormatPence(std::numeric_limits<int64_t>::min()),
            "-92233720368547758.08");
}

TEST(FormatPence, RoundTripsThroughParsePence) {
  for (int64_t pence : {0LL, 1LL, 99LL, 100LL, 101LL, -250LL, 123456789LL}) {
    EXPECT_EQ(*ParsePence(FormatPence(pence)), pence);
  }
}

TEST(CheckedAdd, DetectsOverflowBothWays) {
  EXPECT_EQ(*CheckedAdd(2, 3), 5);
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(CheckedAdd(max, 1).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(CheckedAdd(-max, -2).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST(IsValidCurrency, OnlyThreeUpperCaseLetters) {
  EXPECT_TRUE(IsValidCurrency("GBP"));
  EXPECT_FALSE(IsValidCurrency("gbp"));
  EXPECT_FALSE(IsValidCurrency("GB"));
  EXPECT_FALSE(IsValidCurrency("GBPX"));
  EXPECT_FALSE(IsValidCurrency("G1P"));
}

TEST(Pounds, ReadsAsPeopleWriteIt) {
  EXPECT_EQ(Pounds(123456789), "£1,234,567.89");
  EXPECT_EQ(Pounds(837464), "£8,374.64");
  EXPECT_EQ(Pounds(-50), "-£0.50");
  EXPECT_EQ(Pounds(0), "£0.00");
  EXPECT_EQ(Pounds(INT64_MIN), "-£92,233,720,368,547,758.08");
}

}  // namespace
}  // namespace dp
