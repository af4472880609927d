#include "service/metrics_server.h"

#include <httplib.h>

#include "absl/strings/numbers.h"
#include "base/strings.h"

namespace dp::service {

MetricsServer::MetricsServer() : server_(std::make_unique<httplib::Server>()) {}

MetricsServer::~MetricsServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& listen, std::function<std::string()> page) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(
        "--metrics-listen must be host:port, for example 127.0.0.1:9051");
  }
  std::unique_ptr<MetricsServer> out(new MetricsServer());
  out->server_->Get("/metrics",
                    [page = std::move(page)](const httplib::Request&, httplib::Response& res) {
                      res.set_content(page(), "text/plain; version=0.0.4; charset=utf-8");
                    });
  if (!out->server_->bind_to_port(listen.substr(0, colon), port)) {
    return absl::UnavailableError(dp::StrCat("cannot serve metrics on ", listen));
  }
  out->thread_ = std::thread([server = out->server_.get()] { server->listen_after_bind(); });
  return out;
}

}  // namespace dp::service
