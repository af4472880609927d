#ifndef DP_LIB_AGREEMENTS_STORE_H_
#define DP_LIB_AGREEMENTS_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "agreements/agreement.h"

// The agreements schema's named queries (deploy/migrations/0005): rows in,
// rows out, no rules. The rules live in agreement.h and workflow.h.
namespace dp::agreements {

// Settings are an authority's settings in force from `effective_from`.
struct Settings {
  std::string authority_id;
  absl::CivilDay effective_from;
  ApprovalLimits limits;
  int panel_max_wait_days = 0;
  Frequency frequency = Frequency::kFourWeekly;
  absl::CivilDay cycle_anchor;
  int contingency_weeks = 0;
  int surplus_threshold_weeks = 0;
  std::vector<std::string> blocked_card_categories;
  int max_additional_cardholders = 3;  // cards besides the person's own
  int64_t funding_account_id = 0;
};

void InsertSettings(pqxx::work& tx, const Settings& settings, const std::string& created_by);
// SettingsInForce: the latest settings effective on or before `day`.
absl::StatusOr<Settings> SettingsInForce(pqxx::transaction_base& tx,
                                         const std::string& authority_id, absl::CivilDay day);

// Manager is who receives the money: the person ("self"), a representative
// (another person), or an ISO's managed account.
struct Manager {
  std::string kind = "self";
  int64_t person_id = 0;
  std::string organisation_id;
};

// Header is an agreement's one mutable row: who, and where it stands.
struct Header {
  int64_t id = 0;
  std::string authority_id;
  int64_t person_id = 0;
  Manager manager;
  Status status = Status::kDraft;
  std::string status_reason;
  std::string required_level;
  std::string approved_level;
  std::optional<int64_t> submitted_at_us;
  bool panel_wait_exceeded = false;
  std::optional<absl::CivilDay> payable_from;
  int64_t holding_account_id = 0;
  int64_t created_at_us = 0;
};

// VersionRecord is a stored version: the terms and the rest of the row.
struct VersionRecord {
  Version version;
  std::string model_version;
  std::vector<std::string> personal_outcomes;
  std::vector<std::string> excluded_uses;
  std::optional<absl::CivilDay> review_date;
  int contingency_weeks = 0;
  int surplus_threshold_weeks = 0;
  std::string payment_method = "bank";
  std::string reason;
  std::string created_by;
  int64_t created_at_us = 0;
};

std::optional<Status> ParseStatus(std::string_view name);

int64_t InsertHeader(pqxx::work& tx, const Header& header);
// GetHeader reads the header; `for_update` locks it for a status change.
absl::StatusOr<Header> GetHeader(pqxx::transaction_base& tx, int64_t id, bool for_update = false);
void UpdateHeader(pqxx::work& tx, const Header& header);

struct HeaderQuery {
  std::string authority_id;         // empty: every authority the caller reaches
  std::vector<std::string> authorities;  // when scoped: these authorities...
  std::vector<int64_t> agreement_ids;    // ...or these agreements
  bool scoped = false;
  std::optional<Status> status;
  int page_size = 50;
  int64_t after_id = 0;
};
std::vector<Header> ListHeaders(pqxx::transaction_base& tx, const HeaderQuery& query);
// AuthoritySummary is an authority's agreements at a glance: how many in
// each status, those awaiting approval, longest waiting first, and what
// the payment schedule's runs dated `payments_on` paid in.
struct AuthoritySummary {
  std::vector<std::pair<Status, int64_t>> counts;  // in status order
  std::vector<Header> awaiting;
  int schedule_runs = 0;
  int paid_in_payments = 0;
  int64_t paid_in_pence = 0;
};
AuthoritySummary SummariseAuthority(pqxx::transaction_base& tx, const std::string& authority_id,
                                    int max_awaiting, absl::CivilDay payments_on);

// ActiveAgreementIds lists an authority's active agreements, in id order.
std::vector<int64_t> ActiveAgreementIds(pqxx::transaction_base& tx,
                                        const std::string& authority_id);

void InsertVersion(pqxx::work& tx, int64_t agreement_id, const VersionRecord& v);
// Versions lists every version of an agreement in ascending order.
std::vector<VersionRecord> Versions(pqxx::transaction_base& tx, int64_t agreement_id);

// DecisionRecord is one entry in the person's record.
struct DecisionRecord {
  int64_t id = 0;
  int64_t agreement_id = 0;
  std::string kind;
  std::string decided_by;
  std::string approval_level;
  std::string reason;
  std::string summary;
  bool panel_wait_exceeded = false;
  int64_t decided_at_us = 0;
};
void InsertDecision(pqxx::work& tx, const DecisionRecord& d);
std::vector<DecisionRecord> Decisions(pqxx::transaction_base& tx, int64_t agreement_id);

// PaidPeriod is one paid payment period.
struct PaidPeriod {
  int64_t agreement_id = 0;
  Payment payment;
  int64_t run_id = 0;
  int64_t transaction_id = 0;
};
int64_t InsertRun(pqxx::work& tx, const std::string& authority_id, absl::CivilDay run_date,
                  int agreements_considered, const std::string& created_by);
struct RunRecord {
  int64_t id = 0;
  std::string authority_id;
  absl::CivilDay run_date;
  int agreements_considered = 0;
};
absl::StatusOr<RunRecord> GetRun(pqxx::transaction_base& tx, int64_t run_id);
void InsertPayment(pqxx::work& tx, const PaidPeriod& paid);
std::vector<PaidPeriod> PaymentsOfAgreement(pqxx::transaction_base& tx, int64_t agreement_id);
std::vector<PaidPeriod> PaymentsOfRun(pqxx::transaction_base& tx, int64_t run_id);

// TerminationRecord is what was decided when the agreement ended.
struct TerminationRecord {
  int64_t agreement_id = 0;
  absl::CivilDay end_date;
  int64_t notice_pay_pence = 0;
  int64_t holiday_pay_pence = 0;
  std::optional<int64_t> recovered_pence;
  int64_t recovery_transaction_id = 0;
};
void InsertTermination(pqxx::work& tx, const TerminationRecord& t);
absl::StatusOr<TerminationRecord> GetTermination(pqxx::transaction_base& tx, int64_t agreement_id,
                                                 bool for_update = false);
void ConfirmTerminationRecovery(pqxx::work& tx, int64_t agreement_id, int64_t recovered_pence,
                                int64_t transaction_id, const std::string& confirmed_by);

// Date helpers for the schema's `date` columns.
std::string DayText(absl::CivilDay day);                       // "2026-04-01"
absl::StatusOr<absl::CivilDay> ParseDay(std::string_view text);  // strict YYYY-MM-DD

}  // namespace dp::agreements

#endif  // DP_LIB_AGREEMENTS_STORE_H_
