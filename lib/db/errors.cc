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
