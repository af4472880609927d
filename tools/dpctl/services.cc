#include "services.h"

#include <cstdlib>
#include <iostream>

#include <grpcpp/grpcpp.h>

#include "dp/v1/agreements.grpc.pb.h"
#include "dp/v1/cards.grpc.pb.h"
#include "dp/v1/ledger.grpc.pb.h"
#include "dp/v1/monitoring.grpc.pb.h"
#include "dp/v1/payroll.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "channel.h"
#include "output.h"

namespace dpctl {
namespace {

struct Endpoint {
  std::string name;
  std::string env;
  std::string address;
};

std::string Health(const std::shared_ptr<grpc::Channel>& channel) {
  auto ctx = Context();
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  auto s = grpc::health::v1::Health::NewStub(channel)->Check(ctx.get(), req, &resp);
  if (!s.ok()) return "DOWN (" + s.error_message() + ")";
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status());
}

std::string ReflectedServices(const std::shared_ptr<grpc::Channel>& channel) {
  namespace refl = grpc::reflection::v1alpha;
  auto ctx = Context();
  auto stream = refl::ServerReflection::NewStub(channel)->ServerReflectionInfo(ctx.get());
  refl::ServerReflectionRequest req;
  req.set_list_services("");
  stream->Write(req);
  stream->WritesDone();
  refl::ServerReflectionResponse resp;
  std::string names;
  while (stream->Read(&resp)) {
    for (const auto& s : resp.list_services_response().service()) {
      if (s.name().rfind("grpc.", 0) == 0) continue;  // health, reflection
      names += (names.empty() ? "" : ",") + s.name();
    }
  }
  auto status = stream->Finish();
  return status.ok() ? names : "-";
}

template <typename Service>
grpc::Status Info(const std::shared_ptr<grpc::Channel>& channel, dp::v1::ServiceInfo* out) {
  return Service::NewStub(channel)->GetServiceInfo(Context().get(),
                                                   dp::v1::GetServiceInfoRequest(), out);
}

int Check() {
  std::vector<Endpoint> endpoints = {{"ledger", "DP_LEDGER_ADDR", "127.0.0.1:7051"},
                                     {"agreements", "DP_AGREEMENTS_ADDR", "127.0.0.1:7052"},
                                     {"payroll", "DP_PAYROLL_ADDR", "127.0.0.1:7053"},
                                     {"cards", "DP_CARDS_ADDR", "127.0.0.1:7054"},
                                     {"monitoring", "DP_MONITORING_ADDR", "127.0.0.1:7055"}};
  std::vector<std::vector<std::string>> rows;
  int unhealthy = 0;
  for (auto& e : endpoints) {
    if (const char* v = std::getenv(e.env.c_str()); v != nullptr && *v) e.address = v;
    auto channel = MakeChannel(e.address);
    const std::string health = Health(channel);
    dp::v1::ServiceInfo info;
    grpc::Status s;
    if (e.name == "ledger") s = Info<dp::v1::LedgerService>(channel, &info);
    if (e.name == "agreements") s = Info<dp::v1::AgreementService>(channel, &info);
    if (e.name == "payroll") s = Info<dp::v1::PayrollService>(channel, &info);
    if (e.name == "cards") s = Info<dp::v1::CardService>(channel, &info);
    if (e.name == "monitoring") s = Info<dp::v1::MonitoringService>(channel, &info);
    if (health != "SERVING" || !s.ok() || !info.database_ok()) ++unhealthy;
    rows.push_back({e.name, e.address, health, ReflectedServices(channel),
                    s.ok() ? info.version() : "-",
                    s.ok() ? std::to_string(info.schema_version()) : "-",
                    s.ok() ? (info.database_ok() ? "ok" : "DOWN") : "-"});
  }
  Output(Format::kTable).Table({"SERVICE", "ADDRESS", "HEALTH", "REFLECTION", "VERSION",
                                "SCHEMA", "DATABASE"},
                               rows);
  if (unhealthy > 0) std::cerr << "dpctl: " << unhealthy << " service(s) not healthy\n";
  return unhealthy == 0 ? 0 : 10 + static_cast<int>(grpc::StatusCode::UNAVAILABLE);
}

}  // namespace

void AddServiceCommands(CLI::App& app, int& exit_code) {
  CLI::App* check = app.add_subcommand(
      "check", "health, reflection and version of every service (env DP_<SERVICE>_ADDR)");
  check->callback([&] { exit_code = Check(); });
}

}  // namespace dpctl
