#include "agreements_commands.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "call.h"
#include "payments_commands.h"
#include "channel.h"
#include "dp/v1/agreements.grpc.pb.h"
#include "money/money.h"

namespace dpctl {

std::string NewRequestId();  // main.cc

namespace {

namespace v1 = dp::v1;

struct Flags {
  std::string address, request_id, authority, reason, as_of, status, out_file;
  int64_t id = 0;
  // settings
  std::string from, worker_limit, manager_limit, frequency, cycle_anchor;
  int panel_days = 28, contingency_weeks = 4, surplus_weeks = 8;
  std::vector<std::string> blocked;
  // person
  std::string name, ni, dob, sort_code, account;
  // terms
  int64_t person = 0;
  std::string manager = "self", model, gross, contribution = "0", start, review, end, method = "bank";
  std::vector<std::string> outcomes, uses, excluded;
  bool pay_gross = false;
  // termination and recovery
  std::string notice_pay = "0", holiday_pay = "0", amount, run_date;
} f;

std::function<Output()> out;
int* exit_code = nullptr;

std::unique_ptr<v1::AgreementService::Stub> Stub() {
  return v1::AgreementService::NewStub(MakeChannel(f.address));
}

std::string RequestId() { return f.request_id.empty() ? NewRequestId() : f.request_id; }

// Usage errors are found before any call: exit code 2.
struct UsageError {
  std::string message;
};

v1::Date DateFlag(const std::string& text, const std::string& flag) {
  v1::Date d;
  if (!ParseDate(text, &d)) {
    throw UsageError{flag + " must be a date such as 2026-04-06, not \"" + text + "\""};
  }
  return d;
}

v1::Money ParseMoney(const std::string& text, const std::string& flag) {
  auto pence = dp::ParsePence(text);
  if (!pence.ok()) throw UsageError{flag + ": " + std::string(pence.status().message())};
  v1::Money m;
  m.set_amount_pence(*pence);
  m.set_currency("GBP");
  return m;
}


std::string StatusText(v1::AgreementStatus s) {
  return Lower(v1::AgreementStatus_Name(s), "AGREEMENT_STATUS_");
}

// Run builds a request and calls AgreementService through Call (`call`
// gets the context); a bad flag found while building is a usage error.
template <typename Rpc>
void Run(const std::string& what, Rpc call) {
  try {
    *exit_code = Call(kAgreements, what, call);
  } catch (const UsageError& e) {
    std::cerr << "dpctl: " << e.message << "\n";
    *exit_code = 2;
  }
}

void PrintAgreement(const v1::Agreement& a) {
  if (out().json()) return out().Json(a);
  const auto& v = a.current();
  const auto& t = v.terms();
  out().KeyValues({
      {"agreement", std::to_string(a.agreement_id())},
      {"authority", a.authority_id()},
      {"person", std::to_string(a.person_id())},
      {"manager", Lower(v1::ManagerKind_Name(a.manager().kind()), "MANAGER_KIND_")},
      {"status", StatusText(a.status()) + " (" + a.status_reason() + ")"},
      {"version", std::to_string(v.version()) + " of " + std::to_string(a.latest_version()) +
                      ", from " + DateText(v.effective_from())},
      {"model agreement", t.model_version()},
      {"gross budget", Gbp(t.gross_budget()) + " per " +
                           (t.payment_frequency() == v1::PAYMENT_FREQUENCY_MONTHLY ? "month"
                                                                                   : "4 weeks")},
      {"contribution", Gbp(t.assessed_contribution()) + (t.pay_gross() ? " (paid gross)" : "")},
      {"net per period", Gbp(v.net_per_period())},
      {"annual cost", Gbp(v.annual_cost())},
      {"dates", DateText(t.start_date()) + " to " + DateText(t.end_date()) + ", review " +
                    DateText(t.review_date())},
      {"approval", (a.required_approval_level().empty() ? "-" : a.required_approval_level()) +
                       " required" +
                       (a.approved_level().empty() ? "" : ", approved by " + a.approved_level()) +
                       (a.panel_wait_exceeded() ? " (panel wait exceeded)" : "")},
      {"paid into", a.holding_account_id() ? "ledger account " + std::to_string(a.holding_account_id())
                                           : "-"},
  });
}

void PrintPosition(const v1::FinalPosition& p) {
  if (out().json()) return out().Json(p);
  out().KeyValues({{"agreement", std::to_string(p.agreement_id())},
                   {"ends", DateText(p.end_date())},
                   {"balance held", Gbp(p.balance_held())},
                   {"wages owed", Gbp(p.wages_owed())},
                   {"HMRC owed", Gbp(p.hmrc_owed())},
                   {"pension owed", Gbp(p.pension_owed())},
                   {"other liabilities", Gbp(p.other_liabilities())},
                   {"notice pay owed", Gbp(p.notice_pay_owed())},
                   {"holiday pay owed", Gbp(p.holiday_pay_owed())},
                   {"recoverable", Gbp(p.recoverable())},
                   {"recovered", p.recovery_confirmed()
                                     ? Gbp(p.recovered()) + " (transaction " +
                                           std::to_string(p.recovery_transaction_id()) + ")"
                                     : "not yet: confirm with `dpctl agreements recover`"}});
}

void PrintPayments(const google::protobuf::RepeatedPtrField<v1::Payment>& payments) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : payments) {
    rows.push_back({std::to_string(p.agreement_id()), DateText(p.period_start()),
                    DateText(p.period_end()), Gbp(p.amount()), p.pro_rated() ? "part" : "full",
                    std::to_string(p.version()), std::to_string(p.transaction_id())});
  }
  out().Table({"AGREEMENT", "FROM", "TO", "AMOUNT", "PERIOD", "VERSION", "TRANSACTION"}, rows);
}

