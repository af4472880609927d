#include "payroll/engine/paye.h"

#include <cctype>

#include "base/bounds.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "money/money.h"

namespace dp::payroll {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// The tables: weekly (52) for weekly, 2-weekly and 4-weekly pay, monthly (12).
struct Tables {
  int periods_per_year;  // 52 or 12
  int table_period;      // week or month number this pay period ends at
  bool week1;            // non-cumulative: Week 1 / Month 1 basis
};

absl::StatusOr<Tables> TablesFor(PayFrequency f, int period, bool week1_month1) {
  int per_year = 52, multiple = 1, max_period = 53;
  switch (f) {
    case PayFrequency::kWeekly: break;
    case PayFrequency::kFortnightly: multiple = 2; max_period = 27; break;
    case PayFrequency::kFourWeekly: multiple = 4; max_period = 14; break;
    case PayFrequency::kMonthly: per_year = 12; max_period = 12; break;
  }
  if (period < 1 || period > max_period) {
    return FieldError("period",
        dp::StrCat("must be 1 to ", max_period, " for this pay frequency, got ", period));
  }
  // Week 53 (and its 2- and 4-weekly kin) is worked on a Week 1 basis.
  const bool week1 = week1_month1 || (per_year == 52 && period * multiple > 52);
  return Tables{per_year, (week1 ? 1 : period) * multiple, week1};
}

// Tax on `taxable_pence` to date by `bands` pro-rated to `n` periods of
// `per_year`. Sums are kept in pence x per_year x 10,000 so that
// rest-of-UK band limits stay exact; Scottish limits are rounded up to the
// penny, as HMRC's 2025-26 test data requires. Tax is truncated to the penny.
int64_t TaxOnBands(int64_t taxable_pence, const std::vector<Band>& bands, bool scottish, int n,
                   int per_year) {
  const int64_t taxable_scaled = taxable_pence * per_year;
  int64_t lower_scaled = 0;
  int64_t tax_scaled = 0;  // pence x per_year x 10,000
  for (const Band& band : bands) {
    int64_t upper_scaled = INT64_MAX;
    if (band.upper_pounds) {
      const int64_t exact = *band.upper_pounds * 100 * n;  // pence x per_year
      upper_scaled = scottish ? CeilDiv(exact, per_year) * per_year : exact;
    }
    const int64_t top = std::min(taxable_scaled, upper_scaled);
    if (top > lower_scaled) tax_scaled += (top - lower_scaled) * band.rate_bp;
    if (taxable_scaled <= upper_scaled) break;
    lower_scaled = upper_scaled;
  }
  return tax_scaled / (int64_t{per_year} * 10000);
}

}  // namespace

int64_t FreePayPerPeriod(int code_number, int periods_per_year) {
  int q = code_number / 500;
  int r = code_number % 500;
  if (code_number > 500 && r == 0) {  // HMRC: a whole multiple of 500 keeps 500 as remainder
    --q;
    r = 500;
  }
  const int64_t unit = CeilDiv(500 * 10 * 100, periods_per_year);   // 96.16 or 416.67
  const int64_t rest = CeilDiv((int64_t{r} * 10 + 9) * 100, periods_per_year);
  return q * unit + rest;
}

