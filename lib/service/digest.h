#ifndef DP_LIB_SERVICE_DIGEST_H_
#define DP_LIB_SERVICE_DIGEST_H_

#include <string>
#include <string_view>

#include <google/protobuf/message.h>

namespace dp::service {

// CanonicalEncoding writes a message in the canonical form documented in
// docs/AUDIT.md, which anyone can recompute from the request and the
// .proto files without a protobuf library: the fields that are set, in
// ascending field number, each as `<number>=<value>;`, where a value is
//   - an integer or enum: its decimal number ("-5", "2");
//   - a bool: "t" or "f";
//   - a string or bytes: its length in bytes, ':', the bytes ("5:hello");
//   - a message: '{' its canonical encoding '}';
//   - a repeated field: '[' each value followed by ',' ']' (map entries
//     sorted by their encoding).
// `skip_request_id` leaves out a top-level field named request_id.
//
//   CanonicalEncoding(Money{amount_pence: 1250, currency: "GBP"}) -> "1=1250;2=3:GBP;"
std::string CanonicalEncoding(const google::protobuf::Message& message,
                              bool skip_request_id = false);

// RequestDigest is the hex SHA-256 of `operation`, a newline and the
// request's canonical encoding without its request_id: two requests with
// the same content share a digest whatever their request_id.
//
//   RequestDigest(create_txn_request, "CreateTransaction") -> "9f2c..."
std::string RequestDigest(const google::protobuf::Message& request, std::string_view operation);

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_DIGEST_H_
