#include "iam/certificate.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "base/strings.h"

namespace dp::iam {
namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr ReadPem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return X509Ptr(cert, X509_free);
}

}  // namespace

absl::StatusOr<CertificateVerifier> CertificateVerifier::FromPem(const std::string& ca_pem) {
  X509Ptr ca = ReadPem(ca_pem);
  if (ca == nullptr) {
    return absl::InvalidArgumentError("the CA file does not hold a PEM certificate");
  }
  std::shared_ptr<X509_STORE> store(X509_STORE_new(), X509_STORE_free);
  if (X509_STORE_add_cert(store.get(), ca.get()) != 1) {
    return absl::InternalError("cannot load the CA certificate");
  }
  return CertificateVerifier(std::move(store));
}

absl::StatusOr<std::string> CertificateVerifier::CommonNameOf(std::string_view cert_pem) const {
  X509Ptr cert = ReadPem(cert_pem);
  if (cert == nullptr) return absl::UnauthenticatedError("the client certificate is unreadable");
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                       X509_STORE_CTX_free);
  X509_STORE_CTX_init(ctx.get(), store_.get(), cert.get(), nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  if (X509_verify_cert(ctx.get()) != 1) {
    return absl::UnauthenticatedError(dp::StrCat(
        "the client certificate was refused: ",
        X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())),
        "; ask your administrator for a certificate issued by this system's CA"));
  }
  char cn[256] = {0};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn,
                                sizeof cn) <= 0) {
    return absl::UnauthenticatedError("the client certificate has no common name");
  }
  return std::string(cn);
}

}  // namespace dp::iam
