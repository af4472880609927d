#include "db/migrate.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/sha256.h"
#include "base/strings.h"

namespace dp::db {
namespace {

constexpr int64_t kMigrationLockKey = 0x64706d6967;  // "dpmig"

struct MigrationFile {
  int version = 0;
  std::string name;
  std::string sql;
  std::string checksum;  // hex SHA-256 of the file
};

absl::StatusOr<std::vector<MigrationFile>> ReadMigrations(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(dp::StrCat("migrations directory ", dir,
                                            " does not exist; pass --migrations-dir"));
  }
  std::vector<MigrationFile> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    if (name.size() < 6 || name[4] != '_' || !dp::IsDigits(std::string_view(name).substr(0, 4), 4)) {
      return absl::InvalidArgumentError(
          dp::StrCat("migration file ", name, " is not named NNNN_name.sql"));
    }
    std::ifstream in(entry.path());
    std::stringstream content;
    content << in.rdbuf();
    MigrationFile file{std::stoi(name.substr(0, 4)), name, content.str(), ""};
    file.checksum = Sha256Hex(file.sql);
    files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (size_t i = 1; i < files.size(); ++i) {
    if (files[i].version == files[i - 1].version) {
      return absl::InvalidArgumentError(
          dp::StrCat("two migrations share version ", files[i].version));
    }
  }
  return files;
}

}  // namespace

absl::StatusOr<int> ApplyMigrations(pqxx::connection& conn, const std::string& dir) {
  auto files = ReadMigrations(dir);
  if (!files.ok()) return files.status();
  {
    pqxx::nontransaction nt(conn);
    nt.exec(dp::StrCat("SELECT pg_advisory_lock(", kMigrationLockKey, ")"));
  }
  int applied = 0;
  absl::Status status = absl::OkStatus();
  try {
    {
      // A service's own role may not create anything: it only checks that
      // nothing is pending, so the table is created only when missing.
      pqxx::work tx(conn);
      if (tx.exec1("SELECT to_regclass('public.schema_migrations') IS NULL")[0].as<bool>()) {
        tx.exec0(
            "CREATE TABLE public.schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
      }
      tx.commit();
    }
    for (const MigrationFile& file : *files) {
      pqxx::work tx(conn);
      const pqxx::result done = tx.exec_params(
          "SELECT checksum FROM public.schema_migrations WHERE version = $1", file.version);
      if (!done.empty()) {
        if (done[0][0].as<std::string>() != file.checksum) {
          status = absl::FailedPreconditionError(dp::StrCat(
              "migration ", file.name,
              " was changed after it was applied; add a new migration instead"));
          break;
        }
        continue;
      }
      tx.exec0(file.sql);
      tx.exec_params0(
          "INSERT INTO public.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
          file.version, file.name, file.checksum);
      tx.commit();
      ++applied;
    }
  } catch (const std::exception& e) {
    const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
    status = absl::InternalError(dp::StrCat(
        "applying migrations failed: ", e.what(),
        sql != nullptr && sql->sqlstate() == "42501"
            ? " (migrations run as the schema owner, dp_owner: tools/start and tools/test do "
              "that; otherwise run this binary once with --migrate-only and the owner's "
              "--database-url)"
            : ""));
  }
  pqxx::nontransaction nt(conn);
  nt.exec(dp::StrCat("SELECT pg_advisory_unlock(", kMigrationLockKey, ")"));
  if (!status.ok()) return status;
  return applied;
}

}  // namespace dp::db
