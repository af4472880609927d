#include "payroll/books/pay_run.h"

#include <algorithm>
#include <map>
#include <optional>

#include "base/bounds.h"
#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "db/sql.h"
#include "ledger/writer.h"
#include "payroll/books/book_rows.h"
#include "payroll/books/leave.h"
#include "people/person_store.h"

namespace dp::payroll {
namespace {

using rows::DayOf;
using rows::DetailJson;
using rows::ReadDetail;

constexpr size_t kMaxRequests = 20000;          // bounds one call: a national run is 10,000
constexpr int kMaxEmployeesPerEmployer = 1000;  // bounds one employer's run
// Sick days and pay this far back can still link into a period's sickness
// (a PIW series, average weekly earnings): 28 weeks of SSP plus 8 weeks.
constexpr int kHistoryDays = 36 * 7;

// AgeOn is the age on `day` of someone born on `date_of_birth`; nothing
// when the date is missing or unreadable: a PA's age decides their NI
// category and auto-enrolment, so it is never guessed.
std::optional<int> AgeOn(const std::string& date_of_birth, absl::CivilDay day) {
  absl::CivilDay born;
  if (date_of_birth.empty() || !absl::ParseCivilTime(date_of_birth, &born) || born > day) {
    return std::nullopt;
  }
  int age = static_cast<int>(day.year() - born.year());
  if (day.month() < born.month() || (day.month() == born.month() && day.day() < born.day())) --age;
  return age;
}

// Job is one request on its way through the run.
struct Job {
  const RunRequest* request = nullptr;
  absl::Status status;        // refused, when not ok
  int64_t existing_run = 0;   // already posted, returned as it is
  Employer employer;
  const TaxYear* year = nullptr;
  int period = 0;
  int runs_before = 0;  // names the ledger posting of a correction apart
  int64_t replaces_run = 0, replaces_txn = 0;
  int64_t allowance_left_pence = 0;
  bool small_employer = true;  // recovers family pay at the small employers' rate
  std::vector<StoredPayslip> slips;
  int64_t cost = 0, net = 0, hmrc = 0, pension = 0;
  int64_t run_id = 0;

  bool Active() const { return status.ok() && existing_run == 0; }
  void Refuse(absl::Status s) {
    if (status.ok()) status = std::move(s);
  }
};

// Sheet is one employee's timesheet for a job's period.
struct Sheet {
  int64_t id = 0;
  size_t job = 0;
  Employee employee;
  Timesheet timesheet;
};

std::string Days(const std::vector<absl::CivilDay>& days) {
  std::vector<std::string> text;
  for (absl::CivilDay d : days) text.push_back(absl::FormatCivilTime(d));
  return db::TextArrayLiteral(text);
}

// Plan validates the requests and picks each one's tax year.
std::vector<Job> Plan(const TaxYears& years, const std::vector<RunRequest>& requests) {
  std::vector<Job> jobs(requests.size());
  std::map<int64_t, size_t> seen;
  for (size_t i = 0; i < requests.size(); ++i) {
    Job& job = jobs[i];
    const RunRequest& r = requests[i];
    job.request = &r;
    if (r.period_end < r.period_start) {
      job.Refuse(FieldError("period_end", "must not be before period_start"));
    } else if (r.period_end - r.period_start + 1 > bounds::kMaxPayPeriodDays) {
      job.Refuse(FieldError("period_end", dp::StrCat("makes a pay period of ",
                                                     r.period_end - r.period_start + 1,
                                                     " days; a pay period is at most a month")));
    } else if (r.payment_date < r.period_start - 31 || r.payment_date > r.period_end + 31) {
      job.Refuse(FieldError("payment_date",
          "must be within a month of the pay period"));
    } else if (r.correction && r.reason.empty()) {
      job.Refuse(FieldError("reason", "is required for a correction"));
    } else if (!seen.emplace(r.employer_id, i).second) {
      job.Refuse(absl::InvalidArgumentError(
          dp::StrCat("employer ", r.employer_id, " is asked to run twice in one batch")));
    }
    auto year = years.ForDate(absl::FormatCivilTime(r.payment_date));
    if (!year.ok()) {
      job.Refuse(year.status());
    } else {
      job.year = *year;
    }
  }
  return jobs;
}

std::vector<int64_t> ActiveEmployerIds(const std::vector<Job>& jobs) {
  std::vector<int64_t> ids;
  for (const Job& j : jobs) {
    if (j.Active()) ids.push_back(j.request->employer_id);
  }
  return ids;
}

std::map<int64_t, size_t> JobsByEmployer(const std::vector<Job>& jobs) {
  std::map<int64_t, size_t> by_employer;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].Active()) by_employer.emplace(jobs[i].request->employer_id, i);
  }
  return by_employer;
}

