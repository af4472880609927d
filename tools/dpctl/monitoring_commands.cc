#include "monitoring_commands.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "call.h"
#include "channel.h"
#include "base/sha256.h"
#include "dp/v1/monitoring.grpc.pb.h"

namespace dpctl {

std::string NewRequestId();  // main.cc

namespace {

namespace v1 = dp::v1;
using google::protobuf::FieldDescriptor;

struct Flags {
  std::string address, request_id, authority, reason, note, decision, due, amount, from, to, as_of,
      format = "csv", out_file;
  int64_t seed = 0;
  int sample = 0;
  int64_t id = 0, agreement = 0;
  int share = 200;
  bool full = false, open = false, closed = false, all = false;
  std::vector<std::string> sets;
} f;

std::function<Output()> out;
int* exit_code = nullptr;

std::unique_ptr<v1::MonitoringService::Stub> Stub() {
  return v1::MonitoringService::NewStub(MakeChannel(f.address));
}

std::string RequestId() { return f.request_id.empty() ? NewRequestId() : f.request_id; }


std::string TierText(v1::Tier t) { return Lower(v1::Tier_Name(t), "TIER_"); }

void UsageError(const std::string& message) {
  std::cerr << "dpctl: " << message << "\n";
  *exit_code = 2;
}

void FindingRows(const google::protobuf::RepeatedPtrField<v1::Finding>& findings) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& x : findings) {
    rows.push_back({std::to_string(x.finding_id()), std::to_string(x.agreement_id()), x.check(),
                    Lower(v1::FindingState_Name(x.state()), "FINDING_STATE_") +
                        (x.outcome().empty() ? "" : " (" + x.outcome() + ")"),
                    Gbp(x.amount()), std::to_string(x.case_id()), x.summary()});
  }
  out().Table({"FINDING", "AGREEMENT", "CHECK", "STATE", "AMOUNT", "CASE", "SUMMARY"}, rows);
}

void PrintCase(const v1::ReviewCase& c) {
  if (out().json()) return out().Json(c);
  out().KeyValues({{"case", std::to_string(c.case_id())},
                   {"agreement", std::to_string(c.agreement_id())},
                   {"state", Lower(v1::CaseState_Name(c.state()), "CASE_STATE_")},
                   {"opened", Rfc3339(c.opened_at().seconds())},
                   {"information due", DateText(c.information_due())}});
  FindingRows(c.findings());
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : c.events()) {
    std::string what = e.decision() == v1::CASE_DECISION_UNSPECIFIED
                           ? "note"
                           : Lower(v1::CaseDecision_Name(e.decision()), "CASE_DECISION_");
    if (e.has_amount()) what += " " + Gbp(e.amount());
    if (e.has_due_date()) what += " by " + DateText(e.due_date());
    if (e.transaction_id() > 0) what += " (ledger transaction " + std::to_string(e.transaction_id()) + ")";
    rows.push_back({Rfc3339(e.at().seconds()), e.by(), what, e.text()});
  }
  if (!rows.empty()) out().Table({"AT", "BY", "WHAT", "WORDS"}, rows);
}

// ApplySets changes settings fields named in "name=value" pairs: whole
// numbers, words, or pounds for the money fields.
bool ApplySets(v1::MonitoringSettings* s) {
  const auto* d = s->GetDescriptor();
  const auto* r = s->GetReflection();
  for (const std::string& pair : f.sets) {
    const size_t eq = pair.find('=');
    const FieldDescriptor* field = eq == std::string::npos ? nullptr : d->FindFieldByName(pair.substr(0, eq));
    if (field == nullptr || field->name() == "authority_id" || field->name() == "version" ||
        field->name() == "effective_from") {
      UsageError("--set " + pair + ": expected name=value with a settings field name, such as "
                 "surplus_weeks=6 (see `dpctl monitoring settings show`)");
      return false;
    }
    const std::string value = pair.substr(eq + 1);
    if (field->type() == FieldDescriptor::TYPE_INT32) {
      char* end = nullptr;
      const long n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || n < -1000000 || n > 1000000) {
        UsageError("--set " + pair + ": " + field->name() + " is a whole number");
        return false;
      }
      r->SetInt32(s, field, static_cast<int32_t>(n));
    } else if (field->type() == FieldDescriptor::TYPE_STRING) {
      r->SetString(s, field, value);
    } else if (!MoneyFlag(value, "--set " + field->name(),
                          static_cast<v1::Money*>(r->MutableMessage(s, field)))) {
      *exit_code = 2;
      return false;
    }
  }
  return true;
}

