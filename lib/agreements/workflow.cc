#include "agreements/workflow.h"

#include <algorithm>

#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "ledger/store.h"
#include "ledger/writer.h"
#include "money/money.h"

namespace dp::agreements {
namespace {

constexpr const char* kCurrency = "GBP";
constexpr int kMaxAgreementsPerRun = 100000;  // bounds one run's transaction


absl::Status NeedReason(const std::string& reason) {
  if (reason.empty() || reason.size() > 2000) {
    return FieldError("reason",
        "is required (1 to 2000 characters, in plain language: the person reads it)");
  }
  return absl::OkStatus();
}

std::optional<ApprovalLevel> ParseLevel(std::string_view name) {
  if (name == "worker") return ApprovalLevel::kWorker;
  if (name == "manager") return ApprovalLevel::kManager;
  if (name == "panel") return ApprovalLevel::kPanel;
  return std::nullopt;
}

absl::Status CheckPerson(pqxx::transaction_base& tx, int64_t person_id,
                         const std::string& authority_id, std::string_view field) {
  const pqxx::result r =
      tx.exec_params("SELECT authority_id FROM people.persons WHERE id = $1", person_id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat(field, ": person ", person_id, " does not exist"));
  if (r[0][0].as<std::string>() != authority_id) {
    return absl::FailedPreconditionError(
        dp::StrCat(field, ": person ", person_id, " belongs to another authority"));
  }
  return absl::OkStatus();
}

absl::Status CheckManager(pqxx::transaction_base& tx, const Manager& m,
                          const std::string& authority_id) {
  if (m.kind == "self") {
    if (m.person_id != 0 || !m.organisation_id.empty()) {
      return FieldError("manager", "a person managing their own payment names no one else");
    }
    return absl::OkStatus();
  }
  if (m.kind == "iso_managed_account") {
    const pqxx::result r = tx.exec_params(
        "SELECT 1 FROM iam.organisations WHERE id = $1 AND kind = 'iso'", m.organisation_id);
    if (r.empty()) {
      return absl::NotFoundError(dp::StrCat("manager.organisation_id: \"", m.organisation_id,
                                            "\" is not a registered ISO"));
    }
    return absl::OkStatus();
  }
  if (m.person_id == 0) {
    return FieldError("manager.person_id",
        dp::StrCat("is required for a ", m.kind, " managing the payment"));
  }
  return CheckPerson(tx, m.person_id, authority_id, "manager.person_id");
}

std::string TermsSummary(const Terms& t) {
  std::string s = dp::StrCat("Budget ", Pounds(t.gross_budget_per_period_pence), " per ",
                             t.frequency == Frequency::kMonthly ? "month" : "4 weeks");
  if (t.contribution_per_period_pence > 0) {
    dp::StrAppend(&s, ", your contribution ", Pounds(t.contribution_per_period_pence),
                  t.pay_gross ? " (paid gross at your request)" : "");
  }
  dp::StrAppend(&s, ", paid ", Pounds(NetPerPeriod(t)), " each period from ", DayText(t.start));
  if (t.end) dp::StrAppend(&s, " to ", DayText(*t.end));
  return s;
}

absl::Status AppendDecision(pqxx::work& tx, int64_t agreement_id, std::string kind,
                            const Actor& actor, const std::string& reason, std::string summary,
                            std::string level = "", bool panel_late = false) {
  if (auto s = NeedReason(reason); !s.ok()) return s;
  InsertDecision(tx, {0, agreement_id, std::move(kind), actor.name, std::move(level), reason,
                      std::move(summary), panel_late, 0});
  return absl::OkStatus();
}

// FundingAccount finds or creates the authority's funding account.
absl::StatusOr<int64_t> FundingAccount(pqxx::work& tx, const std::string& authority_id) {
  const std::string code = dp::StrCat(authority_id, ":DP-FUNDING");
  if (auto existing = ledger::GetAccountByCode(tx, code); existing.ok()) return existing->id;
  ledger::NewAccount a;
  a.idem = ledger::ServiceIdempotency(dp::StrCat("agreements:funding:", authority_id), code);
  a.code = code;
  a.name = dp::StrCat(authority_id, " direct payment funding");
  a.type = ledger::AccountType::kAsset;
  a.currency = kCurrency;
  a.owner_type = "authority";
  a.owner_id = authority_id;
  a.authority_id = authority_id;
  auto account = ledger::CreateAccount(tx, a);
  if (!account.ok()) return account.status();
  return account->id;
}

absl::StatusOr<int64_t> OpenHoldingAccount(pqxx::work& tx, const Header& h,
                                           const std::string& method) {
  ledger::NewAccount a;
  a.code = dp::StrCat("AGR-", h.id, method == "card" ? ":CARD" : ":BANK");
  a.idem = ledger::ServiceIdempotency(dp::StrCat("agreements:holding:", h.id), a.code);
  a.name = dp::StrCat("Agreement ", h.id, method == "card" ? " prepaid card" : " bank account");
  a.type = ledger::AccountType::kAsset;
  a.currency = kCurrency;
  a.owner_type = "agreement";
  a.owner_id = std::to_string(h.id);
  a.flags.credits_must_not_exceed_debits = true;  // never overdrawn
  a.authority_id = h.authority_id;
  auto account = ledger::CreateAccount(tx, a);
  if (!account.ok()) return account.status();
  return account->id;
}

ledger::NewTransaction Transfer(ledger::Idempotency idem, std::string kind,
                                std::string description, const Actor& actor, int64_t from_id,
                                int64_t to_id, int64_t amount_pence) {
  ledger::NewTransaction t;
  t.idem = std::move(idem);
  t.kind = std::move(kind);
  t.description = std::move(description);
  t.created_by = actor.name;
  t.postings = {{to_id, ledger::Side::kDebit, {amount_pence, kCurrency}},
                {from_id, ledger::Side::kCredit, {amount_pence, kCurrency}}};
  return t;
}

absl::Status CheckAmendment(const Header& h, const VersionRecord& latest,
                            const VersionRecord& next, const Settings& settings,
                            const Actor& actor) {
  if (h.status == Status::kAwaitingApproval || h.status == Status::kTerminated) {
    return absl::FailedPreconditionError(dp::StrCat(
        "an agreement that is ", StatusName(h.status), " cannot be amended",
        h.status == Status::kAwaitingApproval ? "; return it to draft first" : ""));
  }
  if (next.version.effective_from < latest.version.effective_from) {
    return FieldError("effective_from", dp::StrCat(
        "must not be before the latest version's (",
        DayText(latest.version.effective_from), "): history is never rewritten"));
  }
  if (h.status == Status::kDraft) return absl::OkStatus();
  const Terms& was = latest.version.terms;
  const Terms& now = next.version.terms;
  if (now.start != was.start || now.frequency != was.frequency) {
    return absl::FailedPreconditionError(
        "the start date and payment frequency of an approved agreement cannot change;"
        " terminate it and make a new agreement");
  }
  if (now.end && *now.end < next.version.effective_from) {
    return FieldError("end_date", "must not be before effective_from; to end an"
                                      " agreement, terminate it");
  }
  const auto level = ParseLevel(actor.approver_level);
  if (!level) {
    return absl::PermissionDeniedError(dp::StrCat(
        actor.name, " has no delegated authority to change an approved budget"));
  }
  return CheckApprover(*level, AnnualCost(now), settings.limits);
}

}  // namespace

absl::Status CheckAuthority(pqxx::transaction_base& tx, const std::string& authority_id) {
  const pqxx::result r = tx.exec_params(
      "SELECT kind FROM iam.organisations WHERE id = $1", authority_id);
  if (r.empty() || r[0][0].as<std::string>() != "authority") {
    return absl::NotFoundError(dp::StrCat("authority_id: \"", authority_id,
                                          "\" is not a registered authority"));
  }
  return absl::OkStatus();
}

const VersionRecord& VersionInForce(const std::vector<VersionRecord>& versions,
                                    absl::CivilDay day) {
  const VersionRecord* in_force = &versions.front();
  for (const VersionRecord& v : versions) {
    if (v.version.effective_from <= day) in_force = &v;
  }
  return *in_force;
}

absl::StatusOr<Settings> SetSettings(pqxx::work& tx, Settings s, const Actor& actor) {
  if (auto st = CheckAuthority(tx, s.authority_id); !st.ok()) return st;
  if (s.limits.worker_max_pence < 0 || s.limits.manager_max_pence < s.limits.worker_max_pence) {
    return FieldError("manager_limit",
        "must be at least worker_limit, and neither negative");
  }
  if (s.panel_max_wait_days < 1 || s.panel_max_wait_days > 365) {
    return FieldError("panel_max_wait_days", "must be 1 to 365");
  }
  if (s.contingency_weeks < 0 || s.contingency_weeks > 52) {
    return FieldError("contingency_weeks", "must be 0 to 52");
  }
  if (s.surplus_threshold_weeks < 1 || s.surplus_threshold_weeks > 52) {
    return FieldError("surplus_threshold_weeks", "must be 1 to 52");
  }
  for (const std::string& mcc : s.blocked_card_categories) {
    if (!dp::IsDigits(mcc, 4)) {
      return FieldError("blocked_card_categories", dp::StrCat(
          "\"", mcc, "\" is not a 4-digit merchant category code"));
    }
  }
  const pqxx::result taken = tx.exec_params(
      "SELECT 1 FROM agreements.authority_settings WHERE authority_id = $1"
      " AND effective_from = $2::date",
      s.authority_id, DayText(s.effective_from));
  if (!taken.empty()) {
    return absl::AlreadyExistsError(dp::StrCat(
        "settings effective from ", DayText(s.effective_from),
        " already exist; settings are history: add new ones from a later date"));
  }
  auto funding = FundingAccount(tx, s.authority_id);
  if (!funding.ok()) return funding.status();
  s.funding_account_id = *funding;
  InsertSettings(tx, s, actor.name);
  return s;
}

absl::StatusOr<int64_t> CreateAgreement(pqxx::work& tx, NewAgreement a, const Actor& actor) {
  if (auto s = CheckAuthority(tx, a.authority_id); !s.ok()) return s;
  if (auto s = ValidateTerms(a.first.version.terms); !s.ok()) return s;
  auto settings = SettingsInForce(tx, a.authority_id, a.first.version.terms.start);
  if (!settings.ok()) return settings.status();
  if (auto s = CheckPerson(tx, a.person_id, a.authority_id, "person_id"); !s.ok()) return s;
  if (auto s = CheckManager(tx, a.manager, a.authority_id); !s.ok()) return s;
  if (a.first.reason.empty()) a.first.reason = "Agreement drafted";
  Header h;
  h.authority_id = a.authority_id;
  h.person_id = a.person_id;
  h.manager = a.manager;
  h.status = Status::kDraft;
  h.status_reason = a.first.reason;
  h.id = InsertHeader(tx, h);
  a.first.version.version = 1;
  a.first.version.effective_from = a.first.version.terms.start;
  a.first.created_by = actor.name;
  InsertVersion(tx, h.id, a.first);
  if (auto s = AppendDecision(tx, h.id, "created", actor, a.first.reason,
                              TermsSummary(a.first.version.terms));
      !s.ok()) {
    return s;
  }
  return h.id;
}

absl::Status Amend(pqxx::work& tx, int64_t agreement_id, VersionRecord next, const Actor& actor) {
  if (auto s = NeedReason(next.reason); !s.ok()) return s;
  if (auto s = ValidateTerms(next.version.terms); !s.ok()) return s;
  auto header = GetHeader(tx, agreement_id, /*for_update=*/true);
  if (!header.ok()) return header.status();
  const std::vector<VersionRecord> versions = Versions(tx, agreement_id);
  const VersionRecord& latest = versions.back();
  auto settings = SettingsInForce(tx, header->authority_id, next.version.effective_from);
  if (!settings.ok()) return settings.status();
  if (auto s = CheckAmendment(*header, latest, next, *settings, actor); !s.ok()) return s;
  next.version.version = latest.version.version + 1;
  next.created_by = actor.name;
  InsertVersion(tx, agreement_id, next);
  return AppendDecision(tx, agreement_id, "amended", actor, next.reason,
                        dp::StrCat("Version ", next.version.version, " from ",
                                   DayText(next.version.effective_from), ": ",
                                   TermsSummary(next.version.terms)),
                        actor.approver_level == "none" ? "" : actor.approver_level);
}

absl::Status Decide(pqxx::work& tx, int64_t agreement_id, Action action,
                    const std::string& reason, const Actor& actor, int64_t now_us,
                    absl::CivilDay today) {
  if (auto s = NeedReason(reason); !s.ok()) return s;
  auto header = GetHeader(tx, agreement_id, /*for_update=*/true);
  if (!header.ok()) return header.status();
  Header h = *header;
  const std::vector<VersionRecord> versions = Versions(tx, agreement_id);
  const Terms& terms = versions.back().version.terms;
  static constexpr struct {
    Action action;
    Status to;
    const char* kind;
  } kMoves[] = {{Action::kSubmit, Status::kAwaitingApproval, "submitted"},
                {Action::kReturn, Status::kDraft, "returned"},
                {Action::kApprove, Status::kApproved, "approved"},
                {Action::kActivate, Status::kActive, "activated"},
                {Action::kSuspend, Status::kSuspended, "suspended"},
                {Action::kResume, Status::kActive, "resumed"}};
  const auto* move = std::find_if(std::begin(kMoves), std::end(kMoves),
                                  [&](const auto& m) { return m.action == action; });
  if (auto s = CheckTransition(h.status, move->to); !s.ok()) return s;
  if (action == Action::kResume && h.status != Status::kSuspended) {
    return absl::FailedPreconditionError("only a suspended agreement can be resumed");
  }
  if (action == Action::kActivate && h.status != Status::kApproved) {
    return absl::FailedPreconditionError("only an approved agreement can be activated");
  }
  std::string summary;
  std::string level;
  switch (action) {
    case Action::kSubmit: {
      auto settings = SettingsInForce(tx, h.authority_id, today);
      if (!settings.ok()) return settings.status();
      h.required_level = std::string(
          ApprovalLevelName(RequiredApprovalLevel(AnnualCost(terms), settings->limits)));
      h.submitted_at_us.reset();
      summary = dp::StrCat("Sent for approval. Annual cost ", Pounds(AnnualCost(terms)),
                           " needs ", h.required_level, " approval");
      break;
    }
    case Action::kReturn:
      h.required_level.clear();
      summary = "Returned to draft for changes";
      break;
    case Action::kApprove: {
      auto settings = SettingsInForce(tx, h.authority_id, today);
      if (!settings.ok()) return settings.status();
      const auto approver = ParseLevel(actor.approver_level);
      if (!approver) {
        return absl::PermissionDeniedError(
            dp::StrCat(actor.name, " has no delegated authority to approve budgets"));
      }
      if (auto s = CheckApprover(*approver, AnnualCost(terms), settings->limits); !s.ok()) {
        return s;
      }
      const ApprovalLevel required = RequiredApprovalLevel(AnnualCost(terms), settings->limits);
      const int64_t waited_us = h.submitted_at_us ? now_us - *h.submitted_at_us : 0;
      h.panel_wait_exceeded =
          required == ApprovalLevel::kPanel &&
          waited_us > int64_t{settings->panel_max_wait_days} * 86400 * 1000000;
      h.approved_level = actor.approver_level;
      level = actor.approver_level;
      summary = dp::StrCat("Approved at ", actor.approver_level, " level: ", TermsSummary(terms));
      if (h.panel_wait_exceeded) {
        dp::StrAppend(&summary, ". The panel took longer than the authority's maximum of ",
                      settings->panel_max_wait_days, " days");
      }
      break;
    }
    case Action::kActivate: {
      auto account = OpenHoldingAccount(tx, h, versions.back().payment_method);
      if (!account.ok()) return account.status();
      h.holding_account_id = *account;
      h.payable_from = terms.start;
      summary = dp::StrCat("Payments start: ", TermsSummary(terms));
      break;
    }
    case Action::kSuspend:
      summary = "Payments stopped while the agreement is suspended";
      break;
    case Action::kResume:
      h.payable_from = today;
      summary = dp::StrCat("Payments resume with the first period starting on or after ",
                           DayText(today));
      break;
  }
  h.status = move->to;
  h.status_reason = reason;
  UpdateHeader(tx, h);
  return AppendDecision(tx, agreement_id, move->kind, actor, reason, summary, level,
                        h.panel_wait_exceeded && action == Action::kApprove);
}

absl::StatusOr<PaymentRunResult> RunPaymentSchedule(pqxx::work& tx,
                                                    const std::string& authority_id,
                                                    absl::CivilDay run_date, const Actor& actor,
                                                    const RunProgress& progress) {
  if (auto s = CheckAuthority(tx, authority_id); !s.ok()) return s;
  auto settings = SettingsInForce(tx, authority_id, run_date);
  if (!settings.ok()) return settings.status();
  const std::vector<int64_t> ids = ActiveAgreementIds(tx, authority_id);
  if (ids.size() > kMaxAgreementsPerRun) {
    return absl::ResourceExhaustedError("too many agreements for one run");
  }
  PaymentRunResult result;
  result.run = {0, authority_id, run_date, static_cast<int>(ids.size())};
  result.run.id = InsertRun(tx, authority_id, run_date, result.run.agreements_considered,
                            actor.name);
  std::vector<ledger::WriteOp> ops;
  const int total = static_cast<int>(ids.size());
  const int step = std::max(1, total / 20);
  if (progress) progress(0, total);
  int done = 0;
  for (int64_t id : ids) {
    if (progress && done > 0 && done % step == 0) progress(done, total);
    ++done;
    auto header = GetHeader(tx, id, /*for_update=*/true);
    if (!header.ok()) return header.status();
    std::vector<Version> versions;
    for (const VersionRecord& v : Versions(tx, id)) versions.push_back(v.version);
    auto due = PaymentsDue(versions, settings->cycle_anchor, *header->payable_from, run_date);
    if (!due.ok()) return due.status();
    const auto paid = PaymentsOfAgreement(tx, id);
    for (const Payment& p : *due) {
      if (std::any_of(paid.begin(), paid.end(), [&](const PaidPeriod& q) {
            return q.payment.period_start == p.period_start;
          })) {
        continue;
      }
      const std::string request_id = dp::StrCat("agreements:pay:", id, ":", DayText(p.period_start));
      ops.push_back(Transfer(
          ledger::ServiceIdempotency(request_id, dp::StrCat(p.amount_pence)), "schedule_payment",
          dp::StrCat("Direct payment for ", DayText(p.period_start), " to ", DayText(p.period_end),
                     p.pro_rated ? " (part period)" : ""),
          actor, settings->funding_account_id, header->holding_account_id, p.amount_pence));
      result.payments.push_back({id, p, result.run.id, 0});
    }
  }
  DP_CHECK_EQ(done, total);
  if (progress) progress(total, total);
  const auto posted = ledger::ApplyWrites(tx, ops);
  for (size_t i = 0; i < posted.size(); ++i) {
    if (!posted[i].ok()) {
      return absl::Status(posted[i].status().code(),
                          dp::StrCat("agreement ", result.payments[i].agreement_id, ": ",
                                     std::string(posted[i].status().message())));
    }
    result.payments[i].transaction_id = posted[i]->id;
    InsertPayment(tx, result.payments[i]);
  }
  return result;
}

absl::StatusOr<Position> PositionOf(pqxx::transaction_base& tx, const Header& h) {
  Position p;
  if (h.holding_account_id == 0) return p;
  auto held = ledger::GetBalance(tx, h.holding_account_id, std::nullopt);
  if (!held.ok()) return held.status();
  p.balance_held_pence = held->posted_balance_pence;
  // Money held for card purchases authorised but not yet paid is committed:
  // the merchant will be paid it, so it is not recoverable.
  p.other_owed_pence += held->posted_balance_pence - held->available_balance_pence;
  for (const auto& row : tx.exec_params(
           "SELECT id, code FROM ledger.accounts WHERE owner_type = 'agreement'"
           " AND owner_id = $1 AND type = 'liability' ORDER BY id",
           std::to_string(h.id))) {
    auto owed = ledger::GetBalance(tx, row[0].as<int64_t>(), std::nullopt);
    if (!owed.ok()) return owed.status();
    int64_t* const buckets[] = {&p.wages_owed_pence, &p.hmrc_owed_pence, &p.pension_owed_pence,
                                &p.other_owed_pence};
    int64_t* bucket = buckets[static_cast<int>(LiabilityOf(row[1].as<std::string>()))];
    *bucket += owed->posted_balance_pence;
  }
  return p;
}

absl::StatusOr<Position> Terminate(pqxx::work& tx, int64_t agreement_id,
                                   absl::CivilDay end_date, int64_t notice_pay_pence,
                                   int64_t holiday_pay_pence, const std::string& reason,
                                   const Actor& actor) {
  if (auto s = NeedReason(reason); !s.ok()) return s;
  if (notice_pay_pence < 0 || holiday_pay_pence < 0) {
    return FieldError("notice_pay_owed", "and holiday_pay_owed must not be negative");
  }
  auto header = GetHeader(tx, agreement_id, /*for_update=*/true);
  if (!header.ok()) return header.status();
  if (auto s = CheckTransition(header->status, Status::kTerminated); !s.ok()) return s;
  const auto versions = Versions(tx, agreement_id);
  if (end_date < versions.back().version.terms.start) {
    return FieldError("end_date", "must not be before the agreement's start_date");
  }
  Header h = *header;
  h.status = Status::kTerminated;
  h.status_reason = reason;
  UpdateHeader(tx, h);
  InsertTermination(tx, {agreement_id, end_date, notice_pay_pence, holiday_pay_pence, {}, 0});
  auto position = PositionOf(tx, h);
  if (!position.ok()) return position.status();
  position->notice_pay_owed_pence = notice_pay_pence;
  position->holiday_pay_owed_pence = holiday_pay_pence;
  if (auto s = AppendDecision(
          tx, agreement_id, "terminated", actor, reason,
          dp::StrCat("The agreement ends on ", DayText(end_date), ". The account holds ",
                     Pounds(position->balance_held_pence), "; ",
                     Pounds(position->balance_held_pence - Recoverable(*position)),
                     " is kept for what is still owed; up to ", Pounds(Recoverable(*position)),
                     " may be recovered, only after an officer confirms it"));
      !s.ok()) {
    return s;
  }
  return position;
}

absl::Status ConfirmRecovery(pqxx::work& tx, int64_t agreement_id, int64_t amount_pence,
                             const std::string& reason, const Actor& actor) {
  if (auto s = NeedReason(reason); !s.ok()) return s;
  if (amount_pence <= 0) return FieldError("amount", "must be positive");
  auto header = GetHeader(tx, agreement_id, /*for_update=*/true);
  if (!header.ok()) return header.status();
  auto termination = GetTermination(tx, agreement_id, /*for_update=*/true);
  if (!termination.ok()) return termination.status();
  if (termination->recovered_pence) {
    return absl::FailedPreconditionError(dp::StrCat(
        "the recovery for agreement ", agreement_id, " was already confirmed (",
        Pounds(*termination->recovered_pence), ")"));
  }
  auto position = PositionOf(tx, *header);
  if (!position.ok()) return position.status();
  position->notice_pay_owed_pence = termination->notice_pay_pence;
  position->holiday_pay_owed_pence = termination->holiday_pay_pence;
  const int64_t recoverable = Recoverable(*position);
  if (amount_pence > recoverable) {
    return absl::FailedPreconditionError(dp::StrCat(
        "amount ", Pounds(amount_pence), " is more than the ", Pounds(recoverable),
        " recoverable now; review the final position and confirm again"));
  }
  auto settings = SettingsInForce(tx, header->authority_id, termination->end_date);
  if (!settings.ok()) return settings.status();
  const std::string request_id = dp::StrCat("agreements:recover:", agreement_id);
  auto txn = ledger::ApplyOne(tx, Transfer(ledger::ServiceIdempotency(request_id, dp::StrCat(amount_pence)),
                                  "recovery", dp::StrCat("Recovery on termination: ", reason),
                                  actor, header->holding_account_id, settings->funding_account_id,
                                  amount_pence));
  if (!txn.ok()) return txn.status();
  ConfirmTerminationRecovery(tx, agreement_id, amount_pence, *txn, actor.name);
  return AppendDecision(tx, agreement_id, "recovery_confirmed", actor, reason,
                        dp::StrCat(Pounds(amount_pence), " recovered by the authority",
                                   amount_pence < recoverable
                                       ? dp::StrCat("; ", Pounds(recoverable - amount_pence),
                                                    " of the recoverable amount was waived")
                                       : ""));
}

absl::StatusOr<int64_t> RecoverSurplus(pqxx::work& tx, int64_t agreement_id, int64_t amount_pence,
                                       const std::string& request_key, const std::string& reason,
                                       const Actor& actor, absl::CivilDay today) {
  if (auto s = NeedReason(reason); !s.ok()) return s;
  if (amount_pence <= 0) return FieldError("amount", "must be positive");
  auto header = GetHeader(tx, agreement_id, /*for_update=*/true);
  if (!header.ok()) return header.status();
  if (header->status != Status::kActive && header->status != Status::kSuspended) {
    return absl::FailedPreconditionError(dp::StrCat(
        "agreement ", agreement_id, " is not live: an ended agreement's recovery is confirmed with "
        "ConfirmRecovery"));
  }
  auto position = PositionOf(tx, *header);
  if (!position.ok()) return position.status();
  const int64_t recoverable = Recoverable(*position);
  if (amount_pence > recoverable) {
    return absl::FailedPreconditionError(dp::StrCat(
        "amount ", Pounds(amount_pence), " is more than the ", Pounds(recoverable),
        " the account holds free of what it owes now"));
  }
  auto settings = SettingsInForce(tx, header->authority_id, today);
  if (!settings.ok()) return settings.status();
  auto txn = ledger::ApplyOne(
      tx, Transfer(ledger::ServiceIdempotency(request_key, dp::StrCat(amount_pence)), "recovery",
                   dp::StrCat("Surplus recovered after review: ", reason.substr(0, 400)), actor,
                   header->holding_account_id, settings->funding_account_id, amount_pence));
  if (!txn.ok()) return txn.status();
  if (auto s = AppendDecision(tx, agreement_id, "surplus_recovered", actor, reason,
                              dp::StrCat(Pounds(amount_pence), " was returned to the authority from ",
                                         "the account, which held ", Pounds(position->balance_held_pence)));
      !s.ok()) {
    return s;
  }
  return *txn;
}

}  // namespace dp::agreements