v1::Terms TermsFromFlags() {
  v1::Terms t;
  t.set_model_version(f.model);
  for (const auto& o : f.outcomes) t.add_personal_outcomes(o);
  for (const auto& u : f.uses) t.add_permitted_uses(u);
  for (const auto& u : f.excluded) t.add_excluded_uses(u);
  *t.mutable_gross_budget() = ParseMoney(f.gross, "--gross");
  *t.mutable_assessed_contribution() = ParseMoney(f.contribution, "--contribution");
  t.set_pay_gross(f.pay_gross);
  *t.mutable_start_date() = DateFlag(f.start, "--start");
  if (!f.review.empty()) *t.mutable_review_date() = DateFlag(f.review, "--review");
  if (!f.end.empty()) *t.mutable_end_date() = DateFlag(f.end, "--end");
  if (f.frequency == "four-weekly") t.set_payment_frequency(v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
  if (f.frequency == "monthly") t.set_payment_frequency(v1::PAYMENT_FREQUENCY_MONTHLY);
  t.set_payment_method(f.method == "card" ? v1::PAYMENT_METHOD_CARD : v1::PAYMENT_METHOD_BANK);
  return t;
}

void AddTermsFlags(CLI::App* cmd) {
  cmd->add_option("--model", f.model, "model agreement version, e.g. FIFE-2026-1")->required();
  cmd->add_option("--outcome", f.outcomes, "a personal outcome (repeat)");
  cmd->add_option("--use", f.uses,
                  "a permitted use (repeat): pa_employment, agency_care, short_breaks, equipment,"
                  " activities, transport, day_services, respite")
      ->required();
  cmd->add_option("--exclude", f.excluded, "something the agreement rules out (repeat)");
  cmd->add_option("--gross", f.gross, "gross budget per period, e.g. 1400.00")->required();
  cmd->add_option("--contribution", f.contribution, "assessed contribution per period")
      ->capture_default_str();
  cmd->add_flag("--pay-gross", f.pay_gross, "pay gross: the person pays their contribution");
  cmd->add_option("--start", f.start, "start date, YYYY-MM-DD")->required();
  cmd->add_option("--review", f.review, "review date");
  cmd->add_option("--end", f.end, "end date (default: open-ended)");
  cmd->add_option("--frequency", f.frequency, "four-weekly or monthly (default: the authority's)")
      ->check(CLI::IsMember({"four-weekly", "monthly"}));
  cmd->add_option("--method", f.method, "bank or card")->check(CLI::IsMember({"bank", "card"}))
      ->capture_default_str();
}

void PrintSettings(const v1::AuthoritySettings& s) {
  if (out().json()) return out().Json(s);
  std::string blocked;
  for (const auto& b : s.blocked_card_categories()) blocked += (blocked.empty() ? "" : ", ") + b;
  out().KeyValues({{"authority", s.authority_id()},
                   {"in force from", DateText(s.effective_from())},
                   {"worker may approve", "up to " + Gbp(s.worker_limit()) + " a year"},
                   {"manager may approve", "up to " + Gbp(s.manager_limit()) + " a year"},
                   {"panel", "above that, within " + std::to_string(s.panel_max_wait_days()) +
                                 " days"},
                   {"payments", Lower(v1::PaymentFrequency_Name(s.payment_frequency()),
                                      "PAYMENT_FREQUENCY_") +
                                    ", cycle from " + DateText(s.cycle_anchor())},
                   {"contingency", std::to_string(s.contingency_weeks()) + " weeks"},
                   {"surplus above", std::to_string(s.surplus_threshold_weeks()) + " weeks"},
                   {"blocked card categories", blocked.empty() ? "-" : blocked},
                   {"funding account", std::to_string(s.funding_account_id())}});
}

void AddSettingsCommands(CLI::App* agreements) {
  CLI::App* settings = agreements->add_subcommand("settings", "an authority's settings");
  settings->require_subcommand(1);
  CLI::App* set = settings->add_subcommand("set", "record settings in force from a date");
  set->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  set->add_option("--authority", f.authority, "authority id")->required();
  set->add_option("--from", f.from, "in force from, YYYY-MM-DD")->required();
  set->add_option("--worker-limit", f.worker_limit, "annual cost a worker may approve")->required();
  set->add_option("--manager-limit", f.manager_limit, "annual cost a manager may approve; above"
                  " it a panel decides")->required();
  set->add_option("--panel-max-wait-days", f.panel_days, "SDS 8.10")->capture_default_str();
  set->add_option("--frequency", f.frequency, "four-weekly or monthly")->required()
      ->check(CLI::IsMember({"four-weekly", "monthly"}));
  set->add_option("--cycle-anchor", f.cycle_anchor, "first day of a 4-weekly cycle")->required();
  set->add_option("--contingency-weeks", f.contingency_weeks)->capture_default_str();
  set->add_option("--surplus-weeks", f.surplus_weeks, "surplus threshold")->capture_default_str();
  set->add_option("--blocked", f.blocked, "blocked merchant category code (repeat)");
  set->callback([] {
    Run("setting the authority's settings", [](grpc::ClientContext* c) {
      v1::SetAuthoritySettingsRequest req;
      req.set_request_id(RequestId());
      auto* s = req.mutable_settings();
      s->set_authority_id(f.authority);
      *s->mutable_effective_from() = DateFlag(f.from, "--from");
      *s->mutable_worker_limit() = ParseMoney(f.worker_limit, "--worker-limit");
      *s->mutable_manager_limit() = ParseMoney(f.manager_limit, "--manager-limit");
      s->set_panel_max_wait_days(f.panel_days);
      s->set_payment_frequency(f.frequency == "monthly" ? v1::PAYMENT_FREQUENCY_MONTHLY
                                                        : v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
      *s->mutable_cycle_anchor() = DateFlag(f.cycle_anchor, "--cycle-anchor");
      s->set_contingency_weeks(f.contingency_weeks);
      s->set_surplus_threshold_weeks(f.surplus_weeks);
      for (const auto& b : f.blocked) s->add_blocked_card_categories(b);
      v1::AuthoritySettings resp;
      auto st = Stub()->SetAuthoritySettings(c, req, &resp);
      if (st.ok()) PrintSettings(resp);
      return st;
    });
  });
  CLI::App* show = settings->add_subcommand("show", "the settings in force on a date");
  show->add_option("--authority", f.authority, "authority id")->required();
  show->add_option("--as-of", f.as_of, "date (default: today)");
  show->callback([] {
    Run("reading the settings", [](grpc::ClientContext* c) {
      v1::GetAuthoritySettingsRequest req;
      req.set_authority_id(f.authority);
      if (!f.as_of.empty()) *req.mutable_as_of() = DateFlag(f.as_of, "--as-of");
      v1::AuthoritySettings s;
      auto st = Stub()->GetAuthoritySettings(c, req, &s);
      if (st.ok()) PrintSettings(s);
      return st;
    });
  });
}

void AddPersonCommands(CLI::App* agreements) {
  CLI::App* person = agreements->add_subcommand("person", "supported people and representatives");
  person->require_subcommand(1);
  CLI::App* add = person->add_subcommand("add", "record a person (NI number stored encrypted)");
  add->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  add->add_option("--authority", f.authority, "authority id")->required();
  add->add_option("--name", f.name, "name as the person uses it")->required();
  add->add_option("--ni", f.ni, "National Insurance number");
  add->add_option("--dob", f.dob, "date of birth, YYYY-MM-DD");
  add->add_option("--sort-code", f.sort_code, "the direct payment account's sort code");
  add->add_option("--account", f.account, "the direct payment account's number");
  add->callback([] {
    Run("recording the person", [](grpc::ClientContext* c) {
      v1::CreatePersonRequest req;
      req.set_request_id(RequestId());
      req.set_authority_id(f.authority);
      req.set_display_name(f.name);
      req.set_ni_number(f.ni);
      req.set_date_of_birth(f.dob);
      req.set_bank_sort_code(f.sort_code);
      req.set_bank_account_number(f.account);
      v1::PersonSummary p;
      auto st = Stub()->CreatePerson(c, req, &p);
      if (st.ok() && out().json()) out().Json(p);
      if (st.ok() && !out().json()) {
        out().KeyValues({{"person", std::to_string(p.person_id())}, {"name", p.display_name()},
                         {"NI number", p.ni_number_masked().empty() ? "-" : p.ni_number_masked()}});
      }
      return st;
    });
  });
}

void AddAgreementCommands(CLI::App* agreements) {
  CLI::App* create = agreements->add_subcommand("create", "draft an agreement");
  create->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  create->add_option("--authority", f.authority, "authority id")->required();
  create->add_option("--person", f.person, "supported person id")->required();
  create->add_option("--manager", f.manager,
                     "self, or KIND:ID: guardian|attorney|appointee|family_member:PERSON_ID,"
                     " iso_managed_account:ORG_ID")->capture_default_str();
  create->add_option("--reason", f.reason, "note for the record");
  AddTermsFlags(create);
  create->callback([] {
    Run("creating the agreement", [](grpc::ClientContext* c) {
      v1::CreateAgreementRequest req;
      req.set_request_id(RequestId());
      req.set_authority_id(f.authority);
      req.set_person_id(f.person);
      req.set_reason(f.reason);
      const auto colon = f.manager.find(':');
      const std::string kind = f.manager.substr(0, colon);
      v1::ManagerKind k = v1::MANAGER_KIND_UNSPECIFIED;
      std::string upper = "MANAGER_KIND_";
      for (char c : kind) upper += static_cast<char>(std::toupper(c));
      if (!v1::ManagerKind_Parse(upper, &k)) throw UsageError{"--manager: unknown kind " + kind};
      req.mutable_manager()->set_kind(k);
      if (colon != std::string::npos) {
        const std::string who = f.manager.substr(colon + 1);
        if (k == v1::MANAGER_KIND_ISO_MANAGED_ACCOUNT) {
          req.mutable_manager()->set_organisation_id(who);
        } else {
          req.mutable_manager()->set_person_id(std::atoll(who.c_str()));
        }
      }
      *req.mutable_terms() = TermsFromFlags();
      v1::Agreement a;
      auto st = Stub()->CreateAgreement(c, req, &a);
      if (st.ok()) PrintAgreement(a);
      return st;
    });
  });

  CLI::App* amend = agreements->add_subcommand("amend", "add a version in force from a date");
  amend->add_option("id", f.id, "agreement id")->required();
  amend->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  amend->add_option("--from", f.from, "in force from, YYYY-MM-DD")->required();
  amend->add_option("--reason", f.reason, "why, in plain language")->required();
  AddTermsFlags(amend);
  amend->callback([] {
    Run("amending the agreement", [](grpc::ClientContext* c) {
      v1::AmendAgreementRequest req;
      req.set_request_id(RequestId());
      req.set_agreement_id(f.id);
      *req.mutable_effective_from() = DateFlag(f.from, "--from");
      req.set_reason(f.reason);
      *req.mutable_terms() = TermsFromFlags();
      v1::Agreement a;
      auto st = Stub()->AmendAgreement(c, req, &a);
      if (st.ok()) PrintAgreement(a);
      return st;
    });
  });

  CLI::App* show = agreements->add_subcommand("show", "an agreement as it stood on a date");
  show->add_option("id", f.id, "agreement id")->required();
  show->add_option("--as-of", f.as_of, "date (default: today)");
  show->callback([] {
    Run("reading the agreement", [](grpc::ClientContext* c) {
      v1::GetAgreementRequest req;
      req.set_agreement_id(f.id);
      if (!f.as_of.empty()) *req.mutable_as_of() = DateFlag(f.as_of, "--as-of");
      v1::Agreement a;
      auto st = Stub()->GetAgreement(c, req, &a);
      if (st.ok()) PrintAgreement(a);
      return st;
    });
    // Today's view also says what the person has available to spend.
    if (*exit_code != 0 || out().json() || !f.as_of.empty()) return;
    v1::AvailableToSpend available;
    *exit_code = Call(kAgreements, "reading what is available to spend", [&](grpc::ClientContext* c) {
      return FetchAvailable(c, f.id, &available);
    });
    if (*exit_code == 0) {
      std::cout << "\n";
      PrintAvailable(available);
    }
  });

  CLI::App* list = agreements->add_subcommand("list", "agreements you can see");
  list->add_option("--authority", f.authority, "only this authority");
  list->add_option("--status", f.status, "draft, awaiting_approval, approved, active, suspended,"
                   " terminated");
  list->callback([] {
    v1::ListAgreementsRequest req;
    req.set_authority_id(f.authority);
    if (!f.status.empty()) {
      std::string upper = "AGREEMENT_STATUS_";
      for (char c : f.status) upper += static_cast<char>(std::toupper(c));
      v1::AgreementStatus s;
      if (!v1::AgreementStatus_Parse(upper, &s)) {
        std::cerr << "dpctl: --status: unknown " << f.status << "\n";
        *exit_code = 2;
        return;
      }
      req.set_status(s);
    }
    req.set_page_size(500);
    v1::ListAgreementsResponse all;
    *exit_code = CallPages(kAgreements, "listing agreements", req, true, &all,
                           [](grpc::ClientContext* c, const v1::ListAgreementsRequest& r,
                              v1::ListAgreementsResponse* page) {
                             return Stub()->ListAgreements(c, r, page);
                           });
    if (*exit_code != 0) return;
    if (out().json()) return out().Json(all);
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : all.agreements()) {
      rows.push_back({std::to_string(a.agreement_id()), a.authority_id(),
                      std::to_string(a.person_id()), StatusText(a.status()),
                      Gbp(a.current().terms().gross_budget()), Gbp(a.current().net_per_period()),
                      Gbp(a.current().annual_cost()), DateText(a.current().terms().start_date()),
                      a.panel_wait_exceeded() ? "panel late" : ""});
    }
    out().Table({"ID", "AUTHORITY", "PERSON", "STATUS", "GROSS", "NET", "ANNUAL", "START", ""},
                rows);
  });
}

void AddDecisionCommands(CLI::App* agreements) {
  static const std::pair<const char*, v1::DecisionAction> kActions[] = {
      {"submit", v1::DECISION_ACTION_SUBMIT},     {"return", v1::DECISION_ACTION_RETURN},
      {"approve", v1::DECISION_ACTION_APPROVE},   {"activate", v1::DECISION_ACTION_ACTIVATE},
      {"suspend", v1::DECISION_ACTION_SUSPEND},   {"resume", v1::DECISION_ACTION_RESUME}};
  for (const auto& [name, action] : kActions) {
    CLI::App* cmd = agreements->add_subcommand(name, std::string(name) + " an agreement");
    cmd->add_option("id", f.id, "agreement id")->required();
    cmd->add_option("--reason", f.reason, "why, in plain language: the person reads it")
        ->required();
    cmd->add_option("--request-id", f.request_id, "idempotency key (default: random)");
    cmd->callback([action = action, name = std::string(name)] {
      Run("recording the decision to " + name, [&](grpc::ClientContext* c) {
        v1::DecideRequest req;
        req.set_request_id(RequestId());
        req.set_agreement_id(f.id);
        req.set_action(action);
        req.set_reason(f.reason);
        v1::Agreement a;
        auto st = Stub()->Decide(c, req, &a);
        if (st.ok()) PrintAgreement(a);
        return st;
      });
    });
  }

  CLI::App* terminate = agreements->add_subcommand("terminate", "end an agreement");
  terminate->add_option("id", f.id, "agreement id")->required();
  terminate->add_option("--end", f.end, "last day, YYYY-MM-DD")->required();
  terminate->add_option("--reason", f.reason, "why, in plain language")->required();
  terminate->add_option("--notice-pay", f.notice_pay, "notice pay still owed")->capture_default_str();
  terminate->add_option("--holiday-pay", f.holiday_pay, "holiday pay still owed")
      ->capture_default_str();
  terminate->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  terminate->callback([] {
    Run("terminating the agreement", [](grpc::ClientContext* c) {
      v1::TerminateRequest req;
      req.set_request_id(RequestId());
      req.set_agreement_id(f.id);
      *req.mutable_end_date() = DateFlag(f.end, "--end");
      req.set_reason(f.reason);
      *req.mutable_notice_pay_owed() = ParseMoney(f.notice_pay, "--notice-pay");
      *req.mutable_holiday_pay_owed() = ParseMoney(f.holiday_pay, "--holiday-pay");
      v1::FinalPosition p;
      auto st = Stub()->Terminate(c, req, &p);
      if (st.ok()) PrintPosition(p);
      return st;
    });
  });

  CLI::App* recover = agreements->add_subcommand("recover", "confirm and post a recovery");
  recover->add_option("id", f.id, "agreement id")->required();
  recover->add_option("--amount", f.amount, "amount to recover (at most the recoverable)")
      ->required();
  recover->add_option("--reason", f.reason, "why, in plain language")->required();
  recover->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  recover->callback([] {
    Run("confirming the recovery", [](grpc::ClientContext* c) {
      v1::ConfirmRecoveryRequest req;
      req.set_request_id(RequestId());
      req.set_agreement_id(f.id);
      *req.mutable_amount() = ParseMoney(f.amount, "--amount");
      req.set_reason(f.reason);
      v1::FinalPosition p;
      auto st = Stub()->ConfirmRecovery(c, req, &p);
      if (st.ok()) PrintPosition(p);
      return st;
    });
  });
}

void AddScheduleCommands(CLI::App* agreements) {
  CLI::App* pay = agreements->add_subcommand("pay", "run the payment schedule up to a date");
  pay->add_option("--authority", f.authority, "authority id")->required();
  pay->add_option("--date", f.run_date, "pay everything due on or before this date")->required();
  pay->add_option("--request-id", f.request_id, "idempotency key (default: random)");
  pay->callback([] {
    Run("running the payment schedule", [](grpc::ClientContext*) {
      v1::RunPaymentScheduleRequest req;
      req.set_request_id(RequestId());
      req.set_authority_id(f.authority);
      *req.mutable_run_date() = DateFlag(f.run_date, "--date");
      // An authority's whole book takes longer than one call's usual
      // deadline; the service tells how far it has got, shown on stderr.
      auto context = Context(std::chrono::minutes(30));
      auto stream = Stub()->RunPaymentScheduleWithProgress(context.get(), req);
      v1::PaymentScheduleProgress progress;
      v1::PaymentRun run;
      bool told = false;
      while (stream->Read(&progress)) {
        if (progress.has_run()) {
          run = progress.run();
        } else if (isatty(STDERR_FILENO)) {  // a person watching, not a script
          std::cerr << "\ragreements considered: " << progress.agreements_done() << "/"
                    << progress.agreements_total() << std::flush;
          told = true;
        }
      }
      if (told) std::cerr << "\n";
      auto st = stream->Finish();
      if (!st.ok()) return st;
      if (out().json()) {
        out().Json(run);
        return st;
      }
      PrintPayments(run.payments());
      std::cout << "\nrun " << run.run_id() << ": " << run.payments_size() << " payments, "
                << Gbp(run.total()) << ", " << run.agreements_considered()
                << " active agreements considered\n";
      return st;
    });
  });

  CLI::App* payments = agreements->add_subcommand("payments", "an agreement's payments");
  payments->add_option("id", f.id, "agreement id")->required();
  payments->callback([] {
    Run("listing payments", [](grpc::ClientContext* c) {
      v1::ListPaymentsRequest req;
      req.set_agreement_id(f.id);
      v1::ListPaymentsResponse resp;
      auto st = Stub()->ListPayments(c, req, &resp);
      if (!st.ok()) return st;
      if (out().json()) {
        out().Json(resp);
      } else {
        PrintPayments(resp.payments());
      }
      return st;
    });
  });

  CLI::App* record = agreements->add_subcommand(
      "record", "the person's record of decisions (SDS standard 9), to give to them");
  record->add_option("id", f.id, "agreement id")->required();
  record->add_option("--to", f.out_file, "write the plain-text record to this file");
  record->callback([] {
    Run("reading the record", [](grpc::ClientContext* c) {
      v1::GetRecordRequest req;
      req.set_agreement_id(f.id);
      v1::PersonRecord r;
      auto st = Stub()->GetRecord(c, req, &r);
      if (!st.ok()) return st;
      if (!f.out_file.empty()) {
        std::ofstream file(f.out_file);
        file << r.document();
        if (!file) throw UsageError{"could not write " + f.out_file};
        std::cerr << "wrote the record of agreement " << f.id << " to " << f.out_file << "\n";
      } else if (out().json()) {
        out().Json(r);
      } else {
        std::cout << r.document();
      }
      return st;
    });
  });
}

}  // namespace

void AddAgreementsCommands(CLI::App& app, int& code, std::function<Output()> make_output) {
  out = std::move(make_output);
  exit_code = &code;
  const char* env = std::getenv("DP_AGREEMENTS_ADDR");
  f.address = env != nullptr ? env : "127.0.0.1:7052";
  CLI::App* agreements = app.add_subcommand("agreements", "direct payment agreements");
  agreements->require_subcommand(1);
  agreements->add_option("--agreements", f.address,
                         "AgreementService address (env DP_AGREEMENTS_ADDR)");
  AddSettingsCommands(agreements);
  AddPersonCommands(agreements);
  AddAgreementCommands(agreements);
  AddDecisionCommands(agreements);
  AddScheduleCommands(agreements);
}

}  // namespace dpctl
