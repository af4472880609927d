#ifndef DP_TOOLS_DPCTL_CERTIFICATES_H_
#define DP_TOOLS_DPCTL_CERTIFICATES_H_

#include <string>

#include "absl/status/status.h"

namespace dpctl {

// IssueClientCertificate makes a P-256 key and a client certificate for
// principal `name`, signed by the CA in `ca_dir` (ca.crt, ca.key, as made by
// tools/pki init), and writes `ca_dir`/NAME.key and NAME.crt (OpenSSL).
absl::Status IssueClientCertificate(const std::string& ca_dir, const std::string& name, int days);

}  // namespace dpctl

#endif  // DP_TOOLS_DPCTL_CERTIFICATES_H_
