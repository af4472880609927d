#include "admin_commands.h"

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "certificates.h"
#include "base/strings.h"
#include "call.h"
#include "channel.h"
#include "dp/v1/admin.grpc.pb.h"

namespace dpctl {
namespace {

namespace v1 = dp::v1;

std::unique_ptr<v1::AdminService::Stub> Admin() {
  return v1::AdminService::NewStub(MakeChannel(LedgerAddress()));
}

// The output factory; callbacks run after the Add* functions return.
std::function<Output()> out;

std::unique_ptr<v1::AuditService::Stub> Audit() {
  return v1::AuditService::NewStub(MakeChannel(LedgerAddress()));
}

void PrintPrincipals(const Output& out, const std::vector<v1::PrincipalInfo>& principals) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : principals) {
    std::string reach;
    for (const auto& a : p.authorities()) reach += (reach.empty() ? "" : ",") + a;
    rows.push_back({p.name(), p.organisation_id(), p.role(), p.approver_level(),
                    p.disabled() ? "disabled" : "active", reach});
  }
  out.Table({"NAME", "ORGANISATION", "ROLE", "APPROVER", "STATE", "REACHES"}, rows);
}

}  // namespace

void AddAuditCommands(CLI::App& app, int& exit_code) {
  CLI::App* audit = app.add_subcommand("audit", "the tamper-evident audit trail");
  audit->require_subcommand(1);
  static int page_size = 0;
  static bool all = false;
  CLI::App* list = audit->add_subcommand("list", "audit events, oldest first");
  list->add_option("--page-size", page_size, "events per page (default 100)");
  list->add_flag("--all", all, "follow every page");
  list->callback([&] {
    v1::ListAuditEventsRequest req;
    req.set_page_size(page_size);
    v1::ListAuditEventsResponse merged;
    exit_code = CallPages(kLedger, "reading the audit trail", req, all, &merged,
                          [](grpc::ClientContext* c, const v1::ListAuditEventsRequest& r,
                             v1::ListAuditEventsResponse* page) {
                            return Audit()->ListAuditEvents(c, r, page);
                          });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(merged);
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : merged.events()) {
      rows.push_back({dp::StrCat(e.lane(), ".", e.seq()), Rfc3339(e.at().seconds()), e.principal(),
                      e.method().substr(e.method().rfind('/') + 1), e.resource(),
                      std::to_string(e.code()), e.hash().substr(0, 12)});
    }
    out().Table({"LANE.SEQ", "AT", "PRINCIPAL", "METHOD", "RESOURCE", "CODE", "HASH"}, rows);
    if (!merged.next_page_token().empty()) std::cout << "more: --all\n";
  });
  static std::string expect_head, head_file;
  CLI::App* verify = audit->add_subcommand(
      "verify", "recompute every lane of the chain; exit 3 if it was tampered with");
  verify->add_option("--expect-head", expect_head,
                     "a head recorded earlier (the line `dpctl audit head` printed, or @FILE): "
                     "also fail if the trail no longer reaches it");
  verify->callback([&] {
    v1::VerifyAuditChainRequest req;
    if (!expect_head.empty() && expect_head[0] == '@') {
      std::ifstream in(expect_head.substr(1));
      std::string line;
      if (!in || !std::getline(in, line)) {
        std::cerr << "error: --expect-head: cannot read " << expect_head.substr(1) << "\n";
        exit_code = 2;
        return;
      }
      req.set_expect_head(line);
    } else {
      req.set_expect_head(expect_head);
    }
    v1::VerifyAuditChainResponse resp;
    exit_code = Call(kLedger, "verifying the audit trail",
                     [&](grpc::ClientContext* c) { return Audit()->VerifyAuditChain(c, req, &resp); });
    if (exit_code != 0) return;
    if (out().json()) {
      out().Json(resp);
    } else if (resp.intact()) {
      std::cout << "audit chain intact: " << resp.events_checked() << " events"
                << (req.expect_head().empty() ? "" : ", and it reaches the recorded head")
                << "\nhead: " << resp.head() << "\n"
                << "(keep the head outside the system: `dpctl audit verify --expect-head` "
                   "with it later proves no event was cut from the end)\n";
    } else {
      std::cout << "AUDIT CHAIN BROKEN at lane " << resp.first_bad_lane() << " event "
                << resp.first_bad_seq() << ": " << resp.problem() << "\n("
                << resp.events_checked() << " events checked)\n";
    }
    exit_code = resp.intact() ? 0 : 3;
  });
  CLI::App* head = audit->add_subcommand("head", "print the trail's head, to keep for a later verify");
  head->add_option("--to", head_file, "also write it to this file");
  head->callback([&] {
    v1::AuditHead resp;
    exit_code = Call(kLedger, "reading the audit head",
                     [&](grpc::ClientContext* c) { return Audit()->GetAuditHead(c, {}, &resp); });
    if (exit_code != 0) return;
    if (!head_file.empty()) {
      std::ofstream f(head_file);
      f << resp.head() << "\n";
      if (!f) {
        std::cerr << "error: --to: cannot write " << head_file << "\n";
        exit_code = 2;
        return;
      }
    }
    if (out().json()) return out().Json(resp);
    std::cout << resp.head() << "\n";
  });
}

