#ifndef DP_TOOLS_DPCTL_LEDGER_COMMANDS_H_
#define DP_TOOLS_DPCTL_LEDGER_COMMANDS_H_

#include <functional>

#include <CLI/CLI.hpp>

#include "output.h"

namespace dpctl {

// AddLedgerCommands adds `dpctl ledger ...`: accounts, balance, statement,
// journal, transaction, reverse and hold.
void AddLedgerCommands(CLI::App& app, int& exit_code, std::function<Output()> out);

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_LEDGER_COMMANDS_H_
