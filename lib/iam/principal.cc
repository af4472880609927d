#include "iam/principal.h"

#include <algorithm>

namespace dp::iam {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kFinanceOfficer: return "finance_officer";
    case Role::kIso: return "iso";
    case Role::kAuditor: return "auditor";
    case Role::kService: return "service";
    case Role::kAdmin: return "admin";
    case Role::kProcessor: return "processor";
    case Role::kConsole: return "console";
    case Role::kPerson: return "person";
  }
  return "finance_officer";
}

bool ParseRole(std::string_view name, Role* role) {
  for (Role r : {Role::kFinanceOfficer, Role::kIso, Role::kAuditor, Role::kService,
                 Role::kAdmin, Role::kProcessor, Role::kConsole, Role::kPerson}) {
    if (RoleName(r) == name) {
      *role = r;
      return true;
    }
  }
  return false;
}

bool SignsInToConsole(Role role) {
  return role != Role::kService && role != Role::kProcessor && role != Role::kConsole;
}

bool Principal::CanReachAuthority(std::string_view authority_id) const {
  if (all_authorities) return true;
  if (role == Role::kIso) return false;  // ISOs reach owners, not authorities
  return std::find(authorities.begin(), authorities.end(), authority_id) != authorities.end();
}

bool Principal::CanReachOwner(std::string_view owner_type, std::string_view owner_id) const {
  if (all_authorities) return true;
  return std::any_of(owners.begin(), owners.end(), [&](const auto& o) {
    return o.first == owner_type && o.second == owner_id;
  });
}

bool Principal::CanRead(std::string_view authority_id, std::string_view owner_type,
                        std::string_view owner_id) const {
  if (all_authorities) return true;
  if (!authority_id.empty() && CanReachAuthority(authority_id)) return true;
  return (role == Role::kIso || role == Role::kPerson) && CanReachOwner(owner_type, owner_id);
}

bool Principal::CanWrite(std::string_view authority_id) const {
  if (all_authorities) return true;
  return role == Role::kFinanceOfficer && !authority_id.empty() &&
         CanReachAuthority(authority_id);
}

Principal DevelopmentPrincipal() {
  Principal p;
  p.name = "development";
  p.organisation_id = "development";
  p.organisation_kind = "internal";
  p.role = Role::kService;
  p.approver_level = "none";
  p.all_authorities = true;
  return p;
}

}  // namespace dp::iam
