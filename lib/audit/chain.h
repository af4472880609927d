#ifndef DP_LIB_AUDIT_CHAIN_H_
#define DP_LIB_AUDIT_CHAIN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// The audit chain's rules, without a database: how an event's hash is made
// and how a run of events is checked.
namespace dp::audit {

// Event is one audited call. Events form lanes: independent hash chains,
// each with its own head, so that writers on different lanes never queue
// on one lock. Lane 0 is the trail written before lanes existed (one chain,
// hashed without the lane); lanes 1..kLanes are written today.
struct Event {
  int lane = 0;
  int64_t seq = 0;  // 1, 2, 3... within the lane
  int64_t at_us = 0;
  std::string principal;
  std::string role;
  std::string organisation_id;
  std::string authority_id;
  std::string service;
  std::string method;
  std::string resource;
  std::string request_digest;
  int code = 0;
  std::string prev_hash;
  std::string hash;
};

// kGenesisHash is the prev_hash of the first event of every lane.
inline const std::string kGenesisHash(64, '0');

// kLanes is how many lanes new events are spread over (1..kLanes).
inline constexpr int kLanes = 16;

// EventHash is HMAC-SHA256 under `key` of the previous hash and every field
// of the event but its own hash, each length-prefixed so that no two
// different events share an encoding. The lane is covered from lane 1 on,
// so an event cannot be moved to another lane.
std::string EventHash(std::string_view key, const Event& event);

struct Verdict {
  bool intact = true;
  int64_t events_checked = 0;
  int first_bad_lane = 0;
  int64_t first_bad_seq = 0;
  std::string problem;
};

// ChainChecker checks the events of one lane fed in ascending seq order,
// and then the lane's head.
//
//   ChainChecker checker(key, /*lane=*/3);
//   for (const Event& e : events) if (!checker.Next(e)) break;
//   Verdict v = checker.Finish(head_seq, head_hash);
class ChainChecker {
 public:
  explicit ChainChecker(std::string key, int lane = 0) : key_(std::move(key)), lane_(lane) {}
  // Next returns false at the first problem; the verdict names the event.
  bool Next(const Event& event);
  Verdict Finish(int64_t head_seq, const std::string& head_hash);

 private:
  bool Fail(int64_t seq, std::string problem);

  std::string key_;
  int lane_ = 0;
  int64_t last_seq_ = 0;
  std::string last_hash_ = kGenesisHash;
  Verdict verdict_;
};

}  // namespace dp::audit

#endif  // DP_LIB_AUDIT_CHAIN_H_
