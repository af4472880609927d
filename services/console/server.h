#ifndef DP_SERVICES_CONSOLE_SERVER_H_
#define DP_SERVICES_CONSOLE_SERVER_H_

#include <httplib.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "backends.h"
#include "console/pages/html.h"
#include "console/store/accounts.h"
#include "crypto/keyring.h"
#include "db/pool.h"
#include "iam/directory.h"
#include "service/metrics.h"

namespace dp::console_service {

struct ConsoleConfig {
  std::string host = "127.0.0.1";
  int port = 8443;  // 0: any free port
  std::string tls_cert, tls_key;
  std::string static_dir;
  std::string public_url;  // the console's address in the links it gives out
  int threads =
      64;  // a connection holds a thread while kept alive: above the sessions held at once
  console::SignInPolicy policy;
  service::Metrics* metrics = nullptr;  // counts every page when set (--metrics-listen)
};

// SignedIn is the user a request's session cookie names.
struct SignedIn {
  console::Session session;
  iam::Principal principal;
  console::Viewer viewer;
};

// ConsoleServer is the HTTPS server: sign-in, sessions, the form tokens,
// the security headers, and the routes of the pages (pages.h).
class ConsoleServer {
 public:
  ConsoleServer(ConsoleConfig config, db::PgPool& pool, const crypto::Keyring& keyring,
                Backends& backends);
  // Start binds and serves on its own thread; the bound port, or -1.
  int Start();
  void Stop();

 private:
  using Request = httplib::Request;
  using Response = httplib::Response;

  void Routes();
  // Guard runs `handler` for a signed-in user, else sends them to sign in;
  // for a POST it first checks the form's token against the session's.
  void Guard(const Request& req, Response& res,
             const std::function<void(const SignedIn&, const Request&, Response&)>& handler,
             bool post);
  std::optional<SignedIn> SessionOf(const Request& req);

  // Write runs `fn` in a transaction of its own and commits it.
  template <typename Fn>
  auto Write(Fn fn) {
    auto conn = pool_.Acquire();
    pqxx::work tx(*conn);
    auto out = fn(tx);
    tx.commit();
    return out;
  }

  void SignInForm(const Request& req, Response& res, int status, const std::string& error);
  void SignInPost(const Request& req, Response& res);
  void InvitationForm(const Request& req, Response& res, int status, const std::string& error,
                      const std::string& secret);
  void InvitationPost(const Request& req, Response& res);
  void SignOut(const SignedIn& who, const Request& req, Response& res);

  // Throttled counts failed sign-ins from one address in a ten-minute
  // window (bounded map), on top of each account's own lockout.
  bool Throttled(const std::string& address);
  void CountFailure(const std::string& address);

  ConsoleConfig config_;
  db::PgPool& pool_;
  const crypto::Keyring& keyring_;
  Backends& backends_;
  iam::PrincipalDirectory directory_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  std::mutex throttle_mu_;
  std::map<std::string, std::pair<int, std::chrono::steady_clock::time_point>> failures_;
};

// The cookie names: __Host- binds them to this host, Secure, path "/".
inline constexpr char kSessionCookie[] = "__Host-dp_session";
inline constexpr char kFormCookie[] = "__Host-dp_form";

// CookieOf reads one cookie from a request ("" when absent).
std::string CookieOf(const httplib::Request& req, const std::string& name);

// SameToken compares two tokens in constant time; empty never matches.
bool SameToken(const std::string& a, const std::string& b);

}  // namespace dp::console_service

#endif  // DP_SERVICES_CONSOLE_SERVER_H_
