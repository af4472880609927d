#ifndef DP_TOOLS_DPCTL_ADMIN_COMMANDS_H_
#define DP_TOOLS_DPCTL_ADMIN_COMMANDS_H_

#include <functional>

#include <CLI/CLI.hpp>

#include "output.h"

namespace dpctl {

// AddAdminCommands adds `dpctl admin ...` (whoami, organisations,
// principals, grants) against AdminService on the ledger's address.
void AddAdminCommands(CLI::App& app, int& exit_code, std::function<Output()> out);

// AddAuditCommands adds `dpctl audit list|verify` against AuditService.
void AddAuditCommands(CLI::App& app, int& exit_code);

// NewRequestId returns a fresh random idempotency key.
std::string NewRequestId();

// LedgerAddress is where dp-ledger (and so AdminService) listens.
const std::string& LedgerAddress();

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_ADMIN_COMMANDS_H_
