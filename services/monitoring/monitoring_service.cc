#include "monitoring_service.h"

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "agreements/store.h"
#include "audit/head.h"
#include "audit/log.h"
#include "base/check.h"
#include "base/refusal.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "db/page_token.h"
#include "ledger/store.h"
#include "monitoring/books/bank.h"
#include "monitoring/books/facts.h"
#include "monitoring/books/review.h"
#include "monitoring/books/store.h"
#include "monitoring/reports/gather.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/proto_convert.h"
#include "service/read_only.h"
#include "service/request_bounds.h"
#include "service/status.h"
#include "service/write.h"

namespace dp::monitoring_service {
namespace {

using google::protobuf::FieldDescriptor;
using service::ToGrpcStatus;

constexpr int kDefaultPage = 50, kMaxPage = 500;
constexpr int kSweepShare = 1000;  // agreements one Sweep call checks at most

agreements::Actor ActorOf(const iam::Principal& p) { return {p.name, p.approver_level}; }

// SettingsFromProto reads the request's settings field by field (each
// int32 by its name, each Money as pence), then checks them.
absl::StatusOr<monitoring::Settings> SettingsFromProto(const v1::MonitoringSettings& p) {
  nlohmann::json j;
  const auto* d = p.GetDescriptor();
  const auto* r = p.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->name() == "authority_id" || f->name() == "effective_from" || f->name() == "version") continue;
    if (f->type() == FieldDescriptor::TYPE_INT32) {
      j[f->name()] = r->GetInt32(p, f);
    } else if (f->type() == FieldDescriptor::TYPE_STRING) {
      j[f->name()] = r->GetString(p, f);
    } else if (f->message_type() == v1::Money::descriptor()) {
      auto pence = service::PenceFromProto(static_cast<const v1::Money&>(r->GetMessage(p, f)),
                                           dp::StrCat("settings.", f->name()));
      if (!pence.ok()) return pence.status();
      j[f->name() + "_pence"] = *pence;
    }
  }
  auto s = monitoring::FromJson(j.dump());
  if (!s.ok()) return s.status();
  if (auto bad = s->Check("settings."); !bad.ok()) return bad;
  auto from = service::DayFromProto(p.effective_from(), "settings.effective_from");
  if (!from.ok()) return from.status();
  s->effective_from = *from;
  return s;
}

void ToProto(const std::string& authority_id, const monitoring::Settings& s,
             v1::MonitoringSettings* out) {
  const nlohmann::json j = nlohmann::json::parse(monitoring::ToJson(s));
  const auto* d = out->GetDescriptor();
  const auto* r = out->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->type() == FieldDescriptor::TYPE_INT32 && j.contains(f->name())) {
      r->SetInt32(out, f, j.at(f->name()).get<int>());
    } else if (f->type() == FieldDescriptor::TYPE_STRING && j.contains(f->name())) {
      r->SetString(out, f, j.at(f->name()).get<std::string>());
    } else if (f->message_type() == v1::Money::descriptor() && j.contains(f->name() + "_pence")) {
      service::PenceToProto(j.at(f->name() + "_pence").get<int64_t>(),
                            static_cast<v1::Money*>(r->MutableMessage(out, f)));
    }
  }
  out->set_authority_id(authority_id);
  service::DayToProto(s.effective_from, out->mutable_effective_from());
  out->set_version(s.version);
}

v1::Tier TierToProto(monitoring::Tier t) { return static_cast<v1::Tier>(static_cast<int>(t) + 1); }

void ToProto(const monitoring::FindingRecord& f, v1::Finding* out) {
  out->set_finding_id(f.id);
  out->set_agreement_id(f.agreement_id);
  out->set_authority_id(f.authority_id);
  out->set_check(f.check);
  out->set_state(f.open ? v1::FINDING_STATE_OPEN : v1::FINDING_STATE_CLOSED);
  service::ToTimestamp(f.opened_at_us, out->mutable_opened_at());
  if (f.closed_at_us > 0) service::ToTimestamp(f.closed_at_us, out->mutable_closed_at());
  service::PenceToProto(f.amount_pence, out->mutable_amount());
  out->set_summary(f.summary);
  for (int64_t id : f.transaction_ids) out->add_transaction_ids(id);
  for (const std::string& p : f.payslips) out->add_payslips(p);
  out->set_settings_version(f.settings_version);
  out->set_case_id(f.case_id);
  out->set_outcome(f.outcome);
}

v1::CaseDecision DecisionToProto(const std::string& name) {
  for (int d = 0; d < monitoring::kDecisions; ++d) {
    if (monitoring::DecisionName(static_cast<monitoring::Decision>(d)) == name) {
      return static_cast<v1::CaseDecision>(d + 1);
    }
  }
  return v1::CASE_DECISION_UNSPECIFIED;  // a note
}