void PrintSettings(const v1::MonitoringSettings& s) {
  if (out().json()) return out().Json(s);
  std::vector<std::pair<std::string, std::string>> pairs;
  const auto* d = s.GetDescriptor();
  const auto* r = s.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* field = d->field(i);
    std::string value;
    if (field->type() == FieldDescriptor::TYPE_INT32) value = std::to_string(r->GetInt32(s, field));
    else if (field->type() == FieldDescriptor::TYPE_STRING) value = r->GetString(s, field);
    else if (field->message_type() == v1::Money::descriptor()) value = Gbp(static_cast<const v1::Money&>(r->GetMessage(s, field)));
    else value = DateText(static_cast<const v1::Date&>(r->GetMessage(s, field)));
    pairs.emplace_back(field->name(), value);
  }
  out().KeyValues(pairs);
}

// CurrentSettings reads the settings in force, for `set` and `preview` to change.
bool CurrentSettings(v1::MonitoringSettings* s) {
  v1::GetMonitoringSettingsRequest req;
  req.set_authority_id(f.authority);
  *exit_code = Call(kMonitoring, "reading the monitoring settings", [&](grpc::ClientContext* c) {
    return Stub()->GetMonitoringSettings(c, req, s);
  });
  return *exit_code == 0;
}

void AddSettingsCommands(CLI::App* monitoring) {
  CLI::App* settings = monitoring->add_subcommand("settings", "an authority's monitoring settings");
  settings->require_subcommand(1);
  CLI::App* show = settings->add_subcommand("show", "the settings in force");
  show->add_option("--authority", f.authority, "authority id")->required();
  show->add_option("--as-of", f.as_of, "YYYY-MM-DD (default today)");
  show->callback([] {
    v1::GetMonitoringSettingsRequest req;
    req.set_authority_id(f.authority);
    if (!f.as_of.empty() && !ParseDate(f.as_of, req.mutable_as_of())) {
      return UsageError("--as-of must be a date such as 2026-12-01");
    }
    *exit_code = CallAndPrint<v1::MonitoringSettings>(
        kMonitoring, "reading the monitoring settings",
        [&](grpc::ClientContext* c, v1::MonitoringSettings* r) {
          return Stub()->GetMonitoringSettings(c, req, r);
        },
        PrintSettings);
  });
  CLI::App* preview = settings->add_subcommand(
      "preview", "what changed settings would do to every active agreement's tier");
  preview->add_option("--authority", f.authority, "authority id")->required();
  preview->add_option("--set", f.sets, "name=value, e.g. enhanced_from_points=4 (repeat)")->required();
  preview->callback([] {
    v1::PreviewMonitoringSettingsRequest req;
    if (!CurrentSettings(req.mutable_settings()) || !ApplySets(req.mutable_settings())) return;
    *exit_code = CallAndPrint<v1::SettingsPreview>(
        kMonitoring, "previewing the settings",
        [&](grpc::ClientContext* c, v1::SettingsPreview* r) {
          return Stub()->PreviewMonitoringSettings(c, req, r);
        },
        [](const v1::SettingsPreview& p) {
          if (out().json()) return out().Json(p);
          out().Table({"TIER", "NOW", "WITH THE CHANGE"},
                      {{"light", std::to_string(p.light_before()), std::to_string(p.light_after())},
                       {"standard", std::to_string(p.standard_before()), std::to_string(p.standard_after())},
                       {"enhanced", std::to_string(p.enhanced_before()), std::to_string(p.enhanced_after())}});
          std::vector<std::vector<std::string>> rows;
          for (const auto& c : p.changes()) {
            rows.push_back({std::to_string(c.agreement_id()), TierText(c.from()) + " (" +
                            std::to_string(c.points_from()) + ")", TierText(c.to()) + " (" +
                            std::to_string(c.points_to()) + ")"});
          }
          if (!rows.empty()) out().Table({"AGREEMENT", "FROM", "TO"}, rows);
        });
  });
  CLI::App* set = settings->add_subcommand("set", "record changed settings from a date");
  set->add_option("--authority", f.authority, "authority id")->required();
  set->add_option("--from", f.from, "in force from, YYYY-MM-DD")->required();
  set->add_option("--set", f.sets, "name=value, e.g. surplus_weeks=6 (repeat)")->required();
  set->add_option("--reason", f.reason, "why the settings change")->required();
  set->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  set->callback([] {
    v1::SetMonitoringSettingsRequest req;
    req.set_request_id(RequestId());
    req.set_reason(f.reason);
    if (!CurrentSettings(req.mutable_settings()) || !ApplySets(req.mutable_settings())) return;
    if (!ParseDate(f.from, req.mutable_settings()->mutable_effective_from())) {
      return UsageError("--from must be a date such as 2027-04-01");
    }
    *exit_code = CallAndPrint<v1::MonitoringSettings>(
        kMonitoring, "recording the monitoring settings",
        [&](grpc::ClientContext* c, v1::MonitoringSettings* r) {
          return Stub()->SetMonitoringSettings(c, req, r);
        },
        PrintSettings);
  });
}

