#ifndef DP_TOOLS_DPCTL_SERVICES_H_
#define DP_TOOLS_DPCTL_SERVICES_H_

#include <CLI/CLI.hpp>

namespace dpctl {

// AddServiceCommands adds `dpctl check`: for each of the five services, the
// gRPC health status, the services listed by reflection, and GetServiceInfo.
void AddServiceCommands(CLI::App& app, int& exit_code);

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_SERVICES_H_
