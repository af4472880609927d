#ifndef DP_LIB_AUDIT_HEAD_H_
#define DP_LIB_AUDIT_HEAD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

// The head of the audit trail: where every lane ends, in one line that an
// auditor can keep outside the system and hand back to `verify` later to
// prove that nothing was cut from the end since.
namespace dp::audit {

struct LaneHead {
  int lane = 0;
  int64_t seq = 0;   // the lane's last event; 0 for an empty lane
  std::string hash;  // that event's hash
};

// FormatHead writes the heads of the non-empty lanes as one line:
// "v1:" then "lane.seq" for each, comma-separated in lane order, then ":"
// and the hex SHA-256 of "lane:seq:hash\n" for each of those lanes. The
// digest commits to every lane's last hash, so the line is short but
// cannot be satisfied by a trail whose events at those positions differ.
//
//   FormatHead({{0, 42, "ab.."}, {3, 17, "cd.."}}) -> "v1:0.42,3.17:9f2c..."
std::string FormatHead(const std::vector<LaneHead>& heads);

// HeadDigest is the digest part of FormatHead.
std::string HeadDigest(const std::vector<LaneHead>& heads);

// RecordedHead is a parsed head line: the lane positions and the digest.
struct RecordedHead {
  std::vector<LaneHead> lanes;  // hash empty: the digest covers them
  std::string digest;
};

// ParseHead reads a line written by FormatHead; anything else is
// INVALID_ARGUMENT naming what is wrong.
absl::StatusOr<RecordedHead> ParseHead(std::string_view text);

}  // namespace dp::audit

#endif  // DP_LIB_AUDIT_HEAD_H_
