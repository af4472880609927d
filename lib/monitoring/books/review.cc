#include "monitoring/books/review.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "agreements/store.h"
#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "db/errors.h"
#include "monitoring/books/facts.h"
#include "monitoring/books/store.h"
#include "money/money.h"

namespace dp::monitoring {
namespace {

constexpr std::string_view kDecisionNames[] = {"no_action", "request_information", "agree_plan",
                                               "recover", "suspend"};
// What each closing decision makes of the case's findings.
constexpr std::string_view kOutcomes[] = {"no_action", "", "plan_agreed", "recovered", "suspended"};

constexpr char kSweeper[] = "monitoring";

void Record(pqxx::work& tx, int64_t agreement_id, std::string kind, const std::string& by,
            std::string reason, std::string summary) {
  agreements::InsertDecision(tx, {0, agreement_id, std::move(kind), by, "", std::move(reason),
                                  std::move(summary), false, 0});
}

bool SameFactors(const std::vector<Factor>& a, const std::vector<Factor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].points != b[i].points) return false;
  }
  return true;
}

}  // namespace

std::string_view DecisionName(Decision d) { return kDecisionNames[static_cast<size_t>(d)]; }

absl::StatusOr<CheckOutcome> CheckAgreement(pqxx::work& tx, int64_t agreement_id,
                                            absl::CivilDay today,
                                            const std::vector<Settings>& defaults) {
  // One check of an agreement at a time: two sweeps meeting here wait.
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('monitoring'), $1::integer)",
                 static_cast<int32_t>(agreement_id % 2147483647));
  auto header = agreements::GetHeader(tx, agreement_id);
  if (!header.ok()) return header.status();
  const Settings settings = SettingsOn(tx, header->authority_id, today, defaults);
  auto facts = GatherFacts(tx, *header, today, settings.underspend_periods,
                           settings.bank_match_days);
  if (!facts.ok()) return facts.status();
  const Assessment a = Assess(*facts, settings);
  CheckOutcome out;

  const std::optional<TierRecord> last = LatestTier(tx, agreement_id);
  if (!last || last->tier != a.tier || !SameFactors(last->factors, a.factors) ||
      last->next_review_due != a.next_review_due) {
    InsertTier(tx, {agreement_id, a.tier, a.points, a.factors, settings.version, a.next_review_due, 0});
    if (!last || last->tier != a.tier) {
      out.tier_changed = true;
      Record(tx, agreement_id, "monitoring_tier", kSweeper, a.words,
             dp::StrCat(last ? dp::StrCat("Monitoring changed from ", TierName(last->tier), " to ")
                             : std::string("Monitoring set to "),
                        TierName(a.tier), " (settings ", settings.version, ")"));
    }
  }

  for (const Candidate& c : Check(*facts, settings, a)) {
    if (HasOpenFinding(tx, agreement_id, c.key)) continue;
    bool opened = false;
    const int64_t case_id = OpenCaseFor(tx, agreement_id, header->authority_id, &opened);
    FindingRecord f;
    f.agreement_id = agreement_id;
    f.authority_id = header->authority_id;
    f.check = c.check;
    f.key = c.key;
    f.amount_pence = c.amount_pence;
    f.summary = c.summary;
    f.transaction_ids = c.transaction_ids;
    f.payslips = c.payslips;
    f.settings_version = settings.version;
    f.case_id = case_id;
    const int64_t id = InsertFinding(tx, f);
    Record(tx, agreement_id, "finding", kSweeper, c.summary,
           dp::StrCat("Finding ", id, " (", c.check, ") in review case ", case_id,
                      ". Nothing is decided until we have talked with you."));
    ++out.findings_opened;
    if (opened) ++out.cases_opened;
  }
  MarkChecked(tx, agreement_id, CurrentMark(tx, agreement_id), RecheckOn(*facts, settings, a));
  return out;
}

absl::StatusOr<SweepResult> Sweep(db::PgPool& pool, const SweepOptions& o,
                                  const std::vector<Settings>& defaults) {
  SweepResult result;
  std::vector<Activity> batch;
  try {
    auto conn = pool.Acquire();
    pqxx::read_transaction tx(*conn);
    result.agreements = CountActive(tx, o.authority_id);
    // One more than asked, to tell whether any are left after this call.
    batch = ActiveAgreements(tx, o.authority_id, o.after_agreement_id, o.max_agreements + 1);
  } catch (const std::exception& e) {
    return db::StatusFromException(e);
  }
  result.done = batch.size() <= static_cast<size_t>(o.max_agreements);
  if (!result.done) batch.pop_back();
  result.last_agreement_id = batch.empty() ? o.after_agreement_id : batch.back().agreement_id;
  std::vector<const Activity*> due;
  for (const Activity& activity : batch) {
    if (!o.full && activity.Unchanged(o.today)) {
      ++result.unchanged;
    } else {
      due.push_back(&activity);
    }
  }
  // Workers take the next agreement until none is left or one fails.
  std::mutex mu;
  absl::Status failed;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < due.size(); i = next++) {
      absl::StatusOr<CheckOutcome> outcome = absl::InternalError("not checked");
      try {
        auto conn = pool.Acquire();
        pqxx::work tx(*conn);
        outcome = CheckAgreement(tx, due[i]->agreement_id, o.today, defaults);
        if (outcome.ok()) tx.commit();
      } catch (const std::exception& e) {
        outcome = absl::UnavailableError(dp::StrCat("checking agreement ", due[i]->agreement_id, ": ", e.what()));
      }
      std::lock_guard lock(mu);
      if (!outcome.ok()) {
        if (failed.ok()) failed = outcome.status();
        next = due.size();  // the others stop after their current one
        return;
      }
      ++result.checked;
      result.findings_opened += outcome->findings_opened;
      result.cases_opened += outcome->cases_opened;
      result.tier_changes += outcome->tier_changed ? 1 : 0;
    }
  };
  const int workers = std::clamp(o.workers, 1, 8);
  std::vector<std::thread> threads;
  for (int w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  if (!failed.ok()) return failed;
  DP_CHECK(result.checked + result.unchanged == static_cast<int>(batch.size()));
  return result;
}

