#include "service/call_audit.h"

#include <vector>

#include "audit/log.h"
#include "iam/policy.h"

namespace dp::service {

void CallAudit::SetResourceId(std::string_view id) {
  event_.resource = iam::ResourceName(pattern_, id);
}

void CallAudit::RecordIn(pqxx::work& tx, std::string_view id, int code) {
  if (event_.resource.empty()) SetResourceId(id);
  std::vector<audit::Event> events{Event(code)};
  audit::AppendInTransaction(tx, key_, events);
}

audit::Event CallAudit::Event(int code) const {
  audit::Event e = event_;
  if (e.resource.empty()) e.resource = iam::ResourceName(pattern_, "");
  e.code = code;
  return e;
}

}  // namespace dp::service
