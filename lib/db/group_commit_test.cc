#include "db/group_commit.h"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace dp::db {
namespace {

// Item is "<key>:<name>"; its conflict key is what comes before the colon.
std::string KeyOf(const std::string& item) { return item.substr(0, item.find(':')); }

// Recorder runs batches, recording each, and holds the first batch that
// has a "gate" item until Open is called, so that the test can queue work
// behind it.
class Recorder {
 public:
  std::vector<std::string> Run(std::vector<std::string>& batch) {
    bool gated = false;
    for (const auto& item : batch) gated = gated || KeyOf(item) == "gate";
    {
      std::lock_guard lock(mu_);
      batches_.push_back(batch);
      gated = gated && !gate_taken_;
      gate_taken_ = gate_taken_ || gated;
    }
    if (gated) {
      started_.set_value();
      open_.get_future().wait();
    }
    return batch;  // each item's result is itself
  }
  void WaitGateTaken() { started_.get_future().wait(); }
  void Open() { open_.set_value(); }
  std::vector<std::vector<std::string>> Batches() {
    std::lock_guard lock(mu_);
    return batches_;
  }

 private:
  std::mutex mu_;
  std::vector<std::vector<std::string>> batches_;
  bool gate_taken_ = false;
  std::promise<void> started_, open_;
};

using Commits = GroupCommit<std::string, std::string>;

Commits::Options Keyed(int workers) {
  return {.workers = workers, .max_batch = 8, .conflict_key = KeyOf};
}

TEST(GroupCommit, ABatchTakesOneItemPerKeyAndLeavesTheRestInOrder) {
  Recorder recorder;
  std::atomic<int> answered{0};
  {
    Commits commits(Keyed(1), [&](std::vector<std::string>& b) { return recorder.Run(b); });
    auto done = [&](std::string) { ++answered; };
    commits.SubmitAsync("gate:0", "", done);
    recorder.WaitGateTaken();
    for (const char* item : {"a:1", "a:2", "b:1", "a:3", "b:2", "c:1"}) {
      commits.SubmitAsync(item, "", done);
    }
    recorder.Open();
  }  // the destructor finishes the queue
  EXPECT_EQ(answered.load(), 7);
  const std::vector<std::vector<std::string>> expected = {
      {"gate:0"}, {"a:1", "b:1", "c:1"}, {"a:2", "b:2"}, {"a:3"}};
  EXPECT_EQ(recorder.Batches(), expected);
}

TEST(GroupCommit, AKeyARunningBatchHoldsWaitsWhileOtherWorkersTakeTheRest) {
  Recorder recorder;
  std::promise<void> other_done;
  {
    Commits commits(Keyed(2), [&](std::vector<std::string>& b) { return recorder.Run(b); });
    commits.SubmitAsync("gate:0", "", [](std::string) {});
    recorder.WaitGateTaken();
    // The second worker is idle, but "gate" is held by the first's batch.
    commits.SubmitAsync("gate:1", "", [](std::string) {});
    commits.SubmitAsync("other:1", "", [&](std::string) { other_done.set_value(); });
    other_done.get_future().wait();
    EXPECT_EQ(recorder.Batches().size(), 2u);
    recorder.Open();
  }
  const std::vector<std::vector<std::string>> expected = {{"gate:0"}, {"other:1"}, {"gate:1"}};
  EXPECT_EQ(recorder.Batches(), expected);
}

TEST(GroupCommit, WithoutAConflictKeyABatchTakesWhatIsQueued) {
  Recorder recorder;
  {
    Commits commits({.workers = 1, .max_batch = 3},
                    [&](std::vector<std::string>& b) { return recorder.Run(b); });
    commits.SubmitAsync("gate:0", "", [](std::string) {});
    recorder.WaitGateTaken();
    std::atomic<int> left{5};
    std::promise<void> all_answered;
    for (const char* item : {"a:1", "a:2", "a:3", "a:4", "b:1"}) {
      commits.SubmitAsync(item, "", [&](std::string) {
        if (--left == 0) all_answered.set_value();
      });
    }
    recorder.Open();
    all_answered.get_future().wait();
    EXPECT_EQ(commits.Submit("c:1", "refused"), "c:1");
  }
  const std::vector<std::vector<std::string>> expected = {
      {"gate:0"}, {"a:1", "a:2", "a:3"}, {"a:4", "b:1"}, {"c:1"}};
  EXPECT_EQ(recorder.Batches(), expected);
}

TEST(GroupCommit, TellsEachBatchsSizeAndHowLongItRan) {
  Recorder recorder;
  std::mutex mu;
  std::vector<std::pair<size_t, double>> told;
  double held_s = 0;
  {
    Commits::Options options = Keyed(1);
    options.on_batch = [&](size_t items, double seconds) {
      std::lock_guard lock(mu);
      told.emplace_back(items, seconds);
    };
    Commits commits(options, [&](std::vector<std::string>& b) { return recorder.Run(b); });
    std::atomic<int> left{4};
    std::promise<void> all_answered;
    auto done = [&](std::string) {
      if (--left == 0) all_answered.set_value();
    };
    commits.SubmitAsync("gate:0", "", done);
    recorder.WaitGateTaken();
    for (const char* item : {"a:1", "b:1", "a:2"}) commits.SubmitAsync(item, "", done);
    const auto held_from = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    held_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - held_from).count();
    recorder.Open();
    all_answered.get_future().wait();  // each batch is told of before it answers
  }
  std::lock_guard lock(mu);
  // The gate; a:1 with b:1 (one item per key); a:2.
  ASSERT_EQ(told.size(), 3u);
  EXPECT_EQ(told[0].first, 1u);
  EXPECT_EQ(told[1].first, 2u);
  EXPECT_EQ(told[2].first, 1u);
  // The gate's batch ran at least as long as the test held it.
  EXPECT_GE(told[0].second, held_s);
  EXPECT_GE(told[1].second, 0.0);
}

TEST(GroupCommit, NamesItsWorkers) {
  std::string name(16, '\0');
  {
    Commits::Options options = Keyed(1);
    options.thread_name = "test-batch";
    Commits commits(options, [&](std::vector<std::string>& b) {
      pthread_getname_np(pthread_self(), name.data(), name.size());
      return b;
    });
    EXPECT_EQ(commits.Submit("a:1", "refused"), "a:1");
  }
  EXPECT_EQ(std::string(name.c_str()), "test-batch");
}

}  // namespace
}  // namespace dp::db