void FillCase(pqxx::transaction_base& tx, const monitoring::CaseRecord& c, v1::ReviewCase* out) {
  out->set_case_id(c.id);
  out->set_agreement_id(c.agreement_id);
  out->set_authority_id(c.authority_id);
  out->set_state(c.open ? v1::CASE_STATE_OPEN : v1::CASE_STATE_CLOSED);
  service::ToTimestamp(c.opened_at_us, out->mutable_opened_at());
  if (c.closed_at_us > 0) service::ToTimestamp(c.closed_at_us, out->mutable_closed_at());
  if (c.information_due) service::DayToProto(*c.information_due, out->mutable_information_due());
  constexpr int kMaxFindings = 200;
  for (const auto& f : monitoring::Findings(tx, {.case_id = c.id, .limit = kMaxFindings})) {
    ToProto(f, out->add_findings());
  }
  for (const auto& e : monitoring::Events(tx, c.id)) {
    auto* event = out->add_events();
    event->set_event_id(e.id);
    service::ToTimestamp(e.created_at_us, event->mutable_at());
    event->set_by(e.created_by);
    event->set_decision(DecisionToProto(e.decision));
    event->set_text(e.text);
    if (e.due_date) service::DayToProto(*e.due_date, event->mutable_due_date());
    if (e.amount_pence > 0) service::PenceToProto(e.amount_pence, event->mutable_amount());
    event->set_transaction_id(e.transaction_id);
  }
}

absl::Status MissingAgreement(int64_t id) {
  return absl::NotFoundError(dp::StrCat("agreement ", id, " does not exist"));
}

absl::Status MissingCase(int64_t id) {
  return absl::NotFoundError(dp::StrCat("case ", id, " does not exist"));
}

// ReadableHeader reads an agreement the caller may see; one outside its
// reach answers as missing.
absl::StatusOr<agreements::Header> ReadableHeader(pqxx::transaction_base& tx,
                                                  const iam::Principal& caller, int64_t id) {
  if (id <= 0) return FieldError("agreement_id", "is required");
  auto header = agreements::GetHeader(tx, id);
  if (!header.ok()) return MissingAgreement(id);
  if (!caller.CanRead(header->authority_id, "agreement", std::to_string(id))) {
    return MissingAgreement(id);
  }
  return header;
}

// ReadableCase is the same for a case.
absl::StatusOr<monitoring::CaseRecord> ReadableCase(pqxx::transaction_base& tx,
                                                    const iam::Principal& caller, int64_t id) {
  auto c = monitoring::GetCase(tx, id);
  if (!c.ok()) return c.status();
  if (!caller.CanRead(c->authority_id, "agreement", std::to_string(c->agreement_id))) {
    return MissingCase(id);
  }
  return c;
}

// Scope checks a list's filter: an authority the caller reaches, or an
// agreement it may read; exactly one of the two.
absl::Status Scope(pqxx::transaction_base& tx, const iam::Principal& caller,
                   const std::string& authority_id, int64_t agreement_id) {
  if (authority_id.empty() == (agreement_id == 0)) {
    return FieldError("authority_id", "or agreement_id is required, one of the two");
  }
  if (agreement_id != 0) return ReadableHeader(tx, caller, agreement_id).status();
  if (!caller.CanReachAuthority(authority_id)) {
    return absl::NotFoundError(dp::StrCat("authority \"", authority_id, "\" is not one you reach"));
  }
  return absl::OkStatus();
}

std::optional<bool> OpenFilter(int state) {
  if (state == 1) return true;
  if (state == 2) return false;
  return std::nullopt;
}

// MayWrite: the caller may change `authority`'s monitoring (`what`, for
// the refusal); an authority out of its reach answers as unknown.
absl::Status MayWrite(const iam::Principal& caller, const std::string& authority,
                      std::string_view what) {
  if (caller.CanWrite(authority)) return absl::OkStatus();
  if (!caller.CanReachAuthority(authority)) {
    return absl::NotFoundError(dp::StrCat("authority \"", authority, "\" is not one you reach"));
  }
  return absl::PermissionDeniedError(dp::StrCat(caller.name, " may not ", what, " of ", authority));
}

void ToProto(const monitoring::SweepResult& r, const std::string& authority, int64_t elapsed_ms,
             v1::SweepReport* out) {
  out->set_authority_id(authority);
  out->set_agreements(r.agreements);
  out->set_checked(r.checked);
  out->set_unchanged(r.unchanged);
  out->set_findings_opened(r.findings_opened);
  out->set_cases_opened(r.cases_opened);
  out->set_tier_changes(r.tier_changes);
  out->set_last_agreement_id(r.last_agreement_id);
  out->set_done(r.done);
  out->set_elapsed_ms(elapsed_ms);
}

