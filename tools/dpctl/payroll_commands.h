#ifndef DP_TOOLS_DPCTL_PAYROLL_COMMANDS_H_
#define DP_TOOLS_DPCTL_PAYROLL_COMMANDS_H_

#include <functional>

#include <CLI/CLI.hpp>

#include "output.h"

namespace dpctl {

// AddPayrollCommands adds `dpctl payroll calculate` (PayrollService at
// --payroll or DP_PAYROLL_ADDR).
void AddPayrollCommands(CLI::App& app, int& exit_code, std::function<Output()> make_output);

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_PAYROLL_COMMANDS_H_