void AddCaseCommands(CLI::App* monitoring) {
  CLI::App* cases = monitoring->add_subcommand("cases", "review cases of an authority or agreement");
  cases->add_option("--authority", f.authority, "authority id");
  cases->add_option("--agreement", f.agreement, "agreement id");
  cases->add_flag("--open", f.open, "open cases only");
  cases->add_flag("--all", f.all, "every page");
  cases->callback([] {
    v1::ListCasesRequest req;
    req.set_authority_id(f.authority);
    req.set_agreement_id(f.agreement);
    if (f.open) req.set_state(v1::CASE_STATE_OPEN);
    v1::ListCasesResponse all;
    *exit_code = CallPages(kMonitoring, "listing cases", req, f.all, &all,
                           [&](grpc::ClientContext* c, const v1::ListCasesRequest& r,
                               v1::ListCasesResponse* p) { return Stub()->ListCases(c, r, p); });
    if (*exit_code != 0) return;
    if (out().json()) return out().Json(all);
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : all.cases()) {
      std::string checks;
      for (const auto& x : c.findings()) checks += (checks.empty() ? "" : ", ") + x.check();
      rows.push_back({std::to_string(c.case_id()), std::to_string(c.agreement_id()),
                      Lower(v1::CaseState_Name(c.state()), "CASE_STATE_"),
                      Rfc3339(c.opened_at().seconds()), checks,
                      c.events().empty() ? "-" : c.events().rbegin()->text()});
    }
    out().Table({"CASE", "AGREEMENT", "STATE", "OPENED", "FINDINGS", "LATEST"}, rows);
    if (!all.next_page_token().empty()) std::cerr << "dpctl: more cases: --all lists every page\n";
  });
  CLI::App* one = monitoring->add_subcommand("case", "a review case: its findings, notes and decisions");
  one->add_option("id", f.id, "case id")->required();
  one->callback([] {
    v1::GetCaseRequest req;
    req.set_case_id(f.id);
    *exit_code = CallAndPrint<v1::ReviewCase>(
        kMonitoring, "reading the case",
        [&](grpc::ClientContext* c, v1::ReviewCase* r) { return Stub()->GetCase(c, req, r); }, PrintCase);
  });
  CLI::App* note = monitoring->add_subcommand("note", "record a conversation in a case");
  note->add_option("id", f.id, "case id")->required();
  note->add_option("--note", f.note, "what was said, and with whom")->required();
  note->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  note->callback([] {
    v1::AddCaseNoteRequest req;
    req.set_request_id(RequestId());
    req.set_case_id(f.id);
    req.set_note(f.note);
    *exit_code = CallAndPrint<v1::ReviewCase>(
        kMonitoring, "recording the note",
        [&](grpc::ClientContext* c, v1::ReviewCase* r) { return Stub()->AddCaseNote(c, req, r); },
        PrintCase);
  });
  CLI::App* decide = monitoring->add_subcommand("decide", "decide a case, with the reason the person reads");
  decide->add_option("id", f.id, "case id")->required();
  decide->add_option("--decision", f.decision, "no_action, request_information, agree_plan, recover, suspend")
      ->required()
      ->check(CLI::IsMember({"no_action", "request_information", "agree_plan", "recover", "suspend"}));
  decide->add_option("--reason", f.reason, "why, in plain words (the person reads it)")->required();
  decide->add_option("--due", f.due, "request_information: due date, YYYY-MM-DD (default 28 days)");
  decide->add_option("--amount", f.amount, "recover: pounds, e.g. 1200.00");
  decide->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  decide->callback([] {
    v1::DecideCaseRequest req;
    req.set_request_id(RequestId());
    req.set_case_id(f.id);
    std::string upper = "CASE_DECISION_";
    for (char x : f.decision) upper += static_cast<char>(std::toupper(x));
    v1::CaseDecision decision = v1::CASE_DECISION_UNSPECIFIED;
    (void)v1::CaseDecision_Parse(upper, &decision);  // checked by CLI::IsMember above
    req.set_decision(decision);
    req.set_reason(f.reason);
    if (!f.due.empty() && !ParseDate(f.due, req.mutable_due_date())) {
      return UsageError("--due must be a date such as 2026-12-30");
    }
    if (!f.amount.empty() && !MoneyFlag(f.amount, "--amount", req.mutable_amount())) {
      *exit_code = 2;
      return;
    }
    *exit_code = CallAndPrint<v1::ReviewCase>(
        kMonitoring, "recording the decision",
        [&](grpc::ClientContext* c, v1::ReviewCase* r) { return Stub()->DecideCase(c, req, r); },
        PrintCase);
  });
}

