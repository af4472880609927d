#include "audit/log.h"

#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "base/check.h"
#include "base/strings.h"
#include "db/errors.h"
#include "db/page_token.h"
#include "db/sql.h"

namespace dp::audit {
namespace {

constexpr char kEventColumns[] =
    "lane, seq, (extract(epoch from at) * 1000000)::bigint, principal, role, organisation_id,"
    " authority_id, service, method, resource, request_digest, code, prev_hash, hash, id";

Event EventFromRow(const pqxx::row& r) {
  Event e;
  e.lane = r[0].as<int>();
  e.seq = r[1].as<int64_t>();
  e.at_us = r[2].as<int64_t>();
  e.principal = r[3].as<std::string>();
  e.role = r[4].as<std::string>();
  e.organisation_id = r[5].as<std::string>();
  e.authority_id = r[6].as<std::string>();
  e.service = r[7].as<std::string>();
  e.method = r[8].as<std::string>();
  e.resource = r[9].as<std::string>();
  e.request_digest = r[10].as<std::string>();
  e.code = r[11].as<int>();
  e.prev_hash = r[12].as<std::string>();
  e.hash = r[13].as<std::string>();
  return e;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// PreferredLane spreads threads over the lanes, so that a thread usually
// finds its own lane free.
int PreferredLane() {
  thread_local const int lane =
      1 + static_cast<int>(std::hash<std::thread::id>{}(std::this_thread::get_id()) % kLanes);
  return lane;
}

// WaitForLane locks this thread's lane, waiting for it: every lane was busy.
LaneHead WaitForLane(pqxx::transaction_base& tx) {
  const pqxx::row head = tx.exec_params1(
      "SELECT lane, seq, hash FROM audit.lanes WHERE lane = $1 FOR UPDATE", PreferredLane());
  return LaneHead{head[0].as<int>(), head[1].as<int64_t>(), head[2].as<std::string>()};
}

}  // namespace

std::string ClaimLaneSql(pqxx::transaction_base& tx) {
  // Prepared: a batch claims a lane every time.
  static const std::string kClaim =
      dp::StrCat("SELECT lane AS audit_lane, seq AS audit_seq, hash AS audit_hash",
                 " FROM audit.lanes WHERE lane BETWEEN 1 AND ", kLanes,
                 " ORDER BY lane = $1::int DESC, lane LIMIT 1 FOR UPDATE SKIP LOCKED");
  return db::SqlCall(db::SqlPrepared(tx, "dp_audit_claim_lane", kClaim), PreferredLane());
}

std::optional<LaneHead> ClaimedLane(const pqxx::result& claimed) {
  if (claimed.empty()) return std::nullopt;
  const pqxx::row row = claimed[0];
  return LaneHead{row["audit_lane"].as<int>(), row["audit_seq"].as<int64_t>(),
                  row["audit_hash"].as<std::string>()};
}

void AppendInTransaction(pqxx::work& tx, std::string_view key, std::vector<Event>& events) {
  if (events.empty()) return;
  AppendOnLane(tx, key, ClaimedLane(tx.exec(ClaimLaneSql(tx))), events);
}

void AppendOnLane(pqxx::work& tx, std::string_view key, std::optional<LaneHead> claimed,
                  std::vector<Event>& events) {
  if (events.empty()) return;
  tx.exec(AppendOnLaneSql(tx, key, claimed, events));
}

std::string AppendOnLaneSql(pqxx::transaction_base& tx, std::string_view key,
                            std::optional<LaneHead> claimed, std::vector<Event>& events) {
  if (events.empty()) return "";
  if (!claimed.has_value()) claimed = WaitForLane(tx);
  const int lane = claimed->lane;
  int64_t seq = claimed->seq;
  std::string prev = claimed->hash;
  const int64_t now_us = NowMicros();
  // Prepared, a column per array: planning it afresh each time cost more
  // than running it.
  static const std::string kInsert =
      "INSERT INTO audit.events (lane, seq, at, principal, role, organisation_id, authority_id,"
      " service, method, resource, request_digest, code, prev_hash, hash)"
      " SELECT $1::int, s, 'epoch'::timestamptz + $2::bigint * interval '1 microsecond', p, r,"
      " o, a, sv, m, rs, d, c, ph, h FROM unnest($3::bigint[], $4::text[], $5::text[],"
      " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int[],"
      " $13::text[], $14::text[]) AS x(s, p, r, o, a, sv, m, rs, d, c, ph, h)";
  std::vector<int64_t> seqs, codes;
  std::vector<std::string> principals, roles, organisations, authorities, services, methods,
      resources, digests, prev_hashes, hashes;
  for (Event& e : events) {
    e.lane = lane;
    e.seq = ++seq;
    e.at_us = now_us;
    e.prev_hash = prev;
    e.hash = EventHash(key, e);
    prev = e.hash;
    seqs.push_back(e.seq);
    principals.push_back(e.principal);
    roles.push_back(e.role);
    organisations.push_back(e.organisation_id);
    authorities.push_back(e.authority_id);
    services.push_back(e.service);
    methods.push_back(e.method);
    resources.push_back(e.resource);
    digests.push_back(e.request_digest);
    codes.push_back(e.code);
    prev_hashes.push_back(e.prev_hash);
    hashes.push_back(e.hash);
  }
  std::string sql = db::SqlCall(
      db::SqlPrepared(tx, "dp_audit_insert_events", kInsert), lane, now_us,
      db::QuotedArray(tx, seqs), db::QuotedArray(tx, principals),
      db::QuotedArray(tx, roles), db::QuotedArray(tx, organisations),
      db::QuotedArray(tx, authorities), db::QuotedArray(tx, services),
      db::QuotedArray(tx, methods), db::QuotedArray(tx, resources),
      db::QuotedArray(tx, digests), db::QuotedArray(tx, codes),
      db::QuotedArray(tx, prev_hashes), db::QuotedArray(tx, hashes));
  static const std::string kMoveHead = "UPDATE audit.lanes SET seq = $1, hash = $2 WHERE lane = $3";
  dp::StrAppend(&sql, ";\n",
                db::SqlCall(db::SqlPrepared(tx, "dp_audit_move_head", kMoveHead), seq,
                            tx.quote(prev), lane),
                ";\n");
  return sql;
}

AuditLog::AuditLog(std::string database_url, std::string key)
    : database_url_(std::move(database_url)),
      key_(std::move(key)),
      commits_({.workers = 1, .max_batch = 256, .thread_name = "audit-batch"},
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
      AppendInTransaction(tx, key_, events);
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
      dp::StrCat("SELECT ", kEventColumns,
                 " FROM audit.events WHERE id > $1"
                 " AND (NOT $2 OR authority_id = ANY($3::text[])) ORDER BY id LIMIT $4"),
      *after, scoped, scope, *size + 1);
  EventPage page;
  int64_t last_id = 0;
  db::PageFill fill(*size);
  for (const auto& row : r) {
    if (!fill.Room(db::RowBytes(row))) {
      page.next_page_token = db::EncodePageToken(fingerprint, last_id);
      break;
    }
    page.events.push_back(EventFromRow(row));
    last_id = row[14].as<int64_t>();
  }
  return page;
}

std::vector<LaneHead> ReadHeads(pqxx::transaction_base& tx) {
  std::vector<LaneHead> heads;
  for (const auto& row : tx.exec("SELECT lane, seq, hash FROM audit.lanes ORDER BY lane")) {
    heads.push_back({row[0].as<int>(), row[1].as<int64_t>(), row[2].as<std::string>()});
  }
  return heads;
}

ChainReport VerifyChain(pqxx::transaction_base& tx, const std::string& key,
                        const RecordedHead* expected) {
  ChainReport report;
  report.heads = ReadHeads(tx);
  report.head = FormatHead(report.heads);
  std::map<int, int64_t> want_seq;  // lane -> the recorded head's seq
  if (expected != nullptr) {
    for (const LaneHead& h : expected->lanes) want_seq[h.lane] = h.seq;
  }
  std::vector<LaneHead> reached;  // the hashes at the recorded positions
  int64_t checked = 0;
  for (const LaneHead& lane : report.heads) {
    ChainChecker checker(key, lane.lane);
    const auto want = want_seq.find(lane.lane);
    std::string hash_at_want;
    // In chunks, so that a long trail is not held in memory at once.
    constexpr int kChunk = 5000;
    int64_t after = 0;
    bool ok = true;
    for (int64_t chunk = 0; ok && chunk < 100'000'000 / kChunk; ++chunk) {  // bounded
      const pqxx::result r = tx.exec_params(
          dp::StrCat("SELECT ", kEventColumns,
                     " FROM audit.events WHERE lane = $1 AND seq > $2 ORDER BY seq LIMIT $3"),
          lane.lane, after, kChunk);
      for (const auto& row : r) {
        const Event e = EventFromRow(row);
        after = e.seq;
        if (!(ok = checker.Next(e))) break;
        if (want != want_seq.end() && e.seq == want->second) hash_at_want = e.hash;
      }
      if (r.size() < static_cast<size_t>(kChunk)) break;
    }
    Verdict v = checker.Finish(lane.seq, lane.hash);
    checked += v.events_checked;
    if (!v.intact) {
      v.events_checked = checked;
      report.verdict = v;
      return report;
    }
    if (want != want_seq.end()) {
      if (hash_at_want.empty()) {
        report.verdict = {
            false, checked, lane.lane, lane.seq + 1,
            dp::StrCat("the trail no longer reaches the recorded head: lane ", lane.lane,
                       " ends at event ", lane.seq, ", the recorded head has ", want->second,
                       ": events were cut from its end")};
        return report;
      }
      reached.push_back({lane.lane, want->second, hash_at_want});
      want_seq.erase(want);
    }
  }
  report.verdict.events_checked = checked;
  if (expected != nullptr) {
    if (!want_seq.empty()) {
      report.verdict = {false, checked, want_seq.begin()->first, 1,
                        dp::StrCat("the recorded head names lane ", want_seq.begin()->first,
                                   ", which this trail does not have")};
    } else if (HeadDigest(reached) != expected->digest) {
      report.verdict = {false, checked, 0, 0,
                        "the events at the recorded head are not the ones recorded: the trail "
                        "was rewritten up to the head (or the head belongs to another trail)"};
    }
  }
  return report;
}

}  // namespace dp::audit
