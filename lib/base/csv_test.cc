// CSV both ways: what AppendCsvLine writes, SplitCsv reads back.
#include "base/csv.h"

#include <gtest/gtest.h>

namespace dp {
namespace {

TEST(Csv, QuotesOnlyWhatNeedsIt) {
  std::string out;
  AppendCsvLine(&out, {"plain", "a, b", "say \"hi\"", "two\nlines", ""});
  EXPECT_EQ(out, "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
}

TEST(Csv, SplitReadsBackWhatAppendWrote) {
  const std::vector<std::string> fields = {"Card 4821: Grocer, Kirkcaldy", "-12.50", "\"quoted\"",
                                           ""};
  std::string out;
  AppendCsvLine(&out, fields);
  out.pop_back();  // the line's end
  EXPECT_EQ(*SplitCsv(out), fields);
}

TEST(Csv, SplitRefusesAnUnterminatedQuote) {
  EXPECT_EQ(SplitCsv("a,\"b").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dp
