// Batch position hashes: the scalar kernel (position_hash.hpp's functions, position by position)
// and the run-time choice among the kernels (hash_kernels.hpp). Compiled for the baseline
// instruction set.
#include "hash_kernels.hpp"

#include <cstdlib>
#include <stdexcept>

#include "position_hash.hpp"

namespace mothello {
namespace {

constexpr HashKernel kAll[] = {HashKernel::kScalar, HashKernel::kAvx2, HashKernel::kAvx512, HashKernel::kAvx512Gfni};

bool runs(HashKernel kernel) {
    if (kernel == HashKernel::kScalar) return true;
#if defined(MOTHELLO_HASH_SIMD) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();  // __builtin_cpu_supports also checks that the OS saves the vector registers
    if (kernel == HashKernel::kAvx2) return __builtin_cpu_supports("avx2");
    const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
    if (kernel == HashKernel::kAvx512) return avx512;
    return avx512 && __builtin_cpu_supports("gfni");
#else
    return false;
#endif
}

HashKernel choose() {
    const char* forced = std::getenv("MOTHELLO_HASH_KERNEL");
    if (forced && *forced) {
        try {
            return hash_kernel_named(forced);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("MOTHELLO_HASH_KERNEL: ") + e.what() + "; unset it to use the best");
        }
    }
    return runnable_hash_kernels().back();
}

void scalar_hashes(const std::uint64_t* boards, const std::uint8_t* player, std::int64_t n, std::uint64_t* hash,
                   std::uint64_t* canonical, std::uint8_t* symmetry) {
    for (std::int64_t i = 0; i < n; ++i) {
        const std::uint64_t b = boards[2 * i], w = boards[2 * i + 1];
        if (hash) hash[i] = position_hash(b, w, player[i]);
        if (!canonical && !symmetry) continue;
        int s;
        const std::uint64_t c = canonical_hash(b, w, player[i], s);
        if (canonical) canonical[i] = c;
        if (symmetry) symmetry[i] = static_cast<std::uint8_t>(s);
    }
}

}  // namespace

const char* hash_kernel_name(HashKernel kernel) {
    switch (kernel) {
        case HashKernel::kAvx2: return "avx2";
        case HashKernel::kAvx512: return "avx512";
        case HashKernel::kAvx512Gfni: return "avx512gfni";
        default: return "scalar";
    }
}

std::vector<HashKernel> runnable_hash_kernels() {
    std::vector<HashKernel> out;
    for (HashKernel k : kAll)
        if (runs(k)) out.push_back(k);
    return out;
}

HashKernel hash_kernel_named(const std::string& name) {
    for (HashKernel k : kAll) {
        if (name != hash_kernel_name(k)) continue;
        if (!runs(k)) throw std::invalid_argument("hash kernel " + name + " does not run on this CPU (or build)");
        return k;
    }
    throw std::invalid_argument("unknown hash kernel " + name + " (scalar, avx2, avx512 or avx512gfni)");
}

HashKernel hash_kernel() {
    static const HashKernel chosen = choose();  // a throw leaves it unset: every call refuses again
    return chosen;
}

void position_hashes(const std::uint64_t* boards, const std::uint8_t* player, std::int64_t n, std::uint64_t* hash,
                     std::uint64_t* canonical, std::uint8_t* symmetry, HashKernel kernel) {
#if defined(MOTHELLO_HASH_SIMD)
    if (kernel == HashKernel::kAvx512Gfni)
        return hash_avx512gfni::position_hashes(boards, player, n, hash, canonical, symmetry);
    if (kernel == HashKernel::kAvx512) return hash_avx512::position_hashes(boards, player, n, hash, canonical, symmetry);
    if (kernel == HashKernel::kAvx2) return hash_avx2::position_hashes(boards, player, n, hash, canonical, symmetry);
#endif
    (void)kernel;
    scalar_hashes(boards, player, n, hash, canonical, symmetry);
}

}  // namespace mothello
