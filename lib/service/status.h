#ifndef DP_LIB_SERVICE_STATUS_H_
#define DP_LIB_SERVICE_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace dp::service {

// ToGrpcStatus carries an absl::Status to the client with the same code and
// message (the two code spaces are numerically identical by design).
//
//   return ToGrpcStatus(absl::InvalidArgumentError("amount must be positive"));
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_STATUS_H_
