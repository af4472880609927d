#ifndef DP_LIB_BASE_CHECK_H_
#define DP_LIB_BASE_CHECK_H_

#include <cstdio>
#include <cstdlib>

// DP_CHECK(condition) stops the process when an invariant does not hold, in
// every build type: unlike assert(), NDEBUG does not compile it out, so the
// money invariants are checked in production too. A failed check is a bug,
// never an expected error (those are absl::Status values).
//
//   DP_CHECK(postings_sum_pence == 0);
//   DP_CHECK_EQ(cost_pence, net_pence + hmrc_pence + pension_pence);
//
// The message names the file, line and the condition's text; _EQ also
// prints both values. Both sides of a write should check: the caller what
// it sends, the callee what it got.
namespace dp::internal {

[[noreturn]] inline void CheckFailed(const char* file, int line, const char* text) {
  std::fprintf(stderr, "invariant failed at %s:%d: %s\n", file, line, text);
  std::fflush(stderr);
  std::abort();
}

[[noreturn]] inline void CheckEqFailed(const char* file, int line, const char* text,
                                       long long a, long long b) {
  std::fprintf(stderr, "invariant failed at %s:%d: %s (%lld vs %lld)\n", file, line, text, a, b);
  std::fflush(stderr);
  std::abort();
}

}  // namespace dp::internal

#define DP_CHECK(condition)                                         \
  do {                                                              \
    if (!(condition)) [[unlikely]] {                                \
      ::dp::internal::CheckFailed(__FILE__, __LINE__, #condition);  \
    }                                                               \
  } while (false)

#define DP_CHECK_EQ(a, b)                                                                  \
  do {                                                                                     \
    const auto dp_check_a_ = (a);                                                          \
    const auto dp_check_b_ = (b);                                                          \
    if (!(dp_check_a_ == dp_check_b_)) [[unlikely]] {                                      \
      ::dp::internal::CheckEqFailed(__FILE__, __LINE__, #a " == " #b,                      \
                                    static_cast<long long>(dp_check_a_),                   \
                                    static_cast<long long>(dp_check_b_));                  \
    }                                                                                      \
  } while (false)

#endif  // DP_LIB_BASE_CHECK_H_