std::string YearNames(const std::vector<Job>& jobs) {
  std::vector<std::string> names;
  for (const Job& j : jobs) {
    if (j.year) names.push_back(j.year->name);
  }
  return db::TextArrayLiteral(names);
}

// LockEmployers locks the employers in id order: two runs of one employer
// at once must not both post, and concurrent batches must not deadlock.
void LockEmployers(pqxx::work& tx, std::vector<Job>& jobs) {
  auto by_employer = JobsByEmployer(jobs);
  for (const auto& row :
       tx.exec_params(dp::StrCat("SELECT ", rows::kEmployerColumns,
                                 " FROM payroll.employers WHERE id = ANY($1::bigint[])"
                                 " ORDER BY id FOR UPDATE"),
                      db::IntArrayLiteral(ActiveEmployerIds(jobs)))) {
    Job& job = jobs[by_employer.at(row[0].as<int64_t>())];
    job.employer = rows::EmployerFrom(row);
    job.period = PeriodNumber(*job.year, job.employer.frequency, job.request->payment_date);
  }
  for (Job& job : jobs) {
    if (job.Active() && job.employer.id == 0) {
      job.Refuse(absl::NotFoundError(
          dp::StrCat("employer ", job.request->employer_id, " does not exist")));
    }
  }
}

// FindEarlierRuns finds each job's posted run of the same period: returned
// as it is, or, for a correction, the run to replace.
void FindEarlierRuns(pqxx::work& tx, std::vector<Job>& jobs) {
  auto by_employer = JobsByEmployer(jobs);
  for (const auto& row : tx.exec_params(
           "SELECT employer_id, tax_year, period, id, transaction_id, status"
           " FROM payroll.pay_runs WHERE employer_id = ANY($1::bigint[])"
           " AND tax_year = ANY($2::text[])",
           db::IntArrayLiteral(ActiveEmployerIds(jobs)), YearNames(jobs))) {
    Job& job = jobs[by_employer.at(row[0].as<int64_t>())];
    if (row[1].as<std::string>() != job.year->name || row[2].as<int>() != job.period) continue;
    ++job.runs_before;
    if (row[5].as<std::string>() != "posted") continue;
    if (job.request->correction) {
      job.replaces_run = row[3].as<int64_t>();
      job.replaces_txn = row[4].as<int64_t>();
    } else {
      job.existing_run = row[3].as<int64_t>();
    }
  }
  for (Job& job : jobs) {
    if (job.Active() && job.request->correction && job.replaces_run == 0) {
      job.Refuse(absl::FailedPreconditionError(
          "there is no posted run of this period to correct"));
    }
  }
}

