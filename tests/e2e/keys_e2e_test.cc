// Key rotation as an operator does it: tools/keys rotate, restart, then
// dpctl admin rotate-keys; personal data ends up under the new key, intact.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include "crypto/field_cipher.h"
#include "people/person_store.h"
#include "service_process.h"
#include "test_db.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int Shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(KeysE2e, DpctlRotateKeysReencryptsWithoutLoss) {
  const std::string url = FreshDatabase("keys");
  const std::string keys = ::testing::TempDir() + "/keys-" + std::to_string(::getpid());
  std::remove(keys.c_str());
  ASSERT_EQ(Shell(std::string(DP_SOURCE_DIR) + "/tools/keys new " + keys), 0);
  // A person written under the first key.
  int64_t id = 0;
  {
    auto ring = crypto::Keyring::FromFile(keys);
    ASSERT_TRUE(ring.ok()) << ring.status();
    crypto::FieldCipher cipher(*ring);
    pqxx::connection conn(url);
    pqxx::work tx(conn);
    auto created = people::CreatePerson(
        tx, cipher, {0, "FIFE", "Morag", "AB123456C", "1950-12-01", "801234", "00012345"});
    ASSERT_TRUE(created.ok()) << created.status();
    id = *created;
    tx.commit();
  }
  ASSERT_EQ(Shell(std::string(DP_SOURCE_DIR) + "/tools/keys rotate " + keys + " >/dev/null"), 0);
  ServiceProcess ledger("ledger", {"--database-url", url, "--keys-file", keys});
  ASSERT_TRUE(ledger.Start()) << ledger.Log();
  const std::string dpctl = std::string(DP_BIN_DIR) + "/../tools/dpctl/dpctl --insecure --ledger " +
                            ledger.address() + " -o json admin rotate-keys";
  const std::string out = ::testing::TempDir() + "/rotate-" + std::to_string(::getpid());
  ASSERT_EQ(Shell(dpctl + " > " + out), 0);
  EXPECT_NE(Slurp(out).find("\"rows_reencrypted\": \"1\""), std::string::npos) << Slurp(out);
  EXPECT_NE(Slurp(out).find("\"active_key_id\": \"k2\""), std::string::npos) << Slurp(out);

  pqxx::connection conn(url);
  pqxx::nontransaction raw(conn);
  const pqxx::row row = raw.exec1("SELECT ni_number, date_of_birth, bank_account_number"
                                  " FROM people.persons WHERE id = " + std::to_string(id));
  for (int c = 0; c < 3; ++c) EXPECT_EQ(row[c].as<std::string>().rfind("v1:k2:", 0), 0u);
  auto ring = crypto::Keyring::FromFile(keys);
  crypto::FieldCipher cipher(*ring);
  auto person = people::GetPerson(raw, cipher, id);
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_EQ(person->ni_number, "AB123456C");
  EXPECT_EQ(person->date_of_birth, "1950-12-01");
  EXPECT_EQ(person->bank_account_number, "00012345");
}

}  // namespace
}  // namespace dp::testing
