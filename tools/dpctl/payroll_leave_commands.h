#ifndef DP_TOOLS_DPCTL_PAYROLL_LEAVE_COMMANDS_H_
#define DP_TOOLS_DPCTL_PAYROLL_LEAVE_COMMANDS_H_

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "output.h"

namespace dpctl {

// AddPayrollLeaveCommands adds the payroll's time away and year end under
// `dpctl payroll`: leave (a leaver's last day, notice and redundancy pay),
// family-leave (SMP, SPP, SAP, ShPP, SPBP), pension-opt-out and year-end
// (a book's P60s, with progress).
void AddPayrollLeaveCommands(CLI::App* payroll, int& exit_code, const std::string& address,
                             std::function<Output()> make_output);

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_PAYROLL_LEAVE_COMMANDS_H_
