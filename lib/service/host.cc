#include "service/host.h"

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/support/server_interceptor.h>

#include <cctype>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "db/migrate.h"
#include "iam/policy.h"
#include "service/digest.h"
#include "service/log.h"
#include "service/metrics_server.h"
#include "service/status.h"

#ifndef DP_VERSION
#define DP_VERSION "dev"
#endif

namespace dp::service {
namespace {

// kMaxIdleCallThreads is how many threads for calls a service keeps
// waiting once a burst of calls has passed (see Run).
constexpr int kMaxIdleCallThreads = 64;

// A request whose strings are not UTF-8 fails to parse before any handler
// runs, and gRPC answers INTERNAL with no message. Protobuf reports which
// field it was through its log; that report is kept here, per thread (the
// thread that parsed the request is the one that sends its status), so the
// client can be told INVALID_ARGUMENT naming the field.
thread_local std::string bad_utf8_field;
google::protobuf::LogHandler* previous_log_handler = nullptr;

void CatchUtf8Reports(google::protobuf::LogLevel level, const char* filename, int line,
                      const std::string& message) {
  constexpr std::string_view kMark = "contains invalid UTF-8 data when parsing";
  if (message.find(kMark) != std::string::npos) {
    const size_t open = message.find('\'');
    const size_t close = open == std::string::npos ? open : message.find('\'', open + 1);
    if (close != std::string::npos) bad_utf8_field = message.substr(open + 1, close - open - 1);
    return;  // answered to the client; not worth a log line per bad request
  }
  if (previous_log_handler != nullptr) previous_log_handler(level, filename, line, message);
}

// TakeBadUtf8Field names the field a failed parse on this thread reported,
// relative to `request_type` ("description", or "Money.currency" for a
// nested message), and forgets it.
std::string TakeBadUtf8Field(std::string_view request_type) {
  std::string full = std::move(bad_utf8_field);
  bad_utf8_field.clear();
  if (full.empty()) return "";
  const size_t dot = full.rfind('.');
  const std::string type = full.substr(0, dot);
  const std::string field = full.substr(dot + 1);
  if (type == request_type) return field;
  return type.substr(type.rfind('.') + 1) + "." + field;
}

// kTraceHeader is the metadata a caller may send to correlate its calls'
// log lines: the console's page, a bureau's batch.
constexpr char kTraceHeader[] = "x-request-id";

// Printable keeps at most 100 bytes of letters, digits and - _ . : @ /.
std::string Printable(const std::string& text) {
  std::string out;
  for (char c : text.substr(0, 100)) {
    if (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_.:@/", c) != nullptr) out += c;
  }
  return out;
}

// RequestIdOf is a request's idempotency key, if it has one: its
// request_id or (a card processor's call) processor_id field.
std::string RequestIdOf(const google::protobuf::Message& request) {
  const auto* descriptor = request.GetDescriptor();
  for (const char* name : {"request_id", "processor_id"}) {
    const auto* field = descriptor->FindFieldByName(name);
    if (field != nullptr && field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
        !field->is_repeated()) {
      return Printable(request.GetReflection()->GetString(request, field));
    }
  }
  return "";
}

// CallObserver sees every call that reached a handler: it writes one log
// line (method, status code, latency, the request id and the caller's
// trace id) and, for state-changing methods,
// makes the call's audit event before the handler runs (who, what, a digest
// of the request) and makes sure it is written before the status goes back
// to the client. The handler writes it in its own transaction; a call that
// wrote nothing (a refusal) gets it here, and if even that cannot be
// written the client is told UNAVAILABLE rather than a silent success.
class CallObserver : public grpc::experimental::Interceptor {
 public:
  CallObserver(ServiceHost* host, grpc::experimental::ServerRpcInfo* info)
      : host_(host), info_(info), started_(absl::Now()) {
    const iam::MethodPolicy* policy = iam::FindPolicy(info->method());
    audited_ = policy != nullptr && policy->writes;
    own_method_ = std::string_view(info->method()).rfind("/dp.v1.", 0) == 0;
    // "/dp.v1.LedgerService/CreateTransaction" -> "dp.v1.CreateTransactionRequest"
    std::string method = info->method();
    if (!method.empty() && method[0] == '/') method.erase(0, 1);
    std::replace(method.begin(), method.end(), '/', '.');
    if (const auto* m = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(method)) {
      request_type_ = m->input_type()->full_name();
    }
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      // A caller's correlation id (the console's page, a bureau's batch),
      // kept short and printable for the log.
      if (auto* metadata = methods->GetRecvInitialMetadata()) {
        const auto it = metadata->find(kTraceHeader);
        if (it != metadata->end()) trace_ = Printable(std::string(it->second.data(), it->second.size()));
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // Only our own methods' messages are protobuf Messages here; gRPC's
      // health and reflection services receive raw bytes.
      auto* request = own_method_ ? static_cast<google::protobuf::Message*>(methods->GetRecvMessage())
                                  : nullptr;
      if (request != nullptr) {
        request_id_ = RequestIdOf(*request);
        if (audited_) {
          host_->BeginAudit(*info_->server_context(), info_->method(),
                            RequestDigest(*request, info_->method()));
          begun_ = true;
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      // Our code never answers INTERNAL without a message; gRPC does when
      // the request could not be parsed (UNIMPLEMENTED, for a method on the
      // callback API: its handler is never given the request).
      const bool unparsed =
          status.error_message().empty() &&
          (status.error_code() == grpc::StatusCode::INTERNAL ||
           (status.error_code() == grpc::StatusCode::UNIMPLEMENTED && !request_type_.empty()));
      if (unparsed) {
        const std::string field = TakeBadUtf8Field(request_type_);
        status = ToGrpcStatus(
            field.empty()
                ? FieldError("request", "could not be read: it is not a valid message of this method")
                : FieldError(field, "is not valid UTF-8: send text as UTF-8"));
        methods->ModifySendStatus(status);
      }
      if (begun_) {
        if (absl::Status s = host_->EndAudit(*info_->server_context(), status.error_code());
            !s.ok()) {
          host_->metrics().CountAuditFailure();
          status = RefusalStatus(grpc::StatusCode::UNAVAILABLE, reason::kAuditUnavailable,
                                 "the audit trail could not be written; retry with the same "
                                 "request_id");
          methods->ModifySendStatus(status);
        }
      }
      Log(status);
    }
    methods->Proceed();
  }

 private:
  void Log(const grpc::Status& status) {
    // Health probes would drown the log and the metrics.
    if (std::string_view(info_->method()).find("grpc.health") != std::string_view::npos) return;
    host_->metrics().ObserveCall(info_->method(), status.error_code(),
                                 absl::ToDoubleSeconds(absl::Now() - started_));
    nlohmann::json line = {
        {"service", host_->config().name},
        {"method", info_->method()},
        {"code", status.error_code()},
        {"latency_ms", absl::ToDoubleMilliseconds(absl::Now() - started_)},
    };
    if (!status.ok()) line["error"] = status.error_message();
    if (!request_id_.empty()) line["request_id"] = request_id_;
    if (!trace_.empty()) line["trace"] = trace_;
    LogEvent(status.ok() ? "info" : "warn", std::move(line));
  }

  ServiceHost* host_;
  grpc::experimental::ServerRpcInfo* info_;
  const absl::Time started_;
  bool audited_ = false;
  bool begun_ = false;
  std::string request_type_;
  bool own_method_ = false;  // a dp.v1 method: its request is a protobuf Message
  std::string request_id_;  // the write's idempotency key (request_id, processor_id)
  std::string trace_;       // the caller's x-request-id
};

class CallObserverFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallObserverFactory(ServiceHost* host) : host_(host) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallObserver(host_, info);
  }

 private:
  ServiceHost* host_;
};

std::string EnvOr(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

void AddServiceFlags(CLI::App& app, ServiceConfig& c) {
  c.database_url = EnvOr("DP_DATABASE_URL", c.database_url);
  c.listen = EnvOr("DP_LISTEN", c.listen);
  c.migrations_dir = EnvOr("DP_MIGRATIONS_DIR", c.migrations_dir);
  c.pool_size = std::stoi(EnvOr("DP_POOL_SIZE", std::to_string(c.pool_size)));
  app.add_option("--listen", c.listen, "address to listen on, host:port (env DP_LISTEN)")
      ->capture_default_str();
  app.add_option("--database-url", c.database_url,
                 "PostgreSQL connection URL (env DP_DATABASE_URL)");
  app.add_option("--pool-size", c.pool_size, "database connections (env DP_POOL_SIZE)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--migrations-dir", c.migrations_dir,
                 "folder of NNNN_name.sql migrations (env DP_MIGRATIONS_DIR)")
      ->capture_default_str();
  app.add_flag("--migrate,!--no-migrate", c.migrate, "apply migrations at start-up");
  app.add_option("--shutdown-grace-ms", c.shutdown_grace_ms,
                 "how long in-flight calls may finish after SIGTERM")
      ->capture_default_str();
  app.add_option("--port-file", c.port_file, "write the port actually bound to this file");
  c.tls_cert = EnvOr("DP_TLS_CERT", c.tls_cert);
  c.tls_key = EnvOr("DP_TLS_KEY", c.tls_key);
  c.tls_ca = EnvOr("DP_TLS_CA", c.tls_ca);
  app.add_option("--tls-cert", c.tls_cert, "this service's certificate, PEM (env DP_TLS_CERT)");
  app.add_option("--tls-key", c.tls_key, "this service's private key, PEM (env DP_TLS_KEY)");
  app.add_option("--tls-ca", c.tls_ca, "CA that issues client certificates (env DP_TLS_CA)");
  app.add_flag("--insecure-dev", c.insecure_dev,
               "serve plaintext with no authentication: local development only");
  app.add_flag("--migrate-only", c.migrate_only, "apply pending migrations, then exit");
  c.keys_file = EnvOr("DP_KEYS_FILE", c.keys_file);
  app.add_option("--keys-file", c.keys_file,
                 "keyring of data, lookup and audit keys (env DP_KEYS_FILE; tools/keys new FILE)");
  c.metrics_listen = EnvOr("DP_METRICS_LISTEN", c.metrics_listen);
  app.add_option("--metrics-listen", c.metrics_listen,
                 "host:port to serve Prometheus metrics on, plain HTTP GET /metrics "
                 "(env DP_METRICS_LISTEN; none when empty)");
  c.health_listen = EnvOr("DP_HEALTH_LISTEN", c.health_listen);
  app.add_option("--health-listen", c.health_listen,
                 "host:port to serve the gRPC health service on in plaintext, for probes that "
                 "cannot present a client certificate (env DP_HEALTH_LISTEN; none when empty)");
  c.report_database_url = EnvOr("DP_REPORT_DATABASE_URL", c.report_database_url);
  app.add_option("--report-database-url", c.report_database_url,
                 "PostgreSQL URL that read-only reports may use, such as a replica's "
                 "(env DP_REPORT_DATABASE_URL; the main database when empty)");
  app.add_option("--door-audit-interval-ms", c.door_audit_interval_ms,
                 "how often calls refused for want of a good certificate are written to the "
                 "audit trail, counted, as one event per method")
      ->check(CLI::Range(50, 3600000))
      ->capture_default_str();
  app.add_option("--principal-cache-ms", c.principal_cache_ms,
                 "how long a principal's role and grants are cached")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
}

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, const std::string& flag) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(dp::StrCat(flag, ": cannot read ", path));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServiceHost::Credentials() {
  if (config_.insecure_dev) {
    LogEvent("warn", {{"service", config_.name},
                      {"msg", "plaintext development mode: no authentication, every caller is "
                              "treated as an internal service"}});
    return grpc::InsecureServerCredentials();
  }
  if (config_.tls_cert.empty() || config_.tls_key.empty() || config_.tls_ca.empty()) {
    return absl::InvalidArgumentError(
        "mutual TLS needs --tls-cert, --tls-key and --tls-ca (or DP_TLS_*); "
        "--insecure-dev serves plaintext for local development");
  }
  auto cert = ReadFile(config_.tls_cert, "--tls-cert");
  auto key = ReadFile(config_.tls_key, "--tls-key");
  auto ca = ReadFile(config_.tls_ca, "--tls-ca");
  for (const auto* f : {&cert, &key, &ca}) {
    if (!f->ok()) return f->status();
  }
  auto verifier = iam::CertificateVerifier::FromPem(*ca);
  if (!verifier.ok()) return verifier.status();
  // The handshake asks for a client certificate but AuthProcessor judges
  // it, so that a missing or foreign certificate is UNAUTHENTICATED (with a
  // reason) rather than a failed handshake.
  grpc::SslServerCredentialsOptions options(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
  options.pem_root_certs = *ca;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  auto creds = grpc::SslServerCredentials(options);
  directory_ = std::make_unique<iam::PrincipalDirectory>(
      *pool_, std::chrono::milliseconds(config_.principal_cache_ms));
  names_ = std::make_unique<CertificateNames>(*verifier);
  creds->SetAuthMetadataProcessor(std::make_shared<AuthProcessor>(
      *names_, *directory_,
      [this](const std::string& method, const std::string& principal, const std::string& peer,
             const grpc::Status& s) {
        const iam::MethodPolicy* policy = iam::FindPolicy(method);
        if (policy == nullptr || policy->writes) {
          if (principal.empty()) {  // no or a foreign certificate: counted, not a row each
            door_.Count(method, s.error_code(), peer);
            return;
          }
          audit::Event event;
          event.principal = principal.empty() ? "unauthenticated" : principal;
          event.service = config_.name;
          event.method = method;
          event.resource = iam::ResourceName(policy != nullptr ? policy->resource : "", "");
          event.code = s.error_code();
          (void)Audit(std::move(event));
        }
      }));
  return creds;
}

void BlockShutdownSignals() {
  // Debian's Abseil tracks the order of every Mutex lock in a global graph
  // (a debug feature, on there) for gRPC's many mutexes: under load a
  // service spent its time in that graph's lock. Lock ordering is not
  // checked in production.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

ServiceHost::ServiceHost(ServiceConfig config)
    : config_(std::move(config)), metrics_(config_.name) {}

absl::Status ServiceHost::Prepare() {
  if (config_.database_url.empty()) {
    return absl::InvalidArgumentError(
        "no database: pass --database-url or set DP_DATABASE_URL");
  }
  try {
    auto conn = db::ConnectWithRetry(config_.database_url, std::chrono::seconds(30));
    if (config_.migrate) {
      auto applied = db::ApplyMigrations(*conn, config_.migrations_dir);
      if (!applied.ok()) return applied.status();
      LogEvent("info", {{"service", config_.name}, {"msg", "migrations applied"},
                        {"count", *applied}});
    }
  } catch (const std::exception& e) {
    return absl::UnavailableError(dp::StrCat("cannot reach PostgreSQL: ", e.what()));
  }
  pool_ = std::make_unique<db::PgPool>(config_.database_url, config_.pool_size);
  if (!config_.report_database_url.empty()) {
    report_pool_ = std::make_unique<db::PgPool>(config_.report_database_url,
                                                std::max(2, config_.pool_size / 4));
  }
  if (config_.migrate_only) return absl::OkStatus();
  if (config_.keys_file.empty()) {
    return absl::InvalidArgumentError(
        "no keyring: pass --keys-file or set DP_KEYS_FILE (tools/keys new FILE makes one)");
  }
  auto keyring = crypto::Keyring::FromFile(config_.keys_file);
  if (!keyring.ok()) return keyring.status();
  keyring_ = std::make_unique<crypto::Keyring>(*keyring);
  audit_ = std::make_unique<audit::AuditLog>(config_.database_url, keyring_->audit_key());
  return absl::OkStatus();
}

int ServiceHost::Run(const std::vector<grpc::Service*>& services) {
  if (config_.migrate_only) return 0;
  previous_log_handler = google::protobuf::SetLogHandler(&CatchUtf8Reports);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Without this, gRPC sets SO_REUSEPORT and a second copy of a service
  // would silently share the port instead of failing to start.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Threads for calls kept between calls. gRPC's defaults (at least one
  // thread waiting for calls, at most two) start a thread whenever the one
  // waiting takes a call and end one whenever two are waiting: under a
  // steady flow of calls, a thread was made and unmade for about one call
  // in seven (bench-cards at 500 a second: 434 threads in 6 s). Four wait,
  // and up to kMaxIdleCallThreads are kept.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 4);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              kMaxIdleCallThreads);
  int port = 0;
  auto credentials = Credentials();
  if (!credentials.ok()) {
    LogEvent("error", {{"service", config_.name}, {"msg", std::string(credentials.status().message())}});
    return 2;
  }
  builder.AddListeningPort(config_.listen, *credentials, &port);
  for (grpc::Service* s : services) builder.RegisterService(s);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(std::make_unique<CallObserverFactory>(this));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    LogEvent("error", {{"service", config_.name}, {"msg", "cannot listen"},
                       {"address", config_.listen}});
    return 2;
  }
  auto* health = server->GetHealthCheckService();
  health->SetServingStatus(true);
  // Probes that cannot present a certificate (Kubernetes's gRPC probe) ask
  // a plaintext server of the health service alone: nothing else is there.
  std::unique_ptr<grpc::Server> health_server;
  if (!config_.health_listen.empty()) {
    grpc::ServerBuilder health_builder;
    health_builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    int health_port = 0;
    health_builder.AddListeningPort(config_.health_listen, grpc::InsecureServerCredentials(),
                                    &health_port);
    health_server = health_builder.BuildAndStart();
    if (health_server == nullptr || health_port == 0) {
      LogEvent("error", {{"service", config_.name}, {"msg", "cannot serve health checks"},
                         {"address", config_.health_listen}});
      return 2;
    }
    health_server->GetHealthCheckService()->SetServingStatus(true);
  }
  if (!config_.port_file.empty()) {
    std::ofstream(config_.port_file + ".tmp") << port << "\n";
    std::rename((config_.port_file + ".tmp").c_str(), config_.port_file.c_str());
  }
  const std::string host = config_.listen.substr(0, config_.listen.rfind(':'));
  LogEvent("info", {{"service", config_.name}, {"msg", "serving"},
                    {"address", dp::StrCat(host, ":", port)}});

  // Prometheus scrapes /metrics over plain HTTP, apart from the gRPC port.
  std::unique_ptr<MetricsServer> metrics_server;
  if (!config_.metrics_listen.empty()) {
    auto started = MetricsServer::Start(config_.metrics_listen, [this] {
      return metrics_.Exposition({{"in_use", pool_->InUse()}, {"size", pool_->size()}});
    });
    if (!started.ok()) {
      LogEvent("error", {{"service", config_.name},
                         {"msg", std::string(started.status().message())},
                         {"address", config_.metrics_listen}});
      return 2;
    }
    metrics_server = *std::move(started);
  }
  std::thread waiter([&] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int signal = 0;
    sigwait(&set, &signal);
    LogEvent("info", {{"service", config_.name}, {"msg", "draining"}, {"signal", signal}});
    health->SetServingStatus(false);
    if (health_server != nullptr) health_server->GetHealthCheckService()->SetServingStatus(false);
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(config_.shutdown_grace_ms));
  });
  // Refusals at the door, counted, written once an interval (and at the end).
  std::mutex door_mu;
  std::condition_variable door_wake;
  bool stopped = false;
  auto flush_door = [&](const std::string& since) {
    for (audit::Event& e : door_.Take(config_.name, since)) (void)Audit(std::move(e));
  };
  std::thread door_writer([&] {
    std::unique_lock lock(door_mu);
    std::string since = absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone());
    while (!door_wake.wait_for(lock, std::chrono::milliseconds(config_.door_audit_interval_ms),
                               [&] { return stopped; })) {
      const std::string now =
          absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone());
      lock.unlock();
      flush_door(since);
      lock.lock();
      since = now;
    }
    lock.unlock();
    flush_door(since);
  });
  server->Wait();
  {
    std::lock_guard lock(door_mu);
    stopped = true;
  }
  door_wake.notify_all();
  door_writer.join();
  waiter.join();
  if (health_server != nullptr) health_server->Shutdown();
  metrics_server.reset();
  LogEvent("info", {{"service", config_.name}, {"msg", "stopped"}});
  return 0;
}

