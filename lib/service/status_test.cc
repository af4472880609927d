#include "service/status.h"

#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "base/refusal.h"
#include "base/strings.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace dp::service {
namespace {

struct Details {
  google::rpc::ErrorInfo info;
  google::rpc::BadRequest bad;
  bool has_bad = false;
};

Details Decode(const grpc::Status& s) {
  google::rpc::Status status;
  EXPECT_TRUE(status.ParseFromString(s.error_details()));
  EXPECT_EQ(status.code(), s.error_code());
  Details d;
  for (const auto& any : status.details()) {
    if (any.Is<google::rpc::ErrorInfo>()) any.UnpackTo(&d.info);
    if (any.Is<google::rpc::BadRequest>()) d.has_bad = any.UnpackTo(&d.bad);
  }
  return d;
}

TEST(ToGrpcStatus, CarriesReasonDomainAndMetadata) {
  const grpc::Status s = ToGrpcStatus(Refusal(absl::StatusCode::kFailedPrecondition,
                                              reason::kInsufficientFunds, "insufficient funds",
                                              {{"account_id", "12"}, {"available_pence", "1250"}}));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(), "insufficient funds");
  const Details d = Decode(s);
  EXPECT_EQ(d.info.reason(), "INSUFFICIENT_FUNDS");
  EXPECT_EQ(d.info.domain(), "dp.v1");
  EXPECT_EQ(d.info.metadata().at("available_pence"), "1250");
  EXPECT_EQ(d.info.metadata().at("account_id"), "12");
  EXPECT_FALSE(d.has_bad);
}

TEST(ToGrpcStatus, InvalidArgumentNamesTheField) {
  const Details d = Decode(ToGrpcStatus(FieldError("postings[1].amount.amount_pence", "must be positive")));
  EXPECT_EQ(d.info.reason(), "INVALID_FIELD");
  ASSERT_TRUE(d.has_bad);
  ASSERT_EQ(d.bad.field_violations_size(), 1);
  EXPECT_EQ(d.bad.field_violations(0).field(), "postings[1].amount.amount_pence");
  EXPECT_EQ(d.bad.field_violations(0).description(),
            "postings[1].amount.amount_pence must be positive");
}

TEST(ToGrpcStatus, AStatusWithoutAReasonGetsItsCodesReason) {
  EXPECT_EQ(Decode(ToGrpcStatus(absl::NotFoundError("no agreement 9"))).info.reason(), "NOT_FOUND");
  EXPECT_EQ(Decode(ToGrpcStatus(absl::PermissionDeniedError("no"))).info.reason(),
            "PERMISSION_DENIED");
  // An older message that starts with its field still names it.
  const Details d = Decode(ToGrpcStatus(absl::InvalidArgumentError("request_id is required")));
  EXPECT_EQ(d.bad.field_violations(0).field(), "request_id");
}

// Every reason in the code is documented, and the docs list no other.
TEST(Reasons, AreListedOnceInTheCodeAndInTheDocs) {
  std::ifstream in(std::string(DP_SOURCE_DIR) + "/docs/ERRORS.md");
  ASSERT_TRUE(in) << "docs/ERRORS.md";
  std::stringstream text;
  text << in.rdbuf();
  const std::string docs = text.str();
  std::set<std::string> seen;
  for (const ReasonDoc& r : AllReasons()) {
    EXPECT_TRUE(seen.insert(std::string(r.reason)).second) << r.reason << " listed twice";
    EXPECT_NE(docs.find(dp::StrCat("| `", r.reason, "` |")), std::string::npos)
        << r.reason << " is not in docs/ERRORS.md";
  }
  size_t documented = 0;
  for (size_t at = docs.find("| `"); at != std::string::npos; at = docs.find("| `", at + 1)) {
    ++documented;
  }
  EXPECT_EQ(documented, AllReasons().size()) << "docs/ERRORS.md lists a reason the code does not";
}

}  // namespace
}  // namespace dp::service
