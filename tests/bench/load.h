#ifndef DP_TESTS_BENCH_LOAD_H_
#define DP_TESTS_BENCH_LOAD_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"

// What every benchmark driver shares: credentials from files, and one load
// generator for the closed loop (each client sends as soon as it is
// answered: the throughput) and the open loop (sends due at a fixed arrival
// rate, latency counted from each one's due time, so that a stall is not
// hidden by clients that waited: p50, p99, p999).
namespace dp::bench {

using Clock = std::chrono::steady_clock;

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    std::exit(2);
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// QuietMutexes turns off Abseil's debug tracking of lock order, on in
// Debian's build, which makes gRPC's every lock take a global one: the
// services turn it off too (ServiceHost), and a client that measured it
// would measure itself.
inline void QuietMutexes() { absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore); }

// Credentials: mutual TLS when `ca` is given, plaintext otherwise.
inline std::shared_ptr<grpc::ChannelCredentials> Credentials(const std::string& ca,
                                                             const std::string& cert,
                                                             const std::string& key) {
  if (ca.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(ca);
  options.pem_cert_chain = ReadFile(cert);
  options.pem_private_key = ReadFile(key);
  return grpc::SslCredentials(options);
}

struct Result {
  double seconds = 0;
  int failed = 0;
  std::vector<double> latencies_ms;  // sorted
  double Pct(double p) const {
    return latencies_ms.empty()
               ? 0
               : latencies_ms[static_cast<size_t>(p * static_cast<double>(latencies_ms.size() - 1))];
  }
};

// Drive makes `count` calls from `threads` threads: `send(n, rng)` makes
// call n and says whether it succeeded. With `rate_per_s` > 0 call n is due
// at start + n / rate (open loop) and its latency counts from then;
// otherwise each thread calls as soon as it can (closed loop).
template <typename Send>
Result Drive(int count, int threads, double rate_per_s, Send send) {
  std::atomic<int> next{0}, failed{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(threads));
  const auto started = Clock::now();
  std::vector<std::thread> workers;
  for (int c = 0; c < threads; ++c) {
    workers.emplace_back([&, c] {
      std::mt19937_64 rng(static_cast<uint64_t>(c) * 7919 + 1);
      for (int n = next++; n < count; n = next++) {
        auto due = Clock::now();
        if (rate_per_s > 0) {
          due = started + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(n / rate_per_s));
          std::this_thread::sleep_until(due);
        }
        const bool ok = send(n, rng);
        latencies[static_cast<size_t>(c)].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - due).count());
        if (!ok) ++failed;
      }
    });
  }
  for (auto& w : workers) w.join();
  Result r;
  r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  r.failed = failed;
  for (const auto& v : latencies) r.latencies_ms.insert(r.latencies_ms.end(), v.begin(), v.end());
  std::sort(r.latencies_ms.begin(), r.latencies_ms.end());
  return r;
}

}  // namespace dp::bench

#endif  // DP_TESTS_BENCH_LOAD_H_
