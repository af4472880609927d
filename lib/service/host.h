#ifndef DP_LIB_SERVICE_HOST_H_
#define DP_LIB_SERVICE_HOST_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "db/pool.h"
#include "dp/v1/common.pb.h"
#include "audit/log.h"
#include "crypto/keyring.h"
#include "service/auth.h"
#include "service/call_audit.h"
#include "service/door_count.h"
#include "service/metrics.h"

namespace dp::service {

// ServiceConfig is what every service needs to start. Each field has a
// flag and an environment variable (flags win).
struct ServiceConfig {
  std::string name;                     // "ledger", "agreements", ...
  std::string listen;                   // --listen, DP_LISTEN
  std::string database_url;             // --database-url, DP_DATABASE_URL
  int pool_size = 8;                    // --pool-size, DP_POOL_SIZE
  std::string migrations_dir;           // --migrations-dir, DP_MIGRATIONS_DIR
  bool migrate = true;                  // --migrate / --no-migrate
  int shutdown_grace_ms = 10000;        // --shutdown-grace-ms
  std::string port_file;                // --port-file: write the bound port here
  // Mutual TLS (the default): this service's certificate and key, and the
  // CA that issues client certificates. --insecure-dev serves plaintext and
  // treats every caller as an internal service: local development only.
  std::string tls_cert;                 // --tls-cert, DP_TLS_CERT
  std::string tls_key;                  // --tls-key, DP_TLS_KEY
  std::string tls_ca;                   // --tls-ca, DP_TLS_CA
  bool insecure_dev = false;            // --insecure-dev
  bool migrate_only = false;            // --migrate-only: apply migrations and exit
  int door_audit_interval_ms = 60000;   // --door-audit-interval-ms: how often refusals
                                        // at the door become one counted event each
  int principal_cache_ms = 5000;        // --principal-cache-ms: how soon a disabled
                                        // principal is refused
  std::string keys_file;                // --keys-file, DP_KEYS_FILE (see crypto/keyring.h)
  std::string metrics_listen;           // --metrics-listen, DP_METRICS_LISTEN: host:port of a
                                        // plain HTTP /metrics for Prometheus; empty: none
  std::string health_listen;            // --health-listen, DP_HEALTH_LISTEN: host:port of a
                                        // plaintext gRPC server with only the health service,
                                        // for probes that cannot present a certificate
                                        // (Kubernetes); empty: none
  std::string report_database_url;      // --report-database-url, DP_REPORT_DATABASE_URL:
                                        // where read-only reports may read (a replica);
                                        // empty: the database itself
};

// AddServiceFlags registers the ServiceConfig flags on a CLI11 app.
void AddServiceFlags(CLI::App& app, ServiceConfig& config);

// BlockShutdownSignals blocks SIGINT and SIGTERM in the calling thread and
// every thread it later starts, so that ServiceHost::Run can wait for them,
// and turns off Abseil's debug tracking of lock order (see host.cc). Call
// it first thing in main().
void BlockShutdownSignals();

// ServiceHost runs one gRPC service process: database pool, migrations,
// health checking, reflection, a log line per request, and a graceful
// shutdown on SIGTERM or SIGINT that drains in-flight calls.
//
//   ServiceHost host(config);
//   if (!host.Prepare().ok()) return 1;
//   LedgerServiceImpl ledger(host.pool());
//   return host.Run({&ledger});
class ServiceHost {
 public:
  explicit ServiceHost(ServiceConfig config);

  // Prepare connects to PostgreSQL (waiting up to 30 s for it) and applies
  // pending migrations.
  absl::Status Prepare();

  db::PgPool& pool() { return *pool_; }
  // report_pool is for read-only reports that tolerate a replica's lag
  // (--report-database-url): see docs/SCALING.md. The main pool when unset.
  db::PgPool& report_pool() { return report_pool_ != nullptr ? *report_pool_ : *pool_; }
  const ServiceConfig& config() const { return config_; }

  // Caller is the authenticated principal of a call (see auth.h).
  absl::StatusOr<iam::Principal> Caller(const grpc::ServerContextBase& context) {
    return CallerOf(context, directory_.get(), names_.get());
  }
  const crypto::Keyring& keyring() const { return *keyring_; }
  Metrics& metrics() { return metrics_; }
  audit::AuditLog& audit_log() { return *audit_; }

  // AuditOf is the audit event of the state-changing call being handled
  // on `context`, for the handler to write inside its transaction (see
  // call_audit.h); nullptr for a call that is not audited.
  CallAudit* AuditOf(const grpc::ServerContextBase& context);

  // BeginAudit and EndAudit bracket an audited call (the host's interceptor
  // calls them). EndAudit appends the event on its own when the handler
  // committed none (a refusal), and returns what the append said.
  void BeginAudit(const grpc::ServerContextBase& context, const std::string& method,
                  const std::string& request_digest);
  absl::Status EndAudit(const grpc::ServerContextBase& context, int code);

  // Audit appends one event with no write of its own (a refusal of a known
  // caller at the door).
  absl::Status Audit(audit::Event event);

  // Run serves until a shutdown signal; returns the process exit code.
  int Run(const std::vector<grpc::Service*>& services);

 private:
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials();

  ServiceConfig config_;
  std::unique_ptr<db::PgPool> pool_;
  std::unique_ptr<db::PgPool> report_pool_;  // null: reports read from pool_
  std::unique_ptr<iam::PrincipalDirectory> directory_;  // null in development mode
  std::unique_ptr<CertificateNames> names_;             // likewise
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<audit::AuditLog> audit_;
  DoorCount door_;
  Metrics metrics_;
  std::mutex calls_mu_;
  std::map<const grpc::ServerContextBase*, std::unique_ptr<CallAudit>> calls_;
};

// DescribeService answers GetServiceInfo, the one RPC every service has:
// name, build version, the latest applied migration and database health.
grpc::Status DescribeService(const ServiceConfig& config, db::PgPool& pool,
                             dp::v1::ServiceInfo* info);

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_HOST_H_
