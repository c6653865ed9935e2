/* The checkpoint checksum (base/checksum.c): splitmix64's published outputs, the same sum however
   the array is split and in whatever order the pieces are added, and a different sum for a
   single flipped bit anywhere, for two values swapped, and for -0 in place of 0. */
#include <string.h>
#include "tests/tap.h"
#include "base/checksum.h"

#define N 96

/* The checksum of n values at positions first.. */
static uint64_t sum_of(const PetscReal *a, PetscInt n, PetscInt64 first)
{
  uint64_t s = 0;
  checksum_add_reals(&s, a, n, first);
  return s;
}

static PetscReal flip_lowest_bit(PetscReal x)
{
  uint64_t bits;
  memcpy(&bits, &x, sizeof(bits));
  bits ^= 1;
  memcpy(&x, &bits, sizeof(x));
  return x;
}

int main(int argc, char **argv)
{
  /* Splitmix64 seeded with 0 (Vigna's splitmix64.c): its outputs are the finaliser of k times
     the golden-ratio increment, k = 1, 2, 3, which are the terms of 0.0 at positions 1, 2, 3. */
  const uint64_t published[3] = {UINT64_C(0xe220a8397b1dcdaf), UINT64_C(0x6e789e6aa1b965f4),
                                 UINT64_C(0x06c45d188009454f)};
  PetscReal a[N], zero[4] = {0, 0, 0, 0};
  uint64_t whole;
  int all = 1;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (int k = 0; k < 3; k++) {
    uint64_t s = 0;
    checksum_add_reals(&s, &zero[k + 1], 1, k + 1);
    all = all && checksum_mix((uint64_t)(k + 1) * UINT64_C(0x9e3779b97f4a7c15)) == published[k] &&
          s == published[k];
  }
  tap_ok(all, "splitmix64's first outputs from seed 0 (0xe220a8397b1dcdaf, ...)");
  for (int i = 0; i < N; i++) a[i] = 2.385e-9 * (1 + 0.37 * i) * (i % 7 ? 1 : -1);
  a[5] = 0;
  whole = sum_of(a, N, 1000);
  {
    uint64_t s = 0; /* three pieces, added last piece first, with a start offset */
    checksum_add_reals(&s, a + 61, N - 61, 1061);
    checksum_add_reals(&s, a, 17, 1000);
    checksum_add_reals(&s, a + 17, 44, 1017);
    tap_ok(s == whole, "three pieces added in reverse order give the whole array's checksum");
  }
  tap_ok(sum_of(a, N, 1001) != whole, "the same values one position further give another checksum");
  all = 1;
  for (int i = 0; i < N; i++) {
    PetscReal keep = a[i];
    a[i] = flip_lowest_bit(keep);
    all = all && sum_of(a, N, 1000) != whole;
    a[i] = keep;
  }
  tap_ok(all, "the lowest bit flipped in any one of %d values changes the checksum", N);
  {
    PetscReal t = a[10];
    a[10] = a[70], a[70] = t;
    tap_ok(sum_of(a, N, 1000) != whole, "two values swapped change the checksum");
    a[70] = a[10], a[10] = t;
  }
  a[5] = -0.0;
  tap_ok(sum_of(a, N, 1000) != whole, "-0 in place of 0 changes the checksum");
  PetscCall(PetscFinalize());
  return tap_done();
}
