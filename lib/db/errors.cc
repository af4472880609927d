#include "db/errors.h"

#include <string>

#include <pqxx/pqxx>

#include "base/refusal.h"
#include "base/strings.h"

namespace dp::db {
namespace {

std::string SqlState(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) return sql->sqlstate();
  return "";
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
  if (state == "23505") {
    return absl::AbortedError(dp::StrCat("a concurrent request took the same key (",
                                           CleanMessage(e.what()), "); retry"));
  }
  if (state.rfind("23", 0) == 0) {
    return WithReason(absl::FailedPreconditionError(
                          dp::StrCat("refused by the database: ", CleanMessage(e.what()))),
                      reason::kDatabaseRule, {{"sqlstate", state}});
  }
  if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) {
    return absl::UnavailableError("the database is unreachable; retry shortly");
  }
  return absl::InternalError(dp::StrCat("database error: ", CleanMessage(e.what())));
}

bool IsRetryable(const std::exception& e) {
  const absl::StatusCode code = StatusFromException(e).code();
  return code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kAborted;
}

}  // namespace dp::db