void ToProto(const monitoring::BankImport& r, v1::BankImportReport* out) {
  out->set_lines(r.lines);
  out->set_imported(r.imported);
  out->set_already_imported(r.already_imported);
  out->set_matched(r.matched);
  out->set_blocked(r.blocked);
  for (const auto& p : r.problems) {
    auto* problem = out->add_problems();
    problem->set_line(p.line_no);
    problem->set_detail(p.detail);
  }
  for (const auto& e : r.expected_not_seen) {
    auto* m = out->add_expected_not_seen();
    m->set_kind(e.kind);
    m->set_ref(e.ref);
    service::DayToProto(e.date, m->mutable_date());
    m->mutable_amount()->set_amount_pence(e.amount_pence);  // signed: out is negative
    m->mutable_amount()->set_currency("GBP");
  }
  for (const auto& [category, pence] : r.by_category) {
    auto* total = out->add_by_category();
    total->set_category(category);
    total->mutable_amount()->set_amount_pence(pence);
    total->mutable_amount()->set_currency("GBP");
  }
}

}  // namespace

grpc::Status MonitoringServiceImpl::GetServiceInfo(grpc::ServerContext*,
                                                   const v1::GetServiceInfoRequest*,
                                                   v1::ServiceInfo* out) {
  return service::DescribeService(host_.config(), host_.pool(), out);
}

grpc::Status MonitoringServiceImpl::SetMonitoringSettings(grpc::ServerContext* ctx,
                                                          const v1::SetMonitoringSettingsRequest* req,
                                                          v1::MonitoringSettings* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto settings = SettingsFromProto(req->settings());
  if (!settings.ok()) return ToGrpcStatus(settings.status());
  const std::string authority = req->settings().authority_id();
  if (req->reason().empty()) {
    return ToGrpcStatus(FieldError("reason", "is required: why the settings change"));
  }
  return service::IdempotentWrite(
      host_.pool(), host_.AuditOf(*ctx), requests_, *req, req->request_id(), "SetMonitoringSettings",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        if (auto s = agreements::CheckAuthority(tx, authority); !s.ok()) return s;
        if (auto s = MayWrite(*caller, authority, "set the monitoring settings"); !s.ok()) return s;
        const monitoring::Settings saved =
            monitoring::InsertSettings(tx, authority, *settings, req->reason(), caller->name);
        ToProto(authority, saved, out);
        return saved.version;
      },
      [&](pqxx::work& tx, const std::string& version) -> absl::Status {
        const int n = std::stoi(version.substr(version.rfind(':') + 1));
        const pqxx::row r = tx.exec_params1(
            "SELECT effective_from::text, settings::text FROM monitoring.settings"
            " WHERE authority_id = $1 AND version = $2",
            authority, n);
        auto s = monitoring::FromJson(r[1].as<std::string>());
        if (!s.ok()) return s.status();
        auto from = agreements::ParseDay(r[0].as<std::string>());
        if (!from.ok()) return from.status();
        s->effective_from = *from;
        s->version = version;
        ToProto(authority, *s, out);
        return absl::OkStatus();
      });
}

grpc::Status MonitoringServiceImpl::GetMonitoringSettings(grpc::ServerContext* ctx,
                                                          const v1::GetMonitoringSettingsRequest* req,
                                                          v1::MonitoringSettings* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto as_of = service::OptionalDay(req->as_of(), "as_of");
  if (!as_of.ok()) return ToGrpcStatus(as_of.status());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    if (auto s = Scope(tx, *caller, req->authority_id(), 0); !s.ok()) return s;
    const absl::CivilDay day = as_of->value_or(service::TodayInLondon());
    ToProto(req->authority_id(), monitoring::SettingsOn(tx, req->authority_id(), day, defaults_), out);
    return absl::OkStatus();
  }));
}

grpc::Status MonitoringServiceImpl::PreviewMonitoringSettings(
    grpc::ServerContext* ctx, const v1::PreviewMonitoringSettingsRequest* req,
    v1::SettingsPreview* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto proposed = SettingsFromProto(req->settings());
  if (!proposed.ok()) return ToGrpcStatus(proposed.status());
  const std::string authority = req->settings().authority_id();
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    if (authority.empty()) return FieldError("settings.authority_id", "is required");
    if (auto s = MayWrite(*caller, authority, "change the monitoring settings"); !s.ok()) return s;
    constexpr int kMaxChangesShown = 1000;
    std::array<int, monitoring::kTiers> before{}, after{};
    for (const auto& p : monitoring::PreviewTiers(tx, authority, *proposed,
                                                  service::TodayInLondon(), defaults_)) {
      ++before[static_cast<size_t>(p.now.tier)];
      ++after[static_cast<size_t>(p.proposed.tier)];
      out->set_agreements(out->agreements() + 1);
      if (p.now.tier == p.proposed.tier || out->changes_size() >= kMaxChangesShown) continue;
      auto* change = out->add_changes();
      change->set_agreement_id(p.agreement_id);
      change->set_from(TierToProto(p.now.tier));
      change->set_to(TierToProto(p.proposed.tier));
      change->set_points_from(p.now.points);
      change->set_points_to(p.proposed.points);
    }
    out->set_light_before(before[0]);
    out->set_standard_before(before[1]);
    out->set_enhanced_before(before[2]);
    out->set_light_after(after[0]);
    out->set_standard_after(after[1]);
    out->set_enhanced_after(after[2]);
    return absl::OkStatus();
  }));
}

