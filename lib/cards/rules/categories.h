#ifndef DP_LIB_CARDS_RULES_CATEGORIES_H_
#define DP_LIB_CARDS_RULES_CATEGORIES_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace dp::cards {

// CategoryGroup is a named set of merchant category codes (MCC) with what
// the person is told when a purchase in it is declined, how long a hold in
// it lasts and how far above the hold a capture may settle.
struct CategoryGroup {
  std::string name;               // "gambling"
  std::vector<std::string> mccs;  // "7995", ...
  std::string message;            // "This card can't be used for betting ..."
  int hold_days = 0;              // 0: the version's default
  int over_capture_percent = 0;   // tips: a capture may exceed the hold by this much
  int64_t over_capture_pence = 0; // fuel: or by this many pence, whichever is more
  // The agreement use this spending serves ("transport"): a card whose
  // agreement does not permit it, or excludes it, declines it. Empty: any
  // agreement may buy it (groceries, say), unless a block applies.
  std::string use;
};

// Categories is one version of data/cards/categories.json, the groups in
// force from `effective_from`.
class Categories {
 public:
  // Parse reads the file's text; INVALID_ARGUMENT says what is wrong.
  static absl::StatusOr<std::vector<Categories>> Parse(std::string_view json);
  // Load reads data/cards/categories.json (or another file).
  static absl::StatusOr<std::vector<Categories>> Load(const std::string& path);
  // InForce is the version in force on `day` among `versions`, or null.
  static const Categories* InForce(const std::vector<Categories>& versions, absl::CivilDay day);

  absl::CivilDay effective_from() const { return effective_from_; }
  // GroupOf is the group an MCC belongs to, or null.
  const CategoryGroup* GroupOf(std::string_view mcc) const;
  // Group is a group by name, or null.
  const CategoryGroup* Group(std::string_view name) const;
  // Expand turns a list of MCCs and group names into MCCs:
  //   Expand({"gambling", "5813"}) -> {"7995", "7800", "7801", "7802", "5813"}
  // INVALID_ARGUMENT names `field` for an entry that is neither.
  absl::StatusOr<std::vector<std::string>> Expand(const std::vector<std::string>& entries,
                                                  std::string_view field) const;
  // HoldDays: how long an authorisation in `mcc` holds its money.
  int HoldDays(std::string_view mcc) const;
  // OverCapturePence: how far above a hold of `held_pence` a capture in
  // `mcc` may settle.
  int64_t OverCapturePence(std::string_view mcc, int64_t held_pence) const;
  // UseOf is the agreement use `mcc` serves, or "" when it serves none.
  std::string_view UseOf(std::string_view mcc) const;
  // DeclineMessage is the sentence a person sees for a blocked `mcc`.
  std::string DeclineMessage(std::string_view mcc) const;

 private:
  absl::CivilDay effective_from_;
  int default_hold_days_ = 7;
  std::vector<CategoryGroup> groups_;
  std::map<std::string, size_t, std::less<>> by_mcc_;  // MCC -> index in groups_
};

// IsMcc: four digits.
bool IsMcc(std::string_view text);

}  // namespace dp::cards

#endif  // DP_LIB_CARDS_RULES_CATEGORIES_H_
