#include "channel.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <fstream>
#include <iostream>
#include <sstream>

namespace dpctl {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

std::string ReadOrDie(const std::string& path, const char* flag) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "dpctl: " << flag << ": cannot read " << path << "\n";
    std::exit(2);
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Connection& Conn() {
  static Connection connection;
  return connection;
}

void AddConnectionFlags(CLI::App& app) {
  Connection& c = Conn();
  c.cert = Env("DP_CERT");
  c.key = Env("DP_KEY");
  c.ca = Env("DP_CA");
  c.insecure = Env("DP_INSECURE") == "1";
  app.add_option("--cert", c.cert, "your client certificate, PEM (env DP_CERT)");
  app.add_option("--key", c.key, "its private key, PEM (env DP_KEY)");
  app.add_option("--ca", c.ca, "the system's CA certificate, PEM (env DP_CA)");
  app.add_flag("--insecure", c.insecure,
               "plaintext, for a server started with --insecure-dev (env DP_INSECURE=1)");
  app.add_option("--timeout-ms", c.timeout_ms, "deadline of each call")->capture_default_str();
}

namespace {
std::string last_address;
}  // namespace

const std::string& LastAddress() { return last_address; }

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  last_address = address;
  const Connection& c = Conn();
  if (c.insecure) return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  if (c.ca.empty()) {
    std::cerr << "dpctl: no CA certificate: pass --ca, --cert and --key (or DP_CA, DP_CERT, "
                 "DP_KEY; tools/start prints them), or --insecure for a development server\n";
    std::exit(2);
  }
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadOrDie(c.ca, "--ca");
  if (!c.cert.empty()) options.pem_cert_chain = ReadOrDie(c.cert, "--cert");
  if (!c.key.empty()) options.pem_private_key = ReadOrDie(c.key, "--key");
  return grpc::CreateChannel(address, grpc::SslCredentials(options));
}

const std::string& TraceId() {
  static const std::string id = [] {
    const char* given = std::getenv("DP_TRACE_ID");
    if (given != nullptr && *given != '\0') return std::string(given);
    std::random_device rd;
    char buf[24];
    std::snprintf(buf, sizeof buf, "dpctl-%04x%08x", rd() & 0xffff, rd());
    return std::string(buf);
  }();
  return id;
}

std::unique_ptr<grpc::ClientContext> Context(std::chrono::milliseconds deadline) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    (deadline.count() > 0 ? deadline : std::chrono::milliseconds(Conn().timeout_ms)));
  ctx->AddMetadata("x-request-id", TraceId());
  return ctx;
}

}  // namespace dpctl