void AddAgreementCommands(CLI::App* monitoring) {
  CLI::App* sweep = monitoring->add_subcommand(
      "sweep", "check an authority's agreements now (only those with new activity, unless --full)");
  sweep->add_option("--authority", f.authority, "authority id")->required();
  sweep->add_flag("--full", f.full, "check every active agreement");
  sweep->add_option("--share", f.share, "agreements a call")->check(CLI::Range(1, 1000))
      ->capture_default_str();
  sweep->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  sweep->callback([] {
    const std::string base = RequestId();
    v1::SweepReport total;
    int64_t after = 0;
    constexpr int kMaxShares = 100000;
    for (int share = 0; share < kMaxShares; ++share) {
      v1::SweepRequest req;
      req.set_request_id(base + ":" + std::to_string(after));
      req.set_authority_id(f.authority);
      req.set_full(f.full);
      req.set_after_agreement_id(after);
      req.set_max_agreements(f.share);
      v1::SweepReport part;
      *exit_code = Call(kMonitoring, "sweeping", [&](grpc::ClientContext* c) {
        return Stub()->Sweep(c, req, &part);
      });
      if (*exit_code != 0) return;
      total.set_authority_id(part.authority_id());
      total.set_agreements(part.agreements());
      total.set_checked(total.checked() + part.checked());
      total.set_unchanged(total.unchanged() + part.unchanged());
      total.set_findings_opened(total.findings_opened() + part.findings_opened());
      total.set_cases_opened(total.cases_opened() + part.cases_opened());
      total.set_tier_changes(total.tier_changes() + part.tier_changes());
      total.set_elapsed_ms(total.elapsed_ms() + part.elapsed_ms());
      std::cerr << "dpctl: swept " << total.checked() + total.unchanged() << " of "
                << part.agreements() << " agreements (" << total.findings_opened()
                << " findings so far)\n";
      if (part.done() || part.last_agreement_id() == after) break;
      after = part.last_agreement_id();
    }
    total.set_done(true);
    total.set_last_agreement_id(after);
    if (out().json()) return out().Json(total);
    out().KeyValues({{"authority", total.authority_id()},
                     {"active agreements", std::to_string(total.agreements())},
                     {"checked", std::to_string(total.checked())},
                     {"unchanged since today's check", std::to_string(total.unchanged())},
                     {"findings opened", std::to_string(total.findings_opened())},
                     {"cases opened", std::to_string(total.cases_opened())},
                     {"tier changes", std::to_string(total.tier_changes())},
                     {"took", std::to_string(total.elapsed_ms()) + " ms"}});
  });
  CLI::App* show = monitoring->add_subcommand("show", "an agreement's tier, why, and its findings");
  show->add_option("agreement", f.agreement, "agreement id")->required();
  show->callback([] {
    v1::GetAgreementMonitoringRequest req;
    req.set_agreement_id(f.agreement);
    *exit_code = CallAndPrint<v1::AgreementMonitoring>(
        kMonitoring, "reading the agreement's monitoring",
        [&](grpc::ClientContext* c, v1::AgreementMonitoring* r) {
          return Stub()->GetAgreementMonitoring(c, req, r);
        },
        [](const v1::AgreementMonitoring& m) {
          if (out().json()) return out().Json(m);
          out().KeyValues({{"agreement", std::to_string(m.agreement_id())},
                           {"tier", TierText(m.tier()) + " (" + std::to_string(m.points()) + " points)"},
                           {"next review by", DateText(m.next_review_due())},
                           {"may be asked for", m.evidence()},
                           {"settings", m.settings_version()},
                           {"checked", Rfc3339(m.checked_at().seconds())}});
          std::vector<std::vector<std::string>> rows;
          for (const auto& x : m.factors()) rows.push_back({x.name(), std::to_string(x.points()), x.words()});
          if (!rows.empty()) out().Table({"FACTOR", "POINTS", "THE PERSON READS"}, rows);
          if (!m.findings().empty()) FindingRows(m.findings());
        });
  });
  CLI::App* findings = monitoring->add_subcommand("findings", "findings of an authority or agreement");
  findings->add_option("--authority", f.authority, "authority id");
  findings->add_option("--agreement", f.agreement, "agreement id");
  findings->add_flag("--open", f.open, "open findings only");
  findings->add_flag("--closed", f.closed, "closed findings only");
  findings->add_flag("--all", f.all, "every page");
  findings->callback([] {
    v1::ListFindingsRequest req;
    req.set_authority_id(f.authority);
    req.set_agreement_id(f.agreement);
    if (f.open) req.set_state(v1::FINDING_STATE_OPEN);
    if (f.closed) req.set_state(v1::FINDING_STATE_CLOSED);
    v1::ListFindingsResponse all;
    *exit_code = CallPages(kMonitoring, "listing findings", req, f.all, &all,
                           [&](grpc::ClientContext* c, const v1::ListFindingsRequest& r,
                               v1::ListFindingsResponse* p) { return Stub()->ListFindings(c, r, p); });
    if (*exit_code != 0) return;
    if (out().json()) return out().Json(all);
    FindingRows(all.findings());
    if (!all.next_page_token().empty()) std::cerr << "dpctl: more findings: --all lists every page\n";
  });
}

