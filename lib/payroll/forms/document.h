#ifndef DP_LIB_PAYROLL_FORMS_DOCUMENT_H_
#define DP_LIB_PAYROLL_FORMS_DOCUMENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

// A printable payroll document (payslip, P45, P60) as labelled lines on
// pages, rendered as a PDF (libharu) or as plain text for a terminal.
namespace dp::payroll {

struct DocLine {
  std::string label;
  std::string value;
  bool heading = false;  // a section heading: label only, in bold
};

struct DocPage {
  std::string title;     // "Payslip", "P45 Part 1A", ...
  std::string subtitle;  // who and when
  std::vector<DocLine> lines;
  std::string footer;    // the small print
};

// RenderText lays pages out as aligned text, a form feed between pages.
std::string RenderText(const std::vector<DocPage>& pages);

// RenderPdf lays pages out as an A4 PDF, one document page per page.
//
//   auto pdf = RenderPdf({{"Payslip", "Jane Smith, period 5", {{"Gross pay", "£612.34"}}}});
//   pdf->substr(0, 5) == "%PDF-"
absl::StatusOr<std::string> RenderPdf(const std::vector<DocPage>& pages);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_FORMS_DOCUMENT_H_
