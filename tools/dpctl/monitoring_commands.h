#ifndef DP_TOOLS_DPCTL_MONITORING_COMMANDS_H_
#define DP_TOOLS_DPCTL_MONITORING_COMMANDS_H_

#include <functional>

#include <CLI/CLI.hpp>

#include "output.h"

namespace dpctl {

// AddMonitoringCommands adds `dpctl monitoring ...` (MonitoringService at
// --monitoring or DP_MONITORING_ADDR): sweeps, an agreement's tier and
// findings, review cases with notes and decisions, and the authority's
// monitoring settings with a preview of what a change would do.
void AddMonitoringCommands(CLI::App& app, int& exit_code, std::function<Output()> make_output);

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_MONITORING_COMMANDS_H_