void AddAdminCommands(CLI::App& app, int& exit_code, std::function<Output()> make_output) {
  out = std::move(make_output);
  CLI::App* admin = app.add_subcommand("admin", "organisations, principals and grants");
  admin->require_subcommand(1);
  static std::string request_id, id, kind, name, org, role, level, reason, type;

  auto rid = [] { return request_id.empty() ? NewRequestId() : request_id; };
  auto json_or = [](auto print_table) {
    return [print_table](const auto& resp) {
      if (out().json()) {
        out().Json(resp);
      } else {
        print_table(resp);
      }
    };
  };

  admin->add_subcommand("whoami", "how the system sees your certificate")->callback([&, json_or] {
    exit_code = CallAndPrint<v1::PrincipalInfo>(
        kLedger, "whoami",
        [](grpc::ClientContext* c, v1::PrincipalInfo* r) { return Admin()->WhoAmI(c, {}, r); },
        json_or([](const v1::PrincipalInfo& p) { PrintPrincipals(out(), {p}); }));
  });

  CLI::App* orgs = admin->add_subcommand("orgs", "create an organisation");
  orgs->require_subcommand(1);
  CLI::App* org_create = orgs->add_subcommand("create", "create an organisation");
  org_create->add_option("--id", id, "e.g. FIFE, ISO-PENDERELS, AUDIT-SCOTLAND")->required();
  org_create->add_option("--kind", kind, "authority, iso, audit, processor or internal")->required();
  org_create->add_option("--name", name, "full name")->required();
  org_create->add_option("--request-id", request_id, "idempotency key (default: random)");
  org_create->callback([&, json_or, rid] {
    v1::CreateOrganisationRequest req;
    req.set_request_id(rid());
    req.set_id(id);
    req.set_kind(kind);
    req.set_name(name);
    exit_code = CallAndPrint<v1::Organisation>(
        kLedger, "creating the organisation",
        [&](grpc::ClientContext* c, v1::Organisation* r) { return Admin()->CreateOrganisation(c, req, r); },
        json_or([](const v1::Organisation& o) {
          out().Table({"ID", "KIND", "NAME"}, {{o.id(), o.kind(), o.name()}});
        }));
  });

  // Console invitations: the link is printed once, for the console at
  // --console-url (DP_CONSOLE_URL, else https://127.0.0.1:8443).
  static std::string console_url;
  static int64_t agreement = 0;
  auto link = [](const std::string& token) {
    std::string base = console_url;
    if (base.empty()) {
      const char* env = std::getenv("DP_CONSOLE_URL");
      base = env != nullptr && *env ? env : "https://127.0.0.1:8443";
    }
    return token.empty() ? std::string("(shown once, when it was made: send again with a new "
                                       "--request-id for a new link)")
                         : base + "/invitation?token=" + token;
  };
  CLI::App* invite = admin->add_subcommand(
      "invite", "a console invitation for a colleague (resets their password and app)");
  invite->add_option("name", name, "their principal's name")->required();
  invite->add_option("--console-url", console_url, "the console's address");
  invite->add_option("--request-id", request_id, "idempotency key (default: random)");
  invite->callback([&, json_or, rid, link] {
    v1::InviteStaffRequest req;
    req.set_request_id(rid());
    req.set_name(name);
    exit_code = CallAndPrint<v1::StaffInvitation>(
        kLedger, "inviting the colleague",
        [&](grpc::ClientContext* c, v1::StaffInvitation* r) { return Admin()->InviteStaff(c, req, r); },
        json_or([link](const v1::StaffInvitation& i) {
          out().Table({"NAME", "ROLE", "LINK"}, {{i.name(), i.role(), link(i.invitation_token())}});
        }));
  });
  CLI::App* invite_person = admin->add_subcommand(
      "invite-person", "a console invitation for an agreement's person or representative");
  invite_person->add_option("--agreement", agreement, "agreement id")->required();
  invite_person->add_option("--name", name, "their sign-in name, e.g. morag.brown")->required();
  invite_person->add_option("--console-url", console_url, "the console's address");
  invite_person->add_option("--request-id", request_id, "idempotency key (default: random)");
  invite_person->callback([&, json_or, rid, link] {
    v1::InvitePersonRequest req;
    req.set_request_id(rid());
    req.set_agreement_id(agreement);
    req.set_name(name);
    exit_code = CallAndPrint<v1::PersonInvitation>(
        kLedger, "inviting the person",
        [&](grpc::ClientContext* c, v1::PersonInvitation* r) {
          return Admin()->InvitePerson(c, req, r);
        },
        json_or([link](const v1::PersonInvitation& i) {
          out().Table({"NAME", "AGREEMENT", "LINK"},
                      {{i.name(), std::to_string(i.agreement_id()), link(i.invitation_token())}});
        }));
  });

  CLI::App* principals = admin->add_subcommand("principals", "certificate holders and roles");
  principals->require_subcommand(1);
  CLI::App* p_create = principals->add_subcommand("create", "register a certificate holder");
  p_create->add_option("--name", name, "the certificate's common name")->required();
  p_create->add_option("--org", org, "organisation id")->required();
  p_create->add_option("--role", role, "finance_officer, iso, auditor, service, admin or processor")
      ->required();
  p_create->add_option("--approver-level", level, "worker, manager or panel (officers)");
  p_create->add_option("--request-id", request_id, "idempotency key (default: random)");
  p_create->callback([&, json_or, rid] {
    v1::CreatePrincipalRequest req;
    req.set_request_id(rid());
    req.set_name(name);
    req.set_organisation_id(org);
    req.set_role(role);
    req.set_approver_level(level);
    exit_code = CallAndPrint<v1::PrincipalInfo>(
        kLedger, "registering the principal",
        [&](grpc::ClientContext* c, v1::PrincipalInfo* r) { return Admin()->CreatePrincipal(c, req, r); },
        json_or([](const v1::PrincipalInfo& p) { PrintPrincipals(out(), {p}); }));
  });
  CLI::App* p_list = principals->add_subcommand("list", "list principals");
  p_list->add_option("--org", org, "only this organisation");
  p_list->callback([&, json_or] {
    v1::ListPrincipalsRequest req;
    req.set_organisation_id(org);
    v1::ListPrincipalsResponse all;
    exit_code = CallPages(kLedger, "listing principals", req, true, &all,
                          [](grpc::ClientContext* c, const v1::ListPrincipalsRequest& r,
                             v1::ListPrincipalsResponse* page) {
                            return Admin()->ListPrincipals(c, r, page);
                          });
    if (exit_code != 0) return;
    json_or([](const v1::ListPrincipalsResponse& r) {
      PrintPrincipals(out(), {r.principals().begin(), r.principals().end()});
    })(all);
  });
  for (bool disable : {true, false}) {
    CLI::App* cmd = principals->add_subcommand(disable ? "disable" : "enable",
                                               disable ? "revoke a principal's access"
                                                       : "restore a principal's access");
    cmd->add_option("name", name, "principal name")->required();
    cmd->add_option("--reason", reason, "why")->required();
    cmd->add_option("--request-id", request_id, "idempotency key (default: random)");
    cmd->callback([&, json_or, rid, disable] {
      v1::SetPrincipalDisabledRequest req;
      req.set_request_id(rid());
      req.set_name(name);
      req.set_disabled(disable);
      req.set_reason(reason);
      exit_code = CallAndPrint<v1::PrincipalInfo>(
          kLedger, disable ? "disabling" : "enabling",
          [&](grpc::ClientContext* c, v1::PrincipalInfo* r) {
            return Admin()->SetPrincipalDisabled(c, req, r);
          },
          json_or([](const v1::PrincipalInfo& p) { PrintPrincipals(out(), {p}); }));
    });
  }

  CLI::App* grants = admin->add_subcommand("grants", "link ISOs and auditors to what they serve");
  grants->require_subcommand(1);
  for (const char* verb : {"add", "revoke"}) {
    CLI::App* cmd = grants->add_subcommand(verb, std::string(verb) + " a grant");
    cmd->add_option("--org", org, "the ISO or audit organisation")->required();
    cmd->add_option("--type", type, "agreement, employer (ISO) or authority (auditor)")
        ->required();
    cmd->add_option("--id", id, "the agreement, employer or authority id")->required();
    cmd->add_option("--request-id", request_id, "idempotency key (default: random)");
    const bool add = std::string(verb) == "add";
    cmd->callback([&, json_or, rid, add] {
      v1::ScopeGrant grant;
      grant.set_organisation_id(org);
      grant.set_scope_type(type);
      grant.set_scope_id(id);
      auto print = json_or([](const v1::ScopeGrant& g) {
        out().Table({"ORGANISATION", "TYPE", "ID"},
                    {{g.organisation_id(), g.scope_type(), g.scope_id()}});
      });
      if (add) {
        v1::GrantRequest req;
        req.set_request_id(rid());
        *req.mutable_grant() = grant;
        exit_code = CallAndPrint<v1::ScopeGrant>(
            kLedger, "granting",
            [&](grpc::ClientContext* c, v1::ScopeGrant* r) { return Admin()->Grant(c, req, r); }, print);
      } else {
        v1::RevokeRequest req;
        req.set_request_id(rid());
        *req.mutable_grant() = grant;
        exit_code = CallAndPrint<v1::ScopeGrant>(
            kLedger, "revoking",
            [&](grpc::ClientContext* c, v1::ScopeGrant* r) { return Admin()->Revoke(c, req, r); }, print);
      }
    });
  }
  AddAuditCommands(app, exit_code);

  static std::string ca_dir;
  static int days = 825;
  CLI::App* issue = admin->add_subcommand(
      "issue-cert", "issue a client certificate from the local CA (needs ca.key; offline)");
  issue->add_option("--ca-dir", ca_dir, "folder with ca.crt and ca.key")->required();
  issue->add_option("--name", name, "the principal's name, e.g. payroll@newbureau")->required();
  issue->add_option("--days", days, "validity")->capture_default_str();
  issue->callback([&] {
    if (absl::Status s = IssueClientCertificate(ca_dir, name, days); !s.ok()) {
      std::cerr << "dpctl: " << s.message() << "\n";
      exit_code = 2;
      return;
    }
    std::cout << "wrote " << ca_dir << "/" << name << ".crt and .key; now register it:\n"
              << "  dpctl admin principals create --name " << name << " --org ... --role ...\n";
  });

  admin->add_subcommand("rotate-keys",
                        "re-encrypt personal data under the active key (after tools/keys rotate "
                        "and a restart)")
      ->callback([&, json_or] {
        v1::RotateKeysRequest req;
        req.set_request_id(NewRequestId());
        exit_code = CallAndPrint<v1::RotateKeysResponse>(
            kLedger, "rotating keys",
            [&](grpc::ClientContext* c, v1::RotateKeysResponse* r) {
              // Re-encrypting a national database takes a while.
              c->set_deadline(std::chrono::system_clock::now() + std::chrono::hours(1));
              return Admin()->RotateKeys(c, req, r);
            },
            json_or([](const v1::RotateKeysResponse& r) {
              std::cout << r.rows_reencrypted() << " row(s) re-encrypted; every field is now under key "
                        << r.active_key_id() << "\n";
            }));
      });

  CLI::App* g_list = grants->add_subcommand("list", "list grants");
  g_list->add_option("--org", org, "only this organisation");
  g_list->callback([&, json_or] {
    v1::ListGrantsRequest req;
    req.set_organisation_id(org);
    v1::ListGrantsResponse all;
    exit_code = CallPages(kLedger, "listing grants", req, true, &all,
                          [](grpc::ClientContext* c, const v1::ListGrantsRequest& r,
                             v1::ListGrantsResponse* page) { return Admin()->ListGrants(c, r, page); });
    if (exit_code != 0) return;
    json_or([](const v1::ListGrantsResponse& r) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& g : r.grants()) {
        rows.push_back({g.organisation_id(), g.scope_type(), g.scope_id()});
      }
      out().Table({"ORGANISATION", "TYPE", "ID"}, rows);
    })(all);
  });
}

}  // namespace dpctl
