// dpctl: the command-line client for finance officers and auditors.
//
//   dpctl ledger accounts list
//   dpctl ledger journal --debit AUTH-FIFE:FUNDING=1200.00
//       --credit AUTH-FIFE:EQUITY=1200.00 --reason "Opening budget"
//   dpctl --output json ledger balance AUTH-FIFE:FUNDING
//   dpctl check
#include <cstdlib>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "dp/v1/ledger.grpc.pb.h"
#include "money/money.h"
#include "output.h"
#include "admin_commands.h"
#include "channel.h"
#include "payroll_commands.h"
#include "agreements_commands.h"
#include "cards_commands.h"
#include "monitoring_commands.h"
#include "payments_commands.h"
#include "ledger_commands.h"
#include "services.h"

namespace dpctl {
namespace {

// Globals set by flags; the command callbacks read them.
struct Options {
  std::string ledger_addr;
  std::string format = "table";
} g;

Output Out() { return Output(g.format == "json" ? Format::kJson : Format::kTable); }

}  // namespace

std::string NewRequestId() {
  std::random_device rd;
  std::mt19937_64 gen((uint64_t{rd()} << 32) ^ rd());
  char buf[40];
  std::snprintf(buf, sizeof buf, "dpctl-%016llx%08x", static_cast<unsigned long long>(gen()),
                static_cast<unsigned>(gen()));
  return buf;
}

const std::string& LedgerAddress() { return g.ledger_addr; }

}  // namespace dpctl

int main(int argc, char** argv) {
  using namespace dpctl;
  CLI::App app{"dpctl: Direct Payments administration (ledger, and each service as it lands)"};
  app.require_subcommand(1);
  const char* env_ledger = std::getenv("DP_LEDGER_ADDR");
  g.ledger_addr = env_ledger != nullptr ? env_ledger : "127.0.0.1:7051";
  app.add_option("--ledger", g.ledger_addr, "LedgerService address (env DP_LEDGER_ADDR)")
      ->capture_default_str();
  app.add_option("-o,--output", g.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  AddConnectionFlags(app);
  int exit_code = 0;

  AddServiceCommands(app, exit_code);
  AddAdminCommands(app, exit_code, [] { return Out(); });
  AddPayrollCommands(app, exit_code, [] { return Out(); });
  AddAgreementsCommands(app, exit_code, [] { return Out(); });
  AddCardsCommands(app, exit_code, [] { return Out(); });
  AddMonitoringCommands(app, exit_code, [] { return Out(); });
  AddPaymentsCommands(app, exit_code, [] { return Out(); });

  AddLedgerCommands(app, exit_code, [] { return Out(); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
