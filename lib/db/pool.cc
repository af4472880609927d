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
  {
    std::unique_lock lock(mu_);
    freed_.wait(lock, [&] { return !idle_.empty() || outstanding_ < size_; });
    ++outstanding_;
    if (!idle_.empty()) {
      conn = std::move(idle_.back().conn);
      check = std::chrono::steady_clock::now() - idle_.back().since > kCheckIdleAfter;
      idle_.pop_back();
    }
  }
  if (conn != nullptr && conn->is_open() && check) {
    try {
      pqxx::nontransaction probe(*conn);
      probe.exec("SELECT 1");
    } catch (const std::exception&) {
      conn.reset();  // dropped by the server meanwhile: open a new one below
    }
  }
  if (conn == nullptr || !conn->is_open()) {
    try {
      conn = std::make_unique<pqxx::connection>(url_);
    } catch (...) {
      std::lock_guard lock(mu_);
      --outstanding_;
      freed_.notify_one();
      throw;
    }
  }
  return Lease(this, std::move(conn));
}

void PgPool::Release(std::unique_ptr<pqxx::connection> conn) {
  std::lock_guard lock(mu_);
  --outstanding_;
  DP_CHECK(outstanding_ >= 0);
  if (conn->is_open()) idle_.push_back({std::move(conn), std::chrono::steady_clock::now()});
  freed_.notify_one();
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
