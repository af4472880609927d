#include "db/pool.h"

#include <thread>

#include "base/check.h"

namespace dp::db {

PgPool::PgPool(std::string url, int size) : url_(std::move(url)), size_(size) {
  DP_CHECK(size > 0);
}

PgPool::Lease PgPool::Acquire() {
  std::unique_ptr<pqxx::connection> conn;
  bool check = false;
  auto planned_at = std::chrono::steady_clock::now();
  {
    std::unique_lock lock(mu_);
    freed_.wait(lock, [&] { return !idle_.empty() || outstanding_ < size_; });
    ++outstanding_;
    if (!idle_.empty()) {
      conn = std::move(idle_.back().conn);
      check = std::chrono::steady_clock::now() - idle_.back().since > kCheckIdleAfter;
      planned_at = idle_.back().planned_at;
      idle_.pop_back();
    }
  }
  if (conn != nullptr && conn->is_open()) {
    try {
      // DISCARD PLANS, when due, is as good a probe as SELECT 1.
      if (!RefreshPlansIfDue(*conn, &planned_at) && check) {
        pqxx::nontransaction probe(*conn);
        probe.exec("SELECT 1");
      }
    } catch (const std::exception&) {
      conn.reset();  // dropped by the server meanwhile: open a new one below
    }
  }
  if (conn == nullptr || !conn->is_open()) {
    try {
      conn = std::make_unique<pqxx::connection>(url_);
      planned_at = std::chrono::steady_clock::now();
    } catch (...) {
      std::lock_guard lock(mu_);
      --outstanding_;
      freed_.notify_one();
      throw;
    }
  }
  return Lease(this, std::move(conn), planned_at);
}

void PgPool::Release(std::unique_ptr<pqxx::connection> conn,
                     std::chrono::steady_clock::time_point planned_at) {
  std::lock_guard lock(mu_);
  --outstanding_;
  DP_CHECK(outstanding_ >= 0);
  if (conn->is_open()) {
    idle_.push_back({std::move(conn), std::chrono::steady_clock::now(), planned_at});
  }
  freed_.notify_one();
}

bool RefreshPlansIfDue(pqxx::connection& conn, std::chrono::steady_clock::time_point* planned_at) {
  const auto now = std::chrono::steady_clock::now();
  if (now - *planned_at < kPlansFor) return false;
  pqxx::nontransaction discard(conn);
  discard.exec("DISCARD PLANS");
  *planned_at = now;
  return true;
}

pqxx::connection& WorkerConnection(const std::string& url, const std::string& session_sql) {
  thread_local std::unique_ptr<pqxx::connection> conn;
  thread_local std::string conn_url;
  thread_local auto planned_at = std::chrono::steady_clock::now();
  DP_CHECK(conn_url.empty() || conn_url == url);
  if (conn == nullptr || !conn->is_open()) {
    conn = std::make_unique<pqxx::connection>(url);
    conn_url = url;
    planned_at = std::chrono::steady_clock::now();
    if (!session_sql.empty()) pqxx::nontransaction(*conn).exec(session_sql);
  }
  RefreshPlansIfDue(*conn, &planned_at);
  return *conn;
}

void EndTransaction(pqxx::connection& conn) {
  try {
    pqxx::nontransaction(conn).exec("ROLLBACK");  // a warning only, if none was open
  } catch (const std::exception&) {
    conn.disconnect();
  }
}

std::unique_ptr<pqxx::connection> ConnectWithRetry(const std::string& url,
                                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    try {
      return std::make_unique<pqxx::connection>(url);
    } catch (const pqxx::broken_connection&) {
      if (std::chrono::steady_clock::now() >= deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

int PgPool::InUse() {
  std::lock_guard lock(mu_);
  return outstanding_;
}

}  // namespace dp::db
