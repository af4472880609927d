#ifndef DP_TESTS_SUPPORT_SERVICE_PROCESS_H_
#define DP_TESTS_SUPPORT_SERVICE_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace dp::testing {

// ServiceProcess runs one of our service binaries as a child process on a
// loopback port, for end-to-end tests: start, kill (gently or with -9),
// restart on the same port.
//
//   ServiceProcess ledger("ledger");
//   ASSERT_TRUE(ledger.Start());
//   auto channel = grpc::CreateChannel(ledger.address(), ...);
class ServiceProcess {
 public:
  // `name` is the service folder: the binary is DP_BIN_DIR/<name>/dp-<name>.
  // Without --tls-cert among `extra_args` it runs in plaintext development
  // mode (--insecure-dev); the security tests pass TLS flags instead.
  explicit ServiceProcess(std::string name, std::vector<std::string> extra_args = {});
  ~ServiceProcess();

  // Start launches the binary (on a free port the first time, on the same
  // port afterwards) and waits up to 20 s until it serves.
  bool Start();
  // Signal sends a signal; Wait reaps the child and returns its exit status
  // (the signal number + 128 if a signal ended it).
  void Signal(int signal);
  int Wait();

  const std::string& address() const { return address_; }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const;

 private:
  std::string name_;
  std::vector<std::string> extra_args_;
  std::string address_;
  std::string log_path_;
  std::string port_file_;
  pid_t pid_ = -1;
};

}  // namespace dp::testing

#endif  // DP_TESTS_SUPPORT_SERVICE_PROCESS_H_