std::vector<Sheet> LoadSheets(pqxx::work& tx, std::vector<Job>& jobs) {
  std::vector<int64_t> employer_ids;
  std::vector<absl::CivilDay> starts, ends;
  for (const Job& j : jobs) {
    if (!j.Active()) continue;
    employer_ids.push_back(j.employer.id);
    starts.push_back(j.request->period_start);
    ends.push_back(j.request->period_end);
  }
  auto by_employer = JobsByEmployer(jobs);
  std::vector<Sheet> sheets;
  auto add = [&](const pqxx::row& row) {
    Sheet sheet;
    sheet.employee = rows::EmployeeFrom(row, 1);
    // A PA paid with no timesheet has a sheet of their own, never a real id.
    sheet.id = row[0].is_null() ? -sheet.employee.id : row[0].as<int64_t>();
    sheet.job = by_employer.at(sheet.employee.employer_id);
    const RunRequest& r = *jobs[sheet.job].request;
    sheet.timesheet = {r.period_start, r.period_end, {}, {}};
    sheets.push_back(std::move(sheet));
  };
  for (const auto& row : tx.exec_params(
           dp::StrCat("SELECT t.id, ", rows::kEmployeeColumns,
                      " FROM unnest($1::bigint[], $2::date[]) q(employer_id, period_start)"
                      " JOIN payroll.employees e ON e.employer_id = q.employer_id"
                      " JOIN payroll.timesheets t ON t.employee_id = e.id"
                      " AND t.period_start = q.period_start AND NOT t.superseded"),
           db::IntArrayLiteral(employer_ids), Days(starts))) {
    add(row);
  }
  // Paid without a timesheet: a PA on statutory family leave in the period,
  // and a leaver whose last day falls in it (their final pay).
  for (const auto& row : tx.exec_params(
           dp::StrCat("SELECT NULL::bigint, ", rows::kEmployeeColumns,
                      " FROM unnest($1::bigint[], $2::date[], $3::date[])"
                      "  q(employer_id, period_start, period_end)"
                      " JOIN payroll.employees e ON e.employer_id = q.employer_id"
                      " WHERE NOT EXISTS (SELECT 1 FROM payroll.timesheets t"
                      "  WHERE t.employee_id = e.id AND t.period_start = q.period_start"
                      "  AND NOT t.superseded)"
                      " AND (e.leave_date BETWEEN q.period_start AND q.period_end"
                      "  OR EXISTS (SELECT 1 FROM payroll.family_leave f WHERE f.employee_id = e.id"
                      "   AND f.entitled AND f.pay_start <= q.period_end"
                      "   AND f.pay_start + 7 * f.weeks > q.period_start))"),
           db::IntArrayLiteral(employer_ids), Days(starts), Days(ends))) {
    add(row);
  }
  std::sort(sheets.begin(), sheets.end(), [](const Sheet& a, const Sheet& b) {
    return std::pair(a.job, a.employee.id) < std::pair(b.job, b.employee.id);
  });
  std::map<int64_t, size_t> sheet_of_id;
  for (size_t i = 0; i < sheets.size(); ++i) sheet_of_id[sheets[i].id] = i;
  std::vector<int64_t> sheet_ids;
  std::map<size_t, int> per_job;
  for (const Sheet& s : sheets) {
    sheet_ids.push_back(s.id);
    ++per_job[s.job];
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!jobs[i].Active()) continue;
    if (per_job[i] == 0) {
      jobs[i].Refuse(absl::FailedPreconditionError(dp::StrCat(
          "no timesheets for employer ", jobs[i].employer.id, " for the period starting ",
          absl::FormatCivilTime(jobs[i].request->period_start), "; submit them first")));
    } else if (per_job[i] > kMaxEmployeesPerEmployer) {
      jobs[i].Refuse(absl::FailedPreconditionError(dp::StrCat(
          "employer ", jobs[i].employer.id, " has more than ", kMaxEmployeesPerEmployer,
          " timesheets in one period")));
    }
  }
  for (const auto& row : tx.exec_params(
           "SELECT timesheet_id, work_date, rate_type, hours_centi FROM payroll.timesheet_entries"
           " WHERE timesheet_id = ANY($1::bigint[]) ORDER BY timesheet_id, line",
           db::IntArrayLiteral(sheet_ids))) {
    sheets[sheet_of_id.at(row[0].as<int64_t>())].timesheet.entries.push_back(
        {DayOf(row[1]), *ParseRateType(row[2].as<std::string>()), row[3].as<int64_t>()});
  }
  return sheets;
}

// History is what earlier periods contribute to an employee's payslip.
struct History {
  std::vector<absl::CivilDay> sick_days;  // from every current timesheet
  std::map<int64_t, std::vector<int64_t>> sheet_sick_rows;
  struct Paid {
    std::string tax_year;
    int period;
    absl::CivilDay payment_date;
    int64_t gross, tax;
    int64_t holiday_accrued_centi, holiday_taken_centi;
    int64_t employee_ni, employee_pension, loans, ssp;
  };
  std::vector<Paid> paid;
  struct Loan {
    LoanPlan plan;
    absl::CivilDay starts;
    std::optional<absl::CivilDay> stops;  // the first payment date with no deduction
  };
  std::vector<Loan> loans;
  std::vector<TaxCodeNotice> codes;  // in effective order
  std::vector<FamilyLeave> leaves;   // entitled statutory family leave
};

