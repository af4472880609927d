#include "convert.h"

#include "base/bounds.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "service/proto_convert.h"

namespace dp::agreements_service {
namespace {

using service::DayFromProto;
using service::DayToProto;
using service::PenceFromProto;
using service::PenceToProto;

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& in) {
  return {in.begin(), in.end()};
}

absl::StatusOr<agreements::Frequency> FrequencyFromProto(v1::PaymentFrequency f,
                                                          agreements::Frequency fallback) {
  switch (f) {
    case v1::PAYMENT_FREQUENCY_UNSPECIFIED: return fallback;
    case v1::PAYMENT_FREQUENCY_FOUR_WEEKLY: return agreements::Frequency::kFourWeekly;
    case v1::PAYMENT_FREQUENCY_MONTHLY: return agreements::Frequency::kMonthly;
    default: return FieldError("payment_frequency", "must be FOUR_WEEKLY or MONTHLY");
  }
}

v1::PaymentFrequency ToProto(agreements::Frequency f) {
  return f == agreements::Frequency::kMonthly ? v1::PAYMENT_FREQUENCY_MONTHLY
                                              : v1::PAYMENT_FREQUENCY_FOUR_WEEKLY;
}

// The text of a field the schema separates with the unit separator.
absl::Status CheckTexts(const std::vector<std::string>& values, std::string_view field) {
  for (const std::string& v : values) {
    if (v.empty() || v.size() > 500 || v.find('\x1f') != std::string::npos) {
      return FieldError(field, "each entry must be 1 to 500 characters");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<agreements::Settings> SettingsFromProto(const v1::AuthoritySettings& p) {
  agreements::Settings s;
  s.authority_id = p.authority_id();
  if (s.authority_id.empty()) return FieldError("settings.authority_id", "is required");
  auto from = DayFromProto(p.effective_from(), "settings.effective_from");
  if (!from.ok()) return from.status();
  s.effective_from = *from;
  auto worker = PenceFromProto(p.worker_limit(), "settings.worker_limit");
  if (!worker.ok()) return worker.status();
  auto manager = PenceFromProto(p.manager_limit(), "settings.manager_limit");
  if (!manager.ok()) return manager.status();
  s.limits = {*worker, *manager};
  s.panel_max_wait_days = p.panel_max_wait_days();
  if (p.payment_frequency() == v1::PAYMENT_FREQUENCY_UNSPECIFIED) {
    return FieldError("settings.payment_frequency", "is required");
  }
  auto frequency = FrequencyFromProto(p.payment_frequency(), agreements::Frequency::kFourWeekly);
  if (!frequency.ok()) return frequency.status();
  s.frequency = *frequency;
  auto anchor = DayFromProto(p.cycle_anchor(), "settings.cycle_anchor");
  if (!anchor.ok()) return anchor.status();
  s.cycle_anchor = *anchor;
  s.contingency_weeks = p.contingency_weeks();
  s.surplus_threshold_weeks = p.surplus_threshold_weeks();
  s.blocked_card_categories = Strings(p.blocked_card_categories());
  if (p.max_additional_cardholders() < 0 || p.max_additional_cardholders() > 10) {
    return FieldError("settings.max_additional_cardholders", "must be 0 to 10 (absent: 3)");
  }
  if (p.has_max_additional_cardholders()) s.max_additional_cardholders = p.max_additional_cardholders();
  return s;
}

void ToProto(const agreements::Settings& s, v1::AuthoritySettings* out) {
  out->set_authority_id(s.authority_id);
  DayToProto(s.effective_from, out->mutable_effective_from());
  PenceToProto(s.limits.worker_max_pence, out->mutable_worker_limit());
  PenceToProto(s.limits.manager_max_pence, out->mutable_manager_limit());
  out->set_panel_max_wait_days(s.panel_max_wait_days);
  out->set_payment_frequency(ToProto(s.frequency));
  DayToProto(s.cycle_anchor, out->mutable_cycle_anchor());
  out->set_contingency_weeks(s.contingency_weeks);
  out->set_surplus_threshold_weeks(s.surplus_threshold_weeks);
  for (const auto& mcc : s.blocked_card_categories) out->add_blocked_card_categories(mcc);
  out->set_funding_account_id(s.funding_account_id);
  out->set_max_additional_cardholders(s.max_additional_cardholders);
}

absl::StatusOr<absl::CivilDay> TermsStart(const v1::Terms& t) {
  if (!t.has_start_date()) return FieldError("terms.start_date", "is required");
  return DayFromProto(t.start_date(), "terms.start_date");
}

absl::StatusOr<agreements::VersionRecord> VersionFromProto(const v1::Terms& t,
                                                           const agreements::Settings& settings) {
  agreements::VersionRecord v;
  agreements::Terms& terms = v.version.terms;
  auto start = TermsStart(t);
  if (!start.ok()) return start.status();
  terms.start = *start;
  auto end = service::OptionalDay(t.end_date(), "terms.end_date");
  if (!end.ok()) return end.status();
  terms.end = *end;
  auto review = service::OptionalDay(t.review_date(), "terms.review_date");
  if (!review.ok()) return review.status();
  v.review_date = *review;
  auto frequency = FrequencyFromProto(t.payment_frequency(), settings.frequency);
  if (!frequency.ok()) return frequency.status();
  terms.frequency = *frequency;
  // A negative budget is named by ValidateTerms; read the raw amount here.
  if (!t.gross_budget().currency().empty() && t.gross_budget().currency() != "GBP") {
    return FieldError("terms.gross_budget.currency", "must be GBP");
  }
  terms.gross_budget_per_period_pence = t.gross_budget().amount_pence();
  auto contribution = PenceFromProto(t.assessed_contribution(), "terms.assessed_contribution");
  if (!contribution.ok()) return contribution.status();
  terms.contribution_per_period_pence = *contribution;
  terms.pay_gross = t.pay_gross();
  terms.permitted_uses = Strings(t.permitted_uses());
  v.model_version = t.model_version();
  if (v.model_version.empty()) {
    return FieldError("terms.model_version", "is required (the model agreement used)");
  }
  v.personal_outcomes = Strings(t.personal_outcomes());
  v.excluded_uses = Strings(t.excluded_uses());
  for (const auto& [values, field] :
       {std::pair{&v.personal_outcomes, "terms.personal_outcomes"},
        std::pair{&v.excluded_uses, "terms.excluded_uses"},
        std::pair{&terms.permitted_uses, "terms.permitted_uses"}}) {
    if (auto s = CheckTexts(*values, field); !s.ok()) return s;
  }
  for (auto [field, weeks] : {std::pair{"terms.contingency_weeks", t.contingency_weeks()},
                              std::pair{"terms.surplus_threshold_weeks", t.surplus_threshold_weeks()}}) {
    if (weeks < 0 || weeks > bounds::kMaxWeeksOfBudget) {
      return FieldError(field, "must be 0 (the authority's setting) to 52 weeks");
    }
  }
  v.contingency_weeks = t.contingency_weeks() ? t.contingency_weeks() : settings.contingency_weeks;
  v.surplus_threshold_weeks =
      t.surplus_threshold_weeks() ? t.surplus_threshold_weeks() : settings.surplus_threshold_weeks;
  v.payment_method = t.payment_method() == v1::PAYMENT_METHOD_CARD ? "card" : "bank";
  return v;
}

absl::StatusOr<agreements::Manager> ManagerFromProto(const v1::PaymentManager& m) {
  static constexpr std::pair<v1::ManagerKind, const char*> kKinds[] = {
      {v1::MANAGER_KIND_UNSPECIFIED, "self"},
      {v1::MANAGER_KIND_SELF, "self"},
      {v1::MANAGER_KIND_GUARDIAN, "guardian"},
      {v1::MANAGER_KIND_ATTORNEY, "attorney"},
      {v1::MANAGER_KIND_APPOINTEE, "appointee"},
      {v1::MANAGER_KIND_FAMILY_MEMBER, "family_member"},
      {v1::MANAGER_KIND_ISO_MANAGED_ACCOUNT, "iso_managed_account"}};
  for (const auto& [kind, name] : kKinds) {
    if (kind == m.kind()) return agreements::Manager{name, m.person_id(), m.organisation_id()};
  }
  return FieldError("manager.kind", "is not a known kind of payment manager");
}

absl::StatusOr<agreements::Action> ActionFromProto(v1::DecisionAction action) {
  switch (action) {
    case v1::DECISION_ACTION_SUBMIT: return agreements::Action::kSubmit;
    case v1::DECISION_ACTION_RETURN: return agreements::Action::kReturn;
    case v1::DECISION_ACTION_APPROVE: return agreements::Action::kApprove;
    case v1::DECISION_ACTION_ACTIVATE: return agreements::Action::kActivate;
    case v1::DECISION_ACTION_SUSPEND: return agreements::Action::kSuspend;
    case v1::DECISION_ACTION_RESUME: return agreements::Action::kResume;
    default:
      return FieldError("action",
          "must be SUBMIT, RETURN, APPROVE, ACTIVATE, SUSPEND or RESUME");
  }
}

v1::AgreementStatus ToProto(agreements::Status status) {
  return static_cast<v1::AgreementStatus>(static_cast<int>(status) + 1);
}

void ToProto(const agreements::Header& h, const std::vector<agreements::VersionRecord>& versions,
             absl::CivilDay as_of, v1::Agreement* out) {
  out->set_agreement_id(h.id);
  out->set_authority_id(h.authority_id);
  out->set_person_id(h.person_id);
  static constexpr std::pair<const char*, v1::ManagerKind> kKinds[] = {
      {"self", v1::MANAGER_KIND_SELF},           {"guardian", v1::MANAGER_KIND_GUARDIAN},
      {"attorney", v1::MANAGER_KIND_ATTORNEY},   {"appointee", v1::MANAGER_KIND_APPOINTEE},
      {"family_member", v1::MANAGER_KIND_FAMILY_MEMBER},
      {"iso_managed_account", v1::MANAGER_KIND_ISO_MANAGED_ACCOUNT}};
  for (const auto& [name, kind] : kKinds) {
    if (h.manager.kind == name) out->mutable_manager()->set_kind(kind);
  }
  out->mutable_manager()->set_person_id(h.manager.person_id);
  out->mutable_manager()->set_organisation_id(h.manager.organisation_id);
  out->set_status(ToProto(h.status));
  out->set_status_reason(h.status_reason);
  out->set_required_approval_level(h.required_level);
  out->set_approved_level(h.approved_level);
  out->set_panel_wait_exceeded(h.panel_wait_exceeded);
  out->set_holding_account_id(h.holding_account_id);
  service::ToTimestamp(h.created_at_us, out->mutable_created_at());
  if (h.submitted_at_us) service::ToTimestamp(*h.submitted_at_us, out->mutable_submitted_at());
  if (versions.empty()) return;
  out->set_latest_version(versions.back().version.version);
  ToProto(agreements::VersionInForce(versions, as_of), out->mutable_current());
}

void ToProto(const agreements::VersionRecord& v, v1::AgreementVersion* cur) {
  const agreements::Terms& t = v.version.terms;
  cur->set_version(v.version.version);
  DayToProto(v.version.effective_from, cur->mutable_effective_from());
  cur->set_reason(v.reason);
  cur->set_created_by(v.created_by);
  service::ToTimestamp(v.created_at_us, cur->mutable_created_at());
  PenceToProto(agreements::NetPerPeriod(t), cur->mutable_net_per_period());
  PenceToProto(agreements::AnnualCost(t), cur->mutable_annual_cost());
  v1::Terms* terms = cur->mutable_terms();
  terms->set_model_version(v.model_version);
  for (const auto& o : v.personal_outcomes) terms->add_personal_outcomes(o);
  for (const auto& u : t.permitted_uses) terms->add_permitted_uses(u);
  for (const auto& u : v.excluded_uses) terms->add_excluded_uses(u);
  PenceToProto(t.gross_budget_per_period_pence, terms->mutable_gross_budget());
  PenceToProto(t.contribution_per_period_pence, terms->mutable_assessed_contribution());
  terms->set_pay_gross(t.pay_gross);
  DayToProto(t.start, terms->mutable_start_date());
  if (v.review_date) DayToProto(*v.review_date, terms->mutable_review_date());
  if (t.end) DayToProto(*t.end, terms->mutable_end_date());
  terms->set_payment_frequency(ToProto(t.frequency));
  terms->set_contingency_weeks(v.contingency_weeks);
  terms->set_surplus_threshold_weeks(v.surplus_threshold_weeks);
  terms->set_payment_method(v.payment_method == "card" ? v1::PAYMENT_METHOD_CARD
                                                       : v1::PAYMENT_METHOD_BANK);
}

void ToProto(const agreements::PaidPeriod& p, v1::Payment* out) {
  out->set_agreement_id(p.agreement_id);
  DayToProto(p.payment.period_start, out->mutable_period_start());
  DayToProto(p.payment.period_end, out->mutable_period_end());
  DayToProto(p.payment.due, out->mutable_due_date());
  PenceToProto(p.payment.amount_pence, out->mutable_amount());
  out->set_pro_rated(p.payment.pro_rated);
  out->set_version(p.payment.version);
  out->set_transaction_id(p.transaction_id);
}

void ToProto(const agreements::DecisionRecord& d, v1::Decision* out) {
  out->set_decision_id(d.id);
  service::ToTimestamp(d.decided_at_us, out->mutable_decided_at());
  out->set_kind(d.kind);
  out->set_decided_by(d.decided_by);
  out->set_approval_level(d.approval_level);
  out->set_reason(d.reason);
  out->set_summary(d.summary);
  out->set_panel_wait_exceeded(d.panel_wait_exceeded);
}

void ToProto(const agreements::Position& p, const agreements::TerminationRecord& t,
             v1::FinalPosition* out) {
  out->set_agreement_id(t.agreement_id);
  DayToProto(t.end_date, out->mutable_end_date());
  PenceToProto(p.balance_held_pence, out->mutable_balance_held());
  PenceToProto(p.wages_owed_pence, out->mutable_wages_owed());
  PenceToProto(p.hmrc_owed_pence, out->mutable_hmrc_owed());
  PenceToProto(p.pension_owed_pence, out->mutable_pension_owed());
  PenceToProto(p.other_owed_pence, out->mutable_other_liabilities());
  PenceToProto(t.notice_pay_pence, out->mutable_notice_pay_owed());
  PenceToProto(t.holiday_pay_pence, out->mutable_holiday_pay_owed());
  agreements::Position with_owed = p;
  with_owed.notice_pay_owed_pence = t.notice_pay_pence;
  with_owed.holiday_pay_owed_pence = t.holiday_pay_pence;
  PenceToProto(agreements::Recoverable(with_owed), out->mutable_recoverable());
  out->set_recovery_confirmed(t.recovered_pence.has_value());
  PenceToProto(t.recovered_pence.value_or(0), out->mutable_recovered());
  out->set_recovery_transaction_id(t.recovery_transaction_id);
}

}  // namespace dp::agreements_service
