#ifndef DP_TESTS_E2E_TLS_HELPERS_H_
#define DP_TESTS_E2E_TLS_HELPERS_H_

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

namespace dp::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// TestPki is a throwaway certificate authority made with tools/pki: a
// service certificate and one client certificate per principal name.
//
//   TestPki pki(::testing::TempDir() + "/pki-x");
//   pki.Issue("officer@x");
//   ServiceProcess svc("agreements", pki.ServerArgs());
//   auto channel = pki.ChannelAs("officer@x", svc.address());
class TestPki {
 public:
  explicit TestPki(std::string dir) : dir_(std::move(dir)) {
    ok_ = Run("init " + dir_);
  }
  bool Issue(const std::string& name) { return ok_ && Run("issue " + dir_ + " " + name); }
  bool ok() const { return ok_; }
  const std::string& dir() const { return dir_; }

  std::vector<std::string> ServerArgs() const {
    return {"--tls-cert", dir_ + "/services.crt", "--tls-key", dir_ + "/services.key",
            "--tls-ca",   dir_ + "/ca.crt",       "--principal-cache-ms", "0"};
  }

  // ChannelAs connects with `who`'s certificate ("" for none).
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& who,
                                           const std::string& address) const {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFile(dir_ + "/ca.crt");
    if (!who.empty()) {
      options.pem_cert_chain = ReadFile(dir_ + "/" + who + ".crt");
      options.pem_private_key = ReadFile(dir_ + "/" + who + ".key");
    }
    return grpc::CreateChannel(address, grpc::SslCredentials(options));
  }

 private:
  static bool Run(const std::string& args) {
    const std::string command = std::string(DP_SOURCE_DIR) + "/tools/pki " + args + " >/dev/null";
    return std::system(command.c_str()) == 0;
  }

  std::string dir_;
  bool ok_ = false;
};

}  // namespace dp::testing

#endif  // DP_TESTS_E2E_TLS_HELPERS_H_
