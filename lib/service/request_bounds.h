#ifndef DP_LIB_SERVICE_REQUEST_BOUNDS_H_
#define DP_LIB_SERVICE_REQUEST_BOUNDS_H_

#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace dp::service {

// CheckRequestBounds refuses a request with any field outside its bounds
// (proto/dp/v1/bounds.proto: a string's bytes, a list's items, a date's
// years; an enum number nobody defined), walking every message in it. The
// refusal is INVALID_ARGUMENT naming the field as in the proto, with dots
// and indexes, and a reason (TOO_LONG, TOO_MANY, UNKNOWN_ENUM_VALUE,
// DATE_OUT_OF_RANGE); it quotes none of the input. Every service calls it
// first in every handler (service/door.h), so that a handler only ever
// sees requests of sane size.
//
//   req.set_description(std::string(1 << 20, 'x'));
//   CheckRequestBounds(req)
//     -> INVALID_ARGUMENT "description is 1048576 bytes long; at most 2000 are allowed"
//   req.mutable_terms()->set_payment_frequency(static_cast<v1::PaymentFrequency>(99));
//   CheckRequestBounds(req)
//     -> INVALID_ARGUMENT "terms.payment_frequency is 99, which is not one of its values"
absl::Status CheckRequestBounds(const google::protobuf::Message& request);

// The defaults for a field with no bounds of its own.
inline constexpr int kDefaultMaxBytes = 200;
inline constexpr int kDefaultMaxItems = 100;
inline constexpr int kDefaultEarliestYear = 2000;
inline constexpr int kLatestYear = 2099;

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_REQUEST_BOUNDS_H_