// The bank statement, sent a chunk at a time so that a long file shows
// progress and no request nears gRPC's message limit.
void AddBankCommands(CLI::App* monitoring) {
  static int chunk = 500;
  CLI::App* bank = monitoring->add_subcommand("bank", "bank returns of bank-paid agreements");
  bank->require_subcommand(1);
  CLI::App* import = bank->add_subcommand("import", "import a bank statement (CSV, header first)");
  import->add_option("--agreement", f.agreement, "agreement id")->required();
  import->add_option("file", f.out_file, "the CSV statement")->required()->check(CLI::ExistingFile);
  import->add_option("--chunk", chunk, "lines a call")->check(CLI::Range(1, 1000))->capture_default_str();
  import->add_option("--request-id", f.request_id, "idempotency key (default: from the file's content)");
  import->callback([] {
    std::ifstream in(f.out_file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line) && lines.size() < 1'000'000;) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(std::move(line));
    }
    if (lines.size() < 2) return UsageError(f.out_file + ": a header line and at least one line are needed");
    const std::string name = f.out_file.substr(f.out_file.rfind('/') + 1);
    // The same file again is the same requests: nothing changes.
    std::string all;
    for (const auto& l : lines) all += l + "\n";
    const std::string base = f.request_id.empty()
                                 ? "bank-" + std::to_string(f.agreement) + "-" + dp::Sha256Hex(all).substr(0, 32)
                                 : f.request_id;
    v1::BankImportReport total;
    std::map<std::string, int64_t> categories;
    for (size_t at = 1; at < lines.size(); at += static_cast<size_t>(chunk)) {
      v1::ImportBankStatementRequest req;
      req.set_request_id(base + ":" + std::to_string(at + 1));
      req.set_agreement_id(f.agreement);
      req.set_file_name(name);
      req.set_header(lines[0]);
      req.set_first_line(static_cast<int>(at) + 1);
      for (size_t i = at; i < std::min(lines.size(), at + static_cast<size_t>(chunk)); ++i) {
        req.add_lines(lines[i]);
      }
      v1::BankImportReport part;
      *exit_code = Call(kMonitoring, "importing the statement", [&](grpc::ClientContext* c) {
        return Stub()->ImportBankStatement(c, req, &part);
      });
      if (*exit_code != 0) return;
      total.set_lines(total.lines() + part.lines());
      total.set_imported(total.imported() + part.imported());
      total.set_already_imported(total.already_imported() + part.already_imported());
      total.set_matched(total.matched() + part.matched());
      total.set_blocked(total.blocked() + part.blocked());
      total.mutable_problems()->MergeFrom(part.problems());
      total.mutable_expected_not_seen()->MergeFrom(part.expected_not_seen());
      for (const auto& c : part.by_category()) categories[c.category()] += c.amount().amount_pence();
      std::cerr << "dpctl: " << name << ": lines " << at + 1 << " to "
                << std::min(lines.size(), at + static_cast<size_t>(chunk)) << " of " << lines.size()
                << "\n";
    }
    for (const auto& [category, pence] : categories) {
      auto* c = total.add_by_category();
      c->set_category(category);
      c->mutable_amount()->set_amount_pence(pence);
      c->mutable_amount()->set_currency("GBP");
    }
    if (out().json()) return out().Json(total);
    out().KeyValues({{"lines", std::to_string(total.lines())},
                     {"imported", std::to_string(total.imported())},
                     {"imported before", std::to_string(total.already_imported())},
                     {"matched to the books", std::to_string(total.matched())},
                     {"in blocked categories", std::to_string(total.blocked())},
                     {"problems", std::to_string(total.problems_size())}});
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : total.by_category()) rows.push_back({c.category(), Gbp(c.amount())});
    if (!rows.empty()) out().Table({"CATEGORY", "AMOUNT"}, rows);
    rows.clear();
    for (const auto& p : total.problems()) rows.push_back({std::to_string(p.line()), p.detail()});
    if (!rows.empty()) out().Table({"LINE", "PROBLEM"}, rows);
    rows.clear();
    for (const auto& e : total.expected_not_seen()) {
      rows.push_back({DateText(e.date()), e.kind(), e.ref(), Gbp(e.amount())});
    }
    if (!rows.empty()) out().Table({"EXPECTED ON", "KIND", "WHAT", "AMOUNT (NOT ON THE STATEMENT)"}, rows);
  });
}

