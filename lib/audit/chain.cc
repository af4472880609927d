#include "audit/chain.h"

#include "base/strings.h"
#include "crypto/keyring.h"

namespace dp::audit {
namespace {

void Field(std::string* out, std::string_view value) {
  dp::StrAppend(out, value.size(), ":", value, ";");
}

}  // namespace

std::string EventHash(std::string_view key, const Event& e) {
  std::string data;
  Field(&data, e.prev_hash);
  if (e.lane != 0) Field(&data, dp::StrCat("lane ", e.lane));
  Field(&data, std::to_string(e.seq));
  Field(&data, std::to_string(e.at_us));
  for (const std::string* f : {&e.principal, &e.role, &e.organisation_id, &e.authority_id,
                               &e.service, &e.method, &e.resource, &e.request_digest}) {
    Field(&data, *f);
  }
  Field(&data, std::to_string(e.code));
  return crypto::HmacSha256Hex(key, data);
}

bool ChainChecker::Fail(int64_t seq, std::string problem) {
  verdict_.intact = false;
  verdict_.first_bad_lane = lane_;
  verdict_.first_bad_seq = seq;
  verdict_.problem = std::move(problem);
  return false;
}

bool ChainChecker::Next(const Event& e) {
  if (!verdict_.intact) return false;
  ++verdict_.events_checked;
  if (e.lane != lane_) return Fail(e.seq, dp::StrCat("it belongs to lane ", e.lane, ", not ", lane_));
  if (e.seq != last_seq_ + 1) {
    if (e.seq > last_seq_ + 1) {
      return Fail(last_seq_ + 1, dp::StrCat("events ", last_seq_ + 1, " to ", e.seq - 1,
                                            " are missing: deleted"));
    }
    return Fail(e.seq, "sequence out of order");
  }
  if (e.prev_hash != last_hash_) {
    return Fail(e.seq, dp::StrCat("its prev_hash does not match event ", last_seq_,
                                  ": an event was inserted, replaced or reordered"));
  }
  if (EventHash(key_, e) != e.hash) {
    return Fail(e.seq, "its contents do not match its hash: the row was altered");
  }
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  return true;
}

Verdict ChainChecker::Finish(int64_t head_seq, const std::string& head_hash) {
  if (verdict_.intact && (head_seq != last_seq_ || head_hash != last_hash_)) {
    if (head_seq > last_seq_) {
      Fail(last_seq_ + 1, dp::StrCat("the chain's head is at ", head_seq,
                                     " but the events stop at ", last_seq_, ": deleted"));
    } else {
      Fail(head_seq, "the chain's head does not match the last event");
    }
  }
  return verdict_;
}

}  // namespace dp::audit
