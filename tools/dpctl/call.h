#ifndef DP_TOOLS_DPCTL_CALL_H_
#define DP_TOOLS_DPCTL_CALL_H_

#include <string>
#include <string_view>

#include <grpcpp/grpcpp.h>

#include "channel.h"

namespace dpctl {

// Endpoint names a service as a person sets its address: for the hint when
// a call cannot reach it.
struct Endpoint {
  std::string_view name;  // "payroll"
  std::string_view flag;  // "--payroll"
  std::string_view env;   // "DP_PAYROLL_ADDR"
};

inline constexpr Endpoint kLedger{"ledger", "--ledger", "DP_LEDGER_ADDR"};
inline constexpr Endpoint kAgreements{"agreements", "--agreements", "DP_AGREEMENTS_ADDR"};
inline constexpr Endpoint kPayroll{"payroll", "--payroll", "DP_PAYROLL_ADDR"};
inline constexpr Endpoint kCards{"cards", "--cards", "DP_CARDS_ADDR"};
inline constexpr Endpoint kMonitoring{"monitoring", "--monitoring", "DP_MONITORING_ADDR"};

// Report prints a failed call to stderr: what failed and its gRPC code and
// message, then the refusal's reason with its metadata and the field it
// names (docs/ERRORS.md), then what to do, naming the service's flag and
// variable when it could not be reached. Returns dpctl's exit code for it
// (10 + the gRPC code).
//
//   dpctl: posting the journal failed: FAILED_PRECONDITION: insufficient funds ...
//   reason: INSUFFICIENT_FUNDS account_id=12 available_pence=0 currency=GBP
int Report(const Endpoint& service, const std::string& what, const grpc::Status& status);

// Call is the one way dpctl calls a service: `rpc` gets a context with
// dpctl's deadline; a failure is reported as Report does. Returns 0 on
// success, otherwise the exit code.
//
//   if (int code = Call(kLedger, "reading the hold",
//                       [&](grpc::ClientContext* c) { return Ledger()->GetPendingTransfer(c, req, &p); });
//       code != 0) return code;
template <typename Rpc>
int Call(const Endpoint& service, const std::string& what, Rpc&& rpc) {
  auto context = Context();
  const grpc::Status status = rpc(context.get());
  return status.ok() ? 0 : Report(service, what, status);
}

// CallAndPrint is Call for an RPC answering a `Response`, printed by
// `print` when the call succeeded.
//
//   exit_code = CallAndPrint<v1::Transaction>(kLedger, "reading the transaction",
//       [&](grpc::ClientContext* c, v1::Transaction* t) { return Ledger()->GetTransaction(c, req, t); },
//       PrintTransaction);
template <typename Response, typename Rpc, typename Print>
int CallAndPrint(const Endpoint& service, const std::string& what, Rpc&& rpc, Print&& print) {
  Response response;
  const int code = Call(service, what, [&](grpc::ClientContext* c) { return rpc(c, &response); });
  if (code == 0) print(response);
  return code;
}

// CallPages is Call for a paged list: it asks for the first page and, with
// `all`, every next one (each call with its own deadline; at most
// kMaxPages), appending each page's rows to `merged`. merged's
// next_page_token is the last page's: empty once the list is complete.
//
//   v1::ListGrantsResponse grants;
//   exit_code = CallPages(kLedger, "listing grants", req, all, &grants,
//       [&](grpc::ClientContext* c, const v1::ListGrantsRequest& r, v1::ListGrantsResponse* p) {
//         return Admin()->ListGrants(c, r, p);
//       });
template <typename Request, typename Response, typename Rpc>
int CallPages(const Endpoint& service, const std::string& what, Request req, bool all,
              Response* merged, Rpc&& rpc) {
  constexpr int kMaxPages = 100000;
  for (int page = 0; page < kMaxPages; ++page) {
    Response response;
    if (int code = Call(service, what, [&](grpc::ClientContext* c) { return rpc(c, req, &response); });
        code != 0) {
      return code;
    }
    merged->MergeFrom(response);  // appends the rows
    merged->set_next_page_token(response.next_page_token());
    if (!all || response.next_page_token().empty()) break;
    req.set_page_token(response.next_page_token());
  }
  return 0;
}

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_CALL_H_
