#ifndef DP_LIB_DB_SQL_H_
#define DP_LIB_DB_SQL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

// Small helpers for writing SQL with libpqxx 6.4, which has no array or
// optional parameters.
namespace dp::db {

// IntArrayLiteral renders ids as a PostgreSQL array literal: "{1,2,3}".
std::string IntArrayLiteral(const std::vector<int64_t>& values);

// TextArrayLiteral renders strings as a PostgreSQL array literal, quoting
// each element: {"a","b\"c"}.
std::string TextArrayLiteral(const std::vector<std::string>& values);

// ParseIntArray parses a PostgreSQL int array in text form: "{1,2}" -> {1, 2}.
std::vector<int64_t> ParseIntArray(std::string_view text);

// MicrosOf turns a timestamptz expression into microseconds since the Unix
// epoch: MicrosOf("created_at") -> "(extract(epoch from created_at) * 1000000)::bigint".
std::string MicrosOf(std::string_view expression);

// RowBytes is about what a row weighs once sent: its fields' text plus a
// little for each field's framing. For PageFill (page_token.h).
size_t RowBytes(const pqxx::row& row);

}  // namespace dp::db

#endif  // DP_LIB_DB_SQL_H_