void AddReportCommands(CLI::App* monitoring) {
  CLI::App* report = monitoring->add_subcommand(
      "report", "an authority's auditor report for a period, as of an instant");
  report->add_option("--authority", f.authority, "authority id")->required();
  report->add_option("--from", f.from, "period start, YYYY-MM-DD")->required();
  report->add_option("--to", f.to, "period end, YYYY-MM-DD (inclusive)")->required();
  report->add_option("--as-of", f.as_of,
                     "the instant, e.g. 2026-12-02T05:40:00.123456Z (default: the settled horizon now)");
  report->add_option("--seed", f.seed, "the sample's seed (default: from the instant)");
  report->add_option("--sample", f.sample, "transactions in the sample (default 25, at most 500)");
  report->add_option("--format", f.format, "csv, xlsx or pdf")
      ->check(CLI::IsMember({"csv", "xlsx", "pdf"}))
      ->capture_default_str();
  report->add_option("--out", f.out_file, "file to write (default: the report's own name)");
  report->callback([] {
    v1::GetAuditorReportRequest req;
    req.set_authority_id(f.authority);
    if (!ParseDate(f.from, req.mutable_period_start()) || !ParseDate(f.to, req.mutable_period_end())) {
      return UsageError("--from and --to must be dates such as 2026-04-01");
    }
    if (!f.as_of.empty()) {
      int64_t micros = 0;
      if (!ParseInstant(f.as_of, &micros)) {
        return UsageError("--as-of must be an instant such as 2026-12-02T05:40:00.123456Z");
      }
      req.mutable_as_of()->set_seconds(micros / 1000000);
      req.mutable_as_of()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
    }
    req.set_seed(f.seed);
    req.set_sample_size(f.sample);
    req.set_format(f.format == "xlsx"  ? v1::REPORT_FORMAT_XLSX
                   : f.format == "pdf" ? v1::REPORT_FORMAT_PDF
                                       : v1::REPORT_FORMAT_CSV);
    v1::AuditorReport r;
    *exit_code = Call(kMonitoring, "making the report", [&](grpc::ClientContext* c) {
      return Stub()->GetAuditorReport(c, req, &r);
    });
    if (*exit_code != 0) return;
    const std::string file = f.out_file.empty() ? r.file_name() : f.out_file;
    std::ofstream o(file, std::ios::binary);
    o << r.content();
    if (!o.good()) {
      std::cerr << "dpctl: could not write " << file << "\n";
      *exit_code = 1;
      return;
    }
    const std::string as_of = InstantText(r.as_of().seconds() * 1000000 + r.as_of().nanos() / 1000);
    if (out().json()) {
      r.clear_content();
      return out().Json(r);
    }
    out().KeyValues({{"written", file + " (" + std::to_string(r.content().size()) + " bytes)"},
                     {"sha256", r.sha256()},
                     {"csv sha256", r.csv_sha256()},
                     {"as of", as_of},
                     {"seed", std::to_string(r.seed())},
                     {"audit head", r.audit_head()},
                     {"the same again", "dpctl monitoring report --authority " + f.authority +
                                            " --from " + f.from + " --to " + f.to + " --as-of " +
                                            as_of + " --seed " + std::to_string(r.seed()) +
                                            " --sample " + std::to_string(r.sample_size())},
                     {"verify later", f.format == "csv"
                                          ? "dpctl monitoring verify-report " + file
                                          : "dpctl monitoring verify-report with the CSV of the same "
                                            "report (--format csv)"}});
  });
  CLI::App* verify = monitoring->add_subcommand(
      "verify-report", "recompute a CSV auditor report from the books and say what differs");
  verify->add_option("file", f.out_file, "the CSV report")->required()->check(CLI::ExistingFile);
  verify->callback([] {
    std::ifstream in(f.out_file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    v1::VerifyAuditorReportRequest req;
    req.set_content(text.str());
    v1::ReportVerification v;
    *exit_code = Call(kMonitoring, "verifying the report", [&](grpc::ClientContext* c) {
      return Stub()->VerifyAuditorReport(c, req, &v);
    });
    if (*exit_code != 0) return;
    if (out().json()) {
      out().Json(v);
    } else {
      out().KeyValues({{"report", v.matches() ? "matches the books" : "DOES NOT MATCH the books"},
                       {"sha256 of the file", v.sha256_given()},
                       {"sha256 now", v.sha256_now()},
                       {"audit trail", v.audit_intact() ? "intact to the report's head"
                                                        : "NOT INTACT: " + v.audit_problem()}});
      std::vector<std::vector<std::string>> rows;
      for (const auto& d : v.differences()) rows.push_back({d});
      if (!rows.empty()) out().Table({"WHAT DIFFERS"}, rows);
    }
    // Scripts branch on it: 1 when the report no longer holds.
    if (!v.matches() || !v.audit_intact()) *exit_code = 1;
  });
}

}  // namespace

void AddMonitoringCommands(CLI::App& app, int& code, std::function<Output()> make_output) {
  out = std::move(make_output);
  exit_code = &code;
  const char* env = std::getenv("DP_MONITORING_ADDR");
  f.address = env != nullptr ? env : "127.0.0.1:7055";
  CLI::App* monitoring = app.add_subcommand("monitoring", "risk tiers, findings and review cases");
  monitoring->require_subcommand(1);
  monitoring->add_option("--monitoring", f.address, "MonitoringService address (env DP_MONITORING_ADDR)");
  AddAgreementCommands(monitoring);
  AddCaseCommands(monitoring);
  AddSettingsCommands(monitoring);
  AddReportCommands(monitoring);
  AddBankCommands(monitoring);
}

}  // namespace dpctl