std::vector<TierPreview> PreviewTiers(pqxx::transaction_base& tx, const std::string& authority_id,
                                      const Settings& proposed, absl::CivilDay today,
                                      const std::vector<Settings>& defaults) {
  const Settings now = SettingsOn(tx, authority_id, today, defaults);
  std::vector<TierPreview> out;
  constexpr int kMaxAgreements = 100'000;
  for (const Activity& a : ActiveAgreements(tx, authority_id, 0, kMaxAgreements)) {
    auto header = agreements::GetHeader(tx, a.agreement_id);
    if (!header.ok()) continue;
    auto facts = GatherFacts(tx, *header, today,
                             std::max(now.underspend_periods, proposed.underspend_periods),
                             now.bank_match_days);
    if (!facts.ok()) continue;
    out.push_back({a.agreement_id, Assess(*facts, now), Assess(*facts, proposed)});
  }
  return out;
}

absl::Status AddNote(pqxx::work& tx, int64_t case_id, const std::string& note,
                     const agreements::Actor& actor) {
  if (note.empty()) return FieldError("note", "is required: what was said, and with whom");
  auto c = GetCase(tx, case_id, /*for_update=*/true);
  if (!c.ok()) return c.status();
  if (!c->open) {
    return absl::FailedPreconditionError(dp::StrCat("case ", case_id, " is closed"));
  }
  InsertEvent(tx, case_id, {0, "", note, std::nullopt, 0, 0, actor.name, 0});
  Record(tx, c->agreement_id, "review_note", actor.name, note,
         dp::StrCat("Noted in review case ", case_id));
  return absl::OkStatus();
}

absl::Status DecideCase(pqxx::work& tx, int64_t case_id, const CaseDecision& d,
                        const agreements::Actor& actor, const std::string& request_key,
                        absl::CivilDay today, int64_t now_us, const std::vector<Settings>& defaults) {
  if (d.reason.empty()) {
    return FieldError("reason", "is required, in plain words: the person reads it");
  }
  auto c = GetCase(tx, case_id, /*for_update=*/true);
  if (!c.ok()) return c.status();
  if (!c->open) return absl::FailedPreconditionError(dp::StrCat("case ", case_id, " is closed"));
  EventRecord e{0, std::string(DecisionName(d.decision)), d.reason, std::nullopt, 0, 0, actor.name, 0};
  std::string summary;
  switch (d.decision) {
    case Decision::kNoAction:
      summary = "No action: the review is closed.";
      break;
    case Decision::kRequestInformation: {
      const Settings settings = SettingsOn(tx, c->authority_id, today, defaults);
      const absl::CivilDay due = d.due_date.value_or(today + settings.information_due_days);
      if (due <= today) return FieldError("due_date", "must be after today");
      e.due_date = due;
      SetInformationDue(tx, case_id, due);
      summary = dp::StrCat("We asked for information, by ", agreements::DayText(due), ".");
      break;
    }
    case Decision::kAgreePlan:
      summary = "A plan for the money was agreed.";
      break;
    case Decision::kRecover: {
      auto txn = agreements::RecoverSurplus(tx, c->agreement_id, d.amount_pence, request_key,
                                            d.reason, actor, today);
      if (!txn.ok()) return txn.status();
      e.amount_pence = d.amount_pence;
      e.transaction_id = *txn;
      summary = dp::StrCat(Pounds(d.amount_pence), " to be returned to the authority.");
      break;
    }
    case Decision::kSuspend:
      if (auto s = agreements::Decide(tx, c->agreement_id, agreements::Action::kSuspend, d.reason,
                                      actor, now_us, today);
          !s.ok()) {
        return s;
      }
      summary = "Payments are suspended.";
      break;
  }
  InsertEvent(tx, case_id, e);
  Record(tx, c->agreement_id, "review_decision", actor.name, d.reason,
         dp::StrCat("Review case ", case_id, ": ", summary));
  const std::string_view outcome = kOutcomes[static_cast<size_t>(d.decision)];
  if (!outcome.empty()) {
    CloseFindings(tx, case_id, std::string(outcome));
    CloseCase(tx, case_id);
  }
  return absl::OkStatus();
}

}  // namespace dp::monitoring