void ServiceHost::BeginAudit(const grpc::ServerContextBase& context, const std::string& method,
                             const std::string& request_digest) {
  audit::Event event;
  auto caller = Caller(context);
  if (caller.ok()) {
    event.principal = caller->AuditName();
    event.role = std::string(iam::RoleName(caller->role));
    event.organisation_id = caller->organisation_id;
    if (caller->organisation_kind == "authority") event.authority_id = caller->organisation_id;
  }
  event.service = config_.name;
  event.method = method;
  event.request_digest = request_digest;
  const iam::MethodPolicy* policy = iam::FindPolicy(method);
  auto call = std::make_unique<CallAudit>(std::move(event),
                                          policy != nullptr ? policy->resource : "",
                                          audit_->key());
  std::lock_guard lock(calls_mu_);
  calls_[&context] = std::move(call);
}

CallAudit* ServiceHost::AuditOf(const grpc::ServerContextBase& context) {
  std::lock_guard lock(calls_mu_);
  auto it = calls_.find(&context);
  return it == calls_.end() ? nullptr : it->second.get();
}

absl::Status ServiceHost::EndAudit(const grpc::ServerContextBase& context, int code) {
  std::unique_ptr<CallAudit> call;
  {
    std::lock_guard lock(calls_mu_);
    auto it = calls_.find(&context);
    if (it == calls_.end()) return absl::OkStatus();
    call = std::move(it->second);
    calls_.erase(it);
  }
  if (call->committed()) return absl::OkStatus();
  if (code == 0 && !call->afterwards()) {
    // A success whose handler wrote no event in its transaction: a bug in
    // that handler. The event is still written, late, and the log says so.
    LogEvent("error", {{"service", config_.name},
                       {"msg", "write answered without an event in its transaction"},
                       {"method", call->Event(code).method}});
  }
  return Audit(call->Event(code));
}

absl::Status ServiceHost::Audit(audit::Event event) {
  const std::string method = event.method;
  absl::Status s = audit_->Append(std::move(event));
  if (!s.ok()) {
    LogEvent("error", {{"service", config_.name}, {"msg", "audit append failed"},
                       {"method", method}, {"error", std::string(s.message())}});
  }
  return s;
}

grpc::Status DescribeService(const ServiceConfig& config, db::PgPool& pool,
                             dp::v1::ServiceInfo* info) {
  info->set_service(config.name);
  info->set_version(DP_VERSION);
  try {
    auto conn = pool.Acquire();
    pqxx::read_transaction tx(*conn);
    const pqxx::row row = tx.exec1(
        "SELECT coalesce(max(version), 0)"
        " FROM public.schema_migrations");
    info->set_schema_version(row[0].as<int>());
    info->set_database_ok(true);
  } catch (const std::exception&) {
    info->set_database_ok(false);
  }
  return grpc::Status::OK;
}

}  // namespace dp::service
