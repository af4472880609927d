#ifndef DP_LIB_DB_POOL_H_
#define DP_LIB_DB_POOL_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace dp::db {

// PgPool hands out PostgreSQL connections, at most `size` at once. A lease
// returns its connection when it goes out of scope; a connection found
// broken is replaced on the next lease, and one idle for longer than
// kCheckIdleAfter is first asked `SELECT 1` (one round trip), so that a
// connection the server dropped meanwhile (a failover, a restart) is
// replaced before a caller's first statement fails on it. Its cached plans
// are discarded every kPlansFor (RefreshPlansIfDue).
//
//   PgPool pool("postgresql://127.0.0.1:5432/dp", 8);
//   auto conn = pool.Acquire();
//   pqxx::work tx(*conn);
class PgPool {
 public:
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<pqxx::connection> conn,
          std::chrono::steady_clock::time_point planned_at)
        : pool_(pool), conn_(std::move(conn)), planned_at_(planned_at) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_ != nullptr) pool_->Release(std::move(conn_), planned_at_);
    }
    pqxx::connection& operator*() { return *conn_; }
    pqxx::connection* operator->() { return conn_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
    std::chrono::steady_clock::time_point planned_at_;
  };

  // How long a connection may sit idle and still be lent unchecked.
  static constexpr std::chrono::seconds kCheckIdleAfter{2};

  PgPool(std::string url, int size);

  // Acquire waits for a free connection; it throws pqxx::broken_connection
  // when the database cannot be reached.
  Lease Acquire();

  const std::string& url() const { return url_; }
  // InUse is how many connections are leased (or being opened) now, of size().
  int InUse();
  int size() const { return size_; }

 private:
  void Release(std::unique_ptr<pqxx::connection> conn,
               std::chrono::steady_clock::time_point planned_at);

  const std::string url_;
  std::mutex mu_;
  std::condition_variable freed_;
  struct Idle {
    std::unique_ptr<pqxx::connection> conn;
    std::chrono::steady_clock::time_point since;
    std::chrono::steady_clock::time_point planned_at;
  };
  std::vector<Idle> idle_;
  int outstanding_ = 0;  // leased or being opened
  const int size_;
};

// kPlansFor is how long a connection keeps its cached query plans.
inline constexpr std::chrono::seconds kPlansFor{10};

// RefreshPlansIfDue runs DISCARD PLANS on `conn` (outside any transaction)
// when its plans were made over kPlansFor ago, and says whether it did. A
// prepared statement's generic plan is made once, on the data as it was
// then: one made while a table was nearly empty (a sequential scan) would
// be kept as the table grows to millions of rows. Discarded, each is
// planned again on its next use. For a long-lived connection:
//
//   thread_local auto planned_at = std::chrono::steady_clock::now();
//   RefreshPlansIfDue(conn, &planned_at);
//   pqxx::work tx(conn);
bool RefreshPlansIfDue(pqxx::connection& conn, std::chrono::steady_clock::time_point* planned_at);

// WorkerConnection is the calling thread's own connection to `url`, for a
// worker thread that keeps one for its life (a group commit's): opened on
// first use and again after it broke, when `session_sql` (settings for the
// whole session) runs first; its plans refreshed as the pool's are. One
// thread, one url.
//
//   pqxx::work tx(WorkerConnection(database_url_, "SET statement_timeout = 1500"));
pqxx::connection& WorkerConnection(const std::string& url, const std::string& session_sql = "");

// EndTransaction rolls back whatever transaction a caller began by hand
// (BEGIN sent on a pqxx::nontransaction, to save its round trip) and left
// open on `conn` by an exception; if it cannot, it closes the connection,
// which ends the transaction too (WorkerConnection then opens another).
//
//   try { pqxx::nontransaction tx(conn); ... "BEGIN" ... "COMMIT" ... }
//   catch (...) { EndTransaction(conn); throw; }
void EndTransaction(pqxx::connection& conn);

// ConnectWithRetry opens a connection, retrying while the database starts.
std::unique_ptr<pqxx::connection> ConnectWithRetry(const std::string& url,
                                                   std::chrono::milliseconds timeout);

}  // namespace dp::db

#endif  // DP_LIB_DB_POOL_H_
