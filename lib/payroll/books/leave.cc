#include "payroll/books/leave.h"

#include "base/bounds.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "db/sql.h"
#include "money/money.h"
#include "payroll/books/book.h"
#include "payroll/books/book_rows.h"
#include "people/person_store.h"

namespace dp::payroll {
namespace {

using rows::DayOf;

constexpr const char* kLeaveColumns =
    "id, employee_id, kind, relevant_date, pay_start, weeks, qualifying_week_start,"
    " average_weekly_earnings_pence, entitled, reason";

FamilyLeaveRecord LeaveFrom(const pqxx::row& row) {
  FamilyLeaveRecord r;
  r.id = row[0].as<int64_t>();
  r.employee_id = row[1].as<int64_t>();
  r.kind = *ParseFamilyPayKind(row[2].as<std::string>());
  r.relevant_date = DayOf(row[3]);
  r.pay_start = DayOf(row[4]);
  r.weeks = row[5].as<int>();
  r.qualifying_week_start = DayOf(row[6]);
  r.average_weekly_earnings_pence = row[7].as<int64_t>();
  r.entitled = row[8].as<bool>();
  r.reason = row[9].as<std::string>();
  return r;
}

std::string_view Evidence(FamilyPayKind kind) {
  switch (kind) {
    case FamilyPayKind::kMaternity:
      return "the MATB1 (or other medical evidence of the due date)";
    case FamilyPayKind::kAdoption:
      return "the matching certificate from the adoption agency";
    default:
      return "the PA's written declaration of entitlement";
  }
}

std::vector<PaidPeriod> PaidPeriods(pqxx::transaction_base& tx, int64_t employee_id) {
  std::vector<PaidPeriod> out;
  for (const auto& row : tx.exec_params(
           "SELECT r.period_start, r.period_end, s.gross_pence"
           " FROM payroll.payslips s JOIN payroll.pay_runs r ON r.id = s.run_id"
           " WHERE s.employee_id = $1 AND r.status = 'posted' ORDER BY r.payment_date",
           employee_id)) {
    out.push_back({DayOf(row[0]), DayOf(row[1]), row[2].as<int64_t>()});
  }
  return out;
}

}  // namespace

std::string_view RelevantDateField(FamilyPayKind kind) {
  switch (kind) {
    case FamilyPayKind::kAdoption: return "matching_date";
    case FamilyPayKind::kBereavement: return "date_of_death";
    default: return "due_date";
  }
}

absl::StatusOr<FamilyLeaveRecord> RecordFamilyLeave(pqxx::work& tx, const TaxYears& years,
                                                    int64_t employee_id,
                                                    const FamilyLeaveRequest& request,
                                                    const std::string& actor) {
  if (!request.relevant_date) {
    return FieldError(RelevantDateField(request.kind),
                      dp::StrCat("is required for ", FamilyPayAbbreviation(request.kind),
                                 ": it fixes the qualifying week"));
  }
  if (!request.pay_start) return FieldError("pay_start", "is required: the first day of pay");
  if (!request.evidence_received) {
    return FieldError("evidence_received",
                      dp::StrCat(FamilyPayAbbreviation(request.kind), " needs ",
                                 Evidence(request.kind), " before it is paid: set it once held"));
  }
  if (request.average_weekly_earnings_pence &&
      (*request.average_weekly_earnings_pence < 0 ||
       *request.average_weekly_earnings_pence > bounds::kMaxPayPerPeriodPence)) {
    return FieldError("average_weekly_earnings_pence",
                      dp::StrCat("must be from 0 to £", FormatPence(bounds::kMaxPayPerPeriodPence)));
  }
  auto employee = GetEmployee(tx, employee_id);
  if (!employee.ok()) return employee.status();
  auto employer = GetEmployer(tx, employee->employer_id);
  if (!employer.ok()) return employer.status();
  FamilyPayClaim claim;
  claim.kind = request.kind;
  claim.relevant_date = *request.relevant_date;
  claim.pay_start = *request.pay_start;
  claim.weeks = request.weeks;
  claim.frequency = employer->frequency;
  claim.employment_start = employee->start_date;
  for (const auto& row : tx.exec_params(
           "SELECT r.payment_date, s.gross_pence FROM payroll.payslips s"
           " JOIN payroll.pay_runs r ON r.id = s.run_id"
           " WHERE s.employee_id = $1 AND r.status = 'posted'",
           employee_id)) {
    claim.earlier_pay.push_back({DayOf(row[0]), row[1].as<int64_t>()});
  }
  claim.average_weekly_earnings_before_pence = request.average_weekly_earnings_pence;
  auto decision = DecideFamilyPay(years, claim);
  if (!decision.ok()) return decision.status();
  const absl::CivilDay ends = claim.pay_start + 7 * claim.weeks;
  const pqxx::result overlap = tx.exec_params(
      "SELECT id, pay_start FROM payroll.family_leave WHERE employee_id = $1 AND kind = $2"
      " AND entitled AND pay_start < $4::date AND $3::date < pay_start + 7 * weeks",
      employee_id, std::string(FamilyPayKindName(claim.kind)),
      absl::FormatCivilTime(claim.pay_start), absl::FormatCivilTime(ends));
  if (!overlap.empty()) {
    return absl::FailedPreconditionError(dp::StrCat(
        "employee ", employee_id, " already has ", FamilyPayAbbreviation(claim.kind),
        " from ", overlap[0][1].c_str(), " (leave ", overlap[0][0].c_str(),
        ") over the same weeks"));
  }
  const pqxx::row row = tx.exec_params1(
      dp::StrCat("INSERT INTO payroll.family_leave (employee_id, kind, relevant_date, pay_start,"
                 " weeks, qualifying_week_start, average_weekly_earnings_pence, entitled, reason,"
                 " created_by) VALUES ($1, $2, $3::date, $4::date, $5, $6::date, $7, $8, $9, $10)"
                 " RETURNING ", kLeaveColumns),
      employee_id, std::string(FamilyPayKindName(claim.kind)),
      absl::FormatCivilTime(claim.relevant_date), absl::FormatCivilTime(claim.pay_start),
      claim.weeks, absl::FormatCivilTime(decision->qualifying_week_start),
      decision->average_weekly_earnings_pence, decision->entitled, decision->reason, actor);
  return LeaveFrom(row);
}

std::vector<FamilyLeaveRecord> FamilyLeaves(pqxx::transaction_base& tx, int64_t employee_id) {
  std::vector<FamilyLeaveRecord> out;
  for (const auto& row : tx.exec_params(
           dp::StrCat("SELECT ", kLeaveColumns, " FROM payroll.family_leave"
                      " WHERE employee_id = $1 ORDER BY pay_start DESC, id DESC LIMIT 100"),
           employee_id)) {
    out.push_back(LeaveFrom(row));
  }
  return out;
}

std::map<int64_t, std::vector<FamilyLeave>> FamilyLeavesOf(pqxx::transaction_base& tx,
                                                           const std::vector<int64_t>& ids) {
  std::map<int64_t, std::vector<FamilyLeave>> out;
  for (const auto& row : tx.exec_params(
           dp::StrCat("SELECT ", kLeaveColumns, " FROM payroll.family_leave"
                      " WHERE employee_id = ANY($1::bigint[]) AND entitled ORDER BY id"),
           db::IntArrayLiteral(ids))) {
    const FamilyLeaveRecord r = LeaveFrom(row);
    out[r.employee_id].push_back({r.kind, r.pay_start, r.weeks, r.average_weekly_earnings_pence});
  }
  return out;
}

absl::StatusOr<LeaverPay> LeaveEmployee(pqxx::work& tx, const TaxYears& years,
                                        const crypto::FieldCipher& cipher, int64_t employee_id,
                                        const LeaverRequest& request) {
  if (request.weeks_pay_pence &&
      (*request.weeks_pay_pence <= 0 || *request.weeks_pay_pence > bounds::kMaxPayPerPeriodPence)) {
    return FieldError("weeks_pay_pence", dp::StrCat("must be from £0.01 to £",
                                                    FormatPence(bounds::kMaxPayPerPeriodPence)));
  }
  if (request.notice_weeks && (*request.notice_weeks < 0 || *request.notice_weeks > 52)) {
    return FieldError("notice_weeks", "must be from 0 to 52");
  }
  auto employee = GetEmployee(tx, employee_id);
  if (!employee.ok()) return employee.status();
  if (employee->leave_date) {
    if (*employee->leave_date == request.leave_date) {
      LeaverPay stored;
      stored.notice_pay_pence = employee->notice_pay_pence;
      stored.redundancy_pence = employee->redundancy_pence;
      stored.explanation = employee->leaving_explanation;
      return stored;
    }
    return absl::FailedPreconditionError(dp::StrCat(
        "employee ", employee_id, " already left on ",
        absl::FormatCivilTime(*employee->leave_date), "; their P45 may have been issued"));
  }
  if (request.leave_date < employee->start_date) {
    return FieldError("leave_date", dp::StrCat(
        "", absl::FormatCivilTime(request.leave_date), " is before the start date ",
        absl::FormatCivilTime(employee->start_date)));
  }
  const pqxx::result later = tx.exec_params(
      "SELECT min(t.period_start) FROM payroll.timesheets t JOIN payroll.timesheet_entries x"
      " ON x.timesheet_id = t.id WHERE t.employee_id = $1 AND NOT t.superseded"
      " AND x.work_date > $2::date",
      employee_id, absl::FormatCivilTime(request.leave_date));
  if (!later[0][0].is_null()) {
    return absl::FailedPreconditionError(dp::StrCat(
        "employee ", employee_id, " has hours recorded after ",
        absl::FormatCivilTime(request.leave_date), " (timesheet for the period from ",
        later[0][0].c_str(), "); correct it first"));
  }
  auto year = years.ForDate(absl::FormatCivilTime(request.leave_date));
  if (!year.ok()) return year.status();
  LeaverClaim claim;
  claim.employment_start = employee->start_date;
  claim.leave_date = request.leave_date;
  claim.notice_in_lieu = request.notice_in_lieu;
  claim.notice_weeks = request.notice_weeks;
  claim.redundancy = request.redundancy;
  claim.weeks_pay_pence = request.weeks_pay_pence.value_or(
      WeeksPay(PaidPeriods(tx, employee_id), request.leave_date).value_or(0));
  if (request.redundancy) {
    auto person = people::GetPerson(tx, cipher, employee->person_id);
    if (!person.ok()) return person.status();
    if (person->date_of_birth.empty() ||
        !absl::ParseCivilTime(person->date_of_birth, &claim.date_of_birth)) {
      return Refusal(absl::StatusCode::kFailedPrecondition, reason::kMissingDateOfBirth,
                     dp::StrCat("employee ", employee_id, " has no readable date of birth: "
                                "redundancy pay depends on age; record it first"),
                     {{"employee_id", std::to_string(employee_id)}});
    }
  }
  auto pay = LeaverFinalPay(**year, claim);
  if (!pay.ok()) return pay.status();
  tx.exec_params("UPDATE payroll.employees SET leave_date = $2::date, notice_pay_pence = $3,"
                 " redundancy_pence = $4, leaving_explanation = $5 WHERE id = $1",
                 employee_id, absl::FormatCivilTime(request.leave_date), pay->notice_pay_pence,
                 pay->redundancy_pence, pay->explanation);
  return *pay;
}

}  // namespace dp::payroll
