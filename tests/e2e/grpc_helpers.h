#ifndef DP_TESTS_E2E_GRPC_HELPERS_H_
#define DP_TESTS_E2E_GRPC_HELPERS_H_

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include <grpcpp/grpcpp.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace dp::testing {

inline std::unique_ptr<grpc::ClientContext> Ctx(int timeout_ms = 10000) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  return ctx;
}

// Refusal is what a refused call says by machine: its ErrorInfo and the
// field its BadRequest names (empty when there is none).
struct Refusal {
  google::rpc::ErrorInfo info;
  std::string field;
};

inline Refusal RefusalOf(const grpc::Status& s) {
  Refusal r;
  google::rpc::Status details;
  if (!details.ParseFromString(s.error_details())) return r;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&r.info)) continue;
    if (any.UnpackTo(&bad) && bad.field_violations_size() > 0) {
      r.field = bad.field_violations(0).field();
    }
  }
  return r;
}

inline std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

// HealthStatus asks grpc.health.v1 about `service` ("" for the server).
inline grpc::health::v1::HealthCheckResponse::ServingStatus HealthStatus(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service = "") {
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  grpc::health::v1::HealthCheckResponse resp;
  auto s = grpc::health::v1::Health::NewStub(channel)->Check(Ctx().get(), req, &resp);
  return s.ok() ? resp.status() : grpc::health::v1::HealthCheckResponse::UNKNOWN;
}

// ReflectedServices lists the services the server reports through reflection.
inline std::set<std::string> ReflectedServices(const std::shared_ptr<grpc::Channel>& channel) {
  namespace refl = grpc::reflection::v1alpha;
  auto ctx = Ctx();
  auto stream = refl::ServerReflection::NewStub(channel)->ServerReflectionInfo(ctx.get());
  refl::ServerReflectionRequest req;
  req.set_list_services("");
  stream->Write(req);
  stream->WritesDone();
  std::set<std::string> names;
  refl::ServerReflectionResponse resp;
  while (stream->Read(&resp)) {
    for (const auto& s : resp.list_services_response().service()) names.insert(s.name());
  }
  (void)stream->Finish();
  return names;
}

}  // namespace dp::testing

#endif  // DP_TESTS_E2E_GRPC_HELPERS_H_
