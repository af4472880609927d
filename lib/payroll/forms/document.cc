#include "payroll/forms/document.h"

#include <hpdf.h>

#include <memory>

#include "base/check.h"
#include "base/strings.h"
#include "base/win_ansi.h"

namespace dp::payroll {
namespace {

constexpr size_t kMaxPages = 10000;
constexpr size_t kLinesPerPage = 40;  // lines beyond continue on the next page
constexpr float kLeft = 56, kValueAt = 330, kTop = 780, kLineGap = 17;

void ErrorHandler(HPDF_STATUS, HPDF_STATUS, void* failed) { *static_cast<bool*>(failed) = true; }

void Text(HPDF_Page page, HPDF_Font font, float size, float x, float y, const std::string& s) {
  HPDF_Page_SetFontAndSize(page, font, size);
  HPDF_Page_BeginText(page);
  HPDF_Page_TextOut(page, x, y, ToWinAnsi(s).c_str());
  HPDF_Page_EndText(page);
}

// Continuations splits a page whose lines do not fit into several.
std::vector<DocPage> Continuations(const std::vector<DocPage>& pages) {
  std::vector<DocPage> out;
  for (const DocPage& p : pages) {
    for (size_t first = 0; first == 0 || first < p.lines.size(); first += kLinesPerPage) {
      DocPage part = p;
      part.lines.assign(p.lines.begin() + static_cast<long>(first),
                        p.lines.begin() + static_cast<long>(std::min(first + kLinesPerPage,
                                                                     p.lines.size())));
      if (first > 0) part.title += " (continued)";
      out.push_back(std::move(part));
      if (p.lines.empty()) break;
    }
  }
  return out;
}

}  // namespace

std::string RenderText(const std::vector<DocPage>& pages) {
  std::string out;
  for (size_t i = 0; i < pages.size() && i < kMaxPages; ++i) {
    const DocPage& p = pages[i];
    if (i > 0) out += "\f\n";
    dp::StrAppend(&out, p.title, "\n", p.subtitle, "\n\n");
    for (const DocLine& l : p.lines) {
      if (l.heading) {
        dp::StrAppend(&out, "\n", l.label, "\n");
        continue;
      }
      std::string label = l.label;
      if (label.size() < 36) label.resize(36, ' ');
      dp::StrAppend(&out, "  ", label, " ", l.value, "\n");
    }
    if (!p.footer.empty()) dp::StrAppend(&out, "\n", p.footer, "\n");
  }
  return out;
}

absl::StatusOr<std::string> RenderPdf(const std::vector<DocPage>& input) {
  if (input.empty()) return absl::InvalidArgumentError("a document needs at least one page");
  if (input.size() > kMaxPages) return absl::InvalidArgumentError("too many pages for one PDF");
  bool failed = false;
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, void (*)(HPDF_Doc)> pdf(
      HPDF_New(ErrorHandler, &failed), HPDF_Free);
  if (!pdf) return absl::ResourceExhaustedError("could not start a PDF");
  HPDF_SetCompressionMode(pdf.get(), HPDF_COMP_ALL);
  HPDF_Font regular = HPDF_GetFont(pdf.get(), "Helvetica", "WinAnsiEncoding");
  HPDF_Font bold = HPDF_GetFont(pdf.get(), "Helvetica-Bold", "WinAnsiEncoding");
  for (const DocPage& p : Continuations(input)) {
    HPDF_Page page = HPDF_AddPage(pdf.get());
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    float y = kTop;
    Text(page, bold, 18, kLeft, y, p.title);
    y -= 22;
    Text(page, regular, 11, kLeft, y, p.subtitle);
    y -= 30;
    for (const DocLine& l : p.lines) {
      if (l.heading) {
        y -= 6;
        Text(page, bold, 11, kLeft, y, l.label);
      } else {
        Text(page, regular, 10, kLeft + 8, y, l.label);
        Text(page, regular, 10, kValueAt, y, l.value);
      }
      y -= kLineGap;
    }
    if (!p.footer.empty()) Text(page, regular, 8, kLeft, 40, p.footer);
  }
  if (failed || HPDF_SaveToStream(pdf.get()) != HPDF_OK) {
    return absl::InternalError("the PDF library failed to lay out the document");
  }
  std::string bytes(HPDF_GetStreamSize(pdf.get()), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(bytes.size());
  HPDF_ReadFromStream(pdf.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
  bytes.resize(size);
  DP_CHECK(bytes.rfind("%PDF-", 0) == 0);
  return bytes;
}

}  // namespace dp::payroll
