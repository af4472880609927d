// dp-monitoring serves MonitoringService. Its domain RPCs arrive with the issue that
// builds the service; until then it runs the shared skeleton.
#include "dp/v1/monitoring.grpc.pb.h"
#include "service/skeleton.h"

int main(int argc, char** argv) {
  return dp::service::RunSkeleton<dp::v1::MonitoringService::Service>("monitoring", "127.0.0.1:7055",
                                                                 argc, argv);
}
