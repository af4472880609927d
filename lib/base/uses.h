#ifndef DP_LIB_BASE_USES_H_
#define DP_LIB_BASE_USES_H_

#include <string_view>
#include <utility>

namespace dp {

// kAgreementUses are what an agreement may permit its money to buy. The
// agreement rules (lib/agreements) check terms against them; the card
// rules (lib/cards/rules) decline spending that serves a use the card's
// agreement does not permit.
inline constexpr std::string_view kAgreementUses[] = {
    "pa_employment", "agency_care", "short_breaks", "equipment", "activities", "transport",
    "day_services", "respite"};

// IsAgreementUse: IsAgreementUse("transport") -> true.
inline bool IsAgreementUse(std::string_view use) {
  for (std::string_view u : kAgreementUses) {
    if (u == use) return true;
  }
  return false;
}

// UseWords is a use as the person reads it: "pa_employment" -> "PA employment".
inline std::string_view UseWords(std::string_view use) {
  constexpr std::pair<std::string_view, std::string_view> kWords[] = {
      {"pa_employment", "employing personal assistants"}, {"agency_care", "care from an agency"},
      {"short_breaks", "short breaks"}, {"equipment", "equipment"}, {"activities", "activities"},
      {"transport", "transport"}, {"day_services", "day services"}, {"respite", "respite"}};
  for (const auto& [name, words] : kWords) {
    if (name == use) return words;
  }
  return use;
}

}  // namespace dp

#endif  // DP_LIB_BASE_USES_H_