std::map<int64_t, History> LoadHistory(pqxx::work& tx, std::vector<Sheet>& sheets) {
  std::map<int64_t, History> history;
  if (sheets.empty()) return history;
  std::vector<int64_t> employee_ids;
  absl::CivilDay earliest = sheets.front().timesheet.period_start;
  std::map<int64_t, size_t> sheet_of_id;
  for (size_t i = 0; i < sheets.size(); ++i) {
    employee_ids.push_back(sheets[i].employee.id);
    earliest = std::min(earliest, sheets[i].timesheet.period_start);
    sheet_of_id[sheets[i].id] = i;
  }
  const std::string since = absl::FormatCivilTime(earliest - kHistoryDays);
  for (const auto& row : tx.exec_params(
           "SELECT t.employee_id, a.absence_date, a.timesheet_id"
           " FROM payroll.timesheet_absences a JOIN payroll.timesheets t ON t.id = a.timesheet_id"
           " WHERE t.employee_id = ANY($1::bigint[]) AND NOT t.superseded"
           " AND a.absence_date >= $2::date ORDER BY a.absence_date",
           db::IntArrayLiteral(employee_ids), since)) {
    const auto sheet = sheet_of_id.find(row[2].as<int64_t>());
    if (sheet != sheet_of_id.end()) {
      sheets[sheet->second].timesheet.sick_days.push_back(DayOf(row[1]));
    } else {
      history[row[0].as<int64_t>()].sick_days.push_back(DayOf(row[1]));
    }
  }
  for (const auto& row : tx.exec_params(
           "SELECT s.employee_id, r.tax_year, r.period, r.payment_date, s.gross_pence,"
           " s.tax_pence, (s.detail->>'holiday_accrued_centi_hours')::bigint,"
           " coalesce((s.detail->>'holiday_taken_centi_hours')::bigint,"
           "  (s.detail->'hours_centi'->>3)::bigint),"
           " s.employee_ni_pence, s.employee_pension_pence,"
           " s.student_loan_pence + s.postgraduate_loan_pence, s.ssp_pence + coalesce((SELECT"
           "  sum(v::bigint) FROM jsonb_array_elements_text(s.detail->'family_pay_pence') v),"
           "  0)::bigint"
           " FROM payroll.payslips s JOIN payroll.pay_runs r ON r.id = s.run_id"
           " WHERE s.employee_id = ANY($1::bigint[]) AND r.status = 'posted'",
           db::IntArrayLiteral(employee_ids))) {
    history[row[0].as<int64_t>()].paid.push_back(
        {row[1].as<std::string>(), row[2].as<int>(), DayOf(row[3]), row[4].as<int64_t>(),
         row[5].as<int64_t>(), row[6].as<int64_t>(), row[7].as<int64_t>(), row[8].as<int64_t>(),
         row[9].as<int64_t>(), row[10].as<int64_t>(), row[11].as<int64_t>()});
  }
  for (auto& [id, loans] : StudentLoansOf(tx, employee_ids)) {
    for (const StudentLoan& l : loans) history[id].loans.push_back({l.plan, l.starts, l.stops});
  }
  for (auto& [id, codes] : TaxCodeNoticesOf(tx, employee_ids)) history[id].codes = std::move(codes);
  for (auto& [id, leaves] : FamilyLeavesOf(tx, employee_ids)) history[id].leaves = std::move(leaves);
  return history;
}

// LoadAllowance sets what is left of each claiming employer's Employment
// Allowance for the year, before this period.
void LoadAllowance(pqxx::work& tx, std::vector<Job>& jobs) {
  for (Job& j : jobs) {
    if (j.Active() && j.employer.claims_employment_allowance) {
      j.allowance_left_pence = j.year->employment_allowance_pence;
    }
  }
  auto by_employer = JobsByEmployer(jobs);
  for (const auto& row : tx.exec_params(
           "SELECT r.employer_id, r.tax_year, r.period,"
           " sum(s.employment_allowance_pence)::bigint FROM payroll.pay_runs r"
           " JOIN payroll.payslips s ON s.run_id = r.id WHERE r.employer_id = ANY($1::bigint[])"
           " AND r.status = 'posted' AND r.tax_year = ANY($2::text[]) GROUP BY 1, 2, 3",
           db::IntArrayLiteral(ActiveEmployerIds(jobs)), YearNames(jobs))) {
    Job& job = jobs[by_employer.at(row[0].as<int64_t>())];
    if (row[1].as<std::string>() == job.year->name && row[2].as<int>() != job.period) {
      job.allowance_left_pence -= row[3].as<int64_t>();
    }
  }
}

// YearBefore names the tax year before `year`: "2025-26" for 2026-27.
std::string YearBefore(const TaxYear& year) {
  const int first = static_cast<int>(year.first_day.year()) - 1;
  return dp::StrCat(first, "-", (first + 1) % 100 < 10 ? "0" : "", (first + 1) % 100);
}

