#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <xlsxwriter.h>

#include "base/strings.h"
#include "monitoring/reports/report.h"

namespace dp::monitoring::reports {
namespace {

// IsPence: a column of amounts in pence, written as pounds.
bool IsPence(const std::string& column) { return column.ends_with("_pence"); }

bool IsWhole(const std::string& text) {
  if (text.empty() || text.size() > 18) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!(std::isdigit(static_cast<unsigned char>(text[i])) || (i == 0 && text[i] == '-'))) return false;
  }
  return text != "-";
}

// SheetName: Excel allows 31 characters and no []:*?/\.
std::string SheetName(const std::string& name) { return name.substr(0, 31); }

}  // namespace

absl::StatusOr<std::string> ToXlsx(const Report& r, const std::string& csv_sha256) {
  // libxlsxwriter writes a file: a private temporary one, read back, removed.
  char path[] = "/tmp/dp-report-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return absl::InternalError("cannot make a temporary file for the workbook");
  close(fd);
  const std::string file = std::string(path) + ".xlsx";
  std::rename(path, file.c_str());
  lxw_workbook* wb = workbook_new(file.c_str());
  if (wb == nullptr) return absl::InternalError("cannot start the workbook");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* pounds = workbook_add_format(wb);
  format_set_num_format(pounds, "£#,##0.00");

  lxw_worksheet* about = workbook_add_worksheet(wb, "report");
  const std::vector<std::pair<std::string, std::string>> header = {
      {"report", "Direct payments auditor report"},
      {"authority", r.params.authority_id},
      {"period", dp::StrCat(absl::FormatCivilTime(r.params.from), " to ", absl::FormatCivilTime(r.params.to))},
      {"as_of", Rfc3339Micros(r.params.as_of_us)},
      {"seed", std::to_string(r.params.seed)},
      {"sample_size", std::to_string(r.params.sample_size)},
      {"audit_head", r.audit_head},
      {"csv_sha256", csv_sha256},
      {"verify", "dpctl monitoring verify-report with the CSV of the same report"}};
  for (size_t i = 0; i < header.size(); ++i) {
    worksheet_write_string(about, static_cast<lxw_row_t>(i), 0, header[i].first.c_str(), bold);
    worksheet_write_string(about, static_cast<lxw_row_t>(i), 1, header[i].second.c_str(), nullptr);
  }
  worksheet_set_column(about, 0, 0, 14, nullptr);
  worksheet_set_column(about, 1, 1, 90, nullptr);
  for (const Table& t : r.tables) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, SheetName(t.name).c_str());
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const std::string heading = IsPence(t.columns[c])
                                      ? t.columns[c].substr(0, t.columns[c].size() - 6) + " (£)"
                                      : t.columns[c];
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), heading.c_str(), bold);
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), 16, nullptr);
    }
    for (size_t i = 0; i < t.rows.size(); ++i) {
      const auto row = static_cast<lxw_row_t>(i + 1);
      for (size_t c = 0; c < t.rows[i].size() && c < t.columns.size(); ++c) {
        const std::string& v = t.rows[i][c];
        const auto col = static_cast<lxw_col_t>(c);
        if (IsPence(t.columns[c]) && IsWhole(v)) {
          worksheet_write_number(ws, row, col, static_cast<double>(std::stoll(v)) / 100.0, pounds);
        } else if (IsWhole(v) && !t.columns[c].ends_with("_id")) {
          worksheet_write_number(ws, row, col, static_cast<double>(std::stoll(v)), nullptr);
        } else {
          worksheet_write_string(ws, row, col, v.c_str(), nullptr);
        }
      }
    }
  }
  const lxw_error err = workbook_close(wb);
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::remove(file.c_str());
  if (err != LXW_NO_ERROR) {
    return absl::InternalError(dp::StrCat("the workbook could not be written: ", lxw_strerror(err)));
  }
  return bytes.str();
}

}  // namespace dp::monitoring::reports
