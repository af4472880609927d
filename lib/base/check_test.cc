#include "base/check.h"

#include <gtest/gtest.h>

namespace {

// The build under test is Release (NDEBUG set), where assert() is gone:
// these prove the checks still stop the process there.
TEST(CheckTest, StopsInEveryBuildType) {
#ifdef NDEBUG
  SUCCEED() << "NDEBUG is set: assert() would have been compiled out";
#endif
  EXPECT_DEATH(DP_CHECK(1 + 1 == 3), "invariant failed at .*check_test.cc:[0-9]+: 1 \\+ 1 == 3");
}

TEST(CheckTest, EqPrintsBothValues) {
  const long long postings_sum_pence = 5;
  EXPECT_DEATH(DP_CHECK_EQ(postings_sum_pence, 0), "postings_sum_pence == 0 \\(5 vs 0\\)");
}

TEST(CheckTest, PassesSilently) {
  int evaluated = 0;
  DP_CHECK(++evaluated == 1);  // evaluated exactly once
  DP_CHECK_EQ(evaluated, 1);
  EXPECT_EQ(evaluated, 1);
}

}  // namespace
