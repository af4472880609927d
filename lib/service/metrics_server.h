#ifndef DP_LIB_SERVICE_METRICS_SERVER_H_
#define DP_LIB_SERVICE_METRICS_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace dp::service {

// MetricsServer serves GET /metrics in plain HTTP on its own thread, for
// Prometheus, apart from the service's own port; it stops when destroyed.
//
//   auto server = MetricsServer::Start("127.0.0.1:9051", [&] { return metrics.Exposition(pool); });
//   if (!server.ok()) return Fail(server.status().message());
class MetricsServer {
 public:
  // Start binds `listen` (host:port) and serves what `page` returns.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& listen,
                                                              std::function<std::string()> page);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

 private:
  MetricsServer();
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_METRICS_SERVER_H_
