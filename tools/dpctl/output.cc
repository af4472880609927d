#include "output.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>

#include <google/protobuf/util/json_util.h>

#include "call.h"
#include "channel.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "absl/time/time.h"
#include "money/money.h"

namespace dpctl {

namespace {

// Columns: how wide text shows in a terminal, one column a character
// (UTF-8 continuation bytes take none), so that "•••• 4821" and "£200.00"
// line up like ASCII.
size_t Columns(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

void Output::Table(const std::vector<std::string>& headers,
                   const std::vector<std::vector<std::string>>& rows) const {
  std::vector<size_t> widths(headers.size());
  for (size_t c = 0; c < headers.size(); ++c) widths[c] = Columns(headers[c]);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], Columns(row[c]));
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string cell = c < row.size() ? row[c] : "";
      line += cell;
      if (c + 1 < widths.size()) line += std::string(widths[c] - Columns(cell) + 2, ' ');
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
  for (const auto& [k, v] : pairs) width = std::max(width, Columns(k));
  for (const auto& [k, v] : pairs) {
    std::cout << k << ":" << std::string(width - Columns(k) + 1, ' ') << v << "\n";
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

int Report(const Endpoint& service, const std::string& what, const grpc::Status& status) {
  static const char* const kNames[] = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED"};
  const int code = static_cast<int>(status.error_code());
  std::cerr << "dpctl: " << what << " failed: "
            << (code >= 0 && code <= 16 ? kNames[code] : "?") << ": " << status.error_message()
            << "\n"
            << "trace: " << TraceId() << " (the services' log lines of this command carry it)\n";
  // The machine-readable details: reason, field, metadata (docs/ERRORS.md).
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      google::rpc::ErrorInfo info;
      google::rpc::BadRequest bad;
      if (any.UnpackTo(&info)) {
        std::cerr << "reason: " << info.reason();
        std::map<std::string, std::string> sorted(info.metadata().begin(), info.metadata().end());
        for (const auto& [k, v] : sorted) std::cerr << " " << k << "=" << v;
        std::cerr << "\n";
      } else if (any.UnpackTo(&bad)) {
        for (const auto& v : bad.field_violations()) {
          if (!v.field().empty()) std::cerr << "field: " << v.field() << "\n";
        }
      }
    }
  }
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      std::cerr << "hint: is dp-" << service.name << " running at " << LastAddress()
                << "? tools/start starts everything; " << service.flag << " or " << service.env
                << " picks the address. A write can be retried safely with the same "
                   "--request-id.\n";
      break;
    case grpc::StatusCode::INVALID_ARGUMENT:
      std::cerr << "hint: correct the field named above and run the command again.\n";
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      std::cerr << "hint: pass --cert, --key and --ca (or DP_CERT, DP_KEY, DP_CA); tools/start "
                   "prints them.\n";
      break;
    case grpc::StatusCode::PERMISSION_DENIED:
      std::cerr << "hint: `dpctl admin whoami` shows your role and what you reach.\n";
      break;
    default:
      break;
  }
  return ExitCodeFor(status);
}

std::string Pounds(int64_t pence, const std::string& currency) {
  return dp::FormatPence(pence) + " " + currency;
}

std::string Gbp(const dp::v1::Money& money) { return Pounds(money.amount_pence(), "GBP"); }

std::string Lower(const std::string& name, const std::string& prefix) {
  std::string s = name.substr(prefix.size());
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool MoneyFlag(const std::string& text, const std::string& flag, dp::v1::Money* out) {
  auto pence = dp::ParsePence(text);
  if (!pence.ok()) {
    std::cerr << "dpctl: " << flag << ": " << pence.status().message() << "\n";
    return false;
  }
  out->set_amount_pence(*pence);
  out->set_currency("GBP");
  return true;
}

std::string Rfc3339(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string InstantText(int64_t micros) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::FromUnixMicros(micros), absl::UTCTimeZone());
}

bool ParseInstant(const std::string& text, int64_t* micros) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", text, absl::UTCTimeZone(), &t, &err)) return false;
  *micros = absl::ToUnixMicros(t);
  return true;
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
