#ifndef DP_LIB_SERVICE_SKELETON_H_
#define DP_LIB_SERVICE_SKELETON_H_

#include <string>

#include "service/host.h"
#include "service/log.h"

namespace dp::service {

// SkeletonService implements only GetServiceInfo on a generated service
// base: enough to run, answer health checks and appear in reflection until
// the service's own issue adds its RPCs (unimplemented ones answer
// UNIMPLEMENTED, as gRPC does by default).
template <typename GeneratedService>
class SkeletonService final : public GeneratedService {
 public:
  explicit SkeletonService(ServiceHost& host) : host_(host) {}
  grpc::Status GetServiceInfo(grpc::ServerContext*, const dp::v1::GetServiceInfoRequest*,
                              dp::v1::ServiceInfo* out) override {
    return DescribeService(host_.config(), host_.pool(), out);
  }

 private:
  ServiceHost& host_;
};

// RunSkeleton is the whole main() of a skeleton service:
//   int main(int argc, char** argv) {
//     return RunSkeleton<v1::CardService::Service>("cards", "127.0.0.1:7054", argc, argv);
//   }
template <typename GeneratedService>
int RunSkeleton(const std::string& name, const std::string& default_listen, int argc,
                char** argv) {
  BlockShutdownSignals();
  ServiceConfig config{.name = name, .listen = default_listen,
                       .migrations_dir = DP_MIGRATIONS_DIR};
  CLI::App app{"dp-" + name + ": Direct Payments " + name + " service"};
  AddServiceFlags(app, config);
  CLI11_PARSE(app, argc, argv);
  ServiceHost host(config);
  if (absl::Status s = host.Prepare(); !s.ok()) {
    LogEvent("error", {{"service", name}, {"msg", std::string(s.message())}});
    return 1;
  }
  SkeletonService<GeneratedService> service(host);
  return host.Run({&service});
}

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_SKELETON_H_
