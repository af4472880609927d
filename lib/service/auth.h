#ifndef DP_LIB_SERVICE_AUTH_H_
#define DP_LIB_SERVICE_AUTH_H_

#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/server_context.h>

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "iam/certificate.h"
#include "iam/directory.h"

namespace dp::service {

// CertificateNames verifies client certificates with the system's CA and
// remembers the principal name of each one it accepted (bounded), so that
// a call's principal is found from its connection's certificate without
// verifying it again or writing anything into the connection's shared
// AuthContext. Thread-safe.
//
//   CertificateNames names(verifier);
//   absl::StatusOr<std::string> who = names.NameOf(pem);  // "officer@fife"
class CertificateNames {
 public:
  explicit CertificateNames(iam::CertificateVerifier verifier) : verifier_(std::move(verifier)) {}
  absl::StatusOr<std::string> NameOf(std::string_view pem);

 private:
  static constexpr size_t kMaxRemembered = 10000;
  iam::CertificateVerifier verifier_;
  std::mutex mu_;
  std::unordered_map<std::string, std::string> names_;  // PEM -> common name
};

// AuthProcessor authenticates and authorises every call before any handler
// runs, deny by default:
//   - a method with no declared policy (lib/iam/policy.cc): PERMISSION_DENIED;
//   - no client certificate, one our CA did not issue, or an unknown or
//     disabled principal: UNAUTHENTICATED;
//   - a role the method's policy does not list: PERMISSION_DENIED.
// Handlers find the principal again with CallerOf, from the same
// certificate: nothing is written into the connection's AuthContext, which
// every call on the connection shares.
class AuthProcessor : public grpc::AuthMetadataProcessor {
 public:
  // `on_refused` is told of every refused call (for the audit trail): the
  // principal when the certificate named a known one, else "" and the peer
  // as its certificate shows it (PeerOf).
  using RefusalFn = std::function<void(const std::string& method, const std::string& principal,
                                       const std::string& peer, const grpc::Status& status)>;
  AuthProcessor(CertificateNames& names, iam::PrincipalDirectory& directory, RefusalFn on_refused)
      : names_(names), directory_(directory), on_refused_(std::move(on_refused)) {}

  // IsBlocking is false: the processor runs on the call's own thread rather
  // than being handed to another and back for every call. The directory
  // answers from its cache; a lookup that misses (a principal's first
  // call, then every few seconds) reads one row, which that thread waits
  // for.
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed, OutputMetadata* response) override;

 private:
  grpc::Status Decide(const std::string& method, const std::string& acting_for,
                      grpc::AuthContext* context, std::string* principal);

  CertificateNames& names_;
  iam::PrincipalDirectory& directory_;
  RefusalFn on_refused_;
};

// ActAs is who a call acts as: its certificate's holder, or, when the holder
// is the console (iam::Role::kConsole), the user named in
// iam::kActingForHeader, with `via` set to the console. PERMISSION_DENIED
// when anyone else names a user, when the console names none, or names a
// service, processor or console. The user's own role, reach and approver
// level then judge the call: the console adds nothing to them.
absl::StatusOr<iam::Principal> ActAs(iam::PrincipalDirectory& directory,
                                     iam::Principal certificate_holder,
                                     const std::string& acting_for);

// PeerOf names who knocked, as far as the door can tell: "none" without a
// certificate, else "sha256:" and the first 16 hex digits of the
// certificate's digest (gRPC's authentication hook is given no network
// address). It carries no name from the certificate, which anyone can
// write into one.
std::string PeerOf(const grpc::AuthContext& context);

// CallerOf returns the principal of a call that AuthProcessor admitted, or
// the development principal when the server runs in plaintext development
// mode (`directory` and `names` are null then).
absl::StatusOr<iam::Principal> CallerOf(const grpc::ServerContextBase& context,
                                        iam::PrincipalDirectory* directory,
                                        CertificateNames* names);

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_AUTH_H_
