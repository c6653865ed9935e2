/* The position-keyed, order-independent 64-bit checksum of base/checksum.h. One multiply keys
   the value by its position (the golden-ratio increment of splitmix64, so with a zero value
   the term of position p is splitmix64's p-th output), one finaliser mixes it: about 1 ns a
   value, small beside writing the value to a file. */
#include "base/checksum.h"
#include <string.h>

_Static_assert(sizeof(PetscReal) == sizeof(uint64_t), "the checksum hashes 64-bit reals");

#define CHECKSUM_GOLDEN UINT64_C(0x9e3779b97f4a7c15)

uint64_t checksum_mix(uint64_t x)
{
  x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
  return x ^ (x >> 31);
}

void checksum_add_reals(uint64_t *sum, const PetscReal *a, PetscInt n, PetscInt64 first)
{
  uint64_t s = 0, p = (uint64_t)first;

  for (PetscInt i = 0; i < n; i++, p++) {
    uint64_t bits;
    memcpy(&bits, &a[i], sizeof(bits));
    s += checksum_mix(bits ^ (p * CHECKSUM_GOLDEN));
  }
  *sum += s;
}
