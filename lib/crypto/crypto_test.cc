#include "crypto/field_cipher.h"
#include "crypto/keyring.h"
#include "gtest/gtest.h"

namespace dp::crypto {
namespace {

const char kRing[] =
    "# test keys\n"
    "data k2 MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI=\n"
    "data k1 MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=\n"
    "lookup bGxsbGxsbGxsbGxsbGxsbGxsbGxsbGxsbGxsbGxsbGw=\n"
    "audit YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=\n";

TEST(Keyring, ParsesAndTheFirstDataKeyIsActive) {
  auto ring = Keyring::Parse(kRing);
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->active_data_key_id(), "k2");
  EXPECT_EQ(*ring->DataKey("k1"), std::string(32, '1'));
  EXPECT_EQ(ring->audit_key(), std::string(32, 'a'));
  EXPECT_EQ(ring->DataKey("k9").status().code(), absl::StatusCode::kNotFound);
}

TEST(Keyring, RefusesShortKeysAndMissingKinds) {
  EXPECT_FALSE(Keyring::Parse("data k1 c2hvcnQ=\nlookup x\naudit y\n").ok());
  EXPECT_FALSE(Keyring::Parse("data k1 MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=\n").ok());
}

TEST(FieldCipher, RoundTripsAndNeverStoresPlaintext) {
  auto ring = *Keyring::Parse(kRing);
  FieldCipher cipher(ring);
  const std::string stored = cipher.Encrypt("QQ123456C", "people.ni_number");
  EXPECT_EQ(stored.rfind("v1:k2:", 0), 0u);
  EXPECT_EQ(stored.find("QQ123456C"), std::string::npos);
  EXPECT_NE(stored, cipher.Encrypt("QQ123456C", "people.ni_number"));  // fresh nonce
  EXPECT_EQ(*cipher.Decrypt(stored, "people.ni_number"), "QQ123456C");
  EXPECT_EQ(FieldCipher::KeyIdOf(stored), "k2");
}

TEST(FieldCipher, DetectsTamperingAndMovedCiphertext) {
  auto ring = *Keyring::Parse(kRing);
  FieldCipher cipher(ring);
  std::string stored = cipher.Encrypt("12345678", "people.bank_account_number");
  EXPECT_EQ(cipher.Decrypt(stored, "people.bank_sort_code").status().code(),
            absl::StatusCode::kDataLoss);
  stored[stored.size() - 5] = stored[stored.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(cipher.Decrypt(stored, "people.bank_account_number").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(cipher.Decrypt("not a ciphertext", "x").status().code(), absl::StatusCode::kDataLoss);
}

TEST(FieldCipher, OldKeysStillDecryptAfterRotation) {
  auto old_ring = *Keyring::Parse(std::string(kRing).substr(std::string(kRing).find("data k1")));
  const std::string stored = FieldCipher(old_ring).Encrypt("1990-02-14", "people.date_of_birth");
  EXPECT_EQ(FieldCipher::KeyIdOf(stored), "k1");
  auto ring = *Keyring::Parse(kRing);
  EXPECT_EQ(*FieldCipher(ring).Decrypt(stored, "people.date_of_birth"), "1990-02-14");
}

TEST(FieldCipher, LookupHashIsStableAndKeyed) {
  auto ring = *Keyring::Parse(kRing);
  FieldCipher cipher(ring);
  EXPECT_EQ(cipher.LookupHash("QQ123456C"), cipher.LookupHash("QQ123456C"));
  EXPECT_NE(cipher.LookupHash("QQ123456C"), cipher.LookupHash("QQ123456D"));
  EXPECT_EQ(cipher.LookupHash("QQ123456C").size(), 64u);
}

}  // namespace
}  // namespace dp::crypto
