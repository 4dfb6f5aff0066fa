// The engine's thread pool: fn(begin, end) over [0, n) in chunks, shared by generation, replay and
// the probing-label kernels.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace mothello {

// Runs fn(begin, end) over [0, n) in chunks pulled from a shared counter by `threads` workers.
// Chunks only change which thread computes a game, never its result.
template <class Fn>
void parallel_for(std::int64_t n, int threads, Fn fn) {
    const std::int64_t chunk = 512;
    const std::int64_t n_chunks = (n + chunk - 1) / chunk;
    const int workers = static_cast<int>(std::min<std::int64_t>(std::max(threads, 1), n_chunks));
    std::atomic<std::int64_t> next{0};
    auto work = [&] {
        for (std::int64_t c; (c = next.fetch_add(1)) < n_chunks;)
            fn(c * chunk, std::min(n, (c + 1) * chunk));
    };
    if (workers <= 1) {
        work();
        return;
    }
    std::vector<std::thread> pool;
    pool.reserve(workers - 1);
    for (int t = 1; t < workers; ++t) pool.emplace_back(work);
    work();
    for (auto& th : pool) th.join();
}

}  // namespace mothello
