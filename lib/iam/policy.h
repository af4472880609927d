#ifndef DP_LIB_IAM_POLICY_H_
#define DP_LIB_IAM_POLICY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "iam/principal.h"

namespace dp::iam {

// MethodPolicy declares who may call one RPC and whether it changes state
// (state-changing calls are written to the audit trail).
// RoleBit makes a role set: RoleBit(Role::kAuditor) | RoleBit(Role::kAdmin).
constexpr uint32_t RoleBit(Role role) { return 1u << static_cast<int>(role); }

struct MethodPolicy {
  std::string_view method;  // "/dp.v1.LedgerService/CreateTransaction"
  uint32_t roles = 0;       // RoleBit(...) | ...
  bool writes = false;
  bool needs_no_principal = false;  // health checks only
  // What a write's audit event names, with {} for the id it wrote:
  // "ledger/transactions/{}" -> "ledger/transactions/99". Ids, never names.
  std::string_view resource = {};
};

// ResourceName fills a policy's resource pattern with `id`; without an id
// (a call refused before it made anything), the collection it aimed at.
//   ResourceName("payroll/runs/{}", "7") -> "payroll/runs/7"
//   ResourceName("payroll/runs/{}", "")  -> "payroll/runs"
std::string ResourceName(std::string_view pattern, std::string_view id);

// AllPolicies is the whole table, for tests and documentation.
const MethodPolicy* AllPolicies(size_t* count);

// PolicyMarkdown renders the table as docs/ROLES.md has it: one row per
// method with the roles that may call it and whether it is audited as a
// write. A test keeps the file and the table the same.
std::string PolicyMarkdown();

// FindPolicy returns the policy of a full method name, or nullptr: an RPC
// with no declared policy is refused (deny by default).
const MethodPolicy* FindPolicy(std::string_view method);

// Allows reports whether `role` may call under `policy`.
bool Allows(const MethodPolicy& policy, Role role);

}  // namespace dp::iam

#endif  // DP_LIB_IAM_POLICY_H_
