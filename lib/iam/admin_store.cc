#include "iam/admin_store.h"

#include <regex>

#include "base/refusal.h"
#include "base/strings.h"
#include "db/page_token.h"
#include "db/sql.h"
#include "iam/principal.h"

namespace dp::iam {
namespace {

absl::Status Invalid(const std::string& field, const std::string& why) {
  return FieldError(field, why);
}

bool Matches(const std::string& text, const char* pattern) {
  return std::regex_match(text, std::regex(pattern));
}

// The organisation kind each role belongs to.
std::string KindForRole(const std::string& role) {
  if (role == "finance_officer") return "authority";
  if (role == "iso") return "iso";
  if (role == "auditor") return "audit";
  if (role == "processor") return "processor";
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
      org.kind != "processor" && org.kind != "internal") {
    return Invalid("kind", "must be authority, iso, audit, processor or internal");
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
    return Invalid("role",
                   "must be finance_officer, iso, auditor, service, admin, processor or console");
  }
  if (role == Role::kPerson) {
    return Invalid("role", "a person is invited for their agreement with InvitePerson, not created");
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

absl::StatusOr<Page<PrincipalRecord>> ListPrincipals(pqxx::transaction_base& tx,
                                                     const std::string& organisation_id,
                                                     int page_size, const std::string& page_token) {
  auto size = db::ClampPageSize(page_size, 100, 1000);
  if (!size.ok()) return size.status();
  const std::string fingerprint = dp::StrCat("principals|", organisation_id);
  auto after = db::DecodeKeyPageToken(page_token, fingerprint, 1);
  if (!after.ok()) return after.status();
  const pqxx::result r = tx.exec_params(
      dp::StrCat(kPrincipalColumns,
                 " WHERE ($1 = '' OR organisation_id = $1) AND name > $2 ORDER BY name LIMIT $3"),
      organisation_id, after->empty() ? "" : (*after)[0], *size + 1);
  Page<PrincipalRecord> page;
  db::PageFill fill(*size);
  for (const auto& row : r) {
    if (!fill.Room(db::RowBytes(row))) {
      page.next_page_token = db::EncodeKeyPageToken(fingerprint, {page.rows.back().name});
      break;
    }
    page.rows.push_back(PrincipalFromRow(row));
  }
  return page;
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
                    ((org->kind == "audit" || org->kind == "processor") &&
                     g.scope_type == "authority");
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

absl::StatusOr<Page<ScopeGrant>> ListGrants(pqxx::transaction_base& tx,
                                            const std::string& organisation_id, int page_size,
                                            const std::string& page_token) {
  auto size = db::ClampPageSize(page_size, 100, 1000);
  if (!size.ok()) return size.status();
  const std::string fingerprint = dp::StrCat("grants|", organisation_id);
  auto after = db::DecodeKeyPageToken(page_token, fingerprint, 3);
  if (!after.ok()) return after.status();
  if (after->empty()) *after = {"", "", ""};
  const pqxx::result r = tx.exec_params(
      "SELECT organisation_id, scope_type, scope_id FROM iam.grants"
      " WHERE ($1 = '' OR organisation_id = $1)"
      " AND (organisation_id, scope_type, scope_id) > ($2, $3, $4) ORDER BY 1, 2, 3 LIMIT $5",
      organisation_id, (*after)[0], (*after)[1], (*after)[2], *size + 1);
  Page<ScopeGrant> page;
  db::PageFill fill(*size);
  for (const auto& row : r) {
    if (!fill.Room(db::RowBytes(row))) {
      const ScopeGrant& last = page.rows.back();
      page.next_page_token =
          db::EncodeKeyPageToken(fingerprint, {last.organisation_id, last.scope_type, last.scope_id});
      break;
    }
    page.rows.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
  }
  return page;
}

}  // namespace dp::iam
