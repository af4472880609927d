#include "payroll/engine/ni.h"

#include <algorithm>

#include "base/bounds.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "money/money.h"

namespace dp::payroll {

int64_t RoundNi(int64_t amount_pence, int32_t rate_bp) {
  // amount x rate in thousandths of a pound: pence x bp / 1000.
  const int64_t thousandths = amount_pence * rate_bp / 1000;
  return thousandths / 10 + (thousandths % 10 > 5 ? 1 : 0);
}

absl::StatusOr<NiResult> CalculateNi(const TaxYear& year, std::string_view category,
                                     PayFrequency frequency, int64_t gross) {
  auto cat = year.ni_categories.find(std::string(category));
  if (cat == year.ni_categories.end()) {
    return FieldError("ni_category", dp::StrCat(
        "\"", category, "\" is not one this payroll supports (A, B, C, H, J, M, Z)"));
  }
  if (gross < 0) return FieldError("gross_pay_pence", "must not be negative");
  if (gross > bounds::kMaxPayPerPeriodPence) {
    return FieldError("gross_pay_pence",
                      dp::StrCat("must be at most ", FormatPence(bounds::kMaxPayPerPeriodPence)));
  }
  const NiThresholds& t = year.ni_thresholds.at(frequency);
  const NiCategory& c = cat->second;
  NiResult r;
  if (gross >= t.lel_pence) {
    r.earnings_at_lel_pence = t.lel_pence;
    r.earnings_lel_to_pt_pence = std::min(gross, t.pt_pence) - t.lel_pence;
    r.earnings_pt_to_uel_pence = std::max<int64_t>(0, std::min(gross, t.uel_pence) - t.pt_pence);
  }
  if (gross > t.pt_pence) {
    r.employee_pence += RoundNi(std::min(gross, t.uel_pence) - t.pt_pence, c.employee_main_bp);
  }
  if (gross > t.uel_pence) r.employee_pence += RoundNi(gross - t.uel_pence, c.employee_above_uel_bp);
  const int64_t employer_from = c.employer_relief_to_uel ? t.uel_pence : t.st_pence;
  if (gross > employer_from) r.employer_pence = RoundNi(gross - employer_from, c.employer_bp);
  return r;
}

}  // namespace dp::payroll
