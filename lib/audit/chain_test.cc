#include "audit/chain.h"

#include "gtest/gtest.h"

namespace dp::audit {
namespace {

const std::string kKey(32, 'k');

std::vector<Event> Chain(int n) {
  std::vector<Event> events;
  std::string prev = kGenesisHash;
  for (int i = 1; i <= n; ++i) {
    Event e;
    e.seq = i;
    e.at_us = 1700000000000000 + i;
    e.principal = "officer@fife";
    e.role = "finance_officer";
    e.method = "/dp.v1.LedgerService/CreateTransaction";
    e.resource = std::to_string(100 + i);
    e.prev_hash = prev;
    e.hash = EventHash(kKey, e);
    prev = e.hash;
    events.push_back(e);
  }
  return events;
}

Verdict Check(const std::vector<Event>& events, int64_t head_seq, const std::string& head_hash,
              const std::string& key = kKey) {
  ChainChecker checker(key);
  for (const Event& e : events) {
    if (!checker.Next(e)) break;
  }
  return checker.Finish(head_seq, head_hash);
}

TEST(ChainChecker, AnUntouchedChainVerifies) {
  auto events = Chain(5);
  Verdict v = Check(events, 5, events.back().hash);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.events_checked, 5);
}

TEST(ChainChecker, AnAlteredRowIsNamed) {
  auto events = Chain(5);
  events[2].resource = "999";
  Verdict v = Check(events, 5, events.back().hash);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 3);
  EXPECT_NE(v.problem.find("altered"), std::string::npos);
}

TEST(ChainChecker, ADeletedRowIsNamed) {
  auto events = Chain(5);
  events.erase(events.begin() + 1);
  Verdict v = Check(events, 5, Chain(5).back().hash);
  EXPECT_EQ(v.first_bad_seq, 2);
  EXPECT_NE(v.problem.find("deleted"), std::string::npos);
}

TEST(ChainChecker, ADeletedTailIsCaughtByTheHead) {
  auto events = Chain(5);
  const std::string head = events.back().hash;
  events.pop_back();
  Verdict v = Check(events, 5, head);
  EXPECT_EQ(v.first_bad_seq, 5);
}

TEST(ChainChecker, ARecomputedForgeryWithoutTheKeyFails) {
  auto events = Chain(3);
  events[1].resource = "forged";
  events[1].hash = EventHash(std::string(32, 'x'), events[1]);  // the wrong key
  Verdict v = Check(events, 3, events.back().hash);
  EXPECT_EQ(v.first_bad_seq, 2);
}

TEST(ChainChecker, AReplacedRowBreaksTheNextLink) {
  auto events = Chain(4);
  auto other = Chain(4);
  other[1].principal = "someone-else";
  other[1].hash = EventHash(kKey, other[1]);  // even with the key: the next link breaks
  events[1] = other[1];
  Verdict v = Check(events, 4, events.back().hash);
  EXPECT_EQ(v.first_bad_seq, 3);
}

}  // namespace
}  // namespace dp::audit
