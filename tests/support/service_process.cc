#include "service_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "test_db.h"

namespace dp::testing {

ServiceProcess::ServiceProcess(std::string name, std::vector<std::string> extra_args)
    : name_(std::move(name)), extra_args_(std::move(extra_args)) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("dp-e2e-" + std::to_string(::getpid()) + "-" + name_ + "-" +
                    std::to_string(reinterpret_cast<uintptr_t>(this) % 100000));
  std::filesystem::create_directories(dir);
  log_path_ = (dir / "service.log").string();
  port_file_ = (dir / "port").string();
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) {
    Signal(SIGKILL);
    Wait();
  }
}

bool ServiceProcess::Start() {
  std::filesystem::remove(port_file_);
  const std::string binary = std::string(DP_BIN_DIR) + "/" + name_ + "/dp-" + name_;
  std::vector<std::string> args = {binary,
                                   "--listen", address_.empty() ? "127.0.0.1:0" : address_,
                                   "--port-file", port_file_,
                                   "--migrations-dir", DP_MIGRATIONS_DIR,
                                   "--shutdown-grace-ms", "5000"};
  // A test may pass its own --database-url (even an empty one) or keyring.
  auto has = [&](const char* flag) {
    return std::find(extra_args_.begin(), extra_args_.end(), flag) != extra_args_.end();
  };
  if (!has("--keys-file")) {
    args.insert(args.end(),
                {"--keys-file", std::string(DP_SOURCE_DIR) + "/tests/support/test.keys"});
  }
  if (std::find(extra_args_.begin(), extra_args_.end(), "--tls-cert") == extra_args_.end()) {
    args.push_back("--insecure-dev");
  }
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  // As in production: the schema owner applies the migrations, and the
  // service connects as its own least-privilege role.
  auto url = std::find(args.begin(), args.end(), "--database-url");
  if (url == args.end()) {
    args.insert(args.end(), {"--database-url", DatabaseUrl()});
    url = args.end() - 2;
  }
  if (!(url + 1)->empty()) {
    MigrateAsOwner(*(url + 1));
    *(url + 1) = RoleUrl(*(url + 1), "dp_" + name_);
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    // If the test process dies (a crash, a timeout), take the service with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  for (int i = 0; i < 400; ++i) {  // 20 s
    std::ifstream in(port_file_);
    int port = 0;
    if (in >> port && port > 0) {
      address_ = "127.0.0.1:" + std::to_string(port);
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void ServiceProcess::Signal(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

int ServiceProcess::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

std::string ServiceProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace dp::testing
