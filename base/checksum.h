#pragma once
/* A 64-bit checksum of an array of reals that does not depend on how the array is split into
   pieces, nor on the order the pieces are added in, but does depend on where each value sits:
   the checksum of n values x[p] at global positions p is

     sum over p of  mix(bits(x[p]) XOR (p * 0x9e3779b97f4a7c15))   mod 2^64,

   where bits() is the value's IEEE 754 bit pattern (so -0 and 0, or two NaNs, differ) and mix()
   is the splitmix64 finaliser (Steele, Lea and Flood 2014; the constants of Stafford's "mix13"),
   a bijection of 64-bit integers. Because the sum is in integers mod 2^64 it is exact and
   associative: ranks may each add the values they own and the partial sums may be added in any
   order (an MPI_SUM of MPI_UINT64_T), and the result is the same bits on any number of ranks.
   Because mix() is a bijection, changing any one value (by a single bit) always changes the
   checksum; several changes cancel only with probability about 2^-64. */
#include <stdint.h>
#include <petscsys.h>

/* The splitmix64 finaliser of x (its output for the state x). Not collective. */
uint64_t checksum_mix(uint64_t x);

/* Add to *sum the terms of the n reals a[0..n), which sit at the global positions first, first +
   1, ..., first + n - 1. Not collective. */
void checksum_add_reals(uint64_t *sum, const PetscReal *a, PetscInt n, PetscInt64 first);
