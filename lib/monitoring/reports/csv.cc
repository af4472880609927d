#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "absl/time/time.h"
#include "base/csv.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "monitoring/reports/report.h"

namespace dp::monitoring::reports {
namespace {

void Line(std::string* out, const std::vector<std::string>& fields) { AppendCsvLine(out, fields); }

std::string DayText(absl::CivilDay d) { return absl::FormatCivilTime(d); }

// Lines splits text into lines (without their '\n').
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  for (size_t at = 0; at < text.size();) {
    const size_t end = std::min(text.find('\n', at), text.size());
    out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

constexpr std::string_view kTitle = "Direct payments auditor report";

}  // namespace

const Table* Report::Find(const std::string& name) const {
  for (const Table& t : tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string Rfc3339Micros(int64_t micros) {
  const absl::Time t = absl::FromUnixMicros(micros);
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

bool ParseRfc3339Micros(std::string_view text, int64_t* micros) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", std::string(text), absl::UTCTimeZone(), &t, &err)) {
    return false;
  }
  *micros = absl::ToUnixMicros(t);
  return true;
}

std::string ToCsv(const Report& r) {
  std::string out;
  Line(&out, {"report", std::string(kTitle)});
  Line(&out, {"authority", r.params.authority_id});
  Line(&out, {"period", DayText(r.params.from), DayText(r.params.to)});
  Line(&out, {"as_of", Rfc3339Micros(r.params.as_of_us)});
  Line(&out, {"seed", std::to_string(r.params.seed)});
  Line(&out, {"sample_size", std::to_string(r.params.sample_size)});
  Line(&out, {"audit_head", r.audit_head});
  for (const Table& t : r.tables) {
    Line(&out, {"section", t.name});
    Line(&out, t.columns);
    for (const auto& row : t.rows) Line(&out, row);
  }
  return out;
}

absl::StatusOr<Params> ParamsFromCsv(std::string_view csv) {
  const auto lines = Lines(csv.substr(0, 4096));
  auto expect = [&](size_t i, std::string_view key) -> absl::StatusOr<std::vector<std::string>> {
    if (i >= lines.size() || !lines[i].starts_with(std::string(key) + ",")) {
      return FieldError("content", dp::StrCat("line ", i + 1, " should begin \"", key,
                                              ",\": this is not an auditor report in CSV"));
    }
    return SplitCommas(lines[i].substr(key.size() + 1));
  };
  Params p;
  auto title = expect(0, "report");
  if (!title.ok()) return title.status();
  auto authority = expect(1, "authority");
  if (!authority.ok()) return authority.status();
  auto period = expect(2, "period");
  if (!period.ok()) return period.status();
  auto as_of = expect(3, "as_of");
  if (!as_of.ok()) return as_of.status();
  auto seed = expect(4, "seed");
  if (!seed.ok()) return seed.status();
  auto sample = expect(5, "sample_size");
  if (!sample.ok()) return sample.status();
  if (authority->size() != 1 || period->size() != 2 || as_of->size() != 1 || seed->size() != 1 ||
      sample->size() != 1 || !absl::ParseCivilTime((*period)[0], &p.from) ||
      !absl::ParseCivilTime((*period)[1], &p.to) || !ParseRfc3339Micros((*as_of)[0], &p.as_of_us)) {
    return FieldError("content", "the report's first lines are damaged: authority, period, as_of");
  }
  p.authority_id = (*authority)[0];
  try {
    size_t used = 0;
    p.seed = std::stoll((*seed)[0], &used);
    if (used != (*seed)[0].size()) throw std::invalid_argument("seed");
    p.sample_size = std::stoi((*sample)[0], &used);
    if (used != (*sample)[0].size()) throw std::invalid_argument("sample_size");
  } catch (const std::exception&) {
    return FieldError("content", "the report's seed or sample_size line is damaged");
  }
  return p;
}

std::string AuditHeadFromCsv(std::string_view csv) {
  for (std::string_view line : Lines(csv.substr(0, 4096))) {
    if (!line.starts_with("audit_head,")) continue;
    std::string_view head = line.substr(11);
    if (head.size() >= 2 && head.front() == '"' && head.back() == '"') head = head.substr(1, head.size() - 2);
    return std::string(head);
  }
  return "";
}

std::vector<std::string> Differences(std::string_view was, std::string_view now, size_t max) {
  // Each line keyed by its section, counted (a line may repeat).
  auto index = [](std::string_view text) {
    std::map<std::pair<std::string, std::string>, int> lines;
    std::string section = "parameters";
    for (std::string_view line : Lines(text)) {
      if (line.starts_with("section,")) {
        section = std::string(line.substr(8));
        continue;
      }
      ++lines[{section, std::string(line)}];
    }
    return lines;
  };
  const auto a = index(was), b = index(now);
  std::vector<std::string> out;
  auto report = [&](const auto& from, const auto& other, std::string_view word) {
    for (const auto& [key, n] : from) {
      const auto it = other.find(key);
      const int missing = n - (it == other.end() ? 0 : it->second);
      for (int i = 0; i < missing && out.size() < max; ++i) {
        out.push_back(dp::StrCat(key.first, ": ", word, " ", key.second));
      }
    }
  };
  report(a, b, "was");
  report(b, a, "now");
  return out;
}

}  // namespace dp::monitoring::reports
