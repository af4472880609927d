#ifndef DP_LIB_SERVICE_CALL_AUDIT_H_
#define DP_LIB_SERVICE_CALL_AUDIT_H_

#include <atomic>
#include <string>
#include <string_view>

#include <pqxx/pqxx>

#include "audit/chain.h"

namespace dp::service {

// CallAudit is the audit event of one state-changing call. The host makes
// it before the handler runs (who, which method, the request's digest).
// The handler writes it inside the database transaction of its write, so
// that the write and its event commit together or not at all:
//
//   pqxx::work tx(conn);
//   ... the write, which produced agreement 12 ...
//   audit->RecordIn(tx, "12", absl::StatusCode::kOk);
//   tx.commit();
//   audit->MarkCommitted();
//
// A call that ends without a committed event (refused by validation or
// authorisation before it wrote anything) gets one from the host after the
// handler, with the refusal's code.
class CallAudit {
 public:
  CallAudit(audit::Event event, std::string_view resource_pattern, std::string_view key)
      : event_(std::move(event)), pattern_(resource_pattern), key_(key) {}

  // SetResourceId names what the call wrote by its id: with the pattern
  // "payroll/runs/{}", SetResourceId("7") names "payroll/runs/7".
  void SetResourceId(std::string_view id);
  // SetResource names it in full, for writes whose name has more than one
  // id: "agreements/12/versions/3".
  void SetResource(std::string resource) { event_.resource = std::move(resource); }
  bool has_resource() const { return !event_.resource.empty(); }

  // RecordIn appends the event with `code` (a grpc/absl code number) in tx.
  // `id` names the resource when none was set yet.
  void RecordIn(pqxx::work& tx, std::string_view id, int code);
  // RecordAfterwards says that the host writes the event after the handler
  // on purpose: for a write that commits in many small transactions.
  void RecordAfterwards() { afterwards_ = true; }
  bool afterwards() const { return afterwards_; }
  // MarkCommitted says that the transaction RecordIn wrote into committed.
  void MarkCommitted() { committed_ = true; }
  bool committed() const { return committed_; }

  // Event is the event as it stands, for the host's own append.
  audit::Event Event(int code) const;
  std::string_view resource_pattern() const { return pattern_; }

 private:
  audit::Event event_;
  std::string_view pattern_;
  std::string_view key_;
  std::atomic<bool> committed_ = false;
  bool afterwards_ = false;
};

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_CALL_AUDIT_H_
