#ifndef DP_LIB_DB_PAGE_TOKEN_H_
#define DP_LIB_DB_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dp::db {

// EncodePageToken makes an opaque AIP-158 page token that resumes a keyset
// scan after `last_id`. `query_fingerprint` binds the token to the query's
// filters so that a token cannot be replayed against another query.
//
//   std::string token = EncodePageToken("accounts|authority|A1", 42);
//   DecodePageToken(token, "accounts|authority|A1") -> 42
std::string EncodePageToken(std::string_view query_fingerprint, int64_t last_id);

// DecodePageToken returns the id to resume after: 0 for an empty token, or
// INVALID_ARGUMENT naming page_token when it is malformed or belongs to a
// different query.
absl::StatusOr<int64_t> DecodePageToken(std::string_view token,
                                        std::string_view query_fingerprint);

// ClampPageSize applies AIP-158 defaults: 0 means `default_size`; larger
// than `max_size` is lowered to it; negative is INVALID_ARGUMENT.
absl::StatusOr<int> ClampPageSize(int requested, int default_size, int max_size);

}  // namespace dp::db

#endif  // DP_LIB_DB_PAGE_TOKEN_H_
