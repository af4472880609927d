#include "agreements/record.h"

#include "absl/time/time.h"
#include "base/strings.h"
#include "money/money.h"

namespace dp::agreements {
namespace {

std::string DateOf(int64_t us) {
  return absl::FormatTime("%d %B %Y", absl::FromUnixMicros(us), absl::UTCTimeZone());
}

// Plain words for each kind of decision, as the person reads them.
std::string_view Heading(const std::string& kind) {
  if (kind == "created") return "Agreement drafted";
  if (kind == "submitted") return "Sent for approval";
  if (kind == "returned") return "Returned for changes";
  if (kind == "approved") return "Budget approved";
  if (kind == "activated") return "Payments started";
  if (kind == "amended") return "Agreement changed";
  if (kind == "suspended") return "Payments suspended";
  if (kind == "resumed") return "Payments resumed";
  if (kind == "terminated") return "Agreement ended";
  if (kind == "recovery_confirmed") return "Money recovered";
  // Written by monitoring (lib/monitoring/books/review.h).
  if (kind == "monitoring_tier") return "How your direct payment is monitored";
  if (kind == "finding") return "Something we noticed";
  if (kind == "review_note") return "A conversation about your direct payment";
  if (kind == "review_decision") return "A decision after a review";
  if (kind == "surplus_recovered") return "Money recovered";
  // Written by payments (lib/payments/books).
  if (kind == "payee_added") return "Someone your direct payment may pay";
  if (kind == "payee_approved") return "A payee approved";
  if (kind == "invoice_approved") return "An invoice above your support plan approved";
  if (kind == "payment_override") return "A payment made although money was set aside";
  if (kind == "payment_returned") return "A payment came back";
  if (kind == "standing_order_cancelled") return "A standing order stopped";
  if (kind == "mandate_cancelled") return "A direct debit stopped";
  return kind;
}

}  // namespace

std::string RenderRecord(const std::string& person_name, const Header& header,
                         const std::vector<VersionRecord>& versions,
                         const std::vector<DecisionRecord>& decisions) {
  std::string out = dp::StrCat("Your direct payment record\n",
                               "==========================\n\n",
                               "For: ", person_name, "\n",
                               "Agreement: ", header.id, " with ", header.authority_id, "\n",
                               "Status now: ", StatusName(header.status), "\n");
  if (!versions.empty()) {
    const VersionRecord& v = versions.back();
    const Terms& t = v.version.terms;
    dp::StrAppend(&out, "Budget: £", FormatPence(t.gross_budget_per_period_pence), " per ",
                  t.frequency == Frequency::kMonthly ? "month" : "4 weeks",
                  "; you are paid £", FormatPence(NetPerPeriod(t)), " each period\n");
    if (!v.personal_outcomes.empty()) {
      dp::StrAppend(&out, "Your outcomes:\n");
      for (const auto& o : v.personal_outcomes) dp::StrAppend(&out, "  - ", o, "\n");
    }
  }
  dp::StrAppend(&out, "\nEvery decision about your direct payment\n",
                "----------------------------------------\n");
  for (const DecisionRecord& d : decisions) {
    dp::StrAppend(&out, "\n", DateOf(d.decided_at_us), "  ", Heading(d.kind), "\n",
                  "  Decided by: ", d.decided_by,
                  d.approval_level.empty() ? "" : dp::StrCat(" (", d.approval_level, " level)"),
                  "\n  What this means: ", d.summary, "\n  Reason: ", d.reason, "\n");
    if (d.panel_wait_exceeded) {
      dp::StrAppend(&out, "  Note: the panel took longer than it should have.\n");
    }
  }
  dp::StrAppend(&out, "\nYou can ask to see anything written about you, and ask for any",
                " decision to be explained or reviewed.\n");
  return out;
}

}  // namespace dp::agreements
