#pragma once
/* A tiny TAP producer for the test programs (after Redis testhelp.h and GSL gsl_test).
   tap_ok(cond, "message %g", x) prints "ok N - message" or "not ok N - message";
   tap_done() prints the plan and returns the exit status. In MPI tests, call tap_quiet(1) on
   every rank but the one that reports, and reduce the condition before calling tap_ok. */
#include <stdarg.h>
#include <stdio.h>

static int tap_count_ = 0, tap_failed_ = 0, tap_quiet_ = 0;

static inline void tap_quiet(int quiet)
{
  tap_quiet_ = quiet;
}

__attribute__((format(printf, 2, 3))) static inline int tap_ok(int cond, const char *fmt, ...)
{
  va_list ap;
  tap_count_++;
  if (!cond) tap_failed_++;
  if (tap_quiet_) return cond;
  printf("%s %d - ", cond ? "ok" : "not ok", tap_count_);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
  return cond;
}

/* A diagnostic line, ignored by the counter. */
__attribute__((format(printf, 1, 2))) static inline void tap_diag(const char *fmt, ...)
{
  va_list ap;
  if (tap_quiet_) return;
  printf("# ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
}

static inline int tap_done(void)
{
  if (!tap_quiet_) printf("1..%d\n", tap_count_);
  return tap_failed_ ? 1 : 0;
}
