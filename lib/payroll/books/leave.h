#ifndef DP_LIB_PAYROLL_BOOKS_LEAVE_H_
#define DP_LIB_PAYROLL_BOOKS_LEAVE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "crypto/field_cipher.h"
#include "payroll/engine/family_pay.h"
#include "payroll/engine/leaving.h"
#include "payroll/engine/tax_year.h"

// Time away and leaving, over the payroll books: statutory family leave
// (family_pay.h decides it) and a leaver's last day with their notice and
// redundancy pay (leaving.h works it out). Pay runs pay both.
namespace dp::payroll {

struct FamilyLeaveRecord {
  int64_t id = 0;
  int64_t employee_id = 0;
  FamilyPayKind kind = FamilyPayKind::kMaternity;
  absl::CivilDay relevant_date, pay_start;
  int weeks = 0;
  absl::CivilDay qualifying_week_start;
  int64_t average_weekly_earnings_pence = 0;
  bool entitled = false;
  std::string reason;
};

struct FamilyLeaveRequest {
  FamilyPayKind kind = FamilyPayKind::kMaternity;
  std::optional<absl::CivilDay> relevant_date;
  std::optional<absl::CivilDay> pay_start;
  int weeks = 0;
  bool evidence_received = false;  // MATB1, matching certificate, or the PA's declaration
  std::optional<int64_t> average_weekly_earnings_pence;  // when pay here does not show it
};

// RelevantDateField names, as the API does, the date that fixes a kind's
// qualifying week: "due_date", "matching_date" (adoption) or
// "date_of_death" (bereavement).
std::string_view RelevantDateField(FamilyPayKind kind);

// RecordFamilyLeave decides a leave the PA has given notice of and records
// it with the decision in words. Refused, naming what is missing: the due
// date (maternity, paternity, shared parental), the matching date
// (adoption) or the date of death (bereavement); the pay start; the
// evidence. FAILED_PRECONDITION: a leave of the same kind that overlaps.
//
//   RecordFamilyLeave(tx, years, 12, {kMaternity, due 2026-09-14, from 2026-08-03, 39,
//                     evidence_received}, "iso") -> entitled, "Entitled to ... 6 at £450.00"
absl::StatusOr<FamilyLeaveRecord> RecordFamilyLeave(pqxx::work& tx, const TaxYears& years,
                                                    int64_t employee_id,
                                                    const FamilyLeaveRequest& request,
                                                    const std::string& actor);
// FamilyLeaves is an employee's leave, latest first.
std::vector<FamilyLeaveRecord> FamilyLeaves(pqxx::transaction_base& tx, int64_t employee_id);
// FamilyLeavesOf reads many employees' entitled leave at once (a pay run's).
std::map<int64_t, std::vector<FamilyLeave>> FamilyLeavesOf(pqxx::transaction_base& tx,
                                                           const std::vector<int64_t>& ids);

struct LeaverRequest {
  absl::CivilDay leave_date;
  bool notice_in_lieu = false;
  std::optional<int> notice_weeks;
  bool redundancy = false;
  std::optional<int64_t> weeks_pay_pence;  // else from the 12 weeks' pay here
};

// LeaveEmployee records the last day of employment and works out the
// final pay's notice and redundancy pay, paid by the run whose period holds
// the leave date with the holiday owed. Timesheets after it are refused;
// the P45 follows the final pay. A leave date already set is only replaced
// with the same date (a retry).
absl::StatusOr<LeaverPay> LeaveEmployee(pqxx::work& tx, const TaxYears& years,
                                        const crypto::FieldCipher& cipher, int64_t employee_id,
                                        const LeaverRequest& request);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_BOOKS_LEAVE_H_
