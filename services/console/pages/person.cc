#include "absl/strings/ascii.h"
#include "base/strings.h"
#include "pages/pages.h"
#include "payroll/forms/document.h"

namespace dp::console_service {

using console::Escape;

namespace {
// a later review decision has followed it.
std::optional<v1::Decision> OpenRequest(const v1::PersonRecord& record) {
  std::optional<v1::Decision> open;
  for (const v1::Decision& d : record.decisions()) {
    if (d.kind() != "review_decision") continue;
    if (d.summary().find("asked for information") != std::string::npos) {
      open = d;
    } else {
      open.reset();
    }
  }
  return open;
}

std::string TierWords(v1::Tier t) {
  switch (t) {
    case v1::TIER_LIGHT:
      return "Light";
    case v1::TIER_STANDARD:
      return "Standard";
    case v1::TIER_ENHANCED:
      return "Enhanced";
    default:
      return "Not set yet";
  }
}

// PersonHome is the person's own page: their direct payment in plain
// words, what they can spend, how it is checked and why, what we asked
// them for, and every decision with its reason.
}  // namespace

void PersonHome(Site& site, const SignedIn& who, const httplib::Request&, httplib::Response& res) {
  Backends& backends = site.backends;
  const std::string& user = who.principal.name;
  v1::ListAgreementsRequest list;
  list.set_page_size(10);
  v1::ListAgreementsResponse got;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return backends.agreements().ListAgreements(ctx, list, &got); })) {
    return;
  }
  std::string html;
  for (const v1::Agreement& a : got.agreements()) {
    v1::GetRecordRequest rr;
    rr.set_agreement_id(a.agreement_id());
    v1::PersonRecord record;
    if (!Ask(site, who, res,
             [&](auto* ctx) { return backends.agreements().GetRecord(ctx, rr, &record); })) {
      return;
    }
    html += dp::StrCat("<p>This is the direct payment for <strong>", Escape(record.person_name()),
                       "</strong>. It is ", Escape(absl::AsciiStrToLower(StatusWords(a.status()))),
                       ".</p>");
    if (auto open = OpenRequest(record)) {
      html += console::NoticeBox(dp::StrCat(open->summary(), " ", open->reason()));
    }
    html += MoneySection(backends, user, a.agreement_id());
    html += MoneyLinks(a.agreement_id(), "your statement", "your card");
    html += MoneyCharts(backends, user, a);
    v1::GetAgreementMonitoringRequest mr;
    mr.set_agreement_id(a.agreement_id());
    v1::AgreementMonitoring m;
    if (backends.monitoring().GetAgreementMonitoring(backends.For(user).get(), mr, &m).ok()) {
      html += dp::StrCat("<h2>How your payment is checked</h2><dl class=\"summary\">",
                         Row("Level", Escape(TierWords(m.tier()))),
                         Row("What it means", Escape(m.words())),
                         Row("What we may ask for", Escape(m.evidence())),
                         Row("Next review by", Escape(DayOf(m.next_review_due()))), "</dl>");
    }
    html += RecordTable(record, "Your record: every decision and why");
    html += dp::StrCat("<p>",
                       console::Link(dp::StrCat("/agreements/", a.agreement_id(), "/record.pdf"),
                                     "Download your record (PDF)"),
                       "</p>");
  }
  if (got.agreements().empty()) html = "<p>There is no direct payment to show.</p>";
  SendPage(res, 200, "Your direct payment", who.viewer, html);
}

void RecordPdf(Site& site, const SignedIn& who, const httplib::Request& req,
               httplib::Response& res) {
  const int64_t id = std::stoll(req.matches[1]);
  v1::GetRecordRequest rr;
  rr.set_agreement_id(id);
  v1::PersonRecord record;
  if (!Ask(site, who, res,
           [&](auto* ctx) { return site.backends.agreements().GetRecord(ctx, rr, &record); })) {
    return;
  }
  payroll::DocPage page{
      dp::StrCat("Direct payment record: ", record.person_name()),
      dp::StrCat("Agreement ", id, ", as at ", absl::FormatTime("%e %B %Y", absl::Now(), London())),
      {},
      "Every decision about this direct payment, and the reason for it."};
  for (const v1::Decision& d : record.decisions()) {
    page.lines.push_back({When(d.decided_at()), "", true});
    for (const std::string& text :
         {d.summary(), d.reason().empty() ? "" : "Why: " + d.reason(), "By: " + d.decided_by()}) {
      for (const std::string& line : Wrap(text, 80)) page.lines.push_back({"", line, false});
    }
  }
  auto pdf = payroll::RenderPdf({page});
  if (!pdf.ok()) {
    return SendPage(res, 500, "The PDF could not be made", who.viewer,
                    console::ErrorBox(std::string(pdf.status().message())));
  }
  SendDownload(res, dp::StrCat("record-agreement-", id, ".pdf"), "application/pdf", *pdf);
}

}  // namespace dp::console_service
