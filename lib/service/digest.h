#ifndef DP_LIB_SERVICE_DIGEST_H_
#define DP_LIB_SERVICE_DIGEST_H_

#include <string>
#include <string_view>

#include <google/protobuf/message.h>

namespace dp::service {

// RequestDigest is the hex SHA-256 of `operation` and the deterministic
// serialization of `request` with its request_id field cleared: two
// requests with the same content share a digest whatever their request_id.
//
//   RequestDigest(create_txn_request, "CreateTransaction") -> "9f2c..."
std::string RequestDigest(const google::protobuf::Message& request, std::string_view operation);

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_DIGEST_H_
