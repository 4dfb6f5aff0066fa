// Baseline x86-64 (or any architecture) build of the game loop.
#define MOTHELLO_KERNEL_NS kernel_generic
#include "kernel.inl"
