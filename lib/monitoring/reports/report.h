#ifndef DP_LIB_MONITORING_REPORTS_REPORT_H_
#define DP_LIB_MONITORING_REPORTS_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

// An auditor's report: what it is about (an authority, a period, an
// instant), and its tables. Gathered from the books by gather.h; written
// as CSV (the canonical, verifiable form), XLSX or a PDF summary here.
namespace dp::monitoring::reports {

// Params name one report: the same params give the same report.
struct Params {
  std::string authority_id;
  absl::CivilDay from;
  absl::CivilDay to;    // inclusive
  int64_t as_of_us = 0;  // microseconds since the epoch, UTC
  int64_t seed = 0;
  int sample_size = 25;
};

// Table is one section: a name, its columns, its rows (already text).
struct Table {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

struct Report {
  Params params;
  std::string audit_head;  // audit::FormatHead of the lanes at as_of
  std::vector<Table> tables;

  // Find is the table called `name`, or null.
  const Table* Find(const std::string& name) const;
};

// ToCsv writes the report: the parameters and the audit head first, one per
// line ("authority,FIFE"), then each table as a "section,NAME" line, a
// header line and its rows. Fields with commas, quotes or line breaks are
// quoted. The same report gives the same bytes.
std::string ToCsv(const Report& report);

// ParamsFromCsv reads a report's parameters back from its first lines;
// INVALID_ARGUMENT names the line that is not what ToCsv writes.
absl::StatusOr<Params> ParamsFromCsv(std::string_view csv);
// AuditHeadFromCsv reads the audit head line.
std::string AuditHeadFromCsv(std::string_view csv);

// Differences compares two CSV reports line by line within each section:
// every line only one of them has, as "SECTION: was LINE" or
// "SECTION: now LINE", at most `max` of them.
std::vector<std::string> Differences(std::string_view was, std::string_view now, size_t max = 200);

// ToXlsx writes the report as a workbook, a sheet per table, amounts as
// numbers in pounds (libxlsxwriter).
absl::StatusOr<std::string> ToXlsx(const Report& report, const std::string& csv_sha256);

// ToPdf writes a summary with charts: the totals, spending by category and
// findings by month as bar charts, and the CSV's SHA-256 and audit head to
// verify it by (libharu).
absl::StatusOr<std::string> ToPdf(const Report& report, const std::string& csv_sha256);

// Rfc3339Micros renders an instant as "2026-12-02T05:40:00.123456Z".
std::string Rfc3339Micros(int64_t micros);
// ParseRfc3339Micros reads it back; false if it is not one.
bool ParseRfc3339Micros(std::string_view text, int64_t* micros);

}  // namespace dp::monitoring::reports

#endif  // DP_LIB_MONITORING_REPORTS_REPORT_H_
