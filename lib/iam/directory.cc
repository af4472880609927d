#include "iam/directory.h"

#include "base/strings.h"

namespace dp::iam {

absl::StatusOr<Principal> PrincipalDirectory::Find(const std::string& name) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(name); it != cache_.end() && it->second.second > now) {
      return it->second.first;
    }
  }
  auto loaded = Load(name);
  if (loaded.ok()) {
    std::lock_guard lock(mu_);
    cache_[name] = {*loaded, now + ttl_};
  }
  return loaded;
}

absl::StatusOr<Principal> PrincipalDirectory::Load(const std::string& name) {
  auto conn = pool_.Acquire();
  pqxx::read_transaction tx(*conn);
  const pqxx::result r = tx.exec_params(
      "SELECT p.organisation_id, o.kind, p.role, p.approver_level, p.disabled,"
      " coalesce(p.agreement_id, 0)"
      " FROM iam.principals p JOIN iam.organisations o ON o.id = p.organisation_id"
      " WHERE p.name = $1",
      name);
  if (r.empty()) {
    return absl::UnauthenticatedError(dp::StrCat(
        "certificate holder \"", name, "\" is not a registered principal; ask an administrator "
        "to register it (dpctl admin principals create)"));
  }
  if (r[0][4].as<bool>()) {
    return absl::UnauthenticatedError(dp::StrCat("principal \"", name, "\" is disabled"));
  }
  Principal p;
  p.name = name;
  p.organisation_id = r[0][0].as<std::string>();
  p.organisation_kind = r[0][1].as<std::string>();
  ParseRole(r[0][2].as<std::string>(), &p.role);
  p.approver_level = r[0][3].as<std::string>();
  p.all_authorities = p.role == Role::kService;
  if (p.role == Role::kFinanceOfficer && p.organisation_kind == "authority") {
    p.authorities.push_back(p.organisation_id);
  }
  if (p.role == Role::kPerson) {  // their own agreement, and nothing from grants
    p.owners.emplace_back("agreement", std::to_string(r[0][5].as<int64_t>()));
    return p;
  }
  const pqxx::result grants = tx.exec_params(
      "SELECT scope_type, scope_id FROM iam.grants WHERE organisation_id = $1", p.organisation_id);
  for (const auto& g : grants) {
    const std::string type = g[0].as<std::string>();
    const std::string id = g[1].as<std::string>();
    if (type == "authority" && (p.role == Role::kAuditor || p.role == Role::kProcessor)) {
      p.authorities.push_back(id);
    }
    if (type != "authority" && p.role == Role::kIso) p.owners.emplace_back(type, id);
  }
  return p;
}

}  // namespace dp::iam