grpc::Status MonitoringServiceImpl::Sweep(grpc::ServerContext* ctx, const v1::SweepRequest* req,
                                          v1::SweepReport* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (req->authority_id().empty()) return ToGrpcStatus(FieldError("authority_id", "is required"));
  if (req->max_agreements() < 0 || req->max_agreements() > kSweepShare) {
    return ToGrpcStatus(FieldError("max_agreements", dp::StrCat("must be 1 to ", kSweepShare,
                                                                " (0: ", kSweepShare, ")")));
  }
  const int share = req->max_agreements() > 0 ? req->max_agreements() : kSweepShare;
  if (auto s = MayWrite(*caller, req->authority_id(), "sweep the agreements"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (req->after_agreement_id() != 0) {
    // Where a share ends: one of the authority's agreements.
    const absl::Status known = service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
      auto header = agreements::GetHeader(tx, req->after_agreement_id());
      return header.ok() && header->authority_id == req->authority_id()
                 ? absl::OkStatus()
                 : FieldError("after_agreement_id", "must be 0 or one of the authority's agreements");
    });
    if (!known.ok()) return ToGrpcStatus(known);
  }
  service::CallAudit* audit = host_.AuditOf(*ctx);
  // The sweep checks each agreement in its own transaction, so it runs
  // before the request is recorded; a retry is answered from the record.
  auto seen = service::SeenBefore(host_.pool(), audit, requests_, *req, req->request_id(), "Sweep");
  if (!seen.ok()) return ToGrpcStatus(seen.status());
  if (!*seen) {
    service::JobTimer timer(host_.metrics(), "monitoring_sweep");
    const absl::Time started = absl::Now();
    monitoring::SweepOptions options{req->authority_id(), req->full(), req->after_agreement_id(),
                                      share, service::TodayInLondon()};
    const absl::StatusOr<monitoring::SweepResult> result =
        monitoring::Sweep(host_.pool(), options, defaults_);
    if (!result.ok()) return ToGrpcStatus(result.status());
    ToProto(*result, req->authority_id(), absl::ToInt64Milliseconds(absl::Now() - started), out);
  }
  return service::IdempotentWrite(
      host_.pool(), audit, requests_, *req, req->request_id(), "Sweep",
      [&](pqxx::work&) -> absl::StatusOr<std::string> {
        if (*seen) return absl::AbortedError("the sweep was recorded meanwhile: retry");
        if (audit != nullptr) audit->SetResource(dp::StrCat("monitoring/sweeps/", req->authority_id()));
        return service::AnswerAsKey(*out);
      },
      [&](pqxx::work&, const std::string& key) -> absl::Status {
        out->Clear();
        if (audit != nullptr) audit->SetResource(dp::StrCat("monitoring/sweeps/", req->authority_id()));
        return service::AnswerFromKey(key, out);
      });
}

grpc::Status MonitoringServiceImpl::GetAgreementMonitoring(
    grpc::ServerContext* ctx, const v1::GetAgreementMonitoringRequest* req,
    v1::AgreementMonitoring* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto header = ReadableHeader(tx, *caller, req->agreement_id());
    if (!header.ok()) return header.status();
    out->set_agreement_id(header->id);
    out->set_authority_id(header->authority_id);
    const auto tier = monitoring::LatestTier(tx, header->id);
    if (!tier) {
      return absl::FailedPreconditionError(dp::StrCat(
          "agreement ", header->id, " has not been checked yet: `dpctl monitoring sweep --authority ",
          header->authority_id, "` checks it"));
    }
    // What may be asked for at this tier, by the settings in force today.
    const absl::CivilDay today = service::TodayInLondon();
    const monitoring::Settings settings = monitoring::SettingsOn(tx, header->authority_id, today, defaults_);
    out->set_tier(TierToProto(tier->tier));
    out->set_points(tier->points);
    for (const auto& f : tier->factors) {
      auto* factor = out->add_factors();
      factor->set_name(f.name);
      factor->set_points(f.points);
      factor->set_words(f.words);
    }
    out->set_settings_version(tier->settings_version);
    service::ToTimestamp(tier->decided_at_us, out->mutable_tier_since());
    service::DayToProto(tier->next_review_due, out->mutable_next_review_due());
    out->set_evidence(settings.evidence[static_cast<size_t>(tier->tier)]);
    // The person's words, as the record holds them.
    const pqxx::result words = tx.exec_params(
        "SELECT reason FROM agreements.decisions WHERE agreement_id = $1 AND kind = 'monitoring_tier'"
        " ORDER BY id DESC LIMIT 1",
        header->id);
    if (!words.empty()) out->set_words(words[0][0].as<std::string>());
    constexpr int kShown = 100;
    // Open findings first, then the latest closed ones.
    for (bool open : {true, false}) {
      for (const auto& f : monitoring::Findings(tx, {.agreement_id = header->id, .open = open,
                                                     .newest_first = !open, .limit = kShown})) {
        ToProto(f, out->add_findings());
      }
    }
    const pqxx::result checked = tx.exec_params(
        "SELECT (extract(epoch from checked_at) * 1000000)::bigint FROM monitoring.checked"
        " WHERE agreement_id = $1",
        header->id);
    if (!checked.empty()) service::ToTimestamp(checked[0][0].as<int64_t>(), out->mutable_checked_at());
    return absl::OkStatus();
  }));
}

