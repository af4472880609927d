#include "base/csv.h"

namespace dp {

absl::StatusOr<std::vector<std::string>> SplitCsv(std::string_view line) {
  constexpr size_t kMaxFields = 64;  // a bank statement or clearing file has under 10
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"') {
        fields.back().push_back(c);
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      if (fields.size() == kMaxFields) return absl::InvalidArgumentError("too many columns");
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back().push_back(c);
    }
  }
  if (quoted) return absl::InvalidArgumentError("a quoted field is not closed");
  return fields;
}

void AppendCsvLine(std::string* out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) *out += ',';
    const std::string& value = fields[i];
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
      *out += value;
      continue;
    }
    *out += '"';
    for (char c : value) {
      if (c == '"') *out += '"';
      *out += c;
    }
    *out += '"';
  }
  *out += '\n';
}

}  // namespace dp
