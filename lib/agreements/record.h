#ifndef DP_LIB_AGREEMENTS_RECORD_H_
#define DP_LIB_AGREEMENTS_RECORD_H_

#include <string>
#include <vector>

#include "agreements/store.h"

namespace dp::agreements {

// RenderRecord writes the person's record (SDS standard 9) as plain text to
// give to them: what the agreement says now, and every decision about it,
// oldest first, each with the date, who decided and the reason.
//
//   RenderRecord("Morag Brown", header, versions, decisions)
//   -> "Your direct payment record\n..."
std::string RenderRecord(const std::string& person_name, const Header& header,
                         const std::vector<VersionRecord>& versions,
                         const std::vector<DecisionRecord>& decisions);

}  // namespace dp::agreements

#endif  // DP_LIB_AGREEMENTS_RECORD_H_
