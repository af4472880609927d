#include "db/sql.h"

#include <charconv>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "base/check.h"
#include "base/strings.h"

namespace dp::db {

std::string IntArrayLiteral(const std::vector<int64_t>& values) {
  return fmt::format("{{{}}}", fmt::join(values, ","));
}

std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string QuotedArray(pqxx::transaction_base& tx, const std::vector<int64_t>& values) {
  return tx.quote(IntArrayLiteral(values));
}

std::string QuotedArray(pqxx::transaction_base& tx, const std::vector<std::string>& values) {
  return tx.quote(TextArrayLiteral(values));
}

std::string SqlPrepared(pqxx::transaction_base& tx, const std::string& name, std::string_view sql) {
  static std::mutex mu;
  // Per connection object: its backend's pid and the names prepared there.
  // A pid that changed is a connection made again, with nothing prepared.
  static std::map<const void*, std::pair<int, std::set<std::string>>> prepared;
  const void* conn = &tx.conn();
  const int pid = tx.conn().backendpid();
  {
    std::lock_guard lock(mu);
    auto& [known_pid, names] = prepared[conn];
    if (known_pid != pid) {
      known_pid = pid;
      names.clear();
    }
    if (names.count(name) > 0) return dp::StrCat("EXECUTE ", name);
  }
  if (tx.exec_params1("SELECT count(*) FROM pg_prepared_statements WHERE name = $1", name)[0]
          .as<int>() == 0) {
    tx.exec(dp::StrCat("PREPARE ", name, " AS ", sql));
  }
  std::lock_guard lock(mu);
  prepared[conn].second.insert(name);
  return dp::StrCat("EXECUTE ", name);
}

void SendTogether(pqxx::pipeline& pipe) {
  // Queries are sent once this many wait, or at the first retrieve.
  constexpr int kMaxHeld = 1000;
  pipe.retain(kMaxHeld);
}

std::vector<int64_t> ParseIntArray(std::string_view text) {
  std::vector<int64_t> out;
  if (text.size() < 2) return out;
  text = text.substr(1, text.size() - 2);
  if (text.empty()) return out;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  while (p < end) {
    int64_t v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc()) break;
    out.push_back(v);
    p = next + 1;  // skip the comma
  }
  return out;
}

std::string MicrosOf(std::string_view expression) {
  return dp::StrCat("(extract(epoch from ", expression, ") * 1000000)::bigint");
}

Columns::Columns(const pqxx::result& result) {
  numbers_.reserve(result.columns());
  for (pqxx::row::size_type i = 0; i < result.columns(); ++i) {
    numbers_.emplace(result.column_name(i), i);  // a name twice: the first, as row["name"]
  }
}

pqxx::row::size_type Columns::operator()(std::string_view prefix, std::string_view name) const {
  char joined[128];
  DP_CHECK(prefix.size() + name.size() <= sizeof joined);
  prefix.copy(joined, prefix.size());
  name.copy(joined + prefix.size(), name.size());
  const auto it = numbers_.find(std::string_view(joined, prefix.size() + name.size()));
  DP_CHECK(it != numbers_.end());
  return it->second;
}

size_t RowBytes(const pqxx::row& row) {
  constexpr size_t kFraming = 4;  // a protobuf tag and length, roughly
  size_t bytes = 0;
  for (const auto& field : row) bytes += field.size() + kFraming;
  return bytes;
}

}  // namespace dp::db
