#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "iam/policy.h"

namespace dp::iam {
namespace {

// docs/ROLES.md says exactly what the policy table enforces, and the
// README's role summary points there.
TEST(PolicyDoc, RolesMdIsTheTable) {
  const std::string generated = PolicyMarkdown();
  const std::string path = std::string(DP_SOURCE_DIR) + "/docs/ROLES.md";
  if (std::getenv("DP_WRITE_ROLES") != nullptr) std::ofstream(path) << generated;
  std::ifstream in(path);
  ASSERT_TRUE(in) << "docs/ROLES.md is missing";
  std::stringstream file;
  file << in.rdbuf();
  EXPECT_EQ(file.str(), generated)
      << "docs/ROLES.md differs from lib/iam/policy.cc: regenerate it with\n"
         "  DP_WRITE_ROLES=1 build/lib/policy_doc_test";
}

TEST(PolicyDoc, EveryAuditedWriteNamesItsResource) {
  size_t n = 0;
  const MethodPolicy* all = AllPolicies(&n);
  for (size_t i = 0; i < n; ++i) {
    if (all[i].writes) EXPECT_FALSE(all[i].resource.empty()) << all[i].method;
  }
}

}  // namespace
}  // namespace dp::iam
