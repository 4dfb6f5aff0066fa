// MOTHELLO_INLINE: for member functions of the types that the kernel translation units share
// (Position, the move sources and sinks, GameRng). Each kernel TU (generic, BMI2) compiles its
// own copy of them; an ordinary inline function that is not inlined somewhere (a Debug build)
// becomes a weak symbol, and the linker would keep ONE of the two copies for both kernels: BMI2
// code in the generic kernel (SIGILL on CPUs without BMI2), or generic code in the BMI2 one.
// Forcing every call inline leaves no out-of-line copy to merge.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define MOTHELLO_INLINE inline __attribute__((always_inline))
#else
#define MOTHELLO_INLINE inline
#endif