// LoadSmallEmployers decides which employers recover family pay at the
// small employers' rate: Class 1 NI (both shares, before the Employment
// Allowance) of the tax year before at most the year's limit. A new
// employer, with no year before here, is small.
void LoadSmallEmployers(pqxx::work& tx, std::vector<Job>& jobs) {
  auto by_employer = JobsByEmployer(jobs);
  std::vector<std::string> previous;
  for (const Job& j : jobs) {
    if (j.year) previous.push_back(YearBefore(*j.year));
  }
  for (const auto& row : tx.exec_params(
           "SELECT r.employer_id, r.tax_year, sum(s.employee_ni_pence + s.employer_ni_pence"
           " + s.employment_allowance_pence)::bigint FROM payroll.pay_runs r"
           " JOIN payroll.payslips s ON s.run_id = r.id WHERE r.employer_id = ANY($1::bigint[])"
           " AND r.status = 'posted' AND r.tax_year = ANY($2::text[]) GROUP BY 1, 2",
           db::IntArrayLiteral(ActiveEmployerIds(jobs)), db::TextArrayLiteral(previous))) {
    Job& job = jobs[by_employer.at(row[0].as<int64_t>())];
    if (row[1].as<std::string>() != YearBefore(*job.year)) continue;
    job.small_employer =
        row[2].as<int64_t>() <= job.year->family_pay.small_employer_ni_limit_pence;
  }
}

absl::StatusOr<PayslipInput> InputFor(const TaxYears& years, const Job& job, const Sheet& sheet,
                                      const History& history, const people::Person* person) {
  const RunRequest& r = *job.request;
  const Employee& e = sheet.employee;
  const std::optional<int> age =
      person != nullptr ? AgeOn(person->date_of_birth, r.payment_date) : std::nullopt;
  if (!age.has_value()) {
    return Refusal(absl::StatusCode::kFailedPrecondition, reason::kMissingDateOfBirth,
                   dp::StrCat("employee ", e.id, " has no readable date of birth: record it "
                              "before they are paid (it decides their NI category and "
                              "pension enrolment)"),
                   {{"employee_id", std::to_string(e.id)}});
  }
  PayslipInput in;
  in.frequency = job.employer.frequency;
  in.payment_date = r.payment_date;
  const TaxCodeNotice code = CodeInForce(e, history.codes, r.payment_date, job.year);
  in.tax_code = code.tax_code;
  in.week1_month1 = code.week1_month1;
  in.ni_category = e.ni_category;
  in.age_years = *age;
  in.pension_member = e.pension_member;
  in.pension_opted_out = e.pension_opted_out && !ReEnrolled(e, job.employer, r.payment_date);
  in.pension_postponed_until = e.pension_postponed_until;
  in.holiday_accrual = e.holiday_accrual;
  in.rates = e.rates;
  in.timesheet = sheet.timesheet;
  // A P45 from a previous employment counts only in the tax year the PA
  // started with us.
  if (InTaxYear(*job.year, e.start_date)) {
    in.taxable_pay_to_date_pence = e.previous_pay_pence;
    in.tax_paid_to_date_pence = e.previous_tax_pence;
  }
  for (const History::Paid& p : history.paid) {
    if (p.tax_year == job.year->name && p.period < job.period) {
      in.taxable_pay_to_date_pence += p.gross;
      in.tax_paid_to_date_pence += p.tax;
      in.employee_ni_to_date_pence += p.employee_ni;
      in.employee_pension_to_date_pence += p.employee_pension;
      in.loans_to_date_pence += p.loans;
      in.statutory_pay_to_date_pence += p.ssp;
    }
    if (p.payment_date < r.payment_date) {
      in.earlier_pay.push_back({p.payment_date, p.gross});
      in.holiday_balance_before_centi_hours += p.holiday_accrued_centi - p.holiday_taken_centi;
    }
  }
  for (absl::CivilDay d : history.sick_days) {
    if (d < r.period_start) in.earlier_sick_days.push_back(d);
  }
  in.qualifying_days_per_week = e.qualifying_days_per_week;
  in.employment_start = e.start_date;
  in.average_weekly_earnings_before_pence = e.average_weekly_earnings_before_pence;
  in.employment_allowance_remaining_pence = job.allowance_left_pence;
  // A leaver's final pay includes the holiday they have not taken, and
  // their notice and redundancy pay.
  in.pay_holiday_balance = e.leave_date && *e.leave_date <= r.period_end;
  if (e.leave_date && *e.leave_date >= r.period_start && *e.leave_date <= r.period_end) {
    in.notice_pay_pence = e.notice_pay_pence;
    in.redundancy_pence = e.redundancy_pence;
  }
  for (const FamilyLeave& leave : history.leaves) {
    auto due = FamilyPayForPeriod(years, leave, r.period_start, r.period_end);
    if (!due.ok()) return due.status();
    in.family_pay_pence[static_cast<int>(leave.kind)] += *due;
  }
  in.small_employer_relief = job.small_employer;
  for (const History::Loan& loan : history.loans) {
    if (loan.starts <= r.payment_date && (!loan.stops || r.payment_date < *loan.stops)) {
      in.loan_plans.push_back(loan.plan);
    }
  }
  return in;
}

