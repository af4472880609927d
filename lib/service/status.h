#ifndef DP_LIB_SERVICE_STATUS_H_
#define DP_LIB_SERVICE_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace dp::service {

// ToGrpcStatus carries an absl::Status to the client with the same code and
// message, and the standard details in the binary google.rpc.Status: an
// ErrorInfo with the refusal's reason (base/refusal.h; the generic reason
// of its code when it has none), domain "dp.v1" and its metadata, and for
// INVALID_ARGUMENT a BadRequest naming the field.
//
//   return ToGrpcStatus(FieldError("amount.amount_pence", "must be positive"));
grpc::Status ToGrpcStatus(const absl::Status& status);

// RefusalStatus is ToGrpcStatus of Refusal(code, reason, message).
grpc::Status RefusalStatus(grpc::StatusCode code, std::string_view reason,
                           std::string_view message);

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_STATUS_H_
