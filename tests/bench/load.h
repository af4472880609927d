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

#include <sys/resource.h>
#include <unistd.h>

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

// CpuUse is a snapshot of the CPU time spent so far: the machine's (all
// its cores, from /proc/stat, in clock ticks) and this process's. Two of
// them say how busy the machine was between, and how much of that was the
// load generator itself, which shares the machine with what it measures:
//
//   const CpuUse before = CpuUse::Now();
//   ... drive the load ...
//   std::printf("%s\n", CpuUse::Now().Since(before).c_str());
struct CpuUse {
  double busy_s = 0, total_s = 0, self_s = 0;
  static CpuUse Now() {
    CpuUse u;
    std::ifstream stat("/proc/stat");
    std::string cpu;
    stat >> cpu;  // "cpu": the sum over every core
    const double tick_s = 1.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
    // user nice system idle iowait irq softirq steal
    for (int field = 0; field < 8; ++field) {
      double ticks = 0;
      stat >> ticks;
      u.total_s += ticks * tick_s;
      if (field != 3 && field != 4) u.busy_s += ticks * tick_s;
    }
    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    u.self_s = static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
               static_cast<double>(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
    return u;
  }
  // Since says, in cores' worth, how busy the machine and this process
  // were since `before`: "machine 1.42 of 2 cores busy, this client 0.31".
  std::string Since(const CpuUse& before) const {
    const double cores = static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
    const double wall_s = (total_s - before.total_s) / cores;
    if (wall_s <= 0) return "no time passed";
    char line[160];
    std::snprintf(line, sizeof line, "machine %.2f of %.0f cores busy, this client %.2f",
                  (busy_s - before.busy_s) / wall_s, cores, (self_s - before.self_s) / wall_s);
    return line;
  }
};

// Percentile is the value at fraction `p` of `sorted` (ascending), 0 when
// it is empty: Percentile({1, 2, 3, 4}, 0.5) == 2.
inline double Percentile(const std::vector<double>& sorted, double p) {
  return sorted.empty() ? 0 : sorted[static_cast<size_t>(p * static_cast<double>(sorted.size() - 1))];
}

struct Result {
  double seconds = 0;
  int failed = 0;
  std::vector<double> latencies_ms;  // sorted
  double Pct(double p) const { return Percentile(latencies_ms, p); }
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
