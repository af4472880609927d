#ifndef DP_SERVICES_LEDGER_CONVERT_H_
#define DP_SERVICES_LEDGER_CONVERT_H_

#include <google/protobuf/timestamp.pb.h>

#include "absl/status/statusor.h"
#include "dp/v1/ledger.pb.h"
#include "ledger/types.h"
#include "service/proto_convert.h"

// Conversions between the LedgerService protobuf messages and the ledger's
// plain domain types. Request conversions fail with INVALID_ARGUMENT naming
// the field when an enum is left unspecified.
namespace dp::ledger_service {

using service::FromTimestamp;
using service::ToTimestamp;

absl::StatusOr<ledger::NewAccount> FromProto(const v1::CreateAccountRequest& r);
absl::StatusOr<ledger::NewTransaction> FromProto(const v1::CreateTransactionRequest& r);
ledger::ReverseTransaction FromProto(const v1::ReverseTransactionRequest& r);
ledger::NewPending FromProto(const v1::CreatePendingTransferRequest& r);
ledger::PostPending FromProto(const v1::PostPendingTransferRequest& r);
ledger::VoidPending FromProto(const v1::VoidPendingTransferRequest& r);
ledger::IncreasePending FromProto(const v1::IncreasePendingTransferRequest& r);

void ToProto(const ledger::Account& a, v1::Account* out);
void ToProto(const ledger::Transaction& t, v1::Transaction* out);
void ToProto(const ledger::PendingTransfer& p, v1::PendingTransfer* out);
void ToProto(const ledger::Balance& b, v1::Balance* out);
void ToProto(const ledger::Statement& s, v1::ListStatementResponse* out);

}  // namespace dp::ledger_service

#endif  // DP_SERVICES_LEDGER_CONVERT_H_
