#include "payroll_leave_commands.h"

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "call.h"
#include "channel.h"
#include "base/strings.h"
#include "dp/v1/payroll.grpc.pb.h"
#include "money/money.h"

namespace dpctl {

std::string NewRequestId();  // main.cc

namespace {

namespace v1 = dp::v1;

struct LeaveFlags {
  std::string request_id, date, kind, relevant, from, weeks_pay, average, tax_year, authority;
  std::string to_dir = ".";
  int64_t employee = 0, employer = 0;
  int weeks = 0, notice_weeks = -1;
  bool notice_in_lieu = false, redundancy = false, evidence = false;
} f;

std::function<Output()> out;

std::unique_ptr<v1::PayrollService::Stub> Payroll(const std::string& address) {
  return v1::PayrollService::NewStub(MakeChannel(address));
}

// DateFlag reads a date flag, saying which one and what it should look
// like when it is not a date.
bool DateFlag(const std::string& text, const char* flag, v1::Date* out, int& exit_code) {
  if (ParseDate(text, out)) return true;
  std::cerr << "dpctl: " << flag << " must be a date such as 2026-12-01\n";
  exit_code = 2;
  return false;
}

// PenceFlag reads an amount flag such as 600.00.
bool PenceFlag(const std::string& text, const char* flag, int64_t* out, int& exit_code) {
  auto pence = dp::ParsePence(text);
  if (pence.ok()) {
    *out = *pence;
    return true;
  }
  std::cerr << "dpctl: " << flag << ": " << pence.status().message() << "\n";
  exit_code = 2;
  return false;
}

std::string Id() { return f.request_id.empty() ? NewRequestId() : f.request_id; }

}  // namespace

void AddPayrollLeaveCommands(CLI::App* payroll, int& exit_code, const std::string& address,
                             std::function<Output()> make_output) {
  out = std::move(make_output);

  CLI::App* leave = payroll->add_subcommand(
      "leave", "record a PA's last day, with notice and redundancy pay for the final pay");
  leave->add_option("--employee", f.employee, "employee id")->required();
  leave->add_option("--date", f.date, "last day of employment")->required();
  leave->add_flag("--notice-in-lieu", f.notice_in_lieu, "pay the notice rather than work it");
  leave->add_option("--notice-weeks", f.notice_weeks,
                    "the contract's notice (default: the statutory minimum)");
  leave->add_flag("--redundancy", f.redundancy, "statutory redundancy pay, by age and service");
  leave->add_option("--weeks-pay", f.weeks_pay,
                    "a week's pay, e.g. 600.00 (default: the 12 weeks before leaving)");
  leave->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  leave->callback([&exit_code, &address] {
    v1::LeaveEmployeeRequest req;
    req.set_request_id(Id());
    req.set_employee_id(f.employee);
    if (!DateFlag(f.date, "--date", req.mutable_leave_date(), exit_code)) return;
    req.set_notice_in_lieu(f.notice_in_lieu);
    if (f.notice_weeks >= 0) req.set_notice_weeks(f.notice_weeks);
    req.set_redundancy(f.redundancy);
    if (!f.weeks_pay.empty()) {
      int64_t pence = 0;
      if (!PenceFlag(f.weeks_pay, "--weeks-pay", &pence, exit_code)) return;
      req.set_weeks_pay_pence(pence);
    }
    v1::Employee e;
    exit_code = Call(kPayroll, "recording the leave date",
      [&](grpc::ClientContext* c) { return Payroll(address)->LeaveEmployee(c, req, &e); });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(e);
    out().KeyValues({{"employee", std::to_string(e.employee_id())}, {"name", e.name()},
                     {"left", DateText(e.leave_date())},
                     {"notice pay", Pounds(e.notice_pay_pence(), "GBP")},
                     {"redundancy pay", Pounds(e.redundancy_pence(), "GBP")},
                     {"why", e.leaving_explanation()},
                     {"next", "run the pay period holding the leave date; then dpctl payroll "
                              "document p45 --employee " + std::to_string(e.employee_id())}});
  });

  CLI::App* family = payroll->add_subcommand(
      "family-leave", "record maternity, paternity, adoption, shared parental or bereavement "
                      "leave; the decision on its pay says why");
  family->add_option("--employee", f.employee, "employee id")->required();
  family->add_option("--kind", f.kind, "maternity, paternity, adoption, shared-parental or "
                                       "bereavement")
      ->check(CLI::IsMember({"maternity", "paternity", "adoption", "shared-parental",
                             "bereavement"}))
      ->required();
  family->add_option("--date", f.relevant,
                     "the due date (birth), matching date (adoption) or date of death")
      ->required();
  family->add_option("--from", f.from, "the first day of pay")->required();
  family->add_option("--weeks", f.weeks, "weeks of pay")->required();
  family->add_flag("--evidence", f.evidence,
                   "the MATB1, matching certificate or the PA's declaration is held");
  family->add_option("--average-weekly", f.average,
                     "average weekly earnings, e.g. 600.00, when 8 weeks' pay here does not show "
                     "them");
  family->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  family->callback([&exit_code, &address] {
    v1::RecordFamilyLeaveRequest req;
    req.set_request_id(Id());
    req.set_employee_id(f.employee);
    const std::pair<const char*, v1::FamilyLeaveKind> kinds[] = {
        {"maternity", v1::FAMILY_LEAVE_KIND_MATERNITY},
        {"paternity", v1::FAMILY_LEAVE_KIND_PATERNITY},
        {"adoption", v1::FAMILY_LEAVE_KIND_ADOPTION},
        {"shared-parental", v1::FAMILY_LEAVE_KIND_SHARED_PARENTAL},
        {"bereavement", v1::FAMILY_LEAVE_KIND_BEREAVEMENT}};
    for (const auto& [name, kind] : kinds) {
      if (f.kind == name) req.set_kind(kind);
    }
    v1::Date* relevant = req.kind() == v1::FAMILY_LEAVE_KIND_ADOPTION ? req.mutable_matching_date()
                         : req.kind() == v1::FAMILY_LEAVE_KIND_BEREAVEMENT
                             ? req.mutable_date_of_death()
                             : req.mutable_due_date();
    if (!DateFlag(f.relevant, "--date", relevant, exit_code) ||
        !DateFlag(f.from, "--from", req.mutable_pay_start(), exit_code)) {
      return;
    }
    req.set_weeks(f.weeks);
    req.set_evidence_received(f.evidence);
    if (!f.average.empty()) {
      int64_t pence = 0;
      if (!PenceFlag(f.average, "--average-weekly", &pence, exit_code)) return;
      req.set_average_weekly_earnings_pence(pence);
    }
    v1::FamilyLeave leave;
    exit_code = Call(kPayroll, "recording the family leave",
      [&](grpc::ClientContext* c) { return Payroll(address)->RecordFamilyLeave(c, req, &leave); });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(leave);
    out().KeyValues({{"leave", std::to_string(leave.leave_id())},
                     {"employee", std::to_string(leave.employee_id())},
                     {"qualifying week from", DateText(leave.qualifying_week_start())},
                     {"average weekly earnings", Pounds(leave.average_weekly_earnings_pence(), "GBP")},
                     {"entitled", leave.entitled() ? "yes" : "no"},
                     {"decision", leave.reason()}});
  });

  CLI::App* leaves = payroll->add_subcommand(
      "family-leaves", "a PA's statutory family leave, with each decision in words");
  leaves->add_option("--employee", f.employee, "employee id")->required();
  leaves->callback([&exit_code, &address] {
    v1::ListFamilyLeaveRequest req;
    req.set_employee_id(f.employee);
    v1::ListFamilyLeaveResponse list;
    exit_code = Call(kPayroll, "listing the family leave",
      [&](grpc::ClientContext* c) { return Payroll(address)->ListFamilyLeave(c, req, &list); });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(list);
    std::vector<std::vector<std::string>> rows;
    for (const v1::FamilyLeave& l : list.leave()) {
      std::string kind = v1::FamilyLeaveKind_Name(l.kind()).substr(sizeof("FAMILY_LEAVE_KIND_") - 1);
      for (char& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      rows.push_back({std::to_string(l.leave_id()), kind, DateText(l.pay_start()),
                      std::to_string(l.weeks()), l.entitled() ? "yes" : "no", l.reason()});
    }
    out().Table({"LEAVE", "KIND", "FROM", "WEEKS", "ENTITLED", "DECISION"}, rows);
  });

  CLI::App* opt_out = payroll->add_subcommand(
      "pension-opt-out", "record that a PA opted out of the pension scheme (re-enrolment "
                         "brings them back after 3 years)");
  opt_out->add_option("--employee", f.employee, "employee id")->required();
  opt_out->add_option("--date", f.date, "the day they opted out")->required();
  opt_out->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  opt_out->callback([&exit_code, &address] {
    v1::RecordPensionOptOutRequest req;
    req.set_request_id(Id());
    req.set_employee_id(f.employee);
    if (!DateFlag(f.date, "--date", req.mutable_opted_out_on(), exit_code)) return;
    v1::Employee e;
    exit_code = Call(kPayroll, "recording the opt-out",
      [&](grpc::ClientContext* c) { return Payroll(address)->RecordPensionOptOut(c, req, &e); });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(e);
    out().KeyValues({{"employee", std::to_string(e.employee_id())}, {"name", e.name()},
                     {"opted out", DateText(e.pension_opted_out_on())}});
  });

  CLI::App* year_end = payroll->add_subcommand(
      "year-end", "write every PA's P60 for a tax year, for an employer, an authority, or (as a "
                  "bureau, naming neither) the whole book, showing progress");
  year_end->add_option("--tax-year", f.tax_year, "e.g. 2026-27")->required();
  year_end->add_option("--employer", f.employer, "one employer's PAs");
  year_end->add_option("--authority", f.authority, "or every employer of the authority you run");
  year_end->add_option("--to", f.to_dir, "folder to write the P60s into")->capture_default_str();
  year_end->callback([&exit_code, &address] {
    v1::YearEndRequest req;
    req.set_tax_year(f.tax_year);
    req.set_employer_id(f.employer);
    req.set_authority_id(f.authority);
    std::error_code ec;
    std::filesystem::create_directories(f.to_dir, ec);
    int written = 0, skipped = 0;
    std::vector<std::vector<std::string>> rows;
    exit_code = Call(kPayroll, "writing the year's P60s", [&](grpc::ClientContext*) {
      // A whole book takes longer than one call's usual deadline.
      auto context = Context(std::chrono::hours(2));
      auto stream = Payroll(address)->YearEnd(context.get(), req);
      v1::YearEndItem item;
      while (stream->Read(&item)) {
        std::string where = "-";
        if (item.skipped().empty()) {
          where = (std::filesystem::path(f.to_dir) / item.p60().file_name()).string();
          std::ofstream file(where, std::ios::binary);
          file << item.p60().content();
          if (!file.flush()) {
            context->TryCancel();
            return grpc::Status(grpc::StatusCode::ABORTED, "could not write " + where);
          }
          ++written;
        } else {
          ++skipped;
        }
        rows.push_back({std::to_string(item.employer_id()), std::to_string(item.employee_id()),
                        item.skipped().empty() ? where : "skipped: " + item.skipped()});
        std::cerr << "\rP60s: " << item.done() << "/" << item.total() << std::flush;
      }
      std::cerr << "\n";
      return stream->Finish();
    });
    if (exit_code != 0) return;
    if (out().json()) {
      std::cout << "{\"written\":" << written << ",\"skipped\":" << skipped << ",\"folder\":\""
                << f.to_dir << "\"}\n";
      return;
    }
    out().Table({"EMPLOYER", "PA", "P60"}, rows);
    std::cout << "\n" << written << " P60s written to " << f.to_dir
              << (skipped ? dp::StrCat(", ", skipped, " skipped") : std::string()) << "\n";
  });
}

}  // namespace dpctl
