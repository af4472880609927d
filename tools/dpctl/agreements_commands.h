#ifndef DP_TOOLS_DPCTL_AGREEMENTS_COMMANDS_H_
#define DP_TOOLS_DPCTL_AGREEMENTS_COMMANDS_H_

#include <functional>

#include <CLI/CLI.hpp>

#include "output.h"

namespace dpctl {

// AddAgreementsCommands adds `dpctl agreements ...` (AgreementService at
// --agreements or DP_AGREEMENTS_ADDR): settings, people, agreements, their
// decisions, the payment schedule, termination and the person's record.
void AddAgreementsCommands(CLI::App& app, int& exit_code, std::function<Output()> make_output);

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_AGREEMENTS_COMMANDS_H_
