#include "certificates.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <regex>

namespace dpctl {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

}  // namespace

absl::Status IssueClientCertificate(const std::string& ca_dir, const std::string& name, int days) {
  if (!std::regex_match(name, std::regex("[A-Za-z0-9][A-Za-z0-9@._-]{0,127}"))) {
    return absl::InvalidArgumentError("--name must be letters, digits, @ . _ - (the principal)");
  }
  FILE* f = std::fopen((ca_dir + "/ca.crt").c_str(), "r");
  if (f == nullptr) return absl::NotFoundError("no ca.crt in " + ca_dir + " (tools/pki init)");
  CertPtr ca(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  f = std::fopen((ca_dir + "/ca.key").c_str(), "r");
  if (f == nullptr) return absl::NotFoundError("no ca.key in " + ca_dir + ": only the CA's holder can issue");
  KeyPtr ca_key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (ca == nullptr || ca_key == nullptr) return absl::InvalidArgumentError("unreadable CA files");

  KeyPtr key(EVP_EC_gen("P-256"));
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), int64_t{days} * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Direct Payments"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
  if (!AddExtension(cert.get(), ca.get(), NID_basic_constraints, "CA:FALSE") ||
      !AddExtension(cert.get(), ca.get(), NID_key_usage, "digitalSignature") ||
      !AddExtension(cert.get(), ca.get(), NID_ext_key_usage, "clientAuth") ||
      X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) {
    return absl::InternalError("signing the certificate failed");
  }
  const std::string key_path = ca_dir + "/" + name + ".key";
  const std::string cert_path = ca_dir + "/" + name + ".crt";
  const mode_t old = umask(077);
  f = std::fopen(key_path.c_str(), "w");
  umask(old);
  if (f == nullptr) return absl::PermissionDeniedError("cannot write " + key_path);
  PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  f = std::fopen(cert_path.c_str(), "w");
  if (f == nullptr) return absl::PermissionDeniedError("cannot write " + cert_path);
  PEM_write_X509(f, cert.get());
  std::fclose(f);
  return absl::OkStatus();
}

}  // namespace dpctl
