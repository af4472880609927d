// Personal data at rest: only ciphertext in the table, lookups by keyed
// hash, and key rotation that loses nothing.
#include "crypto/field_cipher.h"
#include "people/person_store.h"
#include "test_db.h"
#include "base/refusal.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

const std::string kOldRing =
    "data k1 MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=\n"
    "lookup bGxsbGxsbGxsbGxsbGxsbGxsbGxsbGxsbGxsbGxsbGw=\n"
    "audit YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=\n";
const std::string kRotatedRing = "data k2 MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI=\n" + kOldRing;
const std::string kNewOnlyRing =
    "data k2 MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI=\n"
    "lookup bGxsbGxsbGxsbGxsbGxsbGxsbGxsbGxsbGxsbGxsbGw=\n"
    "audit YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=\n";

people::Person Alice(const std::string& authority) {
  return {0, authority, "Alice Example", "ab 12 34 56 c", "1987-03-09", "123456", "87654321"};
}

class PeopleDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = MigratedConnection();
    authority_ = UniqueName("people");
  }
  std::unique_ptr<pqxx::connection> conn_;
  std::string authority_;
};

TEST_F(PeopleDbTest, StoredColumnsHoldNoPlaintextAndDecryptBack) {
  auto ring = *crypto::Keyring::Parse(kOldRing);
  crypto::FieldCipher cipher(ring);
  pqxx::work tx(*conn_);
  auto id = people::CreatePerson(tx, cipher, Alice(authority_));
  ASSERT_TRUE(id.ok()) << id.status();
  tx.commit();
  // What a psql user would see.
  pqxx::nontransaction raw(*conn_);
  const pqxx::row row = raw.exec1(
      "SELECT ni_number, ni_number_lookup, date_of_birth, bank_sort_code, bank_account_number,"
      " row_to_json(p)::text FROM people.persons p WHERE id = " + std::to_string(*id));
  const std::string everything = row[5].as<std::string>();
  for (const char* plain : {"AB123456C", "ab 12", "1987-03-09", "123456", "87654321"}) {
    EXPECT_EQ(everything.find(plain), std::string::npos) << plain << " is visible: " << everything;
  }
  for (int c : {0, 2, 3, 4}) EXPECT_EQ(row[c].as<std::string>().rfind("v1:k1:", 0), 0u);
  auto person = people::GetPerson(raw, cipher, *id);
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_EQ(person->ni_number, "AB123456C");
  EXPECT_EQ(person->date_of_birth, "1987-03-09");
  EXPECT_EQ(person->bank_sort_code, "123456");
  EXPECT_EQ(person->bank_account_number, "87654321");
  auto found = people::FindByNiNumber(raw, cipher, "AB123456C");
  ASSERT_TRUE(found.ok());
  EXPECT_NE(std::find(found->begin(), found->end(), *id), found->end());
}

TEST_F(PeopleDbTest, TheDatabaseRefusesPlaintextInEncryptedColumns) {
  pqxx::work tx(*conn_);
  EXPECT_THROW(tx.exec("INSERT INTO people.persons (authority_id, display_name, ni_number,"
                       " ni_number_lookup) VALUES ('X', 'Bob', 'QQ123456C', repeat('a', 64))"),
               pqxx::check_violation);
}

TEST_F(PeopleDbTest, BadFieldsAreRefusedByName) {
  auto ring = *crypto::Keyring::Parse(kOldRing);
  crypto::FieldCipher cipher(ring);
  pqxx::work tx(*conn_);
  for (auto [field, person] : std::vector<std::pair<std::string, people::Person>>{
           {"ni_number", {0, "A", "n", "QQ123456E", "", "", ""}},
           {"ni_number", {0, "A", "n", "DA123456A", "", "", ""}},
           {"date_of_birth", {0, "A", "n", "", "1987-02-30", "", ""}},
           {"date_of_birth", {0, "A", "n", "", "2999-01-01", "", ""}},  // the future
           {"date_of_birth", {0, "A", "n", "", "1901-01-01", "", ""}},  // 125 years ago
           {"bank_sort_code", {0, "A", "n", "", "", "12-34-56", ""}},
           {"bank_account_number", {0, "A", "n", "", "", "", "1234"}}}) {
    auto id = people::CreatePerson(tx, cipher, person);
    ASSERT_FALSE(id.ok()) << field;
    EXPECT_NE(std::string(id.status().message()).find(field), std::string::npos) << id.status();
    EXPECT_EQ(FieldOf(id.status()), field) << id.status();
  }
}

TEST_F(PeopleDbTest, RotatingTheKeyReencryptsEveryRowWithoutLoss) {
  // Rotation touches every row: on a database of its own.
  conn_ = std::make_unique<pqxx::connection>(FreshDatabase("rotation"));
  std::vector<int64_t> ids;
  {
    auto ring = *crypto::Keyring::Parse(kOldRing);
    crypto::FieldCipher cipher(ring);
    pqxx::work tx(*conn_);
    for (int i = 0; i < 7; ++i) {
      auto p = Alice(authority_);
      p.display_name = "Person " + std::to_string(i);
      p.bank_account_number = std::to_string(10000000 + i);
      ids.push_back(*people::CreatePerson(tx, cipher, p));
    }
    tx.commit();
  }
  auto rotated = *crypto::Keyring::Parse(kRotatedRing);
  crypto::FieldCipher cipher(rotated);
  int64_t last_progress = 0;
  auto count = people::ReencryptAll(*conn_, cipher, 3, [&](int64_t n) { last_progress = n; });
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 7);
  EXPECT_EQ(last_progress, *count);
  // Nothing of this test's is left under the old key, and with the old key
  // gone every value still reads back exactly. (Other tests add rows to the
  // same table concurrently, so counts are scoped to this test's authority.)
  {
    pqxx::nontransaction raw(*conn_);
    EXPECT_EQ(raw.exec_params1("SELECT count(*) FROM people.persons WHERE authority_id = $1 AND"
                               " (ni_number LIKE 'v1:k1:%' OR bank_account_number LIKE 'v1:k1:%')",
                               authority_)[0].as<int64_t>(), 0);
    auto new_only = *crypto::Keyring::Parse(kNewOnlyRing);
    crypto::FieldCipher fresh(new_only);
    for (size_t i = 0; i < ids.size(); ++i) {
      auto p = people::GetPerson(raw, fresh, ids[i]);
      ASSERT_TRUE(p.ok()) << p.status();
      EXPECT_EQ(p->bank_account_number, std::to_string(10000000 + i));
      EXPECT_EQ(p->ni_number, "AB123456C");
    }
  }
  // Running it again finds nothing left to do.
  EXPECT_EQ(*people::ReencryptAll(*conn_, cipher, 3, nullptr), 0);
}

}  // namespace
}  // namespace dp::testing
