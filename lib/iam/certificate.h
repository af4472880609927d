#ifndef DP_LIB_IAM_CERTIFICATE_H_
#define DP_LIB_IAM_CERTIFICATE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

struct x509_store_st;

namespace dp::iam {

// CertificateVerifier checks a client certificate against our certificate
// authority with OpenSSL (chain, validity dates, client purpose) and names
// the principal it proves: its subject common name.
//
//   auto verifier = CertificateVerifier::FromPem(ca_pem);
//   verifier->CommonNameOf(peer_pem) -> "alice@fife"
class CertificateVerifier {
 public:
  static absl::StatusOr<CertificateVerifier> FromPem(const std::string& ca_pem);

  // CommonNameOf returns UNAUTHENTICATED, saying why, for a certificate that
  // does not verify.
  absl::StatusOr<std::string> CommonNameOf(std::string_view cert_pem) const;

 private:
  explicit CertificateVerifier(std::shared_ptr<x509_store_st> store) : store_(std::move(store)) {}
  std::shared_ptr<x509_store_st> store_;
};

}  // namespace dp::iam

#endif  // DP_LIB_IAM_CERTIFICATE_H_
