#ifndef DP_TOOLS_DPCTL_PAYMENTS_COMMANDS_H_
#define DP_TOOLS_DPCTL_PAYMENTS_COMMANDS_H_

#include <functional>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "dp/v1/payments.pb.h"
#include "output.h"

namespace dpctl {

void AddPaymentsCommands(CLI::App& app, int& exit_code, std::function<Output()> make_output);

// FetchAvailable reads an agreement's available to spend, and
// PrintAvailable shows it with its parts: for `payments available`,
// `ledger balance` of an agreement's account and `agreements show`.
grpc::Status FetchAvailable(grpc::ClientContext* context, int64_t agreement_id,
                            dp::v1::AvailableToSpend* out);
void PrintAvailable(const dp::v1::AvailableToSpend& available);

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_PAYMENTS_COMMANDS_H_
