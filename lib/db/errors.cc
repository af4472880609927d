#include "db/errors.h"

#include <cstdio>
#include <string>
#include <string_view>

#include <pqxx/pqxx>

#include "base/refusal.h"
#include "base/strings.h"

namespace dp::db {
namespace {

std::string SqlState(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) return sql->sqlstate();
  return "";
}

std::string JsonEscaped(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 500)) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// PostgreSQL messages start with "ERROR:  " and may carry a CONTEXT block.
std::string CleanMessage(const char* what) {
  std::string_view text(what);
  if (text.rfind("ERROR:  ", 0) == 0) text.remove_prefix(8);
  if (auto newline = text.find('\n'); newline != std::string_view::npos) {
    text = text.substr(0, newline);
  }
  return std::string(text);
}

// LogDatabaseText writes the database's message to the service's log, one
// line, for the operator.
void LogDatabaseText(const std::string& state, const char* what) {
  std::fprintf(stderr, "{\"level\":\"warn\",\"msg\":\"database refused\",\"sqlstate\":\"%s\","
               "\"error\":\"%s\"}\n",
               state.c_str(), JsonEscaped(CleanMessage(what)).c_str());
}

// Between(text, open, close): the text after `open` up to `close`, or "".
std::string_view Between(std::string_view text, std::string_view open, std::string_view close) {
  const size_t start = text.find(open);
  if (start == std::string_view::npos) return {};
  const size_t from = start + open.size();
  const size_t end = text.find(close, from);
  return end == std::string_view::npos ? std::string_view() : text.substr(from, end - from);
}

// FieldOfRule finds the one column a database rule is about, from the
// parts of PostgreSQL's message that name columns: a not-null column, the
// key of a foreign key, or a check named as PostgreSQL names them,
// "<table>_<column>_check". A rule named for what it keeps (a balance that
// may not go negative) is about no one field: "".
//
//   FieldOfRule("new row for relation \"persons\" violates check constraint "
//               "\"persons_display_name_check\"", "23514") -> {"display_name", "..."}
std::pair<std::string, std::string> FieldOfRule(std::string_view what, const std::string& state) {
  if (state == "23502") {
    return {std::string(Between(what, "null value in column \"", "\"")), "is required"};
  }
  if (state == "23503") {
    std::string_view key = Between(what, "Key (", ")=");
    if (key.find(',') != std::string_view::npos) key = {};  // several columns: no one field
    return {std::string(key), "names nothing that exists within your reach"};
  }
  if (state == "23514") {
    const std::string table(Between(what, "relation \"", "\""));
    const std::string_view rule = Between(what, "check constraint \"", "\"");
    constexpr std::string_view kCheck = "_check";
    if (!table.empty() && rule.size() > table.size() + 1 + kCheck.size() &&
        rule.substr(0, table.size() + 1) == table + "_" &&
        rule.substr(rule.size() - kCheck.size()) == kCheck) {
      return {std::string(rule.substr(table.size() + 1, rule.size() - table.size() - 1 - kCheck.size())),
              "is outside what the books allow"};
    }
  }
  return {"", ""};
}

}  // namespace

absl::Status StatusFromException(const std::exception& e) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(
        "the database connection broke during commit; retry with the same request_id");
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError("the database is unreachable; retry shortly");
  }
  const std::string state = SqlState(e);
  if (state == "40001" || state == "40P01") {
    return absl::AbortedError("concurrent update; retry with the same request_id");
  }
  // The database's own words (constraint names, SQL, other rows' values)
  // stay in the service's log; the client gets what happened and what to do.
  if (state == "23505") {
    LogDatabaseText(state, e.what());
    return absl::AbortedError("a concurrent request took the same key; retry");
  }
  if (state.rfind("23", 0) == 0) {
    LogDatabaseText(state, e.what());
    // A rule about one field is told as that field's refusal, by the
    // column's name only: never the rule's name, the table or any value.
    if (const auto [field, problem] = FieldOfRule(e.what(), state); !field.empty()) {
      return WithReason(FieldError(field, dp::StrCat(problem, "; nothing was written")),
                        reason::kDatabaseRule, {{"sqlstate", state}});
    }
    return WithReason(absl::FailedPreconditionError(
                          "refused by a rule of the database; nothing was written"),
                      reason::kDatabaseRule, {{"sqlstate", state}});
  }
  if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) {
    return absl::UnavailableError("the database is unreachable; retry shortly");
  }
  LogDatabaseText(state, e.what());
  return absl::InternalError(dp::StrCat("database error (sqlstate ", state.empty() ? "none" : state,
                                        "); the service's log has the details"));
}

bool IsRetryable(const std::exception& e) {
  const absl::StatusCode code = StatusFromException(e).code();
  return code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kAborted;
}

}  // namespace dp::db