namespace {

// ListPage answers a list of findings or cases: within the caller's scope
// (an authority it reaches, or an agreement it may read), a page of at most
// page_size rows and 1 MiB, resumed after the token's id. `rows` reads
// (tx, after_id, limit); `fill` makes a row's message; `push` keeps it.
template <typename Request, typename Response, typename Item, typename Rows, typename Fill,
          typename Push>
grpc::Status ListPage(service::ServiceHost& host, grpc::ServerContext* ctx, const Request& req,
                      std::string_view kind, Rows rows, Fill fill, Push push, Response* out) {
  if (auto bad = service::CheckRequestBounds(req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto size = db::ClampPageSize(req.page_size(), kDefaultPage, kMaxPage);
  if (!size.ok()) return ToGrpcStatus(size.status());
  const std::string fingerprint =
      dp::StrCat(kind, "|", req.authority_id(), "|", req.agreement_id(), "|", req.state());
  auto after = db::DecodePageToken(req.page_token(), fingerprint);
  if (!after.ok()) return ToGrpcStatus(after.status());
  return ToGrpcStatus(service::RunReadOnly(host.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    if (auto s = Scope(tx, *caller, req.authority_id(), req.agreement_id()); !s.ok()) return s;
    out->set_next_page_token(db::FillPage<Item>(
        rows(tx, *after, *size + 1), *size, fingerprint,
        [&](const auto& row, Item* item) {
          fill(tx, row, item);
          return row.id;
        },
        push));
    return absl::OkStatus();
  }));
}

}  // namespace

grpc::Status MonitoringServiceImpl::ListFindings(grpc::ServerContext* ctx,
                                                 const v1::ListFindingsRequest* req,
                                                 v1::ListFindingsResponse* out) {
  return ListPage<v1::ListFindingsRequest, v1::ListFindingsResponse, v1::Finding>(
      host_, ctx, *req, "findings",
      [&](pqxx::transaction_base& tx, int64_t after, int limit) {
        return monitoring::Findings(tx, {.authority_id = req->authority_id(),
                                         .agreement_id = req->agreement_id(),
                                         .open = OpenFilter(req->state()), .after_id = after,
                                         .limit = limit});
      },
      [](pqxx::transaction_base&, const monitoring::FindingRecord& f, v1::Finding* item) {
        ToProto(f, item);
      },
      [&](v1::Finding&& item) { *out->add_findings() = std::move(item); }, out);
}

grpc::Status MonitoringServiceImpl::GetCase(grpc::ServerContext* ctx, const v1::GetCaseRequest* req,
                                            v1::ReviewCase* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto c = ReadableCase(tx, *caller, req->case_id());
    if (!c.ok()) return c.status();
    FillCase(tx, *c, out);
    return absl::OkStatus();
  }));
}

grpc::Status MonitoringServiceImpl::ListCases(grpc::ServerContext* ctx, const v1::ListCasesRequest* req,
                                              v1::ListCasesResponse* out) {
  return ListPage<v1::ListCasesRequest, v1::ListCasesResponse, v1::ReviewCase>(
      host_, ctx, *req, "cases",
      [&](pqxx::transaction_base& tx, int64_t after, int limit) {
        return monitoring::Cases(tx, {.authority_id = req->authority_id(),
                                      .agreement_id = req->agreement_id(),
                                      .open = OpenFilter(req->state()), .after_id = after,
                                      .limit = limit});
      },
      [](pqxx::transaction_base& tx, const monitoring::CaseRecord& c, v1::ReviewCase* item) {
        FillCase(tx, c, item);
      },
      [&](v1::ReviewCase&& item) { *out->add_cases() = std::move(item); }, out);
}