absl::StatusOr<TaxCode> ParseTaxCode(std::string_view raw, const TaxYear& year) {
  std::string code;
  for (char c : raw) {
    if (c != ' ') code.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  TaxCode out;
  out.text = code;
  // Bad builds the refusal only when one is needed: a pay run parses a code
  // for every payslip.
  const auto bad = [raw] {
    return FieldError("tax_code", dp::StrCat("\"", std::string(raw),
                                             "\" is not a PAYE code such as 1257L, S1257L, "
                                             "K585, BR, SD0, NT or 0T"));
  };
  if (auto flat = year.flat_rate_codes_bp.find(code); flat != year.flat_rate_codes_bp.end()) {
    out.kind = TaxCode::Kind::kFlatRate;
    out.flat_rate_bp = flat->second;
    out.scottish = code[0] == 'S';
    return out;
  }
  std::string_view rest = code;
  if (!rest.empty() && (rest[0] == 'S' || rest[0] == 'C')) {
    out.scottish = rest[0] == 'S';
    rest.remove_prefix(1);
  }
  if (rest == "NT") {
    out.kind = TaxCode::Kind::kNoTax;
    return out;
  }
  if (rest == "0T") return out;  // no allowance, normal bands
  const bool k = !rest.empty() && rest[0] == 'K';
  if (k) rest.remove_prefix(1);
  if (!k) {
    if (rest.size() < 2 || std::string_view("LMNT").find(rest.back()) == std::string_view::npos) {
      return bad();
    }
    rest.remove_suffix(1);
  }
  if (rest.empty() || rest.size() > 5) return bad();
  for (char c : rest) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return bad();
  }
  out.kind = k ? TaxCode::Kind::kK : TaxCode::Kind::kAllowance;
  out.number = std::stoi(std::string(rest));
  return out;
}

absl::StatusOr<PayeResult> CalculatePaye(const TaxYear& year, const PayeInput& in) {
  auto code = ParseTaxCode(in.tax_code, year);
  if (!code.ok()) return code.status();
  auto tables = TablesFor(in.frequency, in.period, in.week1_month1);
  if (!tables.ok()) return tables.status();
  if (in.gross_pence < 0) return FieldError("gross_pay_pence", "must not be negative");
  // A year of the largest pay in any field: beyond it, nothing real, and
  // the sums below could wrap.
  constexpr int64_t kYearMax = bounds::kMaxPayPerPeriodPence * bounds::kMaxPeriodsPerYear;
  if (in.gross_pence > bounds::kMaxPayPerPeriodPence) {
    return FieldError("gross_pay_pence", dp::StrCat("must be at most ",
                                                    FormatPence(bounds::kMaxPayPerPeriodPence)));
  }
  if (in.taxable_pay_to_date_pence < 0 || in.taxable_pay_to_date_pence > kYearMax) {
    return FieldError("taxable_pay_to_date_pence",
                      dp::StrCat("must be 0 to ", FormatPence(kYearMax)));
  }
  if (in.tax_paid_to_date_pence < -kYearMax || in.tax_paid_to_date_pence > kYearMax) {
    return FieldError("tax_paid_to_date_pence",
                      dp::StrCat("must be within ", FormatPence(kYearMax), " either way"));
  }
  const int64_t paid_before = tables->week1 ? 0 : in.tax_paid_to_date_pence;
  const int64_t gross_to_date =
      tables->week1 ? in.gross_pence : in.taxable_pay_to_date_pence + in.gross_pence;

  PayeResult result;
  int64_t tax_to_date = 0;
  switch (code->kind) {
    case TaxCode::Kind::kNoTax:
      tax_to_date = 0;  // and a cumulative NT code refunds all tax paid
      break;
    case TaxCode::Kind::kFlatRate:
      tax_to_date = (gross_to_date / 100 * 100) * code->flat_rate_bp / 10000;
      break;
    case TaxCode::Kind::kAllowance:
    case TaxCode::Kind::kK: {
      const int64_t per_period = FreePayPerPeriod(code->number, tables->periods_per_year);
      result.free_pay_to_date_pence =
          (code->kind == TaxCode::Kind::kK ? -1 : 1) * per_period * tables->table_period;
      int64_t taxable = gross_to_date - result.free_pay_to_date_pence;
      taxable = taxable > 0 ? taxable / 100 * 100 : 0;  // whole pounds, never negative
      tax_to_date = TaxOnBands(taxable, code->scottish ? year.scotland : year.rest_of_uk,
                               code->scottish, tables->table_period, tables->periods_per_year);
      break;
    }
  }
  int64_t due = tax_to_date - paid_before;
  const int64_t limit = in.gross_pence * year.regulatory_limit_bp / 10000;
  if (due > limit) {
    result.held_back_by_limit_pence = due - limit;
    due = limit;
  }
  result.tax_pence = due;
  result.taxable_pay_to_date_pence = gross_to_date;
  result.tax_paid_to_date_pence = paid_before + due;
  return result;
}

}  // namespace dp::payroll
