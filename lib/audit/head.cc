#include "audit/head.h"

#include <charconv>

#include "base/sha256.h"
#include "base/strings.h"

namespace dp::audit {
namespace {

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

template <typename Int>
bool ParseInt(std::string_view text, Int* out) {
  if (text.empty() || text.size() > 18) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string HeadDigest(const std::vector<LaneHead>& heads) {
  std::string data;
  for (const LaneHead& h : heads) {
    if (h.seq > 0) dp::StrAppend(&data, h.lane, ":", h.seq, ":", h.hash, "\n");
  }
  return Sha256Hex(data);
}

std::string FormatHead(const std::vector<LaneHead>& heads) {
  std::string out = "v1:";
  bool first = true;
  for (const LaneHead& h : heads) {
    if (h.seq == 0) continue;
    dp::StrAppend(&out, first ? "" : ",", h.lane, ".", h.seq);
    first = false;
  }
  dp::StrAppend(&out, ":", HeadDigest(heads));
  return out;
}

absl::StatusOr<RecordedHead> ParseHead(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(dp::StrCat(
        "expect_head: ", why, "; give the line `dpctl audit head` printed, like v1:1.42,2.17:9f2c..."));
  };
  if (text.size() > 4096) return bad("longer than any head");
  std::vector<std::string_view> parts = Split(text, ':');
  if (parts.size() != 3 || parts[0] != "v1") return bad("not a v1 head");
  RecordedHead head;
  head.digest = std::string(parts[2]);
  if (head.digest.size() != 64 || head.digest.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return bad("the digest is not 64 lower-case hex digits");
  }
  if (parts[1].empty()) return head;  // an empty trail
  int last_lane = -1;
  for (std::string_view item : Split(parts[1], ',')) {
    std::vector<std::string_view> ls = Split(item, '.');
    LaneHead lane;
    if (ls.size() != 2 || !ParseInt(ls[0], &lane.lane) ||
        !ParseInt(ls[1], &lane.seq) || lane.lane < 0 || lane.seq <= 0) {
      return bad(dp::StrCat("\"", item.substr(0, 40), "\" is not lane.seq"));
    }
    if (lane.lane <= last_lane) return bad("lanes must be in ascending order");
    last_lane = lane.lane;
    head.lanes.push_back(lane);
  }
  return head;
}

}  // namespace dp::audit
