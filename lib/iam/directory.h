#ifndef DP_LIB_IAM_DIRECTORY_H_
#define DP_LIB_IAM_DIRECTORY_H_

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "db/pool.h"
#include "iam/principal.h"

namespace dp::iam {

// PrincipalDirectory reads principals and their grants from the iam schema,
// caching each for a few seconds so that every call does not cost a query;
// disabling a principal takes effect within that time.
//
//   PrincipalDirectory directory(pool);
//   absl::StatusOr<Principal> p = directory.Find("alice@fife");
class PrincipalDirectory {
 public:
  explicit PrincipalDirectory(db::PgPool& pool,
                              std::chrono::milliseconds ttl = std::chrono::seconds(5))
      : pool_(pool), ttl_(ttl) {}

  // Find returns UNAUTHENTICATED for an unknown or disabled principal.
  absl::StatusOr<Principal> Find(const std::string& name);

 private:
  absl::StatusOr<Principal> Load(const std::string& name);

  db::PgPool& pool_;
  const std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::map<std::string, std::pair<Principal, std::chrono::steady_clock::time_point>> cache_;
};

}  // namespace dp::iam

#endif  // DP_LIB_IAM_DIRECTORY_H_
