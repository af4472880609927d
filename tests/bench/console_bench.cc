// console_bench: the web console under officers' use, over HTTPS as a
// browser would (keep-alive, cookies, the form tokens). Each of S officers
// accepts an invitation (password and TOTP), signs in, then walks the
// officer's pages: home, an agreement, its statement, its card, payroll.
//   * closed loop: S sessions at once, each asking as soon as answered:
//     pages per second, and p50/p95/p99 per page;
//   * open loop: a fixed arrival rate across the sessions, latency from
//     each page's due time (p50, p99, p999).
// tools/bench-console runs it over the national data set beside pgbench.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>

#include "console/signin/totp.h"
#include "load.h"

namespace dp {
namespace {

constexpr char kPassword[] = "bench password for officers";

// Between finds the text between `open` and `close` after `from`.
std::string Between(const std::string& text, const std::string& open, const std::string& close) {
  const size_t a = text.find(open);
  if (a == std::string::npos) return "";
  const size_t b = text.find(close, a + open.size());
  return b == std::string::npos ? "" : text.substr(a + open.size(), b - a - open.size());
}

// CookieValue reads `name`'s value from a response's Set-Cookie headers.
std::string CookieValue(const httplib::Result& r, const std::string& name) {
  for (size_t i = 0; i < r->get_header_value_count("Set-Cookie"); ++i) {
    const std::string c = r->get_header_value("Set-Cookie", i);
    if (c.rfind(name + "=", 0) == 0)
      return c.substr(name.size() + 1, c.find(';') - name.size() - 1);
  }
  return "";
}

[[noreturn]] void Fail(const std::string& what) {
  std::cerr << "console_bench: " << what << "\n";
  std::exit(1);
}

struct Session {
  std::unique_ptr<httplib::SSLClient> client;
  httplib::Headers cookie;
};

std::unique_ptr<httplib::SSLClient> Client(const std::string& host, int port) {
  auto c = std::make_unique<httplib::SSLClient>(host, port);
  c->enable_server_certificate_verification(false);  // the bench's own CA
  c->set_keep_alive(true);
  c->set_read_timeout(std::chrono::seconds(30));
  return c;
}

// SignIn accepts `name`'s invitation (its path and query) and signs in.
Session SignIn(const std::string& host, int port, const std::string& name,
               const std::string& invitation) {
  Session s{Client(host, port), {}};
  auto page = s.client->Get(invitation.c_str());
  if (!page || page->status != 200) Fail("the invitation of " + name + " did not open");
  const std::string secret_b32 = Between(page->body, "<span id=\"totp-secret\">", "</span>");
  const std::string csrf = Between(page->body, "name=\"csrf\" value=\"", "\"");
  const auto secret = console::DecodeBase32(secret_b32);
  if (!secret || csrf.empty()) Fail("the invitation page of " + name + " has no key or form token");
  const std::string token = invitation.substr(invitation.find("token=") + 6);
  httplib::Headers form_cookie = {
      {"Cookie", "__Host-dp_form=" + CookieValue(page, "__Host-dp_form")}};
  const int64_t now = std::time(nullptr);
  auto set = s.client->Post("/invitation", form_cookie,
                            httplib::Params{{"csrf", csrf},
                                            {"token", token},
                                            {"password", kPassword},
                                            {"password2", kPassword},
                                            {"secret", secret_b32},
                                            {"code", console::TotpAt(*secret, now)}});
  if (!set || set->status != 200) Fail("setting up " + name + " failed");
  auto form = s.client->Get("/sign-in");
  const std::string csrf2 = Between(form->body, "name=\"csrf\" value=\"", "\"");
  form_cookie = {{"Cookie", "__Host-dp_form=" + CookieValue(form, "__Host-dp_form")}};
  auto in = s.client->Post("/sign-in", form_cookie,
                           httplib::Params{{"csrf", csrf2},
                                           {"name", name},
                                           {"password", kPassword},
                                           {"code", console::TotpAt(*secret, now + 30)}});
  const std::string session = in ? CookieValue(in, "__Host-dp_session") : "";
  if (session.empty()) Fail("signing in as " + name + " failed");
  s.cookie = {{"Cookie", "__Host-dp_session=" + session}};
  return s;
}

}  // namespace
}  // namespace dp

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a connection the server closed is reopened, not fatal
  std::string host = "127.0.0.1", invitations_file, agreements_file;
  int port = 8443, seconds = 30;
  double rate = 20;
  CLI::App app{"console_bench: the web console under officers' use"};
  app.add_option("--host", host);
  app.add_option("--port", port)->required();
  app.add_option("--invitations", invitations_file, "NAME<TAB>/invitation?token=... a line")
      ->required();
  app.add_option("--agreements", agreements_file, "agreement ids of the officers' authority")
      ->required();
  app.add_option("--seconds", seconds, "each loop's length")->capture_default_str();
  app.add_option("--rate", rate, "open loop: pages a second")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<std::pair<std::string, std::string>> invitations;
  std::istringstream lines(dp::bench::ReadFile(invitations_file));
  for (std::string line; std::getline(lines, line);) {
    const size_t tab = line.find('\t');
    if (tab != std::string::npos)
      invitations.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  std::vector<std::string> agreements;
  std::istringstream ids(dp::bench::ReadFile(agreements_file));
  for (std::string id; std::getline(ids, id);) {
    if (!id.empty()) agreements.push_back(id);
  }
  if (invitations.empty() || agreements.empty()) dp::Fail("no invitation or no agreement given");

  std::vector<dp::Session> sessions(invitations.size());
  {
    std::vector<std::thread> t;
    for (size_t i = 0; i < invitations.size(); ++i) {
      t.emplace_back([&, i] {
        sessions[i] = dp::SignIn(host, port, invitations[i].first, invitations[i].second);
      });
    }
    for (auto& th : t) th.join();
  }
  std::printf("sessions signed in: %zu\n", sessions.size());

  // The walk: each step a page of the officer's, on a random agreement.
  const std::vector<std::string> kinds = {"home",    "agreement", "statement",   "card",
                                          "payroll", "approvals", "payments-out", "payments-day"};
  auto path = [&](size_t kind, std::mt19937_64& rng) -> std::string {
    const std::string& a = agreements[rng() % agreements.size()];
    switch (kind) {
      case 0:
        return "/";
      case 1:
        return "/agreements/" + a;
      case 2:
        return "/agreements/" + a + "/statement";
      case 3:
        return "/agreements/" + a + "/card";
      case 4:
        return "/employers";
      case 5:
        return "/approvals";
      case 6:
        return "/agreements/" + a + "/payments-out";
      default:
        return "/payments/day";
    }
  };
  std::mutex mu;
  std::map<std::string, std::vector<double>> by_kind;
  std::atomic<size_t> next_session{0};
  auto send = [&](int n, std::mt19937_64& rng) {
    thread_local dp::Session* mine = nullptr;
    if (mine == nullptr) mine = &sessions[next_session++ % sessions.size()];
    const size_t kind = static_cast<size_t>(n) % kinds.size();
    const auto started = dp::bench::Clock::now();
    auto r = mine->client->Get(path(kind, rng).c_str(), mine->cookie);
    const double ms =
        std::chrono::duration<double, std::milli>(dp::bench::Clock::now() - started).count();
    const bool ok = r && r->status == 200 && r->body.find("<h1>") != std::string::npos;
    std::lock_guard lock(mu);
    static int told = 0;
    if (!ok && told++ < 3) {  // the first few failures, for whoever reads the run
      std::fprintf(stderr, "page %s failed: %s\n", kinds[kind].c_str(),
                   r ? (std::to_string(r->status) + " " + r->body.substr(0, 300)).c_str()
                     : httplib::to_string(r.error()).c_str());
    }
    by_kind[kinds[kind]].push_back(ms);
    return ok;
  };
  // Closed loop: enough pages for `seconds` at the rate measured in a warm-up.
  const int threads = static_cast<int>(sessions.size());
  dp::bench::Result warm = dp::bench::Drive(threads * 5, threads, 0, send);
  const int closed_count =
      std::max(threads * 5, static_cast<int>(threads * 5 / warm.seconds * seconds));
  by_kind.clear();
  next_session = 0;
  dp::bench::Result closed = dp::bench::Drive(closed_count, threads, 0, send);
  std::printf("closed loop: %d pages in %.1f s by %d sessions, %d failed\n", closed_count,
              closed.seconds, threads, closed.failed);
  std::printf("pages/s: %.1f\n", closed_count / closed.seconds);
  // PrintPages prints each page's latency in the loop just run.
  auto print_pages = [&](const char* loop) {
    for (auto& [kind, v] : by_kind) {
      std::sort(v.begin(), v.end());
      std::printf("%s page %-9s p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  (%zu)\n", loop,
                  kind.c_str(), dp::bench::Percentile(v, 0.5), dp::bench::Percentile(v, 0.95),
                  dp::bench::Percentile(v, 0.99), v.size());
    }
  };
  print_pages("closed loop");
  std::printf("closed loop all pages: p50 %.1f ms p95 %.1f ms p99 %.1f ms\n", closed.Pct(0.50),
              closed.Pct(0.95), closed.Pct(0.99));
  by_kind.clear();
  dp::bench::Result open = dp::bench::Drive(static_cast<int>(rate * seconds), threads, rate, send);
  print_pages("open loop");
  std::printf(
      "open loop %.0f pages/s: p50 %.1f ms p95 %.1f ms p99 %.1f ms p999 %.1f ms, %d failed\n", rate,
      open.Pct(0.50), open.Pct(0.95), open.Pct(0.99), open.Pct(0.999), open.failed);
  return closed.failed + open.failed == 0 ? 0 : 1;
}