void Compute(const TaxYears& years, std::vector<Job>& jobs, const std::vector<Sheet>& sheets,
             const std::map<int64_t, History>& history,
             const std::map<int64_t, people::Person>& people,
             const std::function<void(size_t, size_t)>& progress) {
  static const History kNone;
  size_t done = 0;
  for (size_t i = 0; i < sheets.size(); ++i) {
    const Sheet& sheet = sheets[i];
    Job& job = jobs[sheet.job];
    if (!job.Active()) continue;
    const auto h = history.find(sheet.employee.id);
    const auto person = people.find(sheet.employee.person_id);
    const auto in = InputFor(years, job, sheet, h == history.end() ? kNone : h->second,
                             person == people.end() ? nullptr : &person->second);
    if (!in.ok()) {
      job.Refuse(in.status());
      continue;
    }
    auto slip = ComputePayslip(*job.year, *in);
    if (!slip.ok()) {
      job.Refuse(absl::Status(slip.status().code(),
                              dp::StrCat("employee ", sheet.employee.id, ": ",
                                         std::string(slip.status().message()))));
      continue;
    }
    // Both sides of the posting: what the employer pays is what the PA,
    // HMRC and the pension scheme receive. Student loans go to HMRC with
    // the PAYE; recovered family pay is kept back from it.
    const int64_t to_hmrc = slip->ToHmrcPence();
    DP_CHECK_EQ(slip->EmployerCost(), slip->net_pence + to_hmrc + slip->employee_pension_pence +
                                          slip->employer_pension_pence);
    job.allowance_left_pence -= slip->employment_allowance_pence;
    job.cost += slip->EmployerCost();
    job.net += slip->net_pence;
    job.hmrc += to_hmrc;
    job.pension += slip->employee_pension_pence + slip->employer_pension_pence;
    job.slips.push_back({sheet.employee.id,
                         person == people.end() ? "" : person->second.display_name,
                         in->tax_code, sheet.employee.ni_category, *slip});
    const bool last_of_job = i + 1 == sheets.size() || sheets[i + 1].job != sheet.job;
    if (last_of_job && progress) progress(++done, jobs.size());
  }
  DP_CHECK(std::all_of(jobs.begin(), jobs.end(), [](const Job& j) {
    return !j.Active() || j.cost == j.net + j.hmrc + j.pension;
  }));
}

// Correct reverses each corrected run's posting and marks it replaced.
void Correct(pqxx::work& tx, std::vector<Job>& jobs, const std::string& actor) {
  for (Job& job : jobs) {
    if (!job.Active() || job.replaces_run == 0) continue;
    ledger::ReverseTransaction reverse;
    reverse.idem = ledger::ServiceIdempotency(dp::StrCat("payroll:reverse:", job.replaces_run),
                                              "reverse");
    reverse.transaction_id = job.replaces_txn;
    reverse.reason = dp::StrCat("Payroll correction: ", job.request->reason);
    reverse.created_by = actor;
    auto reversal = ledger::ApplyOne(tx, reverse);
    if (!reversal.ok()) {
      job.Refuse(reversal.status());
      continue;
    }
    tx.exec_params("UPDATE payroll.pay_runs SET status = 'replaced', reversal_transaction_id = $2"
                   " WHERE id = $1",
                   job.replaces_run, *reversal);
  }
}

ledger::NewTransaction Posting(const Job& job, const std::string& actor) {
  const Employer& e = job.employer;
  ledger::NewTransaction txn;
  txn.idem = ledger::ServiceIdempotency(
      dp::StrCat("payroll:run:", e.id, ":", job.year->name, ":", job.period, ":", job.runs_before),
      dp::StrCat(job.cost, "/", job.net, "/", job.hmrc, "/", job.pension));
  txn.kind = "pay_run";
  txn.description = dp::StrCat(e.name, " payroll, ", job.year->name, " period ", job.period,
                               job.replaces_run ? " (correction)" : "");
  txn.created_by = actor;
  rows::Leg(txn.postings, e.cost_account_id, ledger::Side::kDebit, job.cost);
  rows::Leg(txn.postings, e.wages_account_id, ledger::Side::kCredit, job.net);
  rows::Leg(txn.postings, e.hmrc_account_id, ledger::Side::kCredit, job.hmrc);
  rows::Leg(txn.postings, e.pension_account_id, ledger::Side::kCredit, job.pension);
  return txn;
}

