// dp-console serves the web console over HTTPS: sign-in with a password
// and a TOTP code, server-side sessions, and pages drawn on the server
// over the services' own RPCs, each call made as the signed-in user.
//
//   dp-console --listen 127.0.0.1:8443 --database-url postgresql://dp_console@...
//     --tls-cert services.crt --tls-key services.key --tls-ca ca.crt
//     --client-cert console.crt --client-key console.key --keys-file keys
//     (one command, wrapped here)
//   dp-console --database-url ... --keys-file keys --invite officer@fife --issued-by admin
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "absl/strings/numbers.h"
#include "audit/log.h"
#include "base/strings.h"
#include "console/store/accounts.h"
#include "crypto/keyring.h"
#include "db/pool.h"
#include "server.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/metrics_server.h"

namespace {

int Fail(const std::string& words) {
  dp::service::LogEvent("error", {{"service", "console"}, {"msg", words}});
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // A browser that goes away mid-answer must not take the server with it.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string listen = "127.0.0.1:8443", database_url, keys_file, public_url;
  std::string invite, issued_by = "admin";
  dp::console_service::ConsoleConfig config;
  config.static_dir = DP_CONSOLE_STATIC_DIR;
  dp::console_service::BackendConfig backends_config;
  int pool_size = 8;
  CLI::App app{"dp-console: the Direct Payments web console"};
  app.add_option("--listen", listen, "host:port to serve HTTPS on (port 0: any)")
      ->capture_default_str();
  app.add_option("--database-url", database_url, "PostgreSQL, as role dp_console")
      ->envname("DP_DATABASE_URL")
      ->required();
  app.add_option("--pool-size", pool_size)->capture_default_str();
  app.add_option("--keys-file", keys_file, "the keyring (TOTP secrets are encrypted under it)")
      ->envname("DP_KEYS_FILE")
      ->required();
  app.add_option("--tls-cert", config.tls_cert, "the HTTPS certificate")->envname("DP_TLS_CERT");
  app.add_option("--tls-key", config.tls_key, "its key")->envname("DP_TLS_KEY");
  app.add_option("--tls-ca", backends_config.ca_file, "the CA of the services")
      ->envname("DP_TLS_CA");
  app.add_option("--client-cert", backends_config.cert_file,
                 "the console's own certificate (role console)");
  app.add_option("--client-key", backends_config.key_file, "its key");
  app.add_option("--agreements-addr", backends_config.agreements_addr)->capture_default_str();
  app.add_option("--ledger-addr", backends_config.ledger_addr)->capture_default_str();
  app.add_option("--monitoring-addr", backends_config.monitoring_addr)->capture_default_str();
  app.add_option("--cards-addr", backends_config.cards_addr)->capture_default_str();
  app.add_option("--payroll-addr", backends_config.payroll_addr)->capture_default_str();
  app.add_option("--static-dir", config.static_dir)->capture_default_str();
  app.add_option("--threads", config.threads, "requests served at once")->capture_default_str();
  std::string port_file;
  app.add_option("--write-port", port_file, "write the bound port to this file");
  app.add_option("--invite", invite,
                 "print an invitation link for this principal and exit (an administrator's "
                 "bootstrap; officers invite from the console)");
  app.add_option("--issued-by", issued_by, "who issues the invitation")->capture_default_str();
  std::string metrics_listen;
  app.add_option(
         "--metrics-listen", metrics_listen,
         "host:port to serve Prometheus metrics on, plain HTTP GET /metrics (none when empty)")
      ->envname("DP_METRICS_LISTEN");
  std::string base_url;
  app.add_option("--public-url", base_url,
                 "the console's address in links (default https://LISTEN)");
  CLI11_PARSE(app, argc, argv);

  auto keyring = dp::crypto::Keyring::FromFile(keys_file);
  if (!keyring.ok()) return Fail(std::string(keyring.status().message()));
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &config.port)) {
    return Fail("--listen must be host:port, for example 127.0.0.1:8443");
  }
  config.host = listen.substr(0, colon);
  if (base_url.empty()) base_url = dp::StrCat("https://", listen);
  config.public_url = base_url;
  dp::db::PgPool pool(database_url, pool_size);

  if (!invite.empty()) {
    try {
      auto conn = pool.Acquire();
      pqxx::work tx(*conn);
      auto token = dp::console::IssueInvitation(tx, invite, issued_by, absl::Now(), config.policy);
      if (!token.ok()) return Fail(std::string(token.status().message()));
      std::vector<dp::audit::Event> events(1);
      events[0].principal = issued_by;
      events[0].service = "console";
      events[0].method = "/console/IssueInvitation";
      events[0].resource = "iam/principals/" + invite;
      dp::audit::AppendInTransaction(tx, keyring->audit_key(), events);
      tx.commit();
      std::cout << base_url << "/invitation?token=" << *token << "\n";
      return 0;
    } catch (const std::exception& e) {
      return Fail(e.what());
    }
  }
  if (config.tls_cert.empty() || config.tls_key.empty() || backends_config.ca_file.empty() ||
      backends_config.cert_file.empty() || backends_config.key_file.empty()) {
    return Fail("serving needs --tls-cert, --tls-key, --tls-ca, --client-cert and --client-key");
  }
  std::unique_ptr<dp::console_service::Backends> backends;
  try {
    backends = std::make_unique<dp::console_service::Backends>(backends_config);
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
  dp::service::Metrics metrics("console");
  std::unique_ptr<dp::service::MetricsServer> metrics_server;
  if (!metrics_listen.empty()) {
    config.metrics = &metrics;
    auto started = dp::service::MetricsServer::Start(metrics_listen, [&] {
      return metrics.Exposition({{"in_use", pool.InUse()}, {"size", pool.size()}});
    });
    if (!started.ok()) return Fail(std::string(started.status().message()));
    metrics_server = *std::move(started);
  }
  dp::console_service::ConsoleServer server(config, pool, *keyring, *backends);
  const int port = server.Start();
  if (port < 0) return Fail(dp::StrCat("cannot serve HTTPS on ", listen));
  if (!port_file.empty()) {
    FILE* f = std::fopen(port_file.c_str(), "w");
    if (f != nullptr) {
      std::fprintf(f, "%d\n", port);
      std::fclose(f);
    }
  }
  dp::service::LogEvent(
      "info",
      {{"service", "console"}, {"msg", "serving"}, {"listen", dp::StrCat(config.host, ":", port)}});
  int signal = 0;
  sigwait(&signals, &signal);
  dp::service::LogEvent("info", {{"service", "console"}, {"msg", "stopping"}});
  server.Stop();
  return 0;
}
