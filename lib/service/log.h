#ifndef DP_LIB_SERVICE_LOG_H_
#define DP_LIB_SERVICE_LOG_H_

#include <string_view>

#include <nlohmann/json.hpp>

namespace dp::service {

// LogEvent writes one JSON object per line to stderr, with a timestamp and
// the level added, so that logs are both greppable and machine-readable.
//
//   LogEvent("info", {{"msg", "listening"}, {"address", "127.0.0.1:7051"}});
void LogEvent(std::string_view level, nlohmann::json fields);

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_LOG_H_