// Post writes every computed run's ledger transaction in one batch, then
// its pay run and payslips, each in one statement.
void Post(pqxx::work& tx, std::vector<Job>& jobs, const std::string& actor) {
  std::vector<ledger::WriteOp> ops;
  std::vector<size_t> job_of_op;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!jobs[i].Active()) continue;
    ops.push_back(Posting(jobs[i], actor));
    job_of_op.push_back(i);
  }
  if (ops.empty()) return;
  const auto results = ledger::ApplyWrites(tx, ops);
  std::string runs_sql =
      "INSERT INTO payroll.pay_runs (employer_id, tax_year, period, period_start, period_end,"
      " payment_date, status, transaction_id, replaces_run_id, reason, created_by) VALUES ";
  bool any = false;
  for (size_t k = 0; k < results.size(); ++k) {
    Job& job = jobs[job_of_op[k]];
    if (!results[k].ok()) {
      job.Refuse(results[k].status());
      continue;
    }
    const RunRequest& r = *job.request;
    dp::StrAppend(&runs_sql, any ? "," : "", "(", job.employer.id, ",", tx.quote(job.year->name),
                  ",", job.period, ",", tx.quote(absl::FormatCivilTime(r.period_start)), ",",
                  tx.quote(absl::FormatCivilTime(r.period_end)), ",",
                  tx.quote(absl::FormatCivilTime(r.payment_date)), ",'posted',", results[k]->id,
                  ",nullif(", job.replaces_run, "::bigint, 0),",
                  tx.quote(r.reason.empty() ? std::string("scheduled run") : r.reason), ",",
                  tx.quote(actor), ")");
    any = true;
  }
  if (!any) return;
  auto by_employer = JobsByEmployer(jobs);
  for (const auto& row : tx.exec(runs_sql + " RETURNING id, employer_id")) {
    jobs[by_employer.at(row[1].as<int64_t>())].run_id = row[0].as<int64_t>();
  }
  std::string slips_sql =
      "INSERT INTO payroll.payslips (run_id, employee_id, gross_pence, tax_pence,"
      " employee_ni_pence, employer_ni_pence, employment_allowance_pence,"
      " employee_pension_pence, employer_pension_pence, net_pence, taxable_pay_to_date_pence,"
      " tax_paid_to_date_pence, tax_code, ni_category, ssp_pence, student_loan_pence,"
      " postgraduate_loan_pence, redundancy_pence, detail) VALUES ";
  bool first = true;
  for (const Job& job : jobs) {
    if (!job.Active()) continue;
    for (const StoredPayslip& p : job.slips) {
      const Payslip& s = p.payslip;
      dp::StrAppend(&slips_sql, first ? "" : ",", "(", job.run_id, ",", p.employee_id, ",",
                    s.gross_pence, ",", s.tax_pence, ",", s.employee_ni_pence, ",",
                    s.employer_ni_pence, ",", s.employment_allowance_pence, ",",
                    s.employee_pension_pence, ",", s.employer_pension_pence, ",", s.net_pence,
                    ",", s.taxable_pay_to_date_pence, ",", s.tax_paid_to_date_pence, ",",
                    tx.quote(p.tax_code), ",", tx.quote(p.ni_category), ",", s.ssp_pence, ",",
                    s.student_loan_pence, ",", s.postgraduate_loan_pence, ",",
                    s.redundancy_pence, ",", tx.quote(DetailJson(s)), "::jsonb)");
      first = false;
    }
  }
  tx.exec(slips_sql);
}

}  // namespace

std::vector<absl::StatusOr<int64_t>> RunPayrolls(
    pqxx::work& tx, const TaxYears& years, const crypto::FieldCipher& cipher,
    const std::vector<RunRequest>& requests, const std::string& actor,
    const std::function<void(size_t, size_t)>& progress) {
  std::vector<Job> jobs = Plan(years, requests);
  if (requests.size() > kMaxRequests) {
    for (Job& j : jobs) {
      j.Refuse(absl::InvalidArgumentError(
          dp::StrCat("at most ", kMaxRequests, " employers run in one call")));
    }
  }
  LockEmployers(tx, jobs);
  FindEarlierRuns(tx, jobs);
  std::vector<Sheet> sheets = LoadSheets(tx, jobs);
  const std::map<int64_t, History> history = LoadHistory(tx, sheets);
  LoadAllowance(tx, jobs);
  LoadSmallEmployers(tx, jobs);
  std::vector<int64_t> person_ids;
  for (const Sheet& s : sheets) person_ids.push_back(s.employee.person_id);
  auto people = people::GetPersons(tx, cipher, person_ids);
  if (!people.ok()) {
    for (Job& j : jobs) j.Refuse(people.status());
  }
  Compute(years, jobs, sheets, history, people.ok() ? *people : std::map<int64_t, people::Person>{},
          progress);
  Correct(tx, jobs, actor);
  Post(tx, jobs, actor);

  std::vector<absl::StatusOr<int64_t>> out;
  out.reserve(jobs.size());
  for (const Job& job : jobs) {
    if (!job.status.ok()) {
      out.push_back(job.status);
    } else {
      DP_CHECK(job.existing_run != 0 || job.run_id != 0);
      out.push_back(job.existing_run ? job.existing_run : job.run_id);
    }
  }
  return out;
}