grpc::Status MonitoringServiceImpl::CaseWrite(grpc::ServerContext* ctx,
                                              const iam::Principal& caller,
                                              const google::protobuf::Message& request,
                                              const std::string& request_id,
                                              const std::string& operation, int64_t case_id,
                                              const CaseFn& change, v1::ReviewCase* out) {
  auto fill = [&](pqxx::transaction_base& tx) -> absl::Status {
    auto c = monitoring::GetCase(tx, case_id);
    if (!c.ok()) return c.status();
    FillCase(tx, *c, out);
    return absl::OkStatus();
  };
  return service::IdempotentWrite(
      host_.pool(), host_.AuditOf(*ctx), requests_, request, request_id, operation,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto c = ReadableCase(tx, caller, case_id);
        if (!c.ok()) return c.status();
        if (!caller.CanWrite(c->authority_id)) {
          return absl::PermissionDeniedError(dp::StrCat(caller.name, " may not change case ", case_id));
        }
        if (auto s = change(tx, case_id); !s.ok()) return s;
        if (auto s = fill(tx); !s.ok()) return s;
        return std::to_string(case_id);
      },
      [&](pqxx::work& tx, const std::string&) { return fill(tx); });
}

grpc::Status MonitoringServiceImpl::AddCaseNote(grpc::ServerContext* ctx,
                                                const v1::AddCaseNoteRequest* req,
                                                v1::ReviewCase* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return CaseWrite(ctx, *caller, *req, req->request_id(), "AddCaseNote", req->case_id(),
                   [&](pqxx::work& tx, int64_t id) {
                     return monitoring::AddNote(tx, id, req->note(), ActorOf(*caller));
                   },
                   out);
}

grpc::Status MonitoringServiceImpl::DecideCase(grpc::ServerContext* ctx,
                                               const v1::DecideCaseRequest* req,
                                               v1::ReviewCase* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  monitoring::CaseDecision d;
  if (req->decision() == v1::CASE_DECISION_UNSPECIFIED) {
    return ToGrpcStatus(FieldError("decision", "is required: no_action, request_information, "
                                               "agree_plan, recover or suspend"));
  }
  d.decision = static_cast<monitoring::Decision>(static_cast<int>(req->decision()) - 1);
  d.reason = req->reason();
  auto due = service::OptionalDay(req->due_date(), "due_date");
  if (!due.ok()) return ToGrpcStatus(due.status());
  d.due_date = *due;
  if (d.due_date && d.decision != monitoring::Decision::kRequestInformation) {
    return ToGrpcStatus(FieldError("due_date", "is only for request_information"));
  }
  if (d.decision == monitoring::Decision::kRecover) {
    auto amount = service::PenceFromProto(req->amount(), "amount");
    if (!amount.ok()) return ToGrpcStatus(amount.status());
    if (*amount <= 0) return ToGrpcStatus(FieldError("amount", "is required for a recovery, above zero"));
    d.amount_pence = *amount;
  } else if (req->has_amount()) {
    return ToGrpcStatus(FieldError("amount", "is only for recover"));
  }
  return CaseWrite(ctx, *caller, *req, req->request_id(), "DecideCase", req->case_id(),
                   [&](pqxx::work& tx, int64_t id) {
                     return monitoring::DecideCase(
                         tx, id, d, ActorOf(*caller),
                         dp::StrCat("monitoring:recover:", id, ":", req->request_id()),
                         service::TodayInLondon(), absl::ToUnixMicros(absl::Now()), defaults_);
                   },
                   out);
}

namespace {

constexpr int kDefaultSample = 25, kMaxSample = 500;

// ReportParams reads a report request; the instant is checked against the
// settled horizon by the caller, inside its snapshot.
absl::StatusOr<monitoring::reports::Params> ReportParams(const v1::GetAuditorReportRequest& req) {
  monitoring::reports::Params p;
  if (req.authority_id().empty()) return FieldError("authority_id", "is required");
  p.authority_id = req.authority_id();
  auto from = service::DayFromProto(req.period_start(), "period_start");
  if (!from.ok()) return from.status();
  auto to = service::DayFromProto(req.period_end(), "period_end");
  if (!to.ok()) return to.status();
  if (*to < *from) return FieldError("period_end", "must not be before period_start");
  if (*to - *from > 366 * 5) return FieldError("period_end", "a report covers at most five years");
  p.from = *from;
  p.to = *to;
  if (req.sample_size() < 0 || req.sample_size() > kMaxSample) {
    return FieldError("sample_size", dp::StrCat("must be 0 (", kDefaultSample, ") to ", kMaxSample));
  }
  p.sample_size = req.sample_size() > 0 ? req.sample_size() : kDefaultSample;
  if (req.seed() < 0) return FieldError("seed", "must not be negative (0: derived from as_of)");
  p.seed = req.seed();
  p.as_of_us = req.has_as_of() ? service::FromTimestamp(req.as_of()) : 0;
  return p;
}

}  // namespace

