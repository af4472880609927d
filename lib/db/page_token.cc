#include "db/page_token.h"


#include "absl/strings/escaping.h"
#include <charconv>
#include "base/refusal.h"
#include "base/sha256.h"
#include "base/strings.h"

namespace dp::db {
namespace {

// A short hash of the fingerprint keeps tokens small and opaque.
std::string FingerprintTag(std::string_view query_fingerprint) {
  return Sha256Hex(query_fingerprint).substr(0, 12);
}

absl::Status BadToken() {
  return FieldError("page_token",
                    "is not one this server issued for this query; start again without a "
                    "page_token");
}

}  // namespace

std::string EncodePageToken(std::string_view query_fingerprint, int64_t last_id) {
  return absl::WebSafeBase64Escape(
      dp::StrCat("v1:", FingerprintTag(query_fingerprint), ":", last_id));
}

absl::StatusOr<int64_t> DecodePageToken(std::string_view token,
                                        std::string_view query_fingerprint) {
  if (token.empty()) return 0;
  std::string raw;
  const absl::Status bad = BadToken();
  if (!absl::WebSafeBase64Unescape(std::string(token), &raw)) return bad;
  const std::string prefix = dp::StrCat("v1:", FingerprintTag(query_fingerprint), ":");
  if (raw.rfind(prefix, 0) != 0) return bad;
  int64_t last_id = 0;
  const char* begin = raw.data() + prefix.size();
  const char* end = raw.data() + raw.size();
  auto [parsed_end, ec] = std::from_chars(begin, end, last_id);
  if (ec != std::errc() || parsed_end != end || last_id <= 0) return bad;
  return last_id;
}

std::string EncodeKeyPageToken(std::string_view query_fingerprint,
                               const std::vector<std::string>& last_key) {
  std::string raw = dp::StrCat("k1:", FingerprintTag(query_fingerprint));
  for (const std::string& part : last_key) {
    raw.push_back('\0');
    raw.append(part);
  }
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::vector<std::string>> DecodeKeyPageToken(std::string_view token,
                                                            std::string_view query_fingerprint,
                                                            size_t parts) {
  if (token.empty()) return std::vector<std::string>{};
  const absl::Status bad = BadToken();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(std::string(token), &raw)) return bad;
  const std::string prefix = dp::StrCat("k1:", FingerprintTag(query_fingerprint));
  if (raw.rfind(prefix, 0) != 0 || raw.size() == prefix.size() || raw[prefix.size()] != '\0') {
    return bad;
  }
  std::vector<std::string> key;
  size_t at = prefix.size();
  while (at != std::string::npos && key.size() <= parts) {
    const size_t next = raw.find('\0', at + 1);
    key.push_back(raw.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1));
    at = next;
  }
  if (key.size() != parts) return bad;
  return key;
}

absl::StatusOr<int> ClampPageSize(int requested, int default_size, int max_size) {
  if (requested < 0) {
    return FieldError("page_size", "must not be negative");
  }
  if (requested == 0) return default_size;
  return requested > max_size ? max_size : requested;
}

}  // namespace dp::db
