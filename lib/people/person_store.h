#ifndef DP_LIB_PEOPLE_PERSON_STORE_H_
#define DP_LIB_PEOPLE_PERSON_STORE_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "crypto/field_cipher.h"

// People's personal data, encrypted field by field (see 0004_people.sql).
namespace dp::people {

// Person holds decrypted values; empty means not recorded.
struct Person {
  int64_t id = 0;
  std::string authority_id;
  std::string display_name;
  std::string ni_number;            // normalised: "AB123456C"
  std::string date_of_birth;        // "YYYY-MM-DD"
  std::string bank_sort_code;       // six digits
  std::string bank_account_number;  // eight digits
};

// NormaliseNiNumber upper-cases and removes spaces, then checks HMRC's
// format (two prefix letters HMRC allocates, six digits, suffix A-D):
//   NormaliseNiNumber("ab 12 34 56 c") -> "AB123456C"
absl::StatusOr<std::string> NormaliseNiNumber(std::string_view text);

// MaskNiNumber shows enough of a normalised NI number to recognise it, for
// any screen or answer that is not the payroll's own submission to HMRC:
//   MaskNiNumber("AB123456C") -> "AB •••• 56 C"; "" for anything else.
std::string MaskNiNumber(const std::string& ni_number);

// ValidatePerson checks every field, naming the bad one.
absl::Status ValidatePerson(const Person& person);

absl::StatusOr<int64_t> CreatePerson(pqxx::work& tx, const crypto::FieldCipher& cipher,
                                     Person person);
absl::StatusOr<Person> GetPerson(pqxx::transaction_base& tx, const crypto::FieldCipher& cipher,
                                 int64_t id);
// GetPersons reads many people in one query, by id; ids not found are
// absent from the map.
absl::StatusOr<std::map<int64_t, Person>> GetPersons(pqxx::transaction_base& tx,
                                                     const crypto::FieldCipher& cipher,
                                                     const std::vector<int64_t>& ids);
// FindByNiNumber finds people by exact NI number, through the keyed hash.
absl::StatusOr<std::vector<int64_t>> FindByNiNumber(pqxx::transaction_base& tx,
                                                    const crypto::FieldCipher& cipher,
                                                    std::string_view ni_number);

// ReencryptAll re-encrypts, under the active key, every field still under
// an older key, `batch` rows per database transaction, reporting progress.
// Returns how many rows it re-encrypted. Safe to run again or to interrupt.
absl::StatusOr<int64_t> ReencryptAll(pqxx::connection& conn, const crypto::FieldCipher& cipher,
                                     int batch, const std::function<void(int64_t)>& progress);

}  // namespace dp::people

#endif  // DP_LIB_PEOPLE_PERSON_STORE_H_
