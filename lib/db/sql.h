#ifndef DP_LIB_DB_SQL_H_
#define DP_LIB_DB_SQL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "base/strings.h"

// Small helpers for writing SQL with libpqxx 6.4, which has no array or
// optional parameters.
namespace dp::db {

// IntArrayLiteral renders ids as a PostgreSQL array literal: "{1,2,3}".
std::string IntArrayLiteral(const std::vector<int64_t>& values);

// TextArrayLiteral renders strings as a PostgreSQL array literal, quoting
// each element: {"a","b\"c"}.
std::string TextArrayLiteral(const std::vector<std::string>& values);

// QuotedArray is `values` as an array literal quoted for SQL text: an
// argument for SqlCall, or a value to compare with = ANY(...::text[]).
//
//   SqlCall(prepared, QuotedArray(tx, ids), QuotedArray(tx, names))
//   // EXECUTE name('{1,2}', '{"a","b"}')
std::string QuotedArray(pqxx::transaction_base& tx, const std::vector<int64_t>& values);
std::string QuotedArray(pqxx::transaction_base& tx, const std::vector<std::string>& values);

// ParseIntArray parses a PostgreSQL int array in text form: "{1,2}" -> {1, 2}.
std::vector<int64_t> ParseIntArray(std::string_view text);

// MicrosOf turns a timestamptz expression into microseconds since the Unix
// epoch: MicrosOf("created_at") -> "(extract(epoch from created_at) * 1000000)::bigint".
std::string MicrosOf(std::string_view expression);

// Columns numbers a result's columns by name once, for decoding its rows:
// libpqxx's row["name"] asks libpq every time, which copies the name and
// compares it with each column in turn (in the card batch's rows of about
// 60 columns, a tenth of its thread's time). Names are as the result has
// them (lower case unless the query quoted them); a name twice is the
// first, as there; asking for one the result does not have stops the
// process (the query and its decoder disagree).
//
//   const db::Columns cols(rows);
//   for (const auto& r : rows) ids.push_back(r[cols["id"]].as<int64_t>());
//   r[cols("card_account_", "id")]  // a column named by a prefix and a name
class Columns {
 public:
  explicit Columns(const pqxx::result& result);
  pqxx::row::size_type operator[](std::string_view name) const { return (*this)("", name); }
  pqxx::row::size_type operator()(std::string_view prefix, std::string_view name) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, pqxx::row::size_type, Hash, std::equal_to<>> numbers_;
};

// RowBytes is about what a row weighs once sent: its fields' text plus a
// little for each field's framing. For PageFill (page_token.h).
size_t RowBytes(const pqxx::row& row);

// Prepared runs `sql`, prepared on the connection the first time under
// `name` and reused after (libpqxx keeps the definitions per connection and
// prepares again after a reconnect): for a statement run once per row of a
// long job, where planning it each time would cost more than running it.
// One name, one text: the caller names each variant of a built statement.
//
//   Prepared(tx, "monitoring.facts.cards", "SELECT ... WHERE c.agreement_id = $1", agreement_id)
template <typename... Args>
pqxx::result Prepared(pqxx::transaction_base& tx, const std::string& name, const std::string& sql,
                      Args&&... args) {
  tx.conn().prepare(name, sql);
  return tx.exec_prepared(name, std::forward<Args>(args)...);
}

// SqlPrepared prepares `sql` under `name` with SQL's own PREPARE, once for
// each connection (a connection made again prepares again), and returns
// "EXECUTE name": for a statement sent in a pipeline or with others in one
// text, where libpqxx's prepared statements cannot go. SqlCall adds the
// arguments, as quoted literals. Parameter types come from the casts in
// `sql` ($1::text[]). Such a statement outlives a rolled-back transaction.
//
//   pipe.insert(SqlCall(SqlPrepared(tx, "dp_cards_lock", "SELECT ... WHERE token = ANY($1::text[])"),
//                       QuotedArray(tx, tokens)));
std::string SqlPrepared(pqxx::transaction_base& tx, const std::string& name, std::string_view sql);

// SqlCall is `prepared` ("EXECUTE name", from SqlPrepared) called with
// `args`, each already SQL text: a number as it is, anything else through
// tx.quote first.
//
//   pipe.insert(SqlCall(SqlPrepared(tx, "dp_audit_move_head", kMoveHead), seq, tx.quote(hash), lane));
//   // EXECUTE dp_audit_move_head(7, 'ab12...', 3)
template <typename... Args>
std::string SqlCall(std::string_view prepared, const Args&... args) {
  std::string sql = dp::StrCat(prepared, "(");
  std::string_view separator;
  ((dp::StrAppend(&sql, separator, args), separator = ", "), ...);
  sql += ")";
  return sql;
}

// SendTogether makes `pipe` hold its queries until the first result is
// retrieved and then send them all in one message: one round trip. Left
// alone, libpqxx 6 sends the first query at once and each later one only
// after the result before it, a round trip each.
//
//   pqxx::pipeline pipe(tx);
//   SendTogether(pipe);
//   const auto a = pipe.insert("SELECT ..."), b = pipe.insert("EXECUTE ...");
//   use(pipe.retrieve(a)); use(pipe.retrieve(b));
void SendTogether(pqxx::pipeline& pipe);

// OneRow is `r`, the answer to the statement `name`, when it has exactly
// one row; pqxx::unexpected_rows (a database failure to the caller)
// otherwise. PreparedRow is Prepared for such a statement, giving its row.
//
//   const pqxx::result r = OneRow(Prepared(tx, "cards.situation", sql, id), "cards.situation");
//   Decode(r[0], Columns(r));
inline pqxx::result OneRow(pqxx::result r, const std::string& name) {
  if (r.size() != 1) {
    throw pqxx::unexpected_rows(name + " gave " + std::to_string(r.size()) + " rows, not one");
  }
  return r;
}
template <typename... Args>
pqxx::row PreparedRow(pqxx::transaction_base& tx, const std::string& name, const std::string& sql,
                      Args&&... args) {
  return OneRow(Prepared(tx, name, sql, std::forward<Args>(args)...), name)[0];
}

}  // namespace dp::db

#endif  // DP_LIB_DB_SQL_H_
