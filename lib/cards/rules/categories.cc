#include "cards/rules/categories.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/refusal.h"
#include "base/strings.h"
#include "base/uses.h"

namespace dp::cards {

bool IsMcc(std::string_view text) { return IsDigits(text, 4); }

absl::StatusOr<std::vector<Categories>> Categories::Parse(std::string_view text) {
  std::vector<Categories> out;
  try {
    const nlohmann::json doc = nlohmann::json::parse(text);
    for (const auto& v : doc.at("versions")) {
      Categories c;
      const std::string from = v.at("effective_from").get<std::string>();
      if (!absl::ParseCivilTime(from, &c.effective_from_)) {
        return absl::InvalidArgumentError(dp::StrCat("effective_from \"", from, "\" is not a date"));
      }
      c.default_hold_days_ = v.value("default_hold_days", 7);
      for (const auto& g : v.at("groups")) {
        CategoryGroup group;
        group.name = g.at("name").get<std::string>();
        group.mccs = g.at("mccs").get<std::vector<std::string>>();
        group.message = g.at("message").get<std::string>();
        group.hold_days = g.value("hold_days", 0);
        group.over_capture_percent = g.value("over_capture_percent", 0);
        group.over_capture_pence = g.value("over_capture_pence", int64_t{0});
        group.use = g.value("use", std::string());
        if (!group.use.empty() && !IsAgreementUse(group.use)) {
          return absl::InvalidArgumentError(dp::StrCat("group ", group.name, ": \"", group.use,
                                                       "\" is not an agreement use"));
        }
        for (const std::string& mcc : group.mccs) {
          if (!IsMcc(mcc)) {
            return absl::InvalidArgumentError(dp::StrCat("group ", group.name, ": \"", mcc,
                                                         "\" is not a 4-digit category code"));
          }
          if (!c.by_mcc_.emplace(mcc, c.groups_.size()).second) {
            return absl::InvalidArgumentError(dp::StrCat(mcc, " is in two groups"));
          }
        }
        if (group.hold_days < 0 || group.hold_days > 31 || group.over_capture_percent < 0 ||
            group.over_capture_percent > 100 || group.over_capture_pence < 0 ||
            group.over_capture_pence > 1000'00) {
          return absl::InvalidArgumentError(dp::StrCat("group ", group.name,
                                                       ": hold days or over-capture out of range"));
        }
        c.groups_.push_back(std::move(group));
      }
      out.push_back(std::move(c));
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(dp::StrCat("card categories are malformed: ", e.what()));
  }
  std::sort(out.begin(), out.end(), [](const Categories& a, const Categories& b) {
    return a.effective_from_ < b.effective_from_;
  });
  if (out.empty()) return absl::InvalidArgumentError("card categories have no version");
  return out;
}

absl::StatusOr<std::vector<Categories>> Categories::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(dp::StrCat("cannot read card categories from ", path));
  std::stringstream s;
  s << in.rdbuf();
  return Parse(s.str());
}

const Categories* Categories::InForce(const std::vector<Categories>& versions, absl::CivilDay day) {
  const Categories* found = nullptr;
  for (const Categories& c : versions) {
    if (c.effective_from_ <= day) found = &c;
  }
  return found;
}

const CategoryGroup* Categories::GroupOf(std::string_view mcc) const {
  auto it = by_mcc_.find(mcc);
  return it == by_mcc_.end() ? nullptr : &groups_[it->second];
}

const CategoryGroup* Categories::Group(std::string_view name) const {
  for (const CategoryGroup& g : groups_) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

absl::StatusOr<std::vector<std::string>> Categories::Expand(const std::vector<std::string>& entries,
                                                            std::string_view field) const {
  std::vector<std::string> mccs;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (IsMcc(entries[i])) {
      mccs.push_back(entries[i]);
    } else if (const CategoryGroup* g = Group(entries[i])) {
      mccs.insert(mccs.end(), g->mccs.begin(), g->mccs.end());
    } else {
      return FieldError(dp::StrCat(field, "[", i, "]"),
                        "is neither a 4-digit category code nor a group name (gambling, cash, ...)");
    }
  }
  return mccs;
}

int Categories::HoldDays(std::string_view mcc) const {
  const CategoryGroup* g = GroupOf(mcc);
  return g != nullptr && g->hold_days > 0 ? g->hold_days : default_hold_days_;
}

int64_t Categories::OverCapturePence(std::string_view mcc, int64_t held_pence) const {
  const CategoryGroup* g = GroupOf(mcc);
  if (g == nullptr) return 0;
  // Rounded down, in two parts so that no product can overflow.
  const int64_t percent =
      held_pence / 100 * g->over_capture_percent + held_pence % 100 * g->over_capture_percent / 100;
  return std::max(percent, g->over_capture_pence);
}

std::string_view Categories::UseOf(std::string_view mcc) const {
  const CategoryGroup* g = GroupOf(mcc);
  return g == nullptr ? std::string_view() : std::string_view(g->use);
}

std::string Categories::DeclineMessage(std::string_view mcc) const {
  if (const CategoryGroup* g = GroupOf(mcc)) return g->message;
  return dp::StrCat("This card can't be used with this kind of business (category ", mcc, ").");
}

}  // namespace dp::cards
