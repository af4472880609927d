#include "iam/admin_store.h"

#include <regex>

#include "base/strings.h"
#include "iam/principal.h"

namespace dp::iam {
namespace {

absl::Status Invalid(const std::string& field, const std::string& why) {
  return absl::InvalidArgumentError(dp::StrCat(field, " ", why));
}

bool Matches(const std::string& text, const char* pattern) {
  return std::regex_match(text, std::regex(pattern));
}

// The organisation kind each role belongs to.
std::string KindForRole(const std::string& role) {
  if (role == "finance_officer") return "authority";
  if (role == "iso") return "iso";
  if (role == "auditor") return "audit";
  return "internal";  // service, admin
}

PrincipalRecord PrincipalFromRow(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
          r[3].as<std::string>(), r[4].as<bool>()};
}

constexpr char kPrincipalColumns[] =
    "SELECT name, organisation_id, role, approver_level, disabled FROM iam.principals";

}  // namespace

absl::StatusOr<Organisation> CreateOrganisation(pqxx::work& tx, const Organisation& org) {
  if (!Matches(org.id, "[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
    return Invalid("id", "must be 1 to 64 letters, digits, '.', '_' or '-'");
  }
  if (org.kind != "authority" && org.kind != "iso" && org.kind != "audit" &&
      org.kind != "internal") {
    return Invalid("kind", "must be authority, iso, audit or internal");
  }
  if (org.name.empty() || org.name.size() > 200) return Invalid("name", "must be 1 to 200 characters");
  auto existing = GetOrganisation(tx, org.id);
  if (existing.ok()) {
    if (existing->kind != org.kind || existing->name != org.name) {
      return absl::AlreadyExistsError(dp::StrCat("organisation ", org.id, " already exists"));
    }
    return existing;
  }
  tx.exec_params("INSERT INTO iam.organisations (id, kind, name) VALUES ($1, $2, $3)", org.id,
                 org.kind, org.name);
  return org;
}

absl::StatusOr<Organisation> GetOrganisation(pqxx::transaction_base& tx, const std::string& id) {
  const pqxx::result r =
      tx.exec_params("SELECT id, kind, name FROM iam.organisations WHERE id = $1", id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("organisation ", id, " does not exist"));
  return Organisation{r[0][0].as<std::string>(), r[0][1].as<std::string>(),
                      r[0][2].as<std::string>()};
}

absl::StatusOr<PrincipalRecord> CreatePrincipal(pqxx::work& tx, const PrincipalRecord& p) {
  if (!Matches(p.name, "[A-Za-z0-9][A-Za-z0-9@._-]{0,127}")) {
    return Invalid("name", "must be the certificate's common name: letters, digits, @ . _ -");
  }
  Role role;
  if (!ParseRole(p.role, &role)) {
    return Invalid("role", "must be finance_officer, iso, auditor, service or admin");
  }
  const std::string level = p.approver_level.empty() ? "none" : p.approver_level;
  if (level != "none" && level != "worker" && level != "manager" && level != "panel") {
    return Invalid("approver_level", "must be none, worker, manager or panel");
  }
  if (level != "none" && role != Role::kFinanceOfficer) {
    return Invalid("approver_level", "applies to finance officers only");
  }
  auto org = GetOrganisation(tx, p.organisation_id);
  if (!org.ok()) return org.status();
  if (org->kind != KindForRole(p.role)) {
    return absl::FailedPreconditionError(
        dp::StrCat("a ", p.role, " belongs to an organisation of kind ", KindForRole(p.role),
                   "; ", org->id, " is of kind ", org->kind));
  }
  PrincipalRecord wanted = p;
  wanted.approver_level = level;
  wanted.disabled = false;
  auto existing = GetPrincipal(tx, p.name);
  if (existing.ok()) {
    if (existing->organisation_id != wanted.organisation_id || existing->role != wanted.role ||
        existing->approver_level != wanted.approver_level) {
      return absl::AlreadyExistsError(dp::StrCat("principal ", p.name, " already exists"));
    }
    return existing;
  }
  tx.exec_params(
      "INSERT INTO iam.principals (name, organisation_id, role, approver_level)"
      " VALUES ($1, $2, $3, $4)",
      wanted.name, wanted.organisation_id, wanted.role, wanted.approver_level);
  return wanted;
}

absl::StatusOr<PrincipalRecord> GetPrincipal(pqxx::transaction_base& tx, const std::string& name) {
  const pqxx::result r =
      tx.exec_params(dp::StrCat(kPrincipalColumns, " WHERE name = $1"), name);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("principal ", name, " does not exist"));
  return PrincipalFromRow(r[0]);
}

absl::StatusOr<PrincipalRecord> SetPrincipalDisabled(pqxx::work& tx, const std::string& name,
                                                     bool disabled) {
  const pqxx::result r = tx.exec_params(
      "UPDATE iam.principals SET disabled = $2 WHERE name = $1"
      " RETURNING name, organisation_id, role, approver_level, disabled",
      name, disabled);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("principal ", name, " does not exist"));
  return PrincipalFromRow(r[0]);
}

std::vector<PrincipalRecord> ListPrincipals(pqxx::transaction_base& tx,
                                            const std::string& organisation_id) {
  std::vector<PrincipalRecord> out;
  for (const auto& row : tx.exec_params(
           dp::StrCat(kPrincipalColumns, " WHERE $1 = '' OR organisation_id = $1 ORDER BY name"),
           organisation_id)) {
    out.push_back(PrincipalFromRow(row));
  }
  return out;
}

absl::StatusOr<ScopeGrant> Grant(pqxx::work& tx, const ScopeGrant& g) {
  auto org = GetOrganisation(tx, g.organisation_id);
  if (!org.ok()) return org.status();
  if (g.scope_type != "authority" && g.scope_type != "agreement" && g.scope_type != "employer") {
    return Invalid("grant.scope_type", "must be authority, agreement or employer");
  }
  if (g.scope_id.empty() || g.scope_id.size() > 100) {
    return Invalid("grant.scope_id", "must be 1 to 100 characters");
  }
  const bool fits = (org->kind == "iso" && g.scope_type != "authority") ||
                    (org->kind == "audit" && g.scope_type == "authority");
  if (!fits) {
    return absl::FailedPreconditionError(
        dp::StrCat("an organisation of kind ", org->kind, " cannot be granted a ", g.scope_type,
                   ": ISOs are linked to agreements and employers, auditors to authorities"));
  }
  tx.exec_params(
      "INSERT INTO iam.grants (organisation_id, scope_type, scope_id) VALUES ($1, $2, $3)"
      " ON CONFLICT DO NOTHING",
      g.organisation_id, g.scope_type, g.scope_id);
  return g;
}

absl::StatusOr<ScopeGrant> Revoke(pqxx::work& tx, const ScopeGrant& g) {
  const pqxx::result r = tx.exec_params(
      "DELETE FROM iam.grants WHERE organisation_id = $1 AND scope_type = $2 AND scope_id = $3"
      " RETURNING organisation_id",
      g.organisation_id, g.scope_type, g.scope_id);
  if (r.empty()) return absl::NotFoundError("no such grant");
  return g;
}

std::vector<ScopeGrant> ListGrants(pqxx::transaction_base& tx, const std::string& organisation_id) {
  std::vector<ScopeGrant> out;
  for (const auto& row : tx.exec_params(
           "SELECT organisation_id, scope_type, scope_id FROM iam.grants"
           " WHERE $1 = '' OR organisation_id = $1 ORDER BY 1, 2, 3",
           organisation_id)) {
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
  }
  return out;
}

}  // namespace dp::iam
