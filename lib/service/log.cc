#include "service/log.h"

#include <chrono>
#include <cstdio>
#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace dp::service {

void LogEvent(std::string_view level, nlohmann::json fields) {
  fields["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  fields["level"] = std::string(level);
  const std::string line = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace dp::service
