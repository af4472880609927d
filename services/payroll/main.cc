// dp-payroll serves PayrollService. Its domain RPCs arrive with the issue that
// builds the service; until then it runs the shared skeleton.
#include "dp/v1/payroll.grpc.pb.h"
#include "service/skeleton.h"

int main(int argc, char** argv) {
  return dp::service::RunSkeleton<dp::v1::PayrollService::Service>("payroll", "127.0.0.1:7053",
                                                                 argc, argv);
}
