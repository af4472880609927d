// Access control end to end: real certificates from tools/pki, mutual TLS,
// real service processes, and each role's allowed and refused calls.
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include <grpcpp/generic/generic_stub.h>

#include "dp/v1/admin.grpc.pb.h"
#include "dp/v1/agreements.grpc.pb.h"
#include "dp/v1/cards.grpc.pb.h"
#include "dp/v1/ledger.grpc.pb.h"
#include "dp/v1/monitoring.grpc.pb.h"
#include "dp/v1/payroll.grpc.pb.h"
#include "grpc_helpers.h"
#include "service_process.h"
#include "test_db.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// World is one authority's small universe: principals of every role, an
// ISO linked to one agreement, an auditor granted the authority, and a
// second authority that nobody here may touch.
struct World {
  std::string tag;  // unique per process, lower case
  std::string pki;
  std::string authority, other_authority, iso_org, audit_org, platform;
  std::string officer, other_officer, iso, auditor, admin, service, stranger;
  std::unique_ptr<ServiceProcess> ledger;
};

World* world = nullptr;

void Shell(const std::string& command) {
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

std::shared_ptr<grpc::Channel> ChannelAs(const std::string& who, const std::string& address,
                                         const std::string& pki) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(world->pki + "/ca.crt");
  if (!who.empty()) {
    options.pem_cert_chain = ReadFile(pki + "/" + who + ".crt");
    options.pem_private_key = ReadFile(pki + "/" + who + ".key");
  }
  return grpc::CreateChannel(address, grpc::SslCredentials(options));
}

// Agreement is the id of a real (draft) agreement of `authority` for a
// test's `label`, made once, straight into the tables: accounts may only be
// owned by an agreement of their own authority.
std::string Agreement(const std::string& authority, const std::string& label) {
  static std::map<std::string, std::string> made;
  const std::string key = authority + "|" + label;
  if (auto it = made.find(key); it != made.end()) return it->second;
  auto conn = MigratedConnection();
  pqxx::work tx(*conn);
  const int64_t person = tx.exec_params1(
      "INSERT INTO people.persons (authority_id, display_name) VALUES ($1, 'test') RETURNING id",
      authority)[0].as<int64_t>();
  const std::string id = tx.exec_params1(
      "INSERT INTO agreements.agreements (authority_id, person_id, manager_kind, status,"
      " status_reason) VALUES ($1, $2, 'self', 'draft', 'test') RETURNING id::text",
      authority, person)[0].as<std::string>();
  tx.commit();
  return made[key] = id;
}

