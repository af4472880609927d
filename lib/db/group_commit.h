#ifndef DP_LIB_DB_GROUP_COMMIT_H_
#define DP_LIB_DB_GROUP_COMMIT_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "base/check.h"

namespace dp::db {

// GroupCommit queues work from many threads and hands it to worker threads
// in batches, so that one database transaction (one fsync, one lock per
// row) serves many callers. `run` gets a batch and returns one result per
// item, in order. Submit blocks until its item's result is known;
// SubmitAsync returns at once and hands the result to `done`, on the
// worker's thread, so that no thread waits per call (gRPC's callback API).
//
//   GroupCommit<Op, absl::StatusOr<int64_t>> commits(
//       {.workers = 2, .max_batch = 64},
//       [&](std::vector<Op>& batch) { return ApplyInOneTransaction(batch); });
//   absl::StatusOr<int64_t> id = commits.Submit(op);
//   commits.SubmitAsync(op, refused, [reactor](absl::StatusOr<int64_t> id) { ... });
template <typename Item, typename Result>
class GroupCommit {
 public:
  struct Options {
    int workers = 1;
    int max_batch = 64;
    // on_batch, when set, is told each batch's size before it runs (for
    // the batch-size metric); it must be quick and thread-safe.
    std::function<void(size_t)> on_batch;
  };
  using RunFn = std::function<std::vector<Result>(std::vector<Item>& batch)>;

  GroupCommit(Options options, RunFn run) : options_(options), run_(std::move(run)) {
    DP_CHECK(options_.workers > 0 && options_.max_batch > 0);
    for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { Loop(); });
  }

  // The destructor finishes queued work, then stops the workers.
  ~GroupCommit() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : workers_) t.join();
  }

  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Submit returns `refused` if the queue is shutting down.
  Result Submit(Item item, Result refused) {
    std::promise<Result> result;
    auto future = result.get_future();
    SubmitAsync(std::move(item), std::move(refused),
                [&result](Result r) { result.set_value(std::move(r)); });
    return future.get();
  }

  // SubmitAsync queues `item`; `done` gets its result on a worker thread
  // (or `refused`, at once, if the queue is shutting down). `done` must not
  // block: the batch's other callers wait behind it.
  void SubmitAsync(Item item, Result refused, std::function<void(Result)> done) {
    {
      std::lock_guard lock(mu_);
      if (!stopping_) {
        queue_.push_back(new Pending{std::move(item), std::move(done)});
        done = nullptr;
      }
    }
    if (done) {
      done(std::move(refused));
      return;
    }
    ready_.notify_one();
  }

 private:
  struct Pending {
    Item item;
    std::function<void(Result)> done;
  };

  void Loop() {
    while (true) {
      std::vector<Pending*> batch;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, nothing left
        while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      std::vector<Item> items;
      items.reserve(batch.size());
      for (Pending* p : batch) items.push_back(std::move(p->item));
      if (options_.on_batch) options_.on_batch(items.size());
      std::vector<Result> results = run_(items);
      DP_CHECK(results.size() == batch.size());
      for (size_t i = 0; i < batch.size(); ++i) {
        std::unique_ptr<Pending> p(batch[i]);
        p->done(std::move(results[i]));
      }
    }
  }

  const Options options_;
  const RunFn run_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace dp::db

#endif  // DP_LIB_DB_GROUP_COMMIT_H_
