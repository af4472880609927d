#ifndef DP_TOOLS_DPCTL_CHANNEL_H_
#define DP_TOOLS_DPCTL_CHANNEL_H_

#include <chrono>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

namespace dpctl {

// Connection holds how dpctl reaches the services: mutual TLS with the
// caller's certificate (the default), or plaintext for a development server.
struct Connection {
  std::string cert;  // --cert, DP_CERT
  std::string key;   // --key, DP_KEY
  std::string ca;    // --ca, DP_CA
  bool insecure = false;  // --insecure, DP_INSECURE=1
  int timeout_ms = 10000;
};

Connection& Conn();

// AddConnectionFlags registers the connection flags on the top-level app.
void AddConnectionFlags(CLI::App& app);

// MakeChannel opens a channel to `address` as Conn() says.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

// LastAddress is the address MakeChannel last opened, for error hints.
const std::string& LastAddress();

// Context is a client context with dpctl's deadline (or `deadline`, for a
// long run), carrying this invocation's trace id (TraceId) in x-request-id
// so that the services' log lines of one command are found together.
//
//   auto context = Context(std::chrono::minutes(30));
std::unique_ptr<grpc::ClientContext> Context(std::chrono::milliseconds deadline = {});

// TraceId is this invocation's trace id: DP_TRACE_ID when set (a script's
// own correlation id), else "dpctl-" and 12 random hex digits.
const std::string& TraceId();

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_CHANNEL_H_
