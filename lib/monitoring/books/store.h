#ifndef DP_LIB_MONITORING_BOOKS_STORE_H_
#define DP_LIB_MONITORING_BOOKS_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "monitoring/rules/assess.h"
#include "monitoring/rules/settings.h"

// The monitoring schema's named queries (deploy/migrations/0017): rows in,
// rows out, no rules.
namespace dp::monitoring {

// DayOf reads a `date` column (as text); MaybeDay a nullable one.
absl::CivilDay DayOf(const pqxx::field& field);
std::optional<absl::CivilDay> MaybeDay(const pqxx::field& field);

// SettingsOn is the authority's settings in force on `day`: its own latest
// version effective by then, else the defaults in force.
Settings SettingsOn(pqxx::transaction_base& tx, const std::string& authority_id,
                    absl::CivilDay day, const std::vector<Settings>& defaults);
// InsertSettings stores the authority's next version and returns it, named.
Settings InsertSettings(pqxx::work& tx, const std::string& authority_id, Settings settings,
                        const std::string& reason, const std::string& created_by);

// TierRecord is a stored tier.
struct TierRecord {
  int64_t agreement_id = 0;
  Tier tier = Tier::kLight;
  int points = 0;
  std::vector<Factor> factors;
  std::string settings_version;
  absl::CivilDay next_review_due;
  int64_t decided_at_us = 0;
};
std::optional<TierRecord> LatestTier(pqxx::transaction_base& tx, int64_t agreement_id);
void InsertTier(pqxx::work& tx, const TierRecord& tier);

// FindingRecord is a stored finding.
struct FindingRecord {
  int64_t id = 0;
  int64_t agreement_id = 0;
  std::string authority_id;
  std::string check;
  std::string key;
  bool open = true;
  int64_t amount_pence = 0;
  std::string summary;
  std::vector<int64_t> transaction_ids;
  std::vector<std::string> payslips;
  std::string settings_version;
  int64_t case_id = 0;
  std::string outcome;
  int64_t opened_at_us = 0;
  int64_t closed_at_us = 0;
};
bool HasOpenFinding(pqxx::transaction_base& tx, int64_t agreement_id, const std::string& key);
int64_t InsertFinding(pqxx::work& tx, const FindingRecord& finding);
// CloseFindings closes a case's open findings with `outcome`.
void CloseFindings(pqxx::work& tx, int64_t case_id, const std::string& outcome);

struct FindingQuery {
  std::string authority_id;
  int64_t agreement_id = 0;
  int64_t case_id = 0;
  std::optional<bool> open;
  int64_t after_id = 0;  // in id order; ignored when newest_first
  bool newest_first = false;
  int limit = 50;
};
std::vector<FindingRecord> Findings(pqxx::transaction_base& tx, const FindingQuery& query);

// CaseRecord is a stored review case; EventRecord one of its notes or
// decisions.
struct EventRecord {
  int64_t id = 0;
  std::string decision;  // "" : a note
  std::string text;
  std::optional<absl::CivilDay> due_date;
  int64_t amount_pence = 0;
  int64_t transaction_id = 0;
  std::string created_by;
  int64_t created_at_us = 0;
};
struct CaseRecord {
  int64_t id = 0;
  int64_t agreement_id = 0;
  std::string authority_id;
  bool open = true;
  std::optional<absl::CivilDay> information_due;
  int64_t opened_at_us = 0;
  int64_t closed_at_us = 0;
};
// OpenCaseFor is the agreement's open case, opened now if it has none;
// `opened` says which.
int64_t OpenCaseFor(pqxx::work& tx, int64_t agreement_id, const std::string& authority_id,
                    bool* opened);
absl::StatusOr<CaseRecord> GetCase(pqxx::transaction_base& tx, int64_t case_id,
                                   bool for_update = false);
struct CaseQuery {
  std::string authority_id;
  int64_t agreement_id = 0;
  std::optional<bool> open;
  int64_t after_id = 0;
  int limit = 50;
};
std::vector<CaseRecord> Cases(pqxx::transaction_base& tx, const CaseQuery& query);
int64_t InsertEvent(pqxx::work& tx, int64_t case_id, const EventRecord& event);
std::vector<EventRecord> Events(pqxx::transaction_base& tx, int64_t case_id);
void SetInformationDue(pqxx::work& tx, int64_t case_id, std::optional<absl::CivilDay> due);
void CloseCase(pqxx::work& tx, int64_t case_id);

// MarkChecked records where the agreement's check stood: its activity mark,
// and the day time alone may change what the checks say.
void MarkChecked(pqxx::work& tx, int64_t agreement_id, const std::string& mark,
                 absl::CivilDay recheck_on);

}  // namespace dp::monitoring

#endif  // DP_LIB_MONITORING_BOOKS_STORE_H_
