#include <hpdf.h>

#include <algorithm>
#include <memory>

#include "base/strings.h"
#include "base/win_ansi.h"
#include "money/money.h"
#include "monitoring/reports/report.h"

namespace dp::monitoring::reports {
namespace {

constexpr float kLeft = 56;

void ErrorHandler(HPDF_STATUS, HPDF_STATUS, void* failed) { *static_cast<bool*>(failed) = true; }

void Text(HPDF_Page page, HPDF_Font font, float size, float x, float y, const std::string& s) {
  HPDF_Page_SetFontAndSize(page, font, size);
  HPDF_Page_BeginText(page);
  HPDF_Page_TextOut(page, x, y, ToWinAnsi(s).c_str());
  HPDF_Page_EndText(page);
}

int64_t Whole(const std::string& s) {
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    return 0;
  }
}

// Bars draws a horizontal bar chart of (label, value) under `title`, from
// `top` down; values are shown with `show`. Returns where it ended.
template <typename Show>
float Bars(HPDF_Page page, HPDF_Font regular, HPDF_Font bold, float top, const std::string& title,
           const std::vector<std::pair<std::string, int64_t>>& bars, Show show) {
  Text(page, bold, 12, kLeft, top, title);
  float y = top - 20;
  if (bars.empty()) {
    Text(page, regular, 9, kLeft, y, "Nothing in this period.");
    return y - 16;
  }
  int64_t most = 1;
  for (const auto& [label, value] : bars) most = std::max(most, value);
  constexpr float kLabel = 150, kBarMax = 250, kBarHeight = 11;
  for (const auto& [label, value] : bars) {
    Text(page, regular, 8, kLeft, y + 2, label.substr(0, 40));
    const float width = kBarMax * static_cast<float>(static_cast<double>(value) / static_cast<double>(most));
    HPDF_Page_SetRGBFill(page, 0.16f, 0.38f, 0.62f);
    HPDF_Page_Rectangle(page, kLeft + kLabel, y, std::max(width, 1.0f), kBarHeight);
    HPDF_Page_Fill(page);
    HPDF_Page_SetRGBFill(page, 0, 0, 0);
    Text(page, regular, 8, kLeft + kLabel + std::max(width, 1.0f) + 6, y + 2, show(value));
    y -= kBarHeight + 5;
  }
  return y - 10;
}

}  // namespace

absl::StatusOr<std::string> ToPdf(const Report& r, const std::string& csv_sha256) {
  bool failed = false;
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, void (*)(HPDF_Doc)> pdf(
      HPDF_New(ErrorHandler, &failed), HPDF_Free);
  if (!pdf) return absl::InternalError("cannot start a PDF");
  HPDF_SetCompressionMode(pdf.get(), HPDF_COMP_ALL);
  HPDF_Font regular = HPDF_GetFont(pdf.get(), "Helvetica", "WinAnsiEncoding");
  HPDF_Font bold = HPDF_GetFont(pdf.get(), "Helvetica-Bold", "WinAnsiEncoding");
  HPDF_Page page = HPDF_AddPage(pdf.get());
  HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);

  float y = 790;
  Text(page, bold, 16, kLeft, y, "Direct payments: auditor's summary");
  y -= 20;
  Text(page, regular, 10, kLeft, y,
       dp::StrCat(r.params.authority_id, ", ", absl::FormatCivilTime(r.params.from), " to ",
                  absl::FormatCivilTime(r.params.to), ", as of ", Rfc3339Micros(r.params.as_of_us)));
  y -= 26;
  if (const Table* totals = r.Find("totals")) {
    Text(page, bold, 12, kLeft, y, "Totals");
    y -= 16;
    for (const auto& row : totals->rows) {
      if (row.size() < 2) continue;
      const bool pence = row[0].ends_with("_pence");
      std::string label = pence ? row[0].substr(0, row[0].size() - 6) : row[0];
      std::replace(label.begin(), label.end(), '_', ' ');
      Text(page, regular, 9, kLeft, y, label);
      Text(page, regular, 9, kLeft + 250, y, pence ? Pounds(Whole(row[1])) : row[1]);
      y -= 13;
    }
    y -= 12;
  }
  std::vector<std::pair<std::string, int64_t>> spending;
  if (const Table* t = r.Find("spending_by_category")) {
    for (const auto& row : t->rows) spending.emplace_back(row[0], Whole(row[2]));
    std::sort(spending.begin(), spending.end(),
              [](const auto& a, const auto& b) { return a.second > b.second || (a.second == b.second && a.first < b.first); });
    if (spending.size() > 12) spending.resize(12);
  }
  y = Bars(page, regular, bold, y, "Spending by category (the twelve largest)", spending,
           [](int64_t pence) { return Pounds(pence); });
  std::vector<std::pair<std::string, int64_t>> months;
  if (const Table* t = r.Find("findings_by_month")) {
    for (const auto& row : t->rows) months.emplace_back(row[0], Whole(row[1]));
    if (months.size() > 14) months.erase(months.begin(), months.end() - 14);
  }
  y = Bars(page, regular, bold, y, "Findings opened by month", months,
           [](int64_t n) { return std::to_string(n); });
  Text(page, regular, 7, kLeft, 70, "Verify this summary with the CSV of the same report (dpctl monitoring verify-report).");
  Text(page, regular, 7, kLeft, 60, dp::StrCat("CSV SHA-256: ", csv_sha256));
  Text(page, regular, 7, kLeft, 50, dp::StrCat("Audit trail head: ", r.audit_head.substr(0, 120)));
  Text(page, regular, 7, kLeft, 40, dp::StrCat("Sample seed ", r.params.seed, ", ", r.params.sample_size,
                                               " transactions"));
  if (failed || HPDF_SaveToStream(pdf.get()) != HPDF_OK) {
    return absl::InternalError("the PDF could not be written");
  }
  std::string bytes(HPDF_GetStreamSize(pdf.get()), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(bytes.size());
  HPDF_ReadFromStream(pdf.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
  bytes.resize(size);
  return bytes;
}

}  // namespace dp::monitoring::reports
