// BMI2/POPCNT build of the game loop (pdep selects the k-th legal move). CMake compiles this file
// with -mbmi -mbmi2 -mpopcnt on x86-64 only; engine.cpp calls it only when the CPU has BMI2.
#define MOTHELLO_KERNEL_NS kernel_bmi2
#include "kernel.inl"
