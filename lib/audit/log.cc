#include "audit/log.h"

#include <chrono>

#include "base/strings.h"
#include "db/errors.h"
#include "db/page_token.h"
#include "db/sql.h"

namespace dp::audit {
namespace {

constexpr char kEventColumns[] =
    "seq, (extract(epoch from at) * 1000000)::bigint, principal, role, organisation_id,"
    " authority_id, service, method, resource, request_digest, code, prev_hash, hash";

Event EventFromRow(const pqxx::row& r) {
  Event e;
  e.seq = r[0].as<int64_t>();
  e.at_us = r[1].as<int64_t>();
  e.principal = r[2].as<std::string>();
  e.role = r[3].as<std::string>();
  e.organisation_id = r[4].as<std::string>();
  e.authority_id = r[5].as<std::string>();
  e.service = r[6].as<std::string>();
  e.method = r[7].as<std::string>();
  e.resource = r[8].as<std::string>();
  e.request_digest = r[9].as<std::string>();
  e.code = r[10].as<int>();
  e.prev_hash = r[11].as<std::string>();
  e.hash = r[12].as<std::string>();
  return e;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

AuditLog::AuditLog(std::string database_url, std::string key)
    : database_url_(std::move(database_url)),
      key_(std::move(key)),
      commits_({.workers = 1, .max_batch = 256},
               [this](std::vector<Event>& events) { return AppendBatch(events); }) {}

absl::Status AuditLog::Append(Event event) {
  return commits_.Submit(std::move(event),
                         absl::UnavailableError("the audit log is shutting down"));
}

std::vector<absl::Status> AuditLog::AppendBatch(std::vector<Event>& events) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      if (conn_ == nullptr || !conn_->is_open()) {
        conn_ = std::make_unique<pqxx::connection>(database_url_);
      }
      pqxx::work tx(*conn_);
      const pqxx::row head = tx.exec1("SELECT seq, hash FROM audit.head WHERE id = 1 FOR UPDATE");
      int64_t seq = head[0].as<int64_t>();
      std::string prev = head[1].as<std::string>();
      const int64_t now_us = NowMicros();
      std::string sql =
          "INSERT INTO audit.events (seq, at, principal, role, organisation_id, authority_id,"
          " service, method, resource, request_digest, code, prev_hash, hash) VALUES ";
      for (size_t i = 0; i < events.size(); ++i) {
        Event& e = events[i];
        e.seq = ++seq;
        e.at_us = now_us;
        e.prev_hash = prev;
        e.hash = EventHash(key_, e);
        prev = e.hash;
        dp::StrAppend(&sql, i ? "," : "", "(", e.seq, ", 'epoch'::timestamptz + ", e.at_us,
                      " * interval '1 microsecond'");
        for (const std::string* f : {&e.principal, &e.role, &e.organisation_id, &e.authority_id,
                                     &e.service, &e.method, &e.resource, &e.request_digest}) {
          dp::StrAppend(&sql, ",", tx.quote(*f));
        }
        dp::StrAppend(&sql, ",", e.code, ",", tx.quote(e.prev_hash), ",", tx.quote(e.hash), ")");
      }
      dp::StrAppend(&sql, ";\nUPDATE audit.head SET seq = ", seq, ", hash = ", tx.quote(prev),
                    " WHERE id = 1");
      tx.exec(sql);
      tx.commit();
      return std::vector<absl::Status>(events.size(), absl::OkStatus());
    } catch (const std::exception& e) {
      if (!db::IsRetryable(e) || attempt == 2) {
        return std::vector<absl::Status>(events.size(), db::StatusFromException(e));
      }
    }
  }
  return std::vector<absl::Status>(events.size(), absl::UnavailableError("audit append failed"));
}

absl::StatusOr<EventPage> ListEvents(pqxx::transaction_base& tx, bool scoped,
                                     const std::vector<std::string>& authorities, int page_size,
                                     const std::string& page_token) {
  auto size = db::ClampPageSize(page_size, 100, 1000);
  if (!size.ok()) return size.status();
  const std::string scope = db::TextArrayLiteral(authorities);
  const std::string fingerprint = dp::StrCat("audit|", scoped, scope);
  auto after = db::DecodePageToken(page_token, fingerprint);
  if (!after.ok()) return after.status();
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT ", kEventColumns, " FROM audit.events WHERE seq > $1"
                 " AND (NOT $2 OR authority_id = ANY($3::text[])) ORDER BY seq LIMIT $4"),
      *after, scoped, scope, *size + 1);
  EventPage page;
  for (const auto& row : r) {
    if (static_cast<int>(page.events.size()) == *size) {
      page.next_page_token = db::EncodePageToken(fingerprint, page.events.back().seq);
      break;
    }
    page.events.push_back(EventFromRow(row));
  }
  return page;
}

ChainReport VerifyChain(pqxx::transaction_base& tx, const std::string& key) {
  ChainReport report;
  const pqxx::row head = tx.exec1("SELECT seq, hash FROM audit.head WHERE id = 1");
  report.head_seq = head[0].as<int64_t>();
  report.head_hash = head[1].as<std::string>();
  ChainChecker checker(key);
  // In chunks, so that a long trail is not held in memory at once.
  constexpr int kChunk = 5000;
  int64_t after = 0;
  bool ok = true;
  for (int64_t chunk = 0; ok && chunk < 100'000'000 / kChunk; ++chunk) {  // bounded
    const pqxx::result r = tx.exec_params(
        dp::StrCat("SELECT ", kEventColumns, " FROM audit.events WHERE seq > $1 ORDER BY seq LIMIT $2"),
        after, kChunk);
    for (const auto& row : r) {
      const Event e = EventFromRow(row);
      after = e.seq;
      if (!(ok = checker.Next(e))) break;
    }
    if (r.size() < static_cast<size_t>(kChunk)) break;
  }
  report.verdict = checker.Finish(report.head_seq, report.head_hash);
  return report;
}

}  // namespace dp::audit
