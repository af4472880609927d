#ifndef DP_LIB_SERVICE_DOOR_COUNT_H_
#define DP_LIB_SERVICE_DOOR_COUNT_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "audit/chain.h"

namespace dp::service {

// DoorCount counts the calls refused at the door with no principal (no
// certificate, or one this system did not issue), so that anyone who can
// reach a port cannot grow the audit trail a row per attempt: each interval
// they become one event per method, outcome and peer (service/auth.h,
// PeerOf), with the count, which is in the chain like any other event.
// Bounded: at most kMaxKeys kinds are counted apart; the rest are counted
// under one, peer "(others)".
//
//   DoorCount door;
//   door.Count("/dp.v1.LedgerService/CreateTransaction", 16, "none");
//   for (audit::Event& e : door.Take("ledger", now_text)) log.Append(e);
class DoorCount {
 public:
  void Count(const std::string& method, int code, const std::string& peer);
  // Take returns one event per (method, code, peer) counted since the last Take,
  // and starts counting afresh. `since` names the start of the interval.
  std::vector<audit::Event> Take(const std::string& service, const std::string& since);

 private:
  static constexpr size_t kMaxKeys = 256;
  std::mutex mu_;
  std::map<std::tuple<std::string, int, std::string>, int64_t> counts_;
};

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_DOOR_COUNT_H_
