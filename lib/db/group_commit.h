#ifndef DP_LIB_DB_GROUP_COMMIT_H_
#define DP_LIB_DB_GROUP_COMMIT_H_

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
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
//
// With `conflict_key`, items that would lock the same rows are kept apart:
// a batch takes at most one item per key, and none whose key a running
// batch holds; the others wait, in order, for a later batch. Workers then
// never wait for each other's locks, and one's slow commit does not stop
// the other.
template <typename Item, typename Result>
class GroupCommit {
 public:
  struct Options {
    int workers = 1;
    int max_batch = 64;
    // on_batch, when set, is told each batch's size and how long its run
    // took, in seconds, once it has run (for the batch metrics: the sum of
    // the seconds over a period, divided by the workers, is how busy they
    // were); it must be quick and thread-safe.
    std::function<void(size_t items, double seconds)> on_batch;
    // conflict_key, when set, names what an item locks (see above); it is
    // called with the queue's lock held, so it must be quick and must not
    // call back into this GroupCommit.
    std::function<std::string(const Item&)> conflict_key;
    // thread_name, when set, names the workers (at most 15 characters), as
    // top, perf and /proc/PID/task show them.
    std::string thread_name;
  };
  using RunFn = std::function<std::vector<Result>(std::vector<Item>& batch)>;

  GroupCommit(Options options, RunFn run) : options_(options), run_(std::move(run)) {
    DP_CHECK(options_.workers > 0 && options_.max_batch > 0);
    DP_CHECK(options_.thread_name.size() <= 15);
    for (int i = 0; i < options_.workers; ++i) {
      workers_.emplace_back([this] {
        if (!options_.thread_name.empty()) {
          pthread_setname_np(pthread_self(), options_.thread_name.c_str());
        }
        Loop();
      });
    }
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
      std::vector<std::string> keys;  // what this batch holds
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] {
          if (queue_.empty()) return stopping_;
          TakeBatch(&batch, &keys);
          return !batch.empty();
        });
        if (batch.empty()) return;  // stopping, nothing left
      }
      std::vector<Item> items;
      items.reserve(batch.size());
      for (Pending* p : batch) items.push_back(std::move(p->item));
      const auto started = std::chrono::steady_clock::now();
      std::vector<Result> results = run_(items);
      DP_CHECK(results.size() == batch.size());
      if (options_.on_batch) {
        options_.on_batch(items.size(), std::chrono::duration<double>(
                                            std::chrono::steady_clock::now() - started)
                                            .count());
      }
      if (!keys.empty()) {
        {
          std::lock_guard lock(mu_);
          for (const std::string& key : keys) DP_CHECK(held_.erase(key) == 1);
        }
        // Items kept back for these keys may now go.
        ready_.notify_all();
      }
      for (size_t i = 0; i < batch.size(); ++i) {
        std::unique_ptr<Pending> p(batch[i]);
        p->done(std::move(results[i]));
      }
    }
  }

  // TakeBatch moves up to max_batch items from the queue into `batch`, in
  // order, passing over (at most kMaxLookahead) items whose conflict key a
  // batch holds; the keys taken go into `keys` and held_. mu_ is held.
  void TakeBatch(std::vector<Pending*>* batch, std::vector<std::string>* keys) {
    constexpr size_t kMaxLookahead = 4096;
    DP_CHECK(batch->empty() && keys->empty());
    if (!options_.conflict_key) {
      while (!queue_.empty() && static_cast<int>(batch->size()) < options_.max_batch) {
        batch->push_back(queue_.front());
        queue_.pop_front();
      }
      return;
    }
    for (size_t i = 0; i < queue_.size() && i < kMaxLookahead &&
                       static_cast<int>(batch->size()) < options_.max_batch;) {
      std::string key = options_.conflict_key(queue_[i]->item);
      if (!held_.insert(key).second) {
        ++i;
        continue;
      }
      keys->push_back(std::move(key));
      batch->push_back(queue_[i]);
      queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }

  const Options options_;
  const RunFn run_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Pending*> queue_;
  std::set<std::string> held_;  // conflict keys of the batches running
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace dp::db

#endif  // DP_LIB_DB_GROUP_COMMIT_H_
