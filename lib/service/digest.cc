#include "service/digest.h"

#include <algorithm>
#include <vector>

#include "base/sha256.h"
#include "base/strings.h"

namespace dp::service {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void EncodeMessage(const Message& m, bool skip_request_id, std::string* out);

void EncodeString(std::string_view s, std::string* out) {
  dp::StrAppend(out, s.size(), ":");
  out->append(s);
}

// EncodeValue writes element `index` of a repeated field, or the singular
// value when index < 0.
void EncodeValue(const Message& m, const FieldDescriptor* f, int index, std::string* out) {
  const Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      dp::StrAppend(out, rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      dp::StrAppend(out, rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      dp::StrAppend(out, rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      dp::StrAppend(out, rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      dp::StrAppend(out, fmt::format("{:.17g}", rep ? r->GetRepeatedDouble(m, f, index)
                                                    : r->GetDouble(m, f)));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      dp::StrAppend(out, fmt::format("{:.9g}", rep ? r->GetRepeatedFloat(m, f, index)
                                                   : r->GetFloat(m, f)));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "t" : "f");
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      dp::StrAppend(out, rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f));
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      EncodeString(rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f), out);
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      out->push_back('{');
      EncodeMessage(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), false, out);
      out->push_back('}');
      break;
  }
}

void EncodeMessage(const Message& m, bool skip_request_id, std::string* out) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);  // set fields, in field-number order
  std::sort(fields.begin(), fields.end(),
            [](const auto* a, const auto* b) { return a->number() < b->number(); });
  for (const FieldDescriptor* f : fields) {
    if (skip_request_id && f->name() == "request_id") continue;
    dp::StrAppend(out, f->number(), "=");
    if (f->is_repeated()) {
      std::vector<std::string> values;
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        std::string v;
        EncodeValue(m, f, i, &v);
        values.push_back(std::move(v));
      }
      // A map's order is not part of its meaning.
      if (f->is_map()) std::sort(values.begin(), values.end());
      out->push_back('[');
      for (const std::string& v : values) dp::StrAppend(out, v, ",");
      out->push_back(']');
    } else {
      EncodeValue(m, f, -1, out);
    }
    out->push_back(';');
  }
}

}  // namespace

std::string CanonicalEncoding(const Message& message, bool skip_request_id) {
  std::string out;
  EncodeMessage(message, skip_request_id, &out);
  return out;
}

std::string RequestDigest(const Message& request, std::string_view operation) {
  std::string bytes(operation);
  bytes.push_back('\n');
  EncodeMessage(request, /*skip_request_id=*/true, &bytes);
  return Sha256Hex(bytes);
}

}  // namespace dp::service