std::shared_ptr<grpc::Channel> As(const std::string& who) {
  return ChannelAs(who, world->ledger->address(), world->pki);
}

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto conn = MigratedConnection();
    world = new World;
    World& w = *world;
    w.tag = "s" + std::to_string(std::random_device{}() % 100000000);
    w.pki = ::testing::TempDir() + "/pki-" + w.tag;
    w.authority = w.tag + "-FIFE";
    w.other_authority = w.tag + "-ANGUS";
    w.iso_org = w.tag + "-ISO";
    w.audit_org = w.tag + "-AUDIT";
    w.platform = w.tag + "-PLATFORM";
    w.officer = "officer@" + w.tag;
    w.other_officer = "angus-officer@" + w.tag;
    w.iso = "payroll@" + w.tag;
    w.auditor = "auditor@" + w.tag;
    w.admin = "admin@" + w.tag;
    w.service = "service@" + w.tag;
    w.stranger = "stranger@" + w.tag;  // has a certificate, never registered
    Shell(std::string(DP_SOURCE_DIR) + "/tools/pki init " + w.pki + " >/dev/null");
    for (const auto& who : {w.officer, w.other_officer, w.iso, w.auditor, w.admin, w.service,
                            w.stranger}) {
      Shell(std::string(DP_SOURCE_DIR) + "/tools/pki issue " + w.pki + " " + who + " >/dev/null");
    }
    // The break-glass bootstrap: one admin, straight into the tables.
    {
      pqxx::work tx(*conn);
      tx.exec_params("INSERT INTO iam.organisations (id, kind, name) VALUES ($1, 'internal', 'p')",
                     w.platform);
      tx.exec_params("INSERT INTO iam.principals (name, organisation_id, role) VALUES ($1, $2, 'admin')",
                     w.admin, w.platform);
      tx.commit();
    }
    w.ledger = std::make_unique<ServiceProcess>(
        "ledger", std::vector<std::string>{"--tls-cert", w.pki + "/services.crt", "--tls-key",
                                           w.pki + "/services.key", "--tls-ca", w.pki + "/ca.crt",
                                           "--principal-cache-ms", "0",
                                           "--door-audit-interval-ms", "200"});
    ASSERT_TRUE(w.ledger->Start()) << w.ledger->Log();
    // Everything else through AdminService, as the admin.
    auto admin = v1::AdminService::NewStub(As(w.admin));
    int n = 0;
    auto org = [&](const std::string& id, const std::string& kind) {
      v1::CreateOrganisationRequest req;
      req.set_request_id(w.tag + "-org-" + std::to_string(n++));
      req.set_id(id);
      req.set_kind(kind);
      req.set_name(id);
      v1::Organisation out;
      auto s = admin->CreateOrganisation(Ctx().get(), req, &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
    };
    auto principal = [&](const std::string& name, const std::string& org_id,
                         const std::string& role) {
      v1::CreatePrincipalRequest req;
      req.set_request_id(w.tag + "-p-" + std::to_string(n++));
      req.set_name(name);
      req.set_organisation_id(org_id);
      req.set_role(role);
      v1::PrincipalInfo out;
      auto s = admin->CreatePrincipal(Ctx().get(), req, &out);
      ASSERT_TRUE(s.ok()) << name << ": " << s.error_message();
    };
    auto grant = [&](const std::string& org_id, const std::string& type, const std::string& id) {
      v1::GrantRequest req;
      req.set_request_id(w.tag + "-g-" + std::to_string(n++));
      req.mutable_grant()->set_organisation_id(org_id);
      req.mutable_grant()->set_scope_type(type);
      req.mutable_grant()->set_scope_id(id);
      v1::ScopeGrant out;
      auto s = admin->Grant(Ctx().get(), req, &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
    };
    org(w.authority, "authority");
    org(w.other_authority, "authority");
    org(w.iso_org, "iso");
    org(w.audit_org, "audit");
    principal(w.officer, w.authority, "finance_officer");
    principal(w.other_officer, w.other_authority, "finance_officer");
    principal(w.iso, w.iso_org, "iso");
    principal(w.auditor, w.audit_org, "auditor");
    principal(w.service, w.platform, "service");
    grant(w.iso_org, "agreement", Agreement(w.authority, w.tag + "-AGR-1"));
    grant(w.audit_org, "authority", w.authority);
  }

  static void TearDownTestSuite() {
    delete world;
    world = nullptr;
  }

  // NewAccount creates an account as `who` (a finance officer of its own
  // authority, or the service principal for any authority).
  static v1::Account NewAccount(const std::string& who, const std::string& authority,
                                const std::string& owner_id) {
    v1::CreateAccountRequest req;
    req.set_request_id(world->tag + "-acct-" + owner_id + "-" + who);
    std::string code = world->tag + ":" + owner_id + ":" + who;
    std::replace(code.begin(), code.end(), '@', '.');
    req.set_code(code);
    req.set_name("account");
    req.set_type(v1::ACCOUNT_TYPE_ASSET);
    req.set_currency("GBP");
    req.set_authority_id(authority);
    req.set_owner_type("agreement");
    req.set_owner_id(Agreement(authority, owner_id));
    v1::Account out;
    auto s = v1::LedgerService::NewStub(As(who))->CreateAccount(Ctx().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  static grpc::Status Balance(const std::string& who, int64_t account_id) {
    v1::GetBalanceRequest req;
    req.set_account_id(account_id);
    v1::Balance out;
    return v1::LedgerService::NewStub(As(who))->GetBalance(Ctx().get(), req, &out);
  }

  // Journal posts 1.00 as `who`; `request_id` defaults to a fresh one.
  static grpc::Status Journal(const std::string& who, int64_t debit, int64_t credit,
                              std::string request_id = "", v1::Transaction* answer = nullptr) {
    v1::CreateTransactionRequest req;
    static int n = 0;
    req.set_request_id(request_id.empty() ? world->tag + "-j-" + who + std::to_string(n++)
                                          : request_id);
    req.set_kind("manual_journal");
    req.set_description("security test");
    for (auto [id, side] : {std::pair{debit, v1::SIDE_DEBIT}, std::pair{credit, v1::SIDE_CREDIT}}) {
      auto* p = req.add_postings();
      p->set_account_id(id);
      p->set_side(side);
      p->mutable_amount()->set_amount_pence(100);
      p->mutable_amount()->set_currency("GBP");
    }
    v1::Transaction out;
    return v1::LedgerService::NewStub(As(who))->CreateTransaction(Ctx().get(), req,
                                                                  answer ? answer : &out);
  }
};

TEST_F(SecurityTest, CallsWithoutAGoodCertificateAreUnauthenticated) {
  v1::WhoAmIRequest req;
  v1::PrincipalInfo out;
  // No client certificate at all.
  auto s = v1::AdminService::NewStub(As(""))->WhoAmI(Ctx().get(), req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  // A certificate from another CA.
  const std::string foreign = ::testing::TempDir() + "/foreign-" + world->tag;
  Shell(std::string(DP_SOURCE_DIR) + "/tools/pki init " + foreign + " >/dev/null");
  Shell(std::string(DP_SOURCE_DIR) + "/tools/pki issue " + foreign + " " + world->officer +
      " >/dev/null");
  s = v1::AdminService::NewStub(ChannelAs(world->officer, world->ledger->address(), foreign))
          ->WhoAmI(Ctx().get(), req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_NE(s.error_message().find("refused"), std::string::npos) << s.error_message();
  // Our CA's certificate, but a name nobody registered.
  s = v1::AdminService::NewStub(As(world->stranger))->WhoAmI(Ctx().get(), req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  // Health checks need no certificate.
  EXPECT_EQ(HealthStatus(As("")), grpc::health::v1::HealthCheckResponse::SERVING);
}

// CallUndeclared calls a method that no policy declares, as `channel`'s owner.
grpc::Status CallUndeclared(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& method) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  grpc::Slice empty(std::string{});
  grpc::ByteBuffer request(&empty, 1), response;
  grpc::Status result;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  stub.UnaryCall(&ctx, method, {}, &request, &response, [&](grpc::Status s) {
    std::lock_guard lock(mu);
    result = s;
    done = true;
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  return result;
}

// Anyone who reaches the port can try without a certificate: the attempts
// are in the audit trail, counted, not a row each, apart by peer: no
// certificate, or a certificate this system did not issue (by its digest).
TEST_F(SecurityTest, RefusalsAtTheDoorAreCountedNotARowEach) {
  auto conn = MigratedConnection();
  const int64_t before =
      ScalarInt(*conn, "SELECT coalesce(max(id), 0) FROM audit.events");
  const std::string foreign = ::testing::TempDir() + "/door-foreign-" + world->tag;
  Shell(std::string(DP_SOURCE_DIR) + "/tools/pki init " + foreign + " >/dev/null");
  Shell(std::string(DP_SOURCE_DIR) + "/tools/pki issue " + foreign + " intruder >/dev/null");
  auto stranger = v1::LedgerService::NewStub(As(""));  // no client certificate
  auto intruder = v1::LedgerService::NewStub(
      ChannelAs("intruder", world->ledger->address(), foreign));
  for (int i = 0; i < 30; ++i) {
    v1::CreateTransactionRequest req;
    req.set_request_id(world->tag + "-door-" + std::to_string(i));
    v1::Transaction t;
    EXPECT_EQ(stranger->CreateTransaction(Ctx().get(), req, &t).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    if (i < 5) {
      EXPECT_EQ(intruder->CreateTransaction(Ctx().get(), req, &t).error_code(),
                grpc::StatusCode::UNAUTHENTICATED);
    }
  }
  std::map<std::string, int64_t> counted;  // by peer
  int64_t rows = 0;
  for (int wait = 0; wait < 50 && (counted["none"] < 30 || counted.size() < 2); ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the interval is 200 ms here
    counted.clear();
    rows = 0;
    pqxx::nontransaction tx(*conn);
    for (const auto& row : tx.exec_params(
             "SELECT resource FROM audit.events WHERE id > $1 AND principal = 'unauthenticated'"
             " AND method = '/dp.v1.LedgerService/CreateTransaction'",
             before)) {
      const std::string resource = row[0].as<std::string>();
      const size_t peer = resource.find("&peer=") + 6;
      ++rows;
      counted[resource.substr(peer, resource.find('&', peer) - peer)] +=
          std::stoll(resource.substr(resource.rfind("count=") + 6));
    }
  }
  EXPECT_EQ(counted["none"], 30);
  ASSERT_EQ(counted.size(), 2u);
  const auto& [certificate, attempts] = *counted.rbegin();  // "sha256:..." sorts after "none"
  EXPECT_EQ(certificate.rfind("sha256:", 0), 0u) << certificate;
  EXPECT_EQ(certificate.size(), 7u + 16u);
  EXPECT_EQ(attempts, 5);
  EXPECT_LE(rows, 10) << "one event an interval per peer, not one per attempt";
}

TEST_F(SecurityTest, AMethodWithNoDeclaredPermissionIsRefused) {
  const auto result = CallUndeclared(As(world->service), "/dp.v1.LedgerService/DropAllTables");
  EXPECT_EQ(result.error_code(), grpc::StatusCode::PERMISSION_DENIED) << result.error_message();
}

TEST_F(SecurityTest, FinanceOfficerWorksWithinTheirAuthorityOnly) {
  const auto a = NewAccount(world->officer, world->authority, world->tag + "-AGR-1");
  const auto b = NewAccount(world->officer, world->authority, world->tag + "-AGR-2");
  const auto other = NewAccount(world->other_officer, world->other_authority, "AGR-X");
  EXPECT_EQ(a.authority_id(), world->authority);
  EXPECT_TRUE(Journal(world->officer, a.id(), b.id()).ok());
  EXPECT_TRUE(Balance(world->officer, a.id()).ok());
  // Another authority's account answers as a missing one would.
  EXPECT_EQ(Balance(world->officer, other.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Journal(world->officer, other.id(), a.id()).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Creating an account for another authority is refused.
  v1::CreateAccountRequest req;
  req.set_request_id(world->tag + "-steal");
  req.set_code(world->tag + ":steal");
  req.set_name("x");
  req.set_type(v1::ACCOUNT_TYPE_ASSET);
  req.set_currency("GBP");
  req.set_authority_id(world->other_authority);
  v1::Account out;
  EXPECT_EQ(v1::LedgerService::NewStub(As(world->officer))->CreateAccount(Ctx().get(), req, &out)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Officers do not manage identities.
  v1::CreatePrincipalRequest p;
  p.set_request_id(world->tag + "-escalate");
  p.set_name("me-too@" + world->tag);
  p.set_organisation_id(world->platform);
  p.set_role("admin");
  v1::PrincipalInfo info;
  EXPECT_EQ(v1::AdminService::NewStub(As(world->officer))->CreatePrincipal(Ctx().get(), p, &info)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// Console is the console's principal of this world, with its certificate
// (made the first time).
std::string Console() {
  const std::string console = "console@" + world->tag;
  static bool made = false;
  if (made) return console;
  Shell(std::string(DP_SOURCE_DIR) + "/tools/pki issue " + world->pki + " " + console +
        " >/dev/null");
  auto conn = MigratedConnection();
  pqxx::work tx(*conn);
  tx.exec_params("INSERT INTO iam.principals (name, organisation_id, role) VALUES ($1, $2, 'console')",
                 console, world->platform);
  tx.commit();
  made = true;
  return console;
}

// ActingFor is a call's context as the console makes it for `user`.
std::unique_ptr<grpc::ClientContext> ActingFor(const std::string& user) {
  auto ctx = Ctx();
  ctx->AddMetadata("dp-acting-for", user);
  return ctx;
}

TEST_F(SecurityTest, TheConsoleActsOnlyAsItsSignedInUserAndNeverAboveThem) {
  World& w = *world;
  const std::string console = Console();
  const auto own = NewAccount(w.officer, w.authority, w.tag + "-AGR-1");
  const auto mine_too = NewAccount(w.officer, w.authority, w.tag + "-AGR-2");
  const auto other = NewAccount(w.other_officer, w.other_authority, "AGR-X");
  auto ledger = v1::LedgerService::NewStub(As(console));
  v1::GetBalanceRequest req;
  req.set_account_id(own.id());
  v1::Balance out;
  // As itself, the console may call nothing.
  grpc::Status s = ledger->GetBalance(Ctx().get(), req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_NE(s.error_message().find("signed-in user"), std::string::npos) << s.error_message();
  // For the officer: exactly the officer's reach.
  s = ledger->GetBalance(ActingFor(w.officer).get(), req, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  req.set_account_id(other.id());
  EXPECT_EQ(ledger->GetBalance(ActingFor(w.officer).get(), req, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // For the auditor: no write, whatever the console sends.
  v1::CreateTransactionRequest journal;
  journal.set_request_id(w.tag + "-console-j");
  journal.set_kind("manual_journal");
  journal.set_description("through the console");
  for (auto [id, side] : {std::pair{own.id(), v1::SIDE_DEBIT}, std::pair{mine_too.id(), v1::SIDE_CREDIT}}) {
    auto* p = journal.add_postings();
    p->set_account_id(id);
    p->set_side(side);
    p->mutable_amount()->set_amount_pence(100);
    p->mutable_amount()->set_currency("GBP");
  }
  v1::Transaction posted;
  EXPECT_EQ(ledger->CreateTransaction(ActingFor(w.auditor).get(), journal, &posted).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Never for a service, nor for someone unknown.
  EXPECT_EQ(ledger->GetBalance(ActingFor(w.service).get(), req, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ledger->GetBalance(ActingFor(w.stranger).get(), req, &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Only the console may name a user: an officer naming the admin is refused.
  v1::WhoAmIRequest who;
  v1::PrincipalInfo info;
  s = v1::AdminService::NewStub(As(w.officer))->WhoAmI(ActingFor(w.admin).get(), who, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  s = v1::AdminService::NewStub(As(console))->WhoAmI(ActingFor(w.officer).get(), who, &info);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(info.name(), w.officer);
  // A write for the officer is the officer's, and the trail names both.
  s = ledger->CreateTransaction(ActingFor(w.officer).get(), journal, &posted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  auto conn = MigratedConnection();
  pqxx::nontransaction q(*conn);
  EXPECT_EQ(q.exec_params1("SELECT count(*) FROM audit.events WHERE principal = $1"
                           " AND method = '/dp.v1.LedgerService/CreateTransaction' AND code = 0",
                           w.officer + " via " + console)[0].as<int>(), 1);
}

TEST_F(SecurityTest, StaffAreInvitedByAnAdminOrAnOfficerOfTheirOwnAuthorityOnly) {
  World& w = *world;
  auto admin = v1::AdminService::NewStub(As(w.admin));
  auto officer = v1::AdminService::NewStub(As(w.officer));
  auto invite = [&](auto& stub, const std::string& name, const std::string& id,
                    v1::StaffInvitation* out) {
    v1::InviteStaffRequest req;
    req.set_request_id(w.tag + "-staff-" + id);
    req.set_name(name);
    return stub->InviteStaff(Ctx().get(), req, out);
  };
  v1::StaffInvitation out;
  // The administrator invites anyone: here the auditor (a lost phone).
  grpc::Status s = invite(admin, w.auditor, "1", &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.role(), "auditor");
  EXPECT_EQ(out.invitation_token().size(), 43u);
  v1::StaffInvitation again;
  ASSERT_TRUE(invite(admin, w.auditor, "1", &again).ok());
  EXPECT_EQ(again.invitation_token(), "") << "a retry does not show the link again";
  EXPECT_EQ(again.role(), "auditor");
  // An officer: another officer of the same authority, yes; an ISO, another
  // authority's officer or an unknown name answer as missing.
  {
    auto conn = MigratedConnection();
    pqxx::work tx(*conn);
    tx.exec_params("INSERT INTO iam.principals (name, organisation_id, role, approver_level)"
                   " VALUES ($1, $2, 'finance_officer', 'worker') ON CONFLICT DO NOTHING",
                   "colleague@" + w.tag, w.authority);
    tx.commit();
  }
  s = invite(officer, "colleague@" + w.tag, "2", &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.role(), "finance_officer");
  for (const std::string& name : {w.iso, w.other_officer, w.admin, "nobody@" + w.tag}) {
    EXPECT_EQ(invite(officer, name, "3-" + name, &out).error_code(), grpc::StatusCode::NOT_FOUND)
        << name;
  }
  // No one resets their own sign-in: a stolen session could lock its owner out.
  EXPECT_EQ(invite(officer, w.officer, "5", &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // An ISO may not invite at all; the same id with another name is refused.
  auto iso = v1::AdminService::NewStub(As(w.iso));
  EXPECT_EQ(invite(iso, w.iso, "4", &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(invite(admin, w.officer, "1", &out).error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(SecurityTest, APersonInvitedByTheirOfficerReadsOnlyTheirOwnAgreement) {
  World& w = *world;
  const std::string console = Console();
  const auto own = NewAccount(w.officer, w.authority, w.tag + "-AGR-1");
  const auto other = NewAccount(w.officer, w.authority, w.tag + "-AGR-2");
  v1::InvitePersonRequest invite;
  invite.set_request_id(w.tag + "-invite-1");
  invite.set_agreement_id(std::stoll(Agreement(w.authority, w.tag + "-AGR-1")));
  invite.set_name("morag@" + w.tag);
  v1::PersonInvitation out;
  // Another authority's officer finds no such agreement; an ISO may not invite.
  EXPECT_EQ(v1::AdminService::NewStub(As(w.other_officer))->InvitePerson(Ctx().get(), invite, &out)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(v1::AdminService::NewStub(As(w.iso))->InvitePerson(Ctx().get(), invite, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status s = v1::AdminService::NewStub(As(w.officer))->InvitePerson(Ctx().get(), invite, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.invitation_token().size(), 43u);
  // A retry answers without the token, which is shown once.
  v1::PersonInvitation again;
  s = v1::AdminService::NewStub(As(w.officer))->InvitePerson(Ctx().get(), invite, &again);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.name(), "morag@" + w.tag);
  EXPECT_EQ(again.invitation_token(), "");
  // The name cannot be taken over for another agreement.
  invite.set_request_id(w.tag + "-invite-2");
  invite.set_agreement_id(std::stoll(Agreement(w.authority, w.tag + "-AGR-2")));
  EXPECT_EQ(v1::AdminService::NewStub(As(w.officer))->InvitePerson(Ctx().get(), invite, &out)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // Through the console, the person reads their own agreement's account only,
  // and writes nothing.
  auto ledger = v1::LedgerService::NewStub(As(console));
  v1::GetBalanceRequest req;
  req.set_account_id(own.id());
  v1::Balance balance;
  s = ledger->GetBalance(ActingFor("morag@" + w.tag).get(), req, &balance);
  EXPECT_TRUE(s.ok()) << s.error_message();
  req.set_account_id(other.id());
  EXPECT_EQ(ledger->GetBalance(ActingFor("morag@" + w.tag).get(), req, &balance).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::CreatePendingTransferRequest hold;
  hold.set_request_id(w.tag + "-person-hold");
  v1::PendingTransfer pending;
  EXPECT_EQ(ledger->CreatePendingTransfer(ActingFor("morag@" + w.tag).get(), hold, &pending)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // And a person's certificate, were one ever issued, would still need the console.
  v1::CreatePrincipalRequest p;
  p.set_request_id(w.tag + "-person-direct");
  p.set_name("someone@" + w.tag);
  p.set_organisation_id(w.authority);
  p.set_role("person");
  v1::PrincipalInfo info;
  s = v1::AdminService::NewStub(As(w.admin))->CreatePrincipal(Ctx().get(), p, &info);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
}

TEST_F(SecurityTest, IsoReadsLinkedAgreementsOnlyEvenWhenGuessingIds) {
  const auto linked = NewAccount(world->officer, world->authority, world->tag + "-AGR-1");
  const auto unlinked = NewAccount(world->officer, world->authority, world->tag + "-AGR-2");
  EXPECT_TRUE(Balance(world->iso, linked.id()).ok());
  EXPECT_EQ(Balance(world->iso, unlinked.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  // Guessing ids tells nothing: an existing account out of reach and an id
  // no account has get the same answer, word for word but for the id.
  auto answer = [](const std::string& who, int64_t id) {
    std::string message = Balance(who, id).error_message();
    const std::string digits = std::to_string(id);
    for (size_t at = message.find(digits); at != std::string::npos; at = message.find(digits)) {
      message.replace(at, digits.size(), "N");
    }
    return message;
  };
  const std::string missing = answer(world->iso, 987654321);
  for (int64_t guess = unlinked.id() - 3; guess <= unlinked.id() + 3; ++guess) {
    if (guess == linked.id()) continue;
    EXPECT_EQ(Balance(world->iso, guess).error_code(), grpc::StatusCode::NOT_FOUND)
        << "guessed id " << guess;
    EXPECT_EQ(answer(world->iso, guess), missing) << "guessed id " << guess;
  }
  // It may read the linked account but not move money out of it.
  EXPECT_EQ(Journal(world->iso, linked.id(), unlinked.id()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListAccountsRequest list;
  list.set_page_size(500);
  v1::ListAccountsResponse accounts;
  ASSERT_TRUE(v1::LedgerService::NewStub(As(world->iso))->ListAccounts(Ctx().get(), list, &accounts).ok());
  ASSERT_GE(accounts.accounts_size(), 1);
  for (const auto& acc : accounts.accounts()) {
    EXPECT_EQ(acc.owner_id(), Agreement(world->authority, world->tag + "-AGR-1")) << acc.code();
  }
}

// An account's owner must be of the account's own authority, or an ISO
// granted that owner would read another authority's money through the
// label. The answer is the same for another authority's agreement and for
// one that does not exist.
TEST_F(SecurityTest, AnAccountCannotBeOwnedByAnotherAuthoritysAgreement) {
  const std::string theirs = Agreement(world->other_authority, world->tag + "-AGR-THEIRS");
  std::vector<std::string> messages;
  for (const std::string& owner : {theirs, std::string("987654321")}) {
    v1::CreateAccountRequest req;
    req.set_request_id(world->tag + "-cross-" + owner);
    req.set_code(world->tag + ":cross:" + owner);
    req.set_name("x");
    req.set_type(v1::ACCOUNT_TYPE_ASSET);
    req.set_currency("GBP");
    req.set_owner_type("agreement");
    req.set_owner_id(owner);
    v1::Account out;
    const grpc::Status st =
        v1::LedgerService::NewStub(As(world->officer))->CreateAccount(Ctx().get(), req, &out);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
    EXPECT_EQ(RefusalOf(st).field, "owner_id");
    messages.push_back(st.error_message());
  }
  EXPECT_EQ(messages[0], messages[1]) << "no hint of which agreements exist elsewhere";
  EXPECT_EQ(messages[0].find(world->other_authority), std::string::npos);
  // Nor can any writer get round the service: the database refuses too.
  auto conn = MigratedConnection();
  pqxx::work tx(*conn);
  try {
    tx.exec_params("INSERT INTO ledger.accounts (code, name, type, currency, owner_type, owner_id,"
                   " authority_id) VALUES ($1, 'x', 'asset', 'GBP', 'agreement', $2, $3)",
                   world->tag + ":sql-cross", theirs, world->authority);
    ADD_FAILURE() << "a cross-authority owner was written";
  } catch (const pqxx::sql_error& e) {
    EXPECT_EQ(e.sqlstate(), "23503") << e.what();
  }
}

// Request ids are each organisation's own: two authorities using the same
// id get their own transfers, neither a refusal nor the other's answer.
TEST_F(SecurityTest, TwoAuthoritiesMayUseTheSameRequestId) {
  const auto a = NewAccount(world->officer, world->authority, world->tag + "-AGR-1");
  const auto b = NewAccount(world->officer, world->authority, world->tag + "-AGR-2");
  const auto x = NewAccount(world->other_officer, world->other_authority, "AGR-X");
  const auto y = NewAccount(world->other_officer, world->other_authority, "AGR-Y");
  v1::Transaction mine, theirs, again;
  const std::string shared_id = world->tag + "-shared-request-id";
  ASSERT_TRUE(Journal(world->officer, a.id(), b.id(), shared_id, &mine).ok());
  const grpc::Status other = Journal(world->other_officer, x.id(), y.id(), shared_id, &theirs);
  ASSERT_TRUE(other.ok()) << other.error_message();
  EXPECT_NE(mine.id(), theirs.id());
  EXPECT_EQ(theirs.postings(0).account_id(), x.id());
  // Within one organisation the id still means one transfer.
  ASSERT_TRUE(Journal(world->officer, a.id(), b.id(), shared_id, &again).ok());
  EXPECT_EQ(again.id(), mine.id());
}

TEST_F(SecurityTest, AuditorReadsGrantedAuthoritiesAndCannotWrite) {
  const auto a = NewAccount(world->officer, world->authority, world->tag + "-AGR-1");
  const auto b = NewAccount(world->officer, world->authority, world->tag + "-AGR-3");
  const auto other = NewAccount(world->other_officer, world->other_authority, "AGR-Y");
  EXPECT_TRUE(Balance(world->auditor, a.id()).ok());
  EXPECT_EQ(Balance(world->auditor, other.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Journal(world->auditor, a.id(), b.id()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ReverseTransactionRequest rev;
  rev.set_request_id(world->tag + "-auditor-rev");
  rev.set_transaction_id(1);
  rev.set_reason("x");
  v1::Transaction t;
  EXPECT_EQ(v1::LedgerService::NewStub(As(world->auditor))->ReverseTransaction(Ctx().get(), rev, &t)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SecurityTest, ServiceAndAdminEachStayInTheirLane) {
  const auto a = NewAccount(world->service, world->other_authority, "AGR-S1");
  const auto b = NewAccount(world->service, world->authority, "AGR-S2");
  EXPECT_TRUE(Journal(world->service, a.id(), b.id()).ok());
  v1::CreatePrincipalRequest p;
  p.set_request_id(world->tag + "-svc-escalate");
  p.set_name("svc-admin@" + world->tag);
  p.set_organisation_id(world->platform);
  p.set_role("admin");
  v1::PrincipalInfo info;
  EXPECT_EQ(v1::AdminService::NewStub(As(world->service))->CreatePrincipal(Ctx().get(), p, &info)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // The admin manages identities but moves no money and reads no balances.
  EXPECT_EQ(Balance(world->admin, a.id()).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Journal(world->admin, a.id(), b.id()).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::RotateKeysRequest rotate;
  rotate.set_request_id(world->tag + "-rotate");
  v1::RotateKeysResponse rotated;
  EXPECT_EQ(v1::AdminService::NewStub(As(world->service))->RotateKeys(Ctx().get(), rotate, &rotated)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListPrincipalsRequest list;
  v1::ListPrincipalsResponse principals;
  EXPECT_TRUE(
      v1::AdminService::NewStub(As(world->admin))->ListPrincipals(Ctx().get(), list, &principals).ok());
}

TEST_F(SecurityTest, ADisabledPrincipalIsLockedOut) {
  const auto a = NewAccount(world->officer, world->authority, world->tag + "-AGR-1");
  ASSERT_TRUE(Balance(world->other_officer, a.id()).error_code() == grpc::StatusCode::NOT_FOUND);
  v1::SetPrincipalDisabledRequest req;
  req.set_request_id(world->tag + "-disable");
  req.set_name(world->other_officer);
  req.set_disabled(true);
  req.set_reason("left the council");
  v1::PrincipalInfo out;
  ASSERT_TRUE(v1::AdminService::NewStub(As(world->admin))->SetPrincipalDisabled(Ctx().get(), req, &out).ok());
  v1::PrincipalInfo me;
  EXPECT_EQ(v1::AdminService::NewStub(As(world->other_officer))->WhoAmI(Ctx().get(), {}, &me)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SecurityTest, AuditorsReadTheTrailRefusedWritesAreInItOfficersCannotRead) {
  const auto a = NewAccount(world->officer, world->authority, world->tag + "-AGR-1");
  // Refused before any handler runs, by role: still audited.
  ASSERT_EQ(Journal(world->auditor, a.id(), a.id()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListAuditEventsRequest req;
  req.set_page_size(1000);
  bool found_refusal = false;
  auto admin = v1::AuditService::NewStub(As(world->admin));
  for (int page = 0; page < 1000 && !found_refusal; ++page) {
    v1::ListAuditEventsResponse events;
    ASSERT_TRUE(admin->ListAuditEvents(Ctx().get(), req, &events).ok());
    for (const auto& e : events.events()) {
      found_refusal |= e.principal() == world->auditor &&
                       e.method() == "/dp.v1.LedgerService/CreateTransaction" &&
                       e.code() == static_cast<int>(grpc::StatusCode::PERMISSION_DENIED);
    }
    if (events.next_page_token().empty()) break;
    req.set_page_token(events.next_page_token());
  }
  EXPECT_TRUE(found_refusal);
  // The auditor sees the events of its authority's officers only.
  v1::ListAuditEventsResponse mine;
  v1::ListAuditEventsRequest first;
  first.set_page_size(1000);
  ASSERT_TRUE(v1::AuditService::NewStub(As(world->auditor))->ListAuditEvents(Ctx().get(), first, &mine).ok());
  ASSERT_GT(mine.events_size(), 0);
  for (const auto& e : mine.events()) EXPECT_EQ(e.organisation_id(), world->authority);
  v1::ListAuditEventsResponse none;
  EXPECT_EQ(v1::AuditService::NewStub(As(world->officer))->ListAuditEvents(Ctx().get(), first, &none)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SecurityTest, AnAdminIssuesACertificateForANewIsoWithDpctl) {
  const std::string name = "newiso@" + world->tag;
  Shell(std::string(DP_BIN_DIR) + "/../tools/dpctl/dpctl admin issue-cert --ca-dir " + world->pki +
        " --name " + name + " >/dev/null");
  // Issued but not registered: refused.
  v1::PrincipalInfo me;
  EXPECT_EQ(v1::AdminService::NewStub(As(name))->WhoAmI(Ctx().get(), {}, &me).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::CreatePrincipalRequest req;
  req.set_request_id(world->tag + "-newiso");
  req.set_name(name);
  req.set_organisation_id(world->iso_org);
  req.set_role("iso");
  v1::PrincipalInfo created;
  ASSERT_TRUE(v1::AdminService::NewStub(As(world->admin))->CreatePrincipal(Ctx().get(), req, &created).ok());
  auto s = v1::AdminService::NewStub(As(name))->WhoAmI(Ctx().get(), {}, &me);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(me.role(), "iso");
}

template <typename Service>
void ExpectTlsSkeleton(const std::string& folder) {
  ServiceProcess server(folder, {"--tls-cert", world->pki + "/services.crt", "--tls-key",
                                 world->pki + "/services.key", "--tls-ca", world->pki + "/ca.crt"});
  ASSERT_TRUE(server.Start()) << server.Log();
  v1::ServiceInfo info;
  for (const auto& who : {world->officer, world->iso, world->auditor, world->service,
                          world->admin}) {
    auto channel = ChannelAs(who, server.address(), world->pki);
    EXPECT_TRUE(Service::NewStub(channel)->GetServiceInfo(Ctx().get(), {}, &info).ok())
        << folder << " " << who;
    // Allowed one call, refused another: nothing undeclared gets through.
    EXPECT_EQ(CallUndeclared(channel, "/dp.v1." + std::string(Service::service_full_name())
                                          .substr(6) + "/Undeclared")
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << folder << " " << who;
  }
  auto anonymous = Service::NewStub(ChannelAs("", server.address(), world->pki));
  EXPECT_EQ(anonymous->GetServiceInfo(Ctx().get(), {}, &info).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SecurityTest, EveryServiceRequiresACertificateAndAdmitsEachRole) {
  ExpectTlsSkeleton<v1::AgreementService>("agreements");
  ExpectTlsSkeleton<v1::PayrollService>("payroll");
  ExpectTlsSkeleton<v1::CardService>("cards");
  ExpectTlsSkeleton<v1::MonitoringService>("monitoring");
}

}  // namespace
}  // namespace dp::testing
