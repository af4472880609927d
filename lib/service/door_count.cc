#include "service/door_count.h"

#include "base/strings.h"

namespace dp::service {

void DoorCount::Count(const std::string& method, int code, const std::string& peer) {
  std::lock_guard lock(mu_);
  auto key = std::make_tuple(method, code, peer);
  if (counts_.size() >= kMaxKeys && counts_.find(key) == counts_.end()) {
    key = std::make_tuple(std::string("(others)"), code, std::string("(others)"));
  }
  ++counts_[key];
}

std::vector<audit::Event> DoorCount::Take(const std::string& service, const std::string& since) {
  std::map<std::tuple<std::string, int, std::string>, int64_t> counts;
  {
    std::lock_guard lock(mu_);
    counts.swap(counts_);
  }
  std::vector<audit::Event> events;
  for (const auto& [key, n] : counts) {
    audit::Event e;
    e.principal = "unauthenticated";
    e.service = service;
    e.method = std::get<0>(key);
    e.code = std::get<1>(key);
    e.resource = dp::StrCat("door/refusals?since=", since, "&peer=", std::get<2>(key),
                            "&count=", n);
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace dp::service
