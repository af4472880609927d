#include "convert.h"

#include "base/refusal.h"
#include "base/strings.h"
#include "service/digest.h"
#include "service/proto_convert.h"

namespace dp::cards_service {
namespace {

using service::ToTimestamp;

absl::Status NeedProcessorId(const std::string& id, std::string_view field) {
  if (id.empty() || id.size() > 128) return FieldError(field, "is required (1 to 128 characters)");
  return absl::OkStatus();
}

// Pence reads a positive GBP amount of at most £100,000 (a card payment).
absl::StatusOr<int64_t> Pence(const v1::Money& m, std::string_view field) {
  if (m.currency() != "GBP") return FieldError(dp::StrCat(field, ".currency"), "must be GBP");
  if (m.amount_pence() <= 0 || m.amount_pence() > 100'000'00) {
    return FieldError(dp::StrCat(field, ".amount_pence"), "must be 1 to 10000000 pence (£100,000)");
  }
  return m.amount_pence();
}

cards::Channel ChannelOf(v1::Channel c) { return static_cast<cards::Channel>(static_cast<int>(c) - 1); }
v1::Channel ToProto(cards::Channel c) { return static_cast<v1::Channel>(static_cast<int>(c) + 1); }

}  // namespace

absl::StatusOr<cards::Controls> FromProto(const v1::CardControls& p) {
  cards::Controls c;
  c.cash_allowed = p.cash_allowed();
  if (p.has_cash_daily_limit()) {
    if (p.cash_daily_limit().currency() != "GBP") {
      return FieldError("controls.cash_daily_limit.currency", "must be GBP");
    }
    c.cash_daily_limit_pence = p.cash_daily_limit().amount_pence();
  }
  for (int i = 0; i < p.limits_size(); ++i) {
    const v1::SpendingLimit& l = p.limits(i);
    if (l.interval() == v1::LIMIT_INTERVAL_UNSPECIFIED) {
      return FieldError(dp::StrCat("controls.limits[", i, "].interval"), "is required");
    }
    if (l.has_max_amount() && l.max_amount().currency() != "GBP") {
      return FieldError(dp::StrCat("controls.limits[", i, "].max_amount.currency"), "must be GBP");
    }
    c.limits.push_back({static_cast<cards::Interval>(static_cast<int>(l.interval()) - 1),
                        l.max_amount().amount_pence(), l.max_count()});
  }
  for (int i = 0; i < p.channels_size(); ++i) {
    if (p.channels(i) == v1::CHANNEL_UNSPECIFIED) {
      return FieldError(dp::StrCat("controls.channels[", i, "]"), "must name a channel");
    }
    c.channels.push_back(ChannelOf(p.channels(i)));
  }
  c.countries.assign(p.countries().begin(), p.countries().end());
  c.allowed_categories.assign(p.allowed_categories().begin(), p.allowed_categories().end());
  c.blocked_categories.assign(p.blocked_categories().begin(), p.blocked_categories().end());
  return c;
}

void ToProto(const cards::Controls& c, v1::CardControls* out) {
  out->set_cash_allowed(c.cash_allowed);
  service::PenceToProto(c.cash_daily_limit_pence, out->mutable_cash_daily_limit());
  for (const cards::Limit& l : c.limits) {
    auto* limit = out->add_limits();
    limit->set_interval(static_cast<v1::LimitInterval>(static_cast<int>(l.interval) + 1));
    if (l.max_amount_pence > 0) service::PenceToProto(l.max_amount_pence, limit->mutable_max_amount());
    limit->set_max_count(l.max_count);
  }
  for (cards::Channel ch : c.channels) out->add_channels(ToProto(ch));
  for (const auto& s : c.countries) out->add_countries(s);
  for (const auto& s : c.allowed_categories) out->add_allowed_categories(s);
  for (const auto& s : c.blocked_categories) out->add_blocked_categories(s);
}

void ToProto(const cards::Card& c, v1::Card* out) {
  out->set_card_id(c.id);
  out->set_agreement_id(c.agreement_id);
  out->set_authority_id(c.authority_id);
  out->set_account_id(c.account_id);
  out->set_last4(c.last4);
  out->set_expiry_month(c.expiry_month);
  out->set_expiry_year(c.expiry_year);
  out->set_status(static_cast<v1::CardStatus>(static_cast<int>(c.status) + 1));
  out->set_status_reason(c.status_reason);
  out->set_additional_holder(c.additional_holder);
  out->set_holder_name(c.holder_name);
  ToProto(c.controls, out->mutable_controls());
  service::DayToProto(c.controls_from, out->mutable_controls_from());
  out->set_controls_reason(c.controls_reason);
  out->set_replaces_card_id(c.replaces_card_id);
  out->set_replaced_by_card_id(c.replaced_by_card_id);
  ToTimestamp(c.created_at_us, out->mutable_created_at());
}

absl::StatusOr<cards::AuthorisationRequest> FromProto(const v1::AuthorizeRequest& req) {
  if (auto s = NeedProcessorId(req.processor_id(), "processor_id"); !s.ok()) return s;
  if (req.card_token().empty()) return FieldError("card_token", "is required");
  cards::AuthorisationRequest a;
  a.processor_id = req.processor_id();
  a.digest = service::RequestDigest(req, "Authorize");
  a.card_token = req.card_token();
  a.currency = req.amount().currency();
  if (req.amount().amount_pence() <= 0 || req.amount().amount_pence() > 100'000'00) {
    return FieldError("amount.amount_pence", "must be 1 to 10000000 pence (£100,000)");
  }
  if (a.currency.size() != 3) return FieldError("amount.currency", "must be an ISO 4217 code");
  a.purchase.amount_pence = req.amount().amount_pence();
  const bool increment = !req.increments_processor_id().empty();
  if (!increment) {
    if (!cards::IsMcc(req.merchant_category())) {
      return FieldError("merchant_category", "must be a 4-digit merchant category code");
    }
    const std::string& c = req.merchant_country();
    if (c.size() != 2 || !std::isupper(static_cast<unsigned char>(c[0])) ||
        !std::isupper(static_cast<unsigned char>(c[1]))) {
      return FieldError("merchant_country", "must be an ISO 3166 country code such as GB");
    }
    if (req.channel() == v1::CHANNEL_UNSPECIFIED) return FieldError("channel", "is required");
  }
  a.purchase.mcc = req.merchant_category();
  a.purchase.country = req.merchant_country();
  a.purchase.channel = req.channel() == v1::CHANNEL_UNSPECIFIED ? cards::Channel::kInPerson
                                                                 : ChannelOf(req.channel());
  a.purchase.partial_allowed = req.partial_allowed();
  if (req.has_cashback() && req.cashback().amount_pence() != 0) {
    auto cashback = Pence(req.cashback(), "cashback");
    if (!cashback.ok()) return cashback.status();
    a.purchase.cashback_pence = *cashback;
  }
  a.merchant_name = req.merchant_name();
  a.merchant_id = req.merchant_id();
  a.increments_processor_id = req.increments_processor_id();
  return a;
}

void ToProto(const cards::AuthorisationRecord& r, v1::AuthorizationDecision* out) {
  out->set_processor_id(r.processor_id);
  out->set_outcome(static_cast<v1::AuthorizationOutcome>(static_cast<int>(r.verdict.outcome) + 1));
  service::PenceToProto(r.verdict.approved_pence, out->mutable_approved());
  out->set_reason(static_cast<v1::DeclineReason>(static_cast<int>(r.verdict.reason)));
  out->set_limit(r.verdict.limit);
  out->set_message(r.verdict.message);
  out->set_hold_id(r.hold_id);
  ToTimestamp(r.decided_at_us, out->mutable_decided_at());
  if (r.hold_expires_at_us > 0) ToTimestamp(r.hold_expires_at_us, out->mutable_hold_expires_at());
}

absl::StatusOr<cards::SettlementRequest> FromProto(const v1::CaptureRequest& req) {
  if (auto s = NeedProcessorId(req.processor_id(), "processor_id"); !s.ok()) return s;
  cards::SettlementRequest s;
  s.processor_id = req.processor_id();
  s.digest = service::RequestDigest(req, "Capture");
  s.authorisation_processor_id = req.authorization_processor_id();
  s.card_token = req.card_token();
  if (s.authorisation_processor_id.empty()) {
    if (s.card_token.empty()) {
      return FieldError("card_token", "is required for a force post (no authorization_processor_id)");
    }
    if (!cards::IsMcc(req.merchant_category())) {
      return FieldError("merchant_category", "must be a 4-digit merchant category code");
    }
  }
  auto amount = Pence(req.amount(), "amount");
  if (!amount.ok()) return amount.status();
  s.amount_pence = *amount;
  s.currency = "GBP";
  s.merchant_category = req.merchant_category();
  s.merchant_name = req.merchant_name();
  s.more_to_come = req.more_to_come();
  return s;
}

absl::StatusOr<cards::SettlementRequest> FromProto(const v1::ReverseRequest& req) {
  if (auto s = NeedProcessorId(req.processor_id(), "processor_id"); !s.ok()) return s;
  if (auto s = NeedProcessorId(req.authorization_processor_id(), "authorization_processor_id");
      !s.ok()) {
    return s;
  }
  cards::SettlementRequest s;
  s.processor_id = req.processor_id();
  s.digest = service::RequestDigest(req, "Reverse");
  s.authorisation_processor_id = req.authorization_processor_id();
  s.currency = "GBP";
  return s;
}

absl::StatusOr<cards::SettlementRequest> FromProto(const v1::RefundRequest& req) {
  if (auto s = NeedProcessorId(req.processor_id(), "processor_id"); !s.ok()) return s;
  if (req.card_token().empty()) return FieldError("card_token", "is required");
  cards::SettlementRequest s;
  s.processor_id = req.processor_id();
  s.digest = service::RequestDigest(req, "Refund");
  s.card_token = req.card_token();
  s.authorisation_processor_id = req.original_processor_id();
  auto amount = Pence(req.amount(), "amount");
  if (!amount.ok()) return amount.status();
  s.amount_pence = *amount;
  s.currency = "GBP";
  s.merchant_name = req.merchant_name();
  return s;
}

void ToProto(const cards::SettlementRecord& r, v1::CardTransaction* out) {
  out->set_processor_id(r.processor_id);
  out->set_card_id(r.card_id);
  out->set_kind(static_cast<v1::CardTransactionKind>(static_cast<int>(r.kind) + 1));
  service::PenceToProto(r.amount_pence, out->mutable_amount());
  out->set_ledger_transaction_id(r.transaction_id);
  service::PenceToProto(r.shortfall_pence, out->mutable_shortfall());
}

void ToProto(const cards::CardStatement& s, const cards::Categories& categories,
             v1::CardStatement* out) {
  out->set_account_id(s.account_id);
  service::PenceToProto(s.balance_pence, out->mutable_balance());
  service::PenceToProto(s.committed_pence, out->mutable_committed());
  service::PenceToProto(s.available_pence, out->mutable_available());
  for (const cards::Held& h : s.held) {
    auto* held = out->add_held();
    held->set_card_id(h.card_id);
    held->set_processor_id(h.processor_id);
    held->set_merchant(h.merchant);
    service::PenceToProto(h.amount_pence, held->mutable_amount());
    ToTimestamp(h.authorised_at_us, held->mutable_authorised_at());
    ToTimestamp(h.expires_at_us, held->mutable_expires_at());
  }
  for (const cards::Declined& d : s.declines) {
    auto* declined = out->add_declines();
    declined->set_card_id(d.card_id);
    declined->set_merchant(d.merchant);
    service::PenceToProto(d.amount_pence, declined->mutable_amount());
    declined->set_reason(static_cast<v1::DeclineReason>(static_cast<int>(d.reason)));
    declined->set_message(d.message);
    ToTimestamp(d.at_us, declined->mutable_at());
  }
  for (const cards::StatementEntry& e : s.lines) {
    auto* line = out->add_lines();
    ToTimestamp(e.at_us, line->mutable_at());
    line->set_kind(e.kind);
    line->set_card_id(e.card_id);
    line->set_description(e.description);
    line->mutable_amount()->set_amount_pence(e.amount_pence);
    line->mutable_amount()->set_currency("GBP");
    service::PenceToProto(e.balance_after_pence, line->mutable_balance_after());
    line->set_transaction_id(e.transaction_id);
    line->set_merchant_category(e.merchant_category);
    if (const cards::CategoryGroup* g = categories.GroupOf(e.merchant_category); g != nullptr) {
      line->set_category(g->name);
    }
  }
  out->set_next_page_token(s.next_page_token);
}

}  // namespace dp::cards_service
