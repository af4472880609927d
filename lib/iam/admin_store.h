#ifndef DP_LIB_IAM_ADMIN_STORE_H_
#define DP_LIB_IAM_ADMIN_STORE_H_

#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"

// Named queries over the iam schema: organisations, principals, grants.
// Each write validates its input and names the bad field.
namespace dp::iam {

struct Organisation {
  std::string id;
  std::string kind;  // authority, iso, audit, internal
  std::string name;
};

struct PrincipalRecord {
  std::string name;
  std::string organisation_id;
  std::string role;
  std::string approver_level = "none";
  bool disabled = false;
};

struct ScopeGrant {
  std::string organisation_id;
  std::string scope_type;  // authority, agreement, employer
  std::string scope_id;
};

absl::StatusOr<Organisation> CreateOrganisation(pqxx::work& tx, const Organisation& org);
absl::StatusOr<Organisation> GetOrganisation(pqxx::transaction_base& tx, const std::string& id);

// CreatePrincipal checks that the role fits the organisation: a finance
// officer belongs to an authority, an ISO principal to an ISO, an auditor to
// an audit body, a service or an admin to the internal organisation.
absl::StatusOr<PrincipalRecord> CreatePrincipal(pqxx::work& tx, const PrincipalRecord& p);
absl::StatusOr<PrincipalRecord> GetPrincipal(pqxx::transaction_base& tx, const std::string& name);
absl::StatusOr<PrincipalRecord> SetPrincipalDisabled(pqxx::work& tx, const std::string& name,
                                                     bool disabled);
// A page of a list: at most the rows asked for and db::kMaxPageBytes, and
// a token for the next page when there is one (db/page_token.h).
template <typename Row>
struct Page {
  std::vector<Row> rows;
  std::string next_page_token;
};

// ListPrincipals lists principals by name, of one organisation or of all
// (organisation_id empty), a page at a time: page_size 0 is 100, at most 1000.
absl::StatusOr<Page<PrincipalRecord>> ListPrincipals(pqxx::transaction_base& tx,
                                                     const std::string& organisation_id,
                                                     int page_size, const std::string& page_token);

// Grant: an ISO is linked to agreements and employers, an auditor to
// authorities. Granting twice is harmless.
absl::StatusOr<ScopeGrant> Grant(pqxx::work& tx, const ScopeGrant& grant);
absl::StatusOr<ScopeGrant> Revoke(pqxx::work& tx, const ScopeGrant& grant);
// ListGrants lists grants by organisation, type and id, likewise a page at
// a time.
absl::StatusOr<Page<ScopeGrant>> ListGrants(pqxx::transaction_base& tx,
                                            const std::string& organisation_id, int page_size,
                                            const std::string& page_token);

}  // namespace dp::iam

#endif  // DP_LIB_IAM_ADMIN_STORE_H_