absl::StatusOr<int64_t> RunPayroll(pqxx::work& tx, const TaxYears& years,
                                   const crypto::FieldCipher& cipher, const RunRequest& request,
                                   const std::string& actor) {
  return RunPayrolls(tx, years, cipher, {request}, actor).front();
}

absl::StatusOr<PayRun> GetPayRun(pqxx::transaction_base& tx, const crypto::FieldCipher& cipher,
                                 int64_t run_id) {
  const pqxx::result r = tx.exec_params(
      "SELECT employer_id, tax_year, period, period_start, period_end, payment_date, status,"
      " transaction_id, coalesce(replaces_run_id, 0) FROM payroll.pay_runs WHERE id = $1",
      run_id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("pay run ", run_id, " does not exist"));
  PayRun run;
  run.id = run_id;
  run.employer_id = r[0][0].as<int64_t>();
  run.tax_year = r[0][1].as<std::string>();
  run.period = r[0][2].as<int>();
  run.period_start = DayOf(r[0][3]);
  run.period_end = DayOf(r[0][4]);
  run.payment_date = DayOf(r[0][5]);
  run.status = r[0][6].as<std::string>();
  run.transaction_id = r[0][7].as<int64_t>();
  run.replaces_run_id = r[0][8].as<int64_t>();
  const pqxx::result slips = tx.exec_params(
      "SELECT s.employee_id, e.person_id, coalesce(s.tax_code, e.tax_code),"
      " coalesce(s.ni_category, e.ni_category), s.gross_pence, s.tax_pence,"
      " s.employee_ni_pence, s.employer_ni_pence, s.employment_allowance_pence,"
      " s.employee_pension_pence, s.employer_pension_pence, s.net_pence,"
      " s.taxable_pay_to_date_pence, s.tax_paid_to_date_pence, s.ssp_pence, s.detail,"
      " s.student_loan_pence, s.postgraduate_loan_pence, s.redundancy_pence"
      " FROM payroll.payslips s JOIN payroll.employees e ON e.id = s.employee_id"
      " WHERE s.run_id = $1 ORDER BY s.employee_id",
      run_id);
  std::vector<int64_t> person_ids;
  for (const auto& row : slips) person_ids.push_back(row[1].as<int64_t>());
  auto people = people::GetPersons(tx, cipher, person_ids);
  if (!people.ok()) return people.status();
  for (const auto& row : slips) {
    StoredPayslip p;
    p.employee_id = row[0].as<int64_t>();
    const auto person = people->find(row[1].as<int64_t>());
    if (person != people->end()) p.employee_name = person->second.display_name;
    p.tax_code = row[2].as<std::string>();
    p.ni_category = row[3].as<std::string>();
    Payslip& s = p.payslip;
    s.tax_year = run.tax_year;
    s.period = run.period;
    s.gross_pence = row[4].as<int64_t>();
    s.tax_pence = row[5].as<int64_t>();
    s.employee_ni_pence = row[6].as<int64_t>();
    s.employer_ni_pence = row[7].as<int64_t>();
    s.employment_allowance_pence = row[8].as<int64_t>();
    s.employee_pension_pence = row[9].as<int64_t>();
    s.employer_pension_pence = row[10].as<int64_t>();
    s.net_pence = row[11].as<int64_t>();
    s.taxable_pay_to_date_pence = row[12].as<int64_t>();
    s.tax_paid_to_date_pence = row[13].as<int64_t>();
    s.ssp_pence = row[14].as<int64_t>();
    ReadDetail(row[15].as<std::string>(), s);
    s.student_loan_pence = row[16].as<int64_t>();
    s.postgraduate_loan_pence = row[17].as<int64_t>();
    s.redundancy_pence = row[18].as<int64_t>();
    run.payslips.push_back(std::move(p));
  }
  return run;
}

}  // namespace dp::payroll
