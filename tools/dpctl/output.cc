#include "output.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>

#include <google/protobuf/util/json_util.h>

#include "money/money.h"

namespace dpctl {

void Output::Table(const std::vector<std::string>& headers,
                   const std::vector<std::vector<std::string>>& rows) const {
  std::vector<size_t> widths(headers.size());
  for (size_t c = 0; c < headers.size(); ++c) widths[c] = headers[c].size();
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string cell = c < row.size() ? row[c] : "";
      line += cell;
      if (c + 1 < widths.size()) line += std::string(widths[c] - cell.size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  };
  print_row(headers);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  print_row(rule);
  for (const auto& row : rows) print_row(row);
  if (rows.empty()) std::cout << "(none)\n";
}

void Output::KeyValues(const std::vector<std::pair<std::string, std::string>>& pairs) const {
  size_t width = 0;
  for (const auto& [k, v] : pairs) width = std::max(width, k.size());
  for (const auto& [k, v] : pairs) {
    std::cout << k << ":" << std::string(width - k.size() + 1, ' ') << v << "\n";
  }
}

void Output::Json(const google::protobuf::Message& message) const {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  std::cout << json;
}

int ExitCodeFor(const grpc::Status& status) {
  return status.ok() ? 0 : 10 + static_cast<int>(status.error_code());
}

int ReportError(const std::string& what, const grpc::Status& status) {
  static const char* const kNames[] = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED"};
  const int code = static_cast<int>(status.error_code());
  std::cerr << "dpctl: " << what << " failed: "
            << (code >= 0 && code <= 16 ? kNames[code] : "?") << ": " << status.error_message()
            << "\n";
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    std::cerr << "hint: is the service running? tools/start starts everything; "
                 "--ledger or DP_LEDGER_ADDR picks the address. A write can be retried "
                 "safely with the same --request-id.\n";
  }
  return ExitCodeFor(status);
}

std::string Pounds(int64_t pence, const std::string& currency) {
  return dp::FormatPence(pence) + " " + currency;
}

std::string Rfc3339(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool ParseDate(const std::string& text, dp::v1::Date* out) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
  out->set_year(y);
  out->set_month(m);
  out->set_day(d);
  return true;
}

std::string DateText(const dp::v1::Date& d) {
  if (d.year() == 0) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year(), d.month(), d.day());
  return buf;
}

dp::v1::Date TodayUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm today{};
  gmtime_r(&now, &today);
  dp::v1::Date d;
  d.set_year(today.tm_year + 1900);
  d.set_month(today.tm_mon + 1);
  d.set_day(today.tm_mday);
  return d;
}

}  // namespace dpctl
