#include "server.h"

#include <openssl/crypto.h>

#include <fstream>
#include <sstream>

#include "base/strings.h"
#include "console/signin/password.h"
#include "console/signin/token.h"
#include "console/signin/totp.h"
#include "pages/pages.h"
#include "service/log.h"
#include "service/metrics.h"

namespace dp::console_service {
namespace {

constexpr int kMaxFailuresPerAddress = 20;
constexpr auto kThrottleWindow = std::chrono::minutes(10);
constexpr size_t kMaxThrottled = 10000;

// PageStarted is when the page this thread serves was routed.
std::chrono::steady_clock::time_point& PageStarted() {
  thread_local std::chrono::steady_clock::time_point started;
  return started;
}

// RouteOf is a page's route for its metric: "/agreements/12/cards" ->
// "/agreements/:id/cards"; a path nothing answered is "unmatched", so that
// a scanner's guesses do not each make a series.
std::string RouteOf(const std::string& path, int status) {
  if (status == 404) return "unmatched";
  std::string out;
  for (std::string_view rest = path; !rest.empty();) {
    const size_t slash = rest.find('/', 1);
    const std::string_view segment = rest.substr(0, slash);
    const bool number =
        segment.size() > 1 && segment.find_first_not_of("0123456789", 1) == std::string_view::npos;
    out += number ? "/:id" : std::string(segment);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  return out.empty() ? "/" : out;
}

std::string SetCookie(const std::string& name, const std::string& value, int max_age_s) {
  return dp::StrCat(name, "=", value,
                    "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=", max_age_s);
}

// FormToken is a fresh token for a form shown before sign-in, in its
// double-submit cookie too.
std::string FormToken(httplib::Response& res) {
  std::string token = console::NewToken();
  res.set_header("Set-Cookie", SetCookie(kFormCookie, token, 3600));
  return token;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string CookieOf(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    std::string_view pair(header.data() + at, end - at);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    at = end + 1;
  }
  return "";
}

bool SameToken(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

ConsoleServer::ConsoleServer(ConsoleConfig config, db::PgPool& pool, const crypto::Keyring& keyring,
                             Backends& backends)
    : config_(std::move(config)),
      pool_(pool),
      keyring_(keyring),
      backends_(backends),
      directory_(pool) {}

int ConsoleServer::Start() {
  server_ = std::make_unique<httplib::SSLServer>(config_.tls_cert.c_str(), config_.tls_key.c_str());
  if (!server_->is_valid()) return -1;
  const int threads = config_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(4 * 1024 * 1024);  // an auditor's report to check
  server_->set_read_timeout(std::chrono::seconds(10));
  // A browser keeps its connection for many pages: a TLS handshake every
  // few pages (the library's default is 5) costs more than the page.
  server_->set_keep_alive_max_count(1000);
  server_->set_keep_alive_timeout(5);
  server_->set_default_headers({
      {"Content-Security-Policy",
       "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'"},
      {"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
  });
  if (config_.metrics != nullptr) {
    // Each page's time, from routing to the answer, by route and status.
    server_->set_pre_routing_handler([](const Request&, Response&) {
      PageStarted() = std::chrono::steady_clock::now();
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server_->set_logger([metrics = config_.metrics](const Request& req, const Response& res) {
      metrics->Observe(
          service::kConsolePages, {RouteOf(req.path, res.status), std::to_string(res.status)},
          std::chrono::duration<double>(std::chrono::steady_clock::now() - PageStarted()).count());
    });
  }
  Routes();
  int port = config_.port;
  if (port == 0) {
    port = server_->bind_to_any_port(config_.host);
  } else if (!server_->bind_to_port(config_.host, port)) {
    port = -1;
  }
  if (port < 0) return -1;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return port;
}

void ConsoleServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void ConsoleServer::Routes() {
  const std::string css = ReadFile(config_.static_dir + "/console.css");
  server_->Get("/static/console.css", [css](const Request&, Response& res) {
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(css, "text/css");
  });
  server_->Get("/healthz",
               [](const Request&, Response& res) { res.set_content("ok\n", "text/plain"); });
  server_->Get("/sign-in",
               [this](const Request& req, Response& res) { SignInForm(req, res, 200, ""); });
  server_->Post("/sign-in", [this](const Request& req, Response& res) { SignInPost(req, res); });
  server_->Get("/invitation", [this](const Request& req, Response& res) {
    InvitationForm(req, res, 200, "", console::NewTotpSecret());
  });
  server_->Post("/invitation",
                [this](const Request& req, Response& res) { InvitationPost(req, res); });
  server_->Post("/sign-out", [this](const Request& req, Response& res) {
    Guard(
        req, res,
        [this](const SignedIn& who, const Request& q, Response& r) { SignOut(who, q, r); }, true);
  });
  auto page = [this](auto fn, bool post) {
    return [this, fn, post](const Request& req, Response& res) {
      Guard(
          req, res,
          [this, fn](const SignedIn& who, const Request& q, Response& r) {
            Site site{backends_, config_.public_url};
            // One trace id for the page: every call it makes carries it,
            // so the services' log lines of one page can be found together.
            Backends::Trace trace("console-" + console::NewToken().substr(0, 16));
            fn(site, who, q, r);
          },
          post);
    };
  };
  server_->Get("/", page(HomePage, false));
  server_->Get(R"(/agreements/(\d{1,18}))", page(AgreementPage, false));
  server_->Post(R"(/agreements/(\d{1,18})/decision)", page(DecisionPost, true));
  server_->Post(R"(/agreements/(\d{1,18})/invite)", page(InvitePost, true));
  server_->Get(R"(/agreements/(\d{1,18})/record.pdf)", page(RecordPdf, false));
  server_->Get(R"(/agreements/(\d{1,18})/statement)", page(StatementPage, false));
  server_->Get(R"(/agreements/(\d{1,18})/statement.csv)", page(StatementCsv, false));
  server_->Get(R"(/agreements/(\d{1,18})/card)", page(CardPage, false));
  server_->Get(R"(/agreements/(\d{1,18})/payments-out)", page(PaymentsOutPage, false));
  server_->Get(R"(/agreements/(\d{1,18})/(cases|findings))", page(AgreementMonitoringList, false));
  server_->Get(R"(/agreements/(\d{1,18})/payments-out/history)", page(PaymentsOutHistory, false));
  server_->Post(R"(/agreements/(\d{1,18})/invoices)", page(InvoicePost, true));
  server_->Post(R"(/agreements/(\d{1,18})/(payees|invoices)/approve)", page(ApprovalPost, true));
  server_->Get("/staff", page(StaffPage, false));
  server_->Post("/staff/invite", page(StaffInvitePost, true));
  server_->Get("/approvals", page(ApprovalsPage, false));
  server_->Get("/supported", page(SupportedPage, false));
  server_->Get("/cases", page(OpenCasesPage, false));
  server_->Get("/findings", page(OpenFindingsPage, false));
  server_->Get("/payments/day", page(PaymentsDayPage, false));
  server_->Get(R"(/cases/(\d{1,18}))", page(CasePage, false));
  server_->Post(R"(/cases/(\d{1,18})/note)", page(CaseNotePost, true));
  server_->Post(R"(/cases/(\d{1,18})/decision)", page(CaseDecisionPost, true));
  server_->Get("/payments/schedule", page(SchedulePage, false));
  server_->Post("/payments/schedule", page(SchedulePost, true));
  server_->Get("/employers", page(EmployersPage, false));
  server_->Get(R"(/employers/(\d{1,18}))", page(EmployerPage, false));
  server_->Post(R"(/employers/(\d{1,18})/timesheet)", page(TimesheetPost, true));
  server_->Get(R"(/employers/(\d{1,18})/(timesheets|payruns))", page(EmployerListPage, false));
  server_->Get(R"(/payruns/(\d{1,18}))", page(PayRunPage, false));
  server_->Get("/payroll/documents", page(PayrollDocument, false));
  server_->Get("/reports/download", page(ReportDownload, false));
  server_->Post("/reports/verify", page(ReportVerify, true));
  server_->Get("/reports/sample", page(SamplePage, false));
  server_->Get(R"(/transactions/(\d{1,18}))", page(TransactionPage, false));
  server_->Get("/audit", page(AuditTrail, false));
  server_->Get("/audit/verify", page(AuditVerify, false));
  server_->set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    SendPage(res, 500, "Something went wrong", {},
             "<p>The console could not show this page. Try again; if it keeps happening, "
             "tell your administrator the time it happened.</p>");
  });
}

std::optional<SignedIn> ConsoleServer::SessionOf(const Request& req) {
  const std::string token = CookieOf(req, kSessionCookie);
  if (token.empty() || token.size() > 100) return std::nullopt;
  const std::optional<console::Session> session = Write(
      [&](pqxx::work& tx) { return console::FindSession(tx, token, absl::Now(), config_.policy); });
  if (!session) return std::nullopt;
  auto principal = directory_.Find(session->principal);
  if (!principal.ok()) return std::nullopt;
  SignedIn who{*session, *principal, {}};
  who.viewer = {principal->name, RoleWords(principal->role), session->csrf_token,
                NavLinks(principal->role)};
  return who;
}

void ConsoleServer::Guard(
    const Request& req, Response& res,
    const std::function<void(const SignedIn&, const Request&, Response&)>& handler, bool post) {
  auto who = SessionOf(req);
  if (!who) {
    if (post) {
      SendPage(res, 401, "Signed out", {},
               dp::StrCat("<p>Your session has ended, so nothing was changed. ",
                          console::Link("/sign-in", "Sign in again"), " and try once more.</p>"));
    } else {
      res.set_redirect("/sign-in", 303);
    }
    return;
  }
  const std::string csrf = req.is_multipart_form_data() ? req.get_file_value("csrf").content
                                                        : req.get_param_value("csrf");
  if (post && !SameToken(csrf, who->session.csrf_token)) {
    SendPage(res, 403, "This form has expired", who->viewer,
             "<p>Nothing was changed: the form did not carry this session's token. Go back, "
             "reload the page and submit it again.</p>");
    return;
  }
  handler(*who, req, res);
}

void ConsoleServer::SignInForm(const Request& req, Response& res, int status,
                               const std::string& error) {
  (void)req;
  const std::string form_token = FormToken(res);
  std::string html = error.empty() ? "" : console::ErrorBox(error);
  html += dp::StrCat(
      "<form method=\"post\" action=\"/sign-in\">", console::CsrfField(form_token),
      console::Field("User name", "name", "text", "username"),
      console::Field("Password", "password", "password", "current-password"),
      console::Field("Code from your authenticator app", "code", "text", "one-time-code",
                     "Officers, auditors and administrators: the 6 digits it shows now. "
                     "Others: leave it empty.",
                     false),
      "<p><button type=\"submit\">Sign in</button></p></form>",
      "<p>No account yet? Your officer or administrator sends you an invitation link.</p>");
  SendPage(res, status, "Sign in", {}, html);
}

bool ConsoleServer::Throttled(const std::string& address) {
  std::lock_guard lock(throttle_mu_);
  auto it = failures_.find(address);
  if (it == failures_.end()) return false;
  if (std::chrono::steady_clock::now() - it->second.second > kThrottleWindow) {
    failures_.erase(it);
    return false;
  }
  return it->second.first >= kMaxFailuresPerAddress;
}

void ConsoleServer::CountFailure(const std::string& address) {
  std::lock_guard lock(throttle_mu_);
  if (failures_.size() >= kMaxThrottled) failures_.clear();  // bounded
  auto& [count, since] = failures_[address];
  if (count == 0) since = std::chrono::steady_clock::now();
  ++count;
}

void ConsoleServer::SignInPost(const Request& req, Response& res) {
  if (!SameToken(req.get_param_value("csrf"), CookieOf(req, kFormCookie))) {
    SignInForm(req, res, 403, "The sign-in form had expired. Please sign in again.");
    return;
  }
  if (Throttled(req.remote_addr)) {
    SignInForm(req, res, 429,
               "Too many failed sign-ins from this computer. Wait ten minutes, then try again.");
    return;
  }
  const std::string name = req.get_param_value("name").substr(0, 128);
  const console::SignInResult result = Write([&](pqxx::work& tx) {
    return console::SignIn(tx, name, req.get_param_value("password").substr(0, 200),
                           req.get_param_value("code").substr(0, 10), keyring_, absl::Now(),
                           config_.policy);
  });
  using Outcome = console::SignInResult::Outcome;
  if (result.outcome == Outcome::kSignedIn) {
    res.set_header(
        "Set-Cookie",
        SetCookie(kSessionCookie, result.session_token,
                  static_cast<int>(absl::ToInt64Seconds(config_.policy.absolute_timeout))));
    service::LogEvent("info", {{"service", "console"}, {"msg", "signed in"}, {"principal", name}});
    res.set_redirect("/", 303);
    return;
  }
  CountFailure(req.remote_addr);
  service::LogEvent("warn", {{"service", "console"},
                             {"msg", "sign-in refused"},
                             {"principal", name},
                             {"address", req.remote_addr}});
  if (result.outcome == Outcome::kLocked) {
    SignInForm(req, res, 429,
               dp::StrCat("This account is locked after too many failed sign-ins. Try again after ",
                          absl::FormatTime("%H:%M", result.locked_until, London()),
                          ", or ask your administrator for a new invitation."));
    return;
  }
  SignInForm(req, res, 401,
             "The user name, password or code is not right. Check them and try again.");
}

void ConsoleServer::InvitationForm(const Request& req, Response& res, int status,
                                   const std::string& error, const std::string& secret) {
  const std::string token = req.get_param_value("token");
  absl::StatusOr<console::Invitation> inv = absl::NotFoundError("");
  {
    auto conn = pool_.Acquire();
    pqxx::read_transaction tx(*conn);
    if (!token.empty() && token.size() <= 100)
      inv = console::OpenInvitation(tx, token, absl::Now());
  }
  if (!inv.ok()) {
    SendPage(res, 404, "Invitation not valid", {},
             dp::StrCat("<p>",
                        console::Escape(inv.status().message().empty()
                                            ? "This invitation link is not valid."
                                            : std::string(inv.status().message())),
                        "</p>"));
    return;
  }
  const std::string form_token = FormToken(res);
  std::string html = error.empty() ? "" : console::ErrorBox(error);
  html += dp::StrCat(
      "<p>Set up your sign-in for <strong>", console::Escape(inv->principal),
      "</strong>.</p><form method=\"post\" action=\"/invitation\">", console::CsrfField(form_token),
      "<input type=\"hidden\" name=\"token\" value=\"", console::Escape(token), "\">",
      console::Field("New password", "password", "password", "new-password",
                     "At least 12 characters. A few unrelated words make a good one."),
      console::Field("New password again", "password2", "password", "new-password"));
  if (inv->needs_totp) {
    const std::string b32 = console::Base32(secret);
    html += dp::StrCat(
        "<h2>Your authenticator app</h2><p>Your role signs in with a code from an authenticator "
        "app as well. Add this key to the app (choose to enter a key by hand), then type the "
        "code it shows.</p><p class=\"secret\"><span id=\"totp-secret\">",
        b32, "</span></p>", "<p class=\"hint\">Or open this link on the phone: <code>",
        console::Escape(console::OtpauthUri("Direct Payments", inv->principal, secret)),
        "</code></p><input type=\"hidden\" name=\"secret\" value=\"", b32, "\">",
        console::Field("Code from your authenticator app", "code", "text", "one-time-code"));
  }
  html += "<p><button type=\"submit\">Set up sign-in</button></p></form>";
  SendPage(res, status, "Set up your sign-in", {}, html);
}

void ConsoleServer::InvitationPost(const Request& req, Response& res) {
  const auto secret = console::DecodeBase32(req.get_param_value("secret").substr(0, 64));
  if (!SameToken(req.get_param_value("csrf"), CookieOf(req, kFormCookie))) {
    InvitationForm(req, res, 403, "The form had expired. Please fill it in again.",
                   secret.value_or(console::NewTotpSecret()));
    return;
  }
  const std::string password = req.get_param_value("password");
  if (password != req.get_param_value("password2")) {
    InvitationForm(req, res, 422, "The two passwords are not the same.",
                   secret.value_or(console::NewTotpSecret()));
    return;
  }
  absl::Status accepted;
  {
    auto conn = pool_.Acquire();
    pqxx::work tx(*conn);
    accepted = console::AcceptInvitation(
        tx, req.get_param_value("token").substr(0, 100), password.substr(0, 201),
        secret.value_or(""), req.get_param_value("code").substr(0, 10), keyring_, absl::Now());
    if (accepted.ok()) tx.commit();
  }
  if (!accepted.ok()) {
    InvitationForm(req, res, accepted.code() == absl::StatusCode::kNotFound ? 404 : 422,
                   std::string(accepted.message()), secret.value_or(console::NewTotpSecret()));
    return;
  }
  SendPage(
      res, 200, "Your sign-in is set up", {},
      dp::StrCat("<p>You can now sign in.</p><p>", console::Link("/sign-in", "Sign in"), "</p>"));
}

void ConsoleServer::SignOut(const SignedIn& who, const Request& req, Response& res) {
  (void)who;
  Write([&](pqxx::work& tx) {
    console::EndSession(tx, CookieOf(req, kSessionCookie), keyring_, absl::Now());
    return true;
  });
  res.set_header("Set-Cookie", SetCookie(kSessionCookie, "", 0));
  res.set_redirect("/sign-in", 303);
}

}  // namespace dp::console_service
