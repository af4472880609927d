#include "backends.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "iam/principal.h"

namespace dp::console_service {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

thread_local std::string page_trace;

}  // namespace

Backends::Trace::Trace(std::string id) { page_trace = std::move(id); }
Backends::Trace::~Trace() { page_trace.clear(); }

Backends::Backends(const BackendConfig& config) : timeout_ms_(config.timeout_ms) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(config.ca_file);
  options.pem_cert_chain = ReadFile(config.cert_file);
  options.pem_private_key = ReadFile(config.key_file);
  auto credentials = grpc::SslCredentials(options);
  auto agreements = grpc::CreateChannel(config.agreements_addr, credentials);
  auto ledger = grpc::CreateChannel(config.ledger_addr, credentials);
  agreements_ = v1::AgreementService::NewStub(agreements);
  payments_ = v1::PaymentService::NewStub(agreements);
  ledger_ = v1::LedgerService::NewStub(ledger);
  admin_ = v1::AdminService::NewStub(ledger);
  audit_ = v1::AuditService::NewStub(ledger);
  payroll_ = v1::PayrollService::NewStub(grpc::CreateChannel(config.payroll_addr, credentials));
  cards_ = v1::CardService::NewStub(grpc::CreateChannel(config.cards_addr, credentials));
  monitoring_ =
      v1::MonitoringService::NewStub(grpc::CreateChannel(config.monitoring_addr, credentials));
}

std::unique_ptr<grpc::ClientContext> Backends::For(const std::string& user, int timeout_ms) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : timeout_ms_));
  ctx->AddMetadata(iam::kActingForHeader, user);
  if (!page_trace.empty()) ctx->AddMetadata("x-request-id", page_trace);
  return ctx;
}

}  // namespace dp::console_service
