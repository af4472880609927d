#ifndef DP_LIB_IAM_PRINCIPAL_H_
#define DP_LIB_IAM_PRINCIPAL_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dp::iam {

// kProcessor is the card processor: it may call only the card network's
// RPCs, for the cards of the authorities granted to it.
//
// kConsole is the web console: it may call nothing as itself. It names the
// signed-in user in each call's metadata (kActingForHeader), and the call
// is judged as that user's: their role, their reach, their approver level.
//
// kPerson is a supported person or their representative, signed in to the
// console: they read their own agreement (its record, balance, card and
// monitoring), nothing else, and write nothing.
enum class Role { kFinanceOfficer, kIso, kAuditor, kService, kAdmin, kProcessor, kConsole, kPerson };

// SignsInToConsole: people sign in to the console; services, processors
// and the console itself never do.
bool SignsInToConsole(Role role);

// kActingForHeader is the metadata key the console names its user in.
inline constexpr char kActingForHeader[] = "dp-acting-for";

std::string_view RoleName(Role role);
bool ParseRole(std::string_view name, Role* role);

// Principal is an authenticated caller with what it may reach.
//
//   Principal p = ...;          // from the directory, by certificate name
//   if (p.CanReachAuthority("FIFE")) ...
struct Principal {
  std::string name;             // the certificate's common name
  std::string organisation_id;
  std::string organisation_kind;  // authority, iso, audit, internal
  Role role = Role::kFinanceOfficer;
  std::string approver_level;   // none, worker, manager, panel
  bool all_authorities = false;  // internal services and development mode
  std::vector<std::string> authorities;  // reachable authorities
  std::vector<std::pair<std::string, std::string>> owners;  // ISO, person: (type, id)
  std::string via;  // the console a user acts through, else ""

  // AuditName is who the audit trail names: "alice@fife via console@dp"
  // for a user acting through the console.
  std::string AuditName() const { return via.empty() ? name : name + " via " + via; }

  bool CanReachAuthority(std::string_view authority_id) const;
  // CanReachOwner: an ISO reaches the agreements and employers it was
  // linked to; others reach owners through their authority.
  bool CanReachOwner(std::string_view owner_type, std::string_view owner_id) const;

  // CanRead: a resource of `authority_id` owned by (owner_type, owner_id) is
  // visible through the authority or, for an ISO, through a grant on its
  // owner; for a person, through their own agreement.
  bool CanRead(std::string_view authority_id, std::string_view owner_type,
               std::string_view owner_id) const;
  // CanWrite: only through the authority (finance officers) or as a service.
  bool CanWrite(std::string_view authority_id) const;
};

// DevelopmentPrincipal is the caller assumed when a service runs in
// explicitly configured plaintext development mode: an internal service.
Principal DevelopmentPrincipal();

}  // namespace dp::iam

#endif  // DP_LIB_IAM_PRINCIPAL_H_
