#include "monitoring/rules/settings.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/refusal.h"
#include "base/strings.h"
#include "money/money.h"

namespace dp::monitoring {
namespace {

constexpr std::string_view kTierNames[] = {"light", "standard", "enhanced"};

// IntField is one whole-number setting: its name, where it lives, and the
// range an authority may choose.
struct IntField {
  std::string_view name;
  int Settings::*member;
  int min;
  int max;
};

constexpr IntField kIntFields[] = {
    {"new_agreement_months", &Settings::new_agreement_months, 0, 24},
    {"new_agreement_points", &Settings::new_agreement_points, 0, 10},
    {"large_budget_points", &Settings::large_budget_points, 0, 10},
    {"representative_points", &Settings::representative_points, 0, 10},
    {"earlier_findings_points", &Settings::earlier_findings_points, 0, 10},
    {"unpaid_liability_points", &Settings::unpaid_liability_points, 0, 10},
    {"negative_balance_points", &Settings::negative_balance_points, 0, 10},
    {"force_post_points", &Settings::force_post_points, 0, 10},
    {"blocked_declines_at_least", &Settings::blocked_declines_at_least, 1, 1000},
    {"blocked_decline_points", &Settings::blocked_decline_points, 0, 10},
    {"cash_use_points", &Settings::cash_use_points, 0, 10},
    {"dormant_days", &Settings::dormant_days, 14, 730},
    {"dormant_points", &Settings::dormant_points, 0, 10},
    {"standard_from_points", &Settings::standard_from_points, 1, 100},
    {"enhanced_from_points", &Settings::enhanced_from_points, 1, 100},
    {"surplus_weeks", &Settings::surplus_weeks, 0, 52},
    {"underspend_periods", &Settings::underspend_periods, 1, 13},
    {"underspend_percent", &Settings::underspend_percent, 1, 100},
    {"information_due_days", &Settings::information_due_days, 7, 90},
    {"liability_grace_days", &Settings::liability_grace_days, 0, 90},
    {"bank_match_days", &Settings::bank_match_days, 0, 31},
};

struct MoneyField {
  std::string_view name;
  int64_t Settings::*member;
  int64_t max_pence;
  bool zero_allowed = false;
};

constexpr MoneyField kMoneyFields[] = {
    {"large_budget_annual_pence", &Settings::large_budget_annual_pence, 10'000'000'00},
    {"redundancy_week_cap_pence", &Settings::redundancy_week_cap_pence, 10'000'00},
    {"bank_match_pence", &Settings::bank_match_pence, 100'00, true},
};

}  // namespace

std::string_view TierName(Tier tier) { return kTierNames[static_cast<size_t>(tier)]; }

bool ParseTier(std::string_view name, Tier* tier) {
  for (size_t i = 0; i < kTiers; ++i) {
    if (kTierNames[i] == name) {
      *tier = static_cast<Tier>(i);
      return true;
    }
  }
  return false;
}

absl::Status Settings::Check(std::string_view prefix) const {
  for (const IntField& f : kIntFields) {
    const int v = this->*f.member;
    if (v < f.min || v > f.max) {
      return FieldError(dp::StrCat(prefix, f.name), dp::StrCat("must be ", f.min, " to ", f.max));
    }
  }
  for (const MoneyField& f : kMoneyFields) {
    const int64_t v = this->*f.member;
    if (v < (f.zero_allowed ? 0 : 1) || v > f.max_pence) {
      // The request names the Money field, without the JSON key's "_pence".
      const std::string_view field = f.name.substr(0, f.name.size() - std::string_view("_pence").size());
      return FieldError(dp::StrCat(prefix, field),
                        dp::StrCat(f.zero_allowed ? "must be 0 to " : "must be positive and at most ",
                                   Pounds(f.max_pence)));
    }
  }
  if (enhanced_from_points <= standard_from_points) {
    return FieldError(dp::StrCat(prefix, "enhanced_from_points"),
                      "must be more than standard_from_points");
  }
  for (size_t i = 0; i < kTiers; ++i) {
    const std::string tier(kTierNames[i]);
    if (review_months[i] < 1 || review_months[i] > 24) {
      return FieldError(dp::StrCat(prefix, tier, "_review_months"), "must be 1 to 24");
    }
    if (i > 0 && review_months[i] > review_months[i - 1]) {
      return FieldError(dp::StrCat(prefix, tier, "_review_months"),
                        "must not be longer than the lighter tier's");
    }
    if (evidence[i].empty()) {
      return FieldError(dp::StrCat(prefix, tier, "_evidence"),
                        "is required, in plain words: the person reads it");
    }
  }
  return absl::OkStatus();
}

std::string ToJson(const Settings& s) {
  nlohmann::json j;
  for (const IntField& f : kIntFields) j[std::string(f.name)] = s.*f.member;
  for (const MoneyField& f : kMoneyFields) j[std::string(f.name)] = s.*f.member;
  for (size_t i = 0; i < kTiers; ++i) {
    j[dp::StrCat(kTierNames[i], "_review_months")] = s.review_months[i];
    j[dp::StrCat(kTierNames[i], "_evidence")] = s.evidence[i];
  }
  return j.dump();
}

absl::StatusOr<Settings> FromJson(std::string_view text) {
  Settings s;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    for (const IntField& f : kIntFields) s.*f.member = j.value(std::string(f.name), s.*f.member);
    for (const MoneyField& f : kMoneyFields) s.*f.member = j.value(std::string(f.name), s.*f.member);
    for (size_t i = 0; i < kTiers; ++i) {
      s.review_months[i] = j.value(dp::StrCat(kTierNames[i], "_review_months"), s.review_months[i]);
      s.evidence[i] = j.value(dp::StrCat(kTierNames[i], "_evidence"), s.evidence[i]);
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(dp::StrCat("monitoring settings are malformed: ", e.what()));
  }
  return s;
}

absl::StatusOr<std::vector<Settings>> LoadDefaults(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(dp::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  std::vector<Settings> out;
  try {
    const nlohmann::json doc = nlohmann::json::parse(text.str());
    for (const auto& v : doc.at("versions")) {
      auto s = FromJson(v.dump());
      if (!s.ok()) return s.status();
      const std::string from = v.at("effective_from").get<std::string>();
      if (!absl::ParseCivilTime(from, &s->effective_from)) {
        return absl::InvalidArgumentError(dp::StrCat(path, ": \"", from, "\" is not a date"));
      }
      s->version = dp::StrCat("default:", from);
      if (auto bad = s->Check(""); !bad.ok()) {
        return absl::InvalidArgumentError(dp::StrCat(path, " ", from, ": ", std::string(bad.message())));
      }
      out.push_back(*std::move(s));
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(dp::StrCat(path, " is malformed: ", e.what()));
  }
  if (out.empty()) return absl::InvalidArgumentError(dp::StrCat(path, " has no version"));
  std::sort(out.begin(), out.end(),
            [](const Settings& a, const Settings& b) { return a.effective_from < b.effective_from; });
  return out;
}

const Settings& InForce(const std::vector<Settings>& versions, absl::CivilDay day) {
  const Settings* chosen = &versions.front();
  for (const Settings& s : versions) {
    if (s.effective_from <= day) chosen = &s;
  }
  return *chosen;
}

}  // namespace dp::monitoring