grpc::Status MonitoringServiceImpl::GetAuditorReport(grpc::ServerContext* ctx,
                                                     const v1::GetAuditorReportRequest* req,
                                                     v1::AuditorReport* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto params = ReportParams(*req);
  if (!params.ok()) return ToGrpcStatus(params.status());
  monitoring::reports::Report report;
  const absl::Status read = service::RunReadOnlySnapshot(host_.report_pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    if (auto s = Scope(tx, *caller, params->authority_id, 0); !s.ok()) return s;
    const int64_t horizon_us = ledger::SettledHorizonUs(tx);
    if (params->as_of_us == 0) {
      params->as_of_us = horizon_us;
    } else if (params->as_of_us > horizon_us) {
      return absl::FailedPreconditionError(dp::StrCat(
          "as_of ", monitoring::reports::Rfc3339Micros(params->as_of_us),
          " is later than the settled horizon (", monitoring::reports::Rfc3339Micros(horizon_us),
          "): what is stamped after it may still change; ask again for an earlier instant, or later"));
    }
    if (params->seed == 0) params->seed = params->as_of_us;
    auto gathered = monitoring::reports::Gather(tx, *params);
    if (!gathered.ok()) return gathered.status();
    report = *std::move(gathered);
    return absl::OkStatus();
  });
  if (!read.ok()) return ToGrpcStatus(read);
  const std::string csv = monitoring::reports::ToCsv(report);
  const std::string csv_sha = Sha256Hex(csv);
  std::string content = csv, extension = "csv", type = "text/csv";
  if (req->format() == v1::REPORT_FORMAT_XLSX || req->format() == v1::REPORT_FORMAT_PDF) {
    const bool xlsx = req->format() == v1::REPORT_FORMAT_XLSX;
    auto rendered = xlsx ? monitoring::reports::ToXlsx(report, csv_sha)
                         : monitoring::reports::ToPdf(report, csv_sha);
    if (!rendered.ok()) return ToGrpcStatus(rendered.status());
    content = *std::move(rendered);
    extension = xlsx ? "xlsx" : "pdf";
    type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "application/pdf";
  }
  out->set_sha256(Sha256Hex(content));
  out->set_content(std::move(content));
  out->set_content_type(type);
  out->set_file_name(dp::StrCat("auditor-report-", params->authority_id, "-",
                                absl::FormatCivilTime(params->from), "-",
                                absl::FormatCivilTime(params->to), ".", extension));
  out->set_audit_head(report.audit_head);
  if (const monitoring::reports::Table* sample = report.Find("sample"); sample != nullptr) {
    DP_CHECK_EQ(sample->columns.size(), 5u);  // id, posted_at, kind, amount_pence, description
    for (const std::vector<std::string>& row : sample->rows) {
      v1::SampledTransaction* t = out->add_sampled();
      int64_t id = 0, posted_us = 0;
      DP_CHECK(absl::SimpleAtoi(row[0], &id) &&
               monitoring::reports::ParseRfc3339Micros(row[1], &posted_us));
      t->set_transaction_id(id);
      service::ToTimestamp(posted_us, t->mutable_posted_at());
      t->set_kind(row[2]);
      int64_t pence = 0;
      DP_CHECK(absl::SimpleAtoi(row[3], &pence));
      service::PenceToProto(pence, t->mutable_amount());
      t->set_description(row[4]);
    }
  }
  service::ToTimestamp(params->as_of_us, out->mutable_as_of());
  out->set_seed(params->seed);
  out->set_sample_size(params->sample_size);
  out->set_csv_sha256(csv_sha);
  return grpc::Status::OK;
}

grpc::Status MonitoringServiceImpl::VerifyAuditorReport(grpc::ServerContext* ctx,
                                                        const v1::VerifyAuditorReportRequest* req,
                                                        v1::ReportVerification* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto params = monitoring::reports::ParamsFromCsv(req->content());
  if (!params.ok()) return ToGrpcStatus(params.status());
  auto recorded = audit::ParseHead(monitoring::reports::AuditHeadFromCsv(req->content()));
  if (!recorded.ok()) {
    return ToGrpcStatus(FieldError("content", "the report's audit_head line is damaged"));
  }
  return ToGrpcStatus(service::RunReadOnlySnapshot(host_.report_pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    if (auto s = Scope(tx, *caller, params->authority_id, 0); !s.ok()) return s;
    // A replica that has not yet reached the report's instant would show
    // differences that are only its lag.
    if (const int64_t horizon_us = ledger::SettledHorizonUs(tx); params->as_of_us > horizon_us) {
      return Refusal(absl::StatusCode::kUnavailable, reason::kNotSettled,
                     dp::StrCat("the database read has not yet reached the report's instant (",
                                monitoring::reports::Rfc3339Micros(params->as_of_us),
                                "): retry shortly"),
                     {{"horizon_us", std::to_string(horizon_us)}});
    }
    auto report = monitoring::reports::Gather(tx, *params);
    if (!report.ok()) return report.status();
    const std::string now = monitoring::reports::ToCsv(*report);
    out->set_sha256_given(Sha256Hex(req->content()));
    out->set_sha256_now(Sha256Hex(now));
    out->set_matches(now == req->content());
    for (std::string& d : monitoring::reports::Differences(req->content(), now)) {
      out->add_differences(std::move(d));
    }
    const audit::ChainReport chain = audit::VerifyChain(tx, host_.keyring().audit_key(), &*recorded);
    out->set_audit_intact(chain.verdict.intact);
    if (!chain.verdict.intact) {
      out->set_audit_problem(dp::StrCat("lane ", chain.verdict.first_bad_lane, ", event ",
                                        chain.verdict.first_bad_seq, ": ", chain.verdict.problem));
    }
    return absl::OkStatus();
  }));
}

