#include "monitoring/books/store.h"

#include <nlohmann/json.hpp>

#include "agreements/store.h"
#include "base/strings.h"
#include "db/sql.h"

namespace dp::monitoring {
namespace {

using agreements::DayText;

std::optional<std::string> DayOrNull(const std::optional<absl::CivilDay>& d) {
  if (!d) return std::nullopt;
  return DayText(*d);
}

std::string Micros(std::string_view column) {
  return dp::StrCat("coalesce((extract(epoch from ", column, ") * 1000000)::bigint, 0)");
}

const std::string& FindingColumns() {
  static const std::string columns = dp::StrCat(
      "SELECT id, agreement_id, authority_id, check_name, dedupe_key, state, amount_pence, summary,"
      " transaction_ids::text, array_to_json(payslips)::text, settings_version,"
      " case_id, coalesce(outcome, ''), ",
      Micros("opened_at"), ", ", Micros("closed_at"), " FROM monitoring.findings");
  return columns;
}

FindingRecord FindingFromRow(const pqxx::row& r) {
  FindingRecord f;
  f.id = r[0].as<int64_t>();
  f.agreement_id = r[1].as<int64_t>();
  f.authority_id = r[2].as<std::string>();
  f.check = r[3].as<std::string>();
  f.key = r[4].as<std::string>();
  f.open = r[5].as<std::string>() == "open";
  f.amount_pence = r[6].as<int64_t>();
  f.summary = r[7].as<std::string>();
  f.transaction_ids = db::ParseIntArray(r[8].as<std::string>("{}"));
  f.payslips = nlohmann::json::parse(r[9].as<std::string>("[]")).get<std::vector<std::string>>();
  f.settings_version = r[10].as<std::string>();
  f.case_id = r[11].as<int64_t>();
  f.outcome = r[12].as<std::string>();
  f.opened_at_us = r[13].as<int64_t>();
  f.closed_at_us = r[14].as<int64_t>();
  return f;
}

const std::string& CaseColumns() {
  static const std::string columns =
      dp::StrCat("SELECT id, agreement_id, authority_id, state, information_due::text, ",
                 Micros("opened_at"), ", ", Micros("closed_at"), " FROM monitoring.cases");
  return columns;
}

CaseRecord CaseFromRow(const pqxx::row& r) {
  CaseRecord c;
  c.id = r[0].as<int64_t>();
  c.agreement_id = r[1].as<int64_t>();
  c.authority_id = r[2].as<std::string>();
  c.open = r[3].as<std::string>() == "open";
  c.information_due = MaybeDay(r[4]);
  c.opened_at_us = r[5].as<int64_t>();
  c.closed_at_us = r[6].as<int64_t>();
  return c;
}

}  // namespace

absl::CivilDay DayOf(const pqxx::field& f) {
  auto day = agreements::ParseDay(f.as<std::string>());
  return day.ok() ? *day : absl::CivilDay();
}

std::optional<absl::CivilDay> MaybeDay(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return DayOf(f);
}

Settings SettingsOn(pqxx::transaction_base& tx, const std::string& authority_id,
                    absl::CivilDay day, const std::vector<Settings>& defaults) {
  const pqxx::result r = tx.exec_params(
      "SELECT version, effective_from::text, settings::text FROM monitoring.settings"
      " WHERE authority_id = $1 AND effective_from <= $2::date"
      " ORDER BY effective_from DESC, version DESC LIMIT 1",
      authority_id, DayText(day));
  if (!r.empty()) {
    auto s = FromJson(r[0][2].as<std::string>());
    if (s.ok()) {
      s->version = dp::StrCat(authority_id, ":", r[0][0].as<int>());
      s->effective_from = DayOf(r[0][1]);
      return *s;
    }
  }
  return InForce(defaults, day);
}

Settings InsertSettings(pqxx::work& tx, const std::string& authority_id, Settings s,
                        const std::string& reason, const std::string& created_by) {
  const int version = tx.exec_params1(
                            "INSERT INTO monitoring.settings (authority_id, version, effective_from,"
                            " settings, reason, created_by)"
                            " SELECT $1, coalesce(max(version), 0) + 1, $2::date, $3::jsonb, $4, $5"
                            " FROM monitoring.settings WHERE authority_id = $1 RETURNING version",
                            authority_id, DayText(s.effective_from), ToJson(s), reason, created_by)[0]
                          .as<int>();
  s.version = dp::StrCat(authority_id, ":", version);
  return s;
}

std::optional<TierRecord> LatestTier(pqxx::transaction_base& tx, int64_t agreement_id) {
  const pqxx::result r = db::Prepared(
      tx, "monitoring.store.latest_tier",
      dp::StrCat("SELECT tier, points, factors::text, settings_version, next_review_due::text, ",
                 Micros("decided_at"),
                 " FROM monitoring.tiers WHERE agreement_id = $1 ORDER BY id DESC LIMIT 1"),
      agreement_id);
  if (r.empty()) return std::nullopt;
  TierRecord t;
  t.agreement_id = agreement_id;
  (void)ParseTier(r[0][0].as<std::string>(), &t.tier);
  t.points = r[0][1].as<int>();
  for (const auto& j : nlohmann::json::parse(r[0][2].as<std::string>())) {
    t.factors.push_back({j.at("name").get<std::string>(), j.at("points").get<int>(),
                         j.at("words").get<std::string>()});
  }
  t.settings_version = r[0][3].as<std::string>();
  t.next_review_due = DayOf(r[0][4]);
  t.decided_at_us = r[0][5].as<int64_t>();
  return t;
}

void InsertTier(pqxx::work& tx, const TierRecord& t) {
  nlohmann::json factors = nlohmann::json::array();
  for (const Factor& f : t.factors) {
    factors.push_back({{"name", f.name}, {"points", f.points}, {"words", f.words}});
  }
  db::Prepared(tx, "monitoring.store.insert_tier", "INSERT INTO monitoring.tiers (agreement_id, tier, points, factors, settings_version,"
                 " next_review_due) VALUES ($1, $2, $3, $4::jsonb, $5, $6::date)",
                 t.agreement_id, std::string(TierName(t.tier)), t.points, factors.dump(),
                 t.settings_version, DayText(t.next_review_due));
}

bool HasOpenFinding(pqxx::transaction_base& tx, int64_t agreement_id, const std::string& key) {
  return !db::Prepared(tx, "monitoring.store.open_finding",
                       "SELECT 1 FROM monitoring.findings WHERE agreement_id = $1"
                         " AND dedupe_key = $2 AND state = 'open'",
                         agreement_id, key)
              .empty();
}

int64_t InsertFinding(pqxx::work& tx, const FindingRecord& f) {
  return tx.exec_params1(
               "INSERT INTO monitoring.findings (agreement_id, authority_id, check_name, dedupe_key,"
               " state, amount_pence, summary, transaction_ids, payslips, settings_version, case_id)"
               " VALUES ($1, $2, $3, $4, 'open', $5, $6, $7::bigint[], $8::text[], $9, $10)"
               " RETURNING id",
               f.agreement_id, f.authority_id, f.check, f.key, f.amount_pence, f.summary,
               db::IntArrayLiteral(f.transaction_ids), db::TextArrayLiteral(f.payslips), f.settings_version, f.case_id)[0]
      .as<int64_t>();
}

void CloseFindings(pqxx::work& tx, int64_t case_id, const std::string& outcome) {
  tx.exec_params("UPDATE monitoring.findings SET state = 'closed', outcome = $2, closed_at = now()"
                 " WHERE case_id = $1 AND state = 'open'",
                 case_id, outcome);
}

std::vector<FindingRecord> Findings(pqxx::transaction_base& tx, const FindingQuery& q) {
  std::vector<FindingRecord> out;
  for (const auto& r : tx.exec_params(
           dp::StrCat(FindingColumns(),
                      " WHERE ($1 = '' OR authority_id = $1) AND ($2 = 0 OR agreement_id = $2)"
                      " AND ($3 = 0 OR case_id = $3) AND ($4 = '' OR state = $4) AND id > $5",
                      q.newest_first ? " ORDER BY id DESC" : " ORDER BY id", " LIMIT $6"),
           q.authority_id, q.agreement_id, q.case_id,
           std::string(!q.open ? "" : *q.open ? "open" : "closed"),
           q.newest_first ? int64_t{0} : q.after_id, q.limit)) {
    out.push_back(FindingFromRow(r));
  }
  return out;
}

int64_t OpenCaseFor(pqxx::work& tx, int64_t agreement_id, const std::string& authority_id,
                    bool* opened) {
  const pqxx::result found = tx.exec_params(
      "SELECT id FROM monitoring.cases WHERE agreement_id = $1 AND state = 'open' FOR UPDATE",
      agreement_id);
  *opened = found.empty();
  if (!found.empty()) return found[0][0].as<int64_t>();
  return tx.exec_params1("INSERT INTO monitoring.cases (agreement_id, authority_id, state)"
                         " VALUES ($1, $2, 'open') RETURNING id",
                         agreement_id, authority_id)[0]
      .as<int64_t>();
}

absl::StatusOr<CaseRecord> GetCase(pqxx::transaction_base& tx, int64_t case_id, bool for_update) {
  const pqxx::result r = tx.exec_params(
      dp::StrCat(CaseColumns(), " WHERE id = $1", for_update ? " FOR UPDATE" : ""), case_id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("case ", case_id, " does not exist"));
  return CaseFromRow(r[0]);
}

std::vector<CaseRecord> Cases(pqxx::transaction_base& tx, const CaseQuery& q) {
  std::vector<CaseRecord> out;
  for (const auto& r : tx.exec_params(
           dp::StrCat(CaseColumns(),
                      " WHERE ($1 = '' OR authority_id = $1) AND ($2 = 0 OR agreement_id = $2)"
                      " AND ($3 = '' OR state = $3) AND id > $4 ORDER BY id LIMIT $5"),
           q.authority_id, q.agreement_id, std::string(!q.open ? "" : *q.open ? "open" : "closed"),
           q.after_id, q.limit)) {
    out.push_back(CaseFromRow(r));
  }
  return out;
}

int64_t InsertEvent(pqxx::work& tx, int64_t case_id, const EventRecord& e) {
  std::optional<std::string> decision;
  if (!e.decision.empty()) decision = e.decision;
  std::optional<int64_t> amount, transaction;
  if (e.amount_pence > 0) amount = e.amount_pence;
  if (e.transaction_id > 0) transaction = e.transaction_id;
  return tx.exec_params1("INSERT INTO monitoring.case_events (case_id, decision, text, due_date,"
                         " amount_pence, transaction_id, created_by)"
                         " VALUES ($1, $2, $3, $4::date, $5, $6, $7) RETURNING id",
                         case_id, decision, e.text, DayOrNull(e.due_date), amount, transaction,
                         e.created_by)[0]
      .as<int64_t>();
}

std::vector<EventRecord> Events(pqxx::transaction_base& tx, int64_t case_id) {
  std::vector<EventRecord> out;
  for (const auto& r : tx.exec_params(
           dp::StrCat("SELECT id, coalesce(decision, ''), text, due_date::text,"
                      " coalesce(amount_pence, 0), coalesce(transaction_id, 0), created_by, ",
                      Micros("created_at"), " FROM monitoring.case_events WHERE case_id = $1 ORDER BY id"),
           case_id)) {
    EventRecord e;
    e.id = r[0].as<int64_t>();
    e.decision = r[1].as<std::string>();
    e.text = r[2].as<std::string>();
    e.due_date = MaybeDay(r[3]);
    e.amount_pence = r[4].as<int64_t>();
    e.transaction_id = r[5].as<int64_t>();
    e.created_by = r[6].as<std::string>();
    e.created_at_us = r[7].as<int64_t>();
    out.push_back(std::move(e));
  }
  return out;
}

void SetInformationDue(pqxx::work& tx, int64_t case_id, std::optional<absl::CivilDay> due) {
  tx.exec_params("UPDATE monitoring.cases SET information_due = $2::date WHERE id = $1", case_id,
                 DayOrNull(due));
}

void CloseCase(pqxx::work& tx, int64_t case_id) {
  tx.exec_params("UPDATE monitoring.cases SET state = 'closed', closed_at = now(),"
                 " information_due = NULL WHERE id = $1",
                 case_id);
}

void MarkChecked(pqxx::work& tx, int64_t agreement_id, const std::string& mark,
                 absl::CivilDay recheck_on) {
  db::Prepared(tx, "monitoring.store.checked", "INSERT INTO monitoring.checked (agreement_id, activity_mark, checked_on, recheck_on)"
                 " VALUES ($1, $2, current_date, $3::date) ON CONFLICT (agreement_id) DO UPDATE"
                 " SET activity_mark = excluded.activity_mark, checked_on = excluded.checked_on,"
                 " recheck_on = excluded.recheck_on, checked_at = now()",
                 agreement_id, mark, DayText(recheck_on));
}

}  // namespace dp::monitoring
