#ifndef DP_LIB_DB_MIGRATE_H_
#define DP_LIB_DB_MIGRATE_H_

#include <string>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"

namespace dp::db {

// ApplyMigrations applies, in order, every NNNN_name.sql file of `dir` that
// public.schema_migrations does not list yet, each in its own transaction,
// under an advisory lock so that services starting together apply each
// once. An applied file whose content changed since is an error: migrations
// are append-only. Returns how many files it applied.
//
//   auto applied = ApplyMigrations(conn, "deploy/migrations");
absl::StatusOr<int> ApplyMigrations(pqxx::connection& conn, const std::string& dir);

}  // namespace dp::db

#endif  // DP_LIB_DB_MIGRATE_H_