grpc::Status MonitoringServiceImpl::ImportBankStatement(grpc::ServerContext* ctx,
                                                        const v1::ImportBankStatementRequest* req,
                                                        v1::BankImportReport* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (req->file_name().empty()) return ToGrpcStatus(FieldError("file_name", "is required"));
  constexpr int kMaxLines = 1'000'000;  // a statement longer than this is several files
  if (req->first_line() < 2 || req->first_line() > kMaxLines) {
    return ToGrpcStatus(FieldError("first_line", "must be 2 (the header is line 1) to 1,000,000"));
  }
  if (req->lines().empty()) return ToGrpcStatus(FieldError("lines", "are required, at least one"));
  const std::vector<std::string> lines(req->lines().begin(), req->lines().end());
  const absl::CivilDay today = service::TodayInLondon();
  return service::IdempotentWrite(
      host_.pool(), host_.AuditOf(*ctx), requests_, *req, req->request_id(), "ImportBankStatement",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto header = ReadableHeader(tx, *caller, req->agreement_id());
        if (!header.ok()) return header.status();
        const bool may = caller->CanWrite(header->authority_id) ||
                         (caller->role == iam::Role::kIso &&
                          caller->CanReachOwner("agreement", std::to_string(header->id)));
        if (!may) {
          return absl::PermissionDeniedError(dp::StrCat(
              caller->name, " may not import statements for agreement ", header->id));
        }
        const monitoring::Settings settings =
            monitoring::SettingsOn(tx, header->authority_id, today, defaults_);
        auto imported = monitoring::ImportBankLines(
            tx, header->id, req->file_name(), req->header(), lines, req->first_line(),
            monitoring::InForce(bank_rules_, today), settings, caller->name);
        if (!imported.ok()) return imported.status();
        ToProto(*imported, out);
        // The audit event names the agreement, not the report the key holds.
        if (service::CallAudit* audit = host_.AuditOf(*ctx)) {
          audit->SetResourceId(std::to_string(header->id));
        }
        return service::AnswerAsKey(*out);
      },
      [&](pqxx::work&, const std::string& key) -> absl::Status {
        if (service::CallAudit* audit = host_.AuditOf(*ctx)) {
          audit->SetResourceId(std::to_string(req->agreement_id()));
        }
        return service::AnswerFromKey(key, out);
      });
}

void MonitoringServiceImpl::SweepAll() {
  std::vector<std::string> authorities;
  try {
    auto conn = host_.pool().Acquire();
    pqxx::read_transaction tx(*conn);
    for (const auto& r : tx.exec("SELECT DISTINCT authority_id FROM agreements.agreements"
                                 " WHERE status = 'active' ORDER BY 1")) {
      authorities.push_back(r[0].as<std::string>());
    }
  } catch (const std::exception& e) {
    service::LogEvent("warn", {{"service", "monitoring"}, {"msg", dp::StrCat("scheduled sweep: ", e.what())}});
    return;
  }
  for (const std::string& authority : authorities) {
    monitoring::SweepOptions o{authority, false, 0, kSweepShare, service::TodayInLondon()};
    monitoring::SweepResult total;
    for (bool done = false; !done;) {  // bounded: each share moves past the agreements it saw
      const absl::StatusOr<monitoring::SweepResult> r = monitoring::Sweep(host_.pool(), o, defaults_);
      if (!r.ok()) {
        service::LogEvent("warn", {{"service", "monitoring"}, {"authority", authority},
                                   {"msg", std::string(r.status().message())}});
        break;
      }
      total.checked += r->checked;
      total.findings_opened += r->findings_opened;
      done = r->done || r->last_agreement_id == o.after_agreement_id;
      o.after_agreement_id = r->last_agreement_id;
    }
    service::LogEvent("info", {{"service", "monitoring"}, {"msg", "scheduled sweep"},
                               {"authority", authority}, {"checked", std::to_string(total.checked)},
                               {"findings_opened", std::to_string(total.findings_opened)}});
  }
}

}  // namespace dp::monitoring_service
