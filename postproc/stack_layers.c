/* A new stack's mean plume layers over a base run (see stack_layers.h). Each step's column is
   the model's: the two records bracketing the step's middle tm (t0 <= tm < t1, as a met source
   brackets it) interpolated as (1 - w) M0 + w M1 with w = (tm - t0) / (t1 - t0)
   (model/met/met.c); the wind speed from the interpolated u and v (earth-relative in the file,
   the same speed as the model's grid-relative ones); the layer thickness from the file's layer
   centre and top, dz = 2 (zface - zmid). */
#include "postproc/stack_layers.h"
#include <netcdf.h>
#include "base/clock.h"
#include "base/error.h"
#include "base/namelist.h"
#include "model/registry.h"
#include "postproc/model_file.h"

/* The met fields a plume needs, in the order of Column.field. */
enum { F_U, F_V, F_THETA, F_T, F_ZMID, F_ZFACE, F_N };
static const char *const field_names[F_N] = {"u", "v", "theta", "temperature", "zmid", "zface"};

PetscErrorCode stack_layers_params(PlumeRiseParams *p)
{
  const ProcessOps *ops = registry_find_process("emission_point");

  PetscFunctionBeginUser;
  PetscCheck(ops && ops->group.params_size == sizeof(*p), PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "the emission_point process's parameters are not PlumeRiseParams");
  PetscCall(namelist_read(PETSC_COMM_SELF, &ops->group, p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The index r of the record pair bracketing t (times[r] <= t < times[r + 1]), or -1. */
static PetscInt bracket(PetscInt nt, const PetscReal *times, PetscReal t)
{
  for (PetscInt r = 0; r + 1 < nt; r++)
    if (times[r] <= t && t < times[r + 1]) return r;
  return -1;
}

/* The plume's fractions in the layers at one step (met of records a, b with weight w) in one[],
   and added to frac; its rise, bottom and top into info's sums. */
static void add_step(const PlumeRiseParams *p, const Stack *st, PetscInt nz, const PetscReal *a,
                     const PetscReal *b, PetscReal w, PetscReal *work, PetscReal *one,
                     PetscReal *frac, StackLayersInfo *info)
{
  PetscReal *m[F_N], *dz = &work[F_N * nz], *wind = &work[(F_N + 1) * nz], rise, bottom, top;
  PlumeColumn col;

  for (PetscInt f = 0; f < F_N; f++) {
    m[f] = &work[f * nz];
    for (PetscInt k = 0; k < nz; k++) m[f][k] = (1 - w) * a[f * nz + k] + w * b[f * nz + k];
  }
  for (PetscInt k = 0; k < nz; k++) {
    dz[k] = 2 * (m[F_ZFACE][k] - m[F_ZMID][k]);
    wind[k] = PetscSqrtReal(m[F_U][k] * m[F_U][k] + m[F_V][k] * m[F_V][k]);
  }
  col = (PlumeColumn){nz, m[F_ZMID], dz, m[F_THETA], m[F_T], wind};
  rise = plume_rise(p, &col, st->height, st->diameter, st->velocity, st->temperature);
  bottom = st->height + p->bottom_factor * rise;
  top = st->height + p->top_factor * rise;
  plume_rise_layers(&col, bottom, top, one);
  for (PetscInt k = 0; k < nz; k++) frac[k] += one[k];
  info->rise_min = PetscMin(info->rise_min, rise);
  info->rise_max = PetscMax(info->rise_max, rise);
  info->rise_mean += rise;
  info->bottom_mean += bottom;
  info->top_mean += top;
}

/* How far the steps' fractions stray from their mean: the largest share of the plume, at any
   step, that lies outside the mean's layers, 1/2 sum_k |w_k(t) - wbar_k|, and the largest fraction
   of each layer at any step. */
static void spread(PetscInt nz, PetscInt nstep, const PetscReal *step, const PetscReal *mean,
                   PetscReal *reach, StackLayersInfo *info)
{
  for (PetscInt k = 0; k < nz; k++) reach[k] = 0;
  info->spread = 0;
  for (PetscInt n = 0; n < nstep; n++) {
    PetscReal d = 0;
    for (PetscInt k = 0; k < nz; k++) {
      d += PetscAbsReal(step[n * nz + k] - mean[k]);
      reach[k] = PetscMax(reach[k], step[n * nz + k]);
    }
    info->spread = PetscMax(info->spread, 0.5 * d);
  }
}

/* The run's step count: (t_end - t_start) / dt, a whole number. */
static PetscErrorCode step_count(const char *met_path, PetscReal t_start, PetscReal t_end,
                                 PetscReal dt, PetscInt *nstep)
{
  PetscReal ratio = (t_end - t_start) / dt;

  PetscFunctionBeginUser;
  *nstep = (PetscInt)PetscFloorReal(ratio + 0.5);
  PetscCheck(dt > 0 && *nstep >= 1 && PetscAbsReal(ratio - (PetscReal)*nstep) < 1e-9,
             PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "%s: the run's time step run_dt = %g s does not divide its %g s", met_path, (double)dt,
             (double)(t_end - t_start));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode stack_layers_mean(const char *met_path, const Grid *g, const char *grid_path,
                                 const PlumeRiseParams *p, const Stack *st, PetscInt i, PetscInt j,
                                 PetscReal t_start, PetscReal t_end, PetscReal dt, PetscReal *frac,
                                 PetscReal *reach, StackLayersInfo *info)
{
  PetscInt nz = g->spec.nz, nt, r0, r1;
  PetscReal *times, *rec, *work, *step;
  int nc;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(info, sizeof(*info)));
  PetscCall(step_count(met_path, t_start, t_end, dt, &info->nstep));
  PetscCall(model_file_open(met_path, "a met file", g, grid_path, i, j, &nc));
  PetscCall(model_file_times(nc, met_path, &nt, &times));
  r0 = bracket(nt, times, t_start + 0.5 * dt);
  r1 = bracket(nt, times, t_end - 0.5 * dt);
  if (r0 < 0 || r1 < 0) {
    char a[32], b[32], c[32], d[32];
    clock_format(times[0], a, sizeof(a));
    clock_format(times[nt - 1], b, sizeof(b));
    clock_format(t_start, c, sizeof(c));
    clock_format(t_end, d, sizeof(d));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
            "%s: %d met record(s) from %s to %s; expected records spanning the run, %s to %s (the "
            "base run's met_output, with met_output_interval 0)",
            met_path, (int)nt, a, b, c, d);
  }
  info->nrec = r1 - r0 + 2;
  PetscCall(
      PetscMalloc3(info->nrec * F_N * nz, &rec, (F_N + 2) * nz, &work, info->nstep * nz, &step));
  for (PetscInt r = 0; r < info->nrec; r++)
    for (PetscInt f = 0; f < F_N; f++)
      PetscCall(model_file_column(nc, met_path, field_names[f], r0 + r, i, j, nz,
                                  &rec[(r * F_N + f) * nz]));
  NcCallFile(nc_close(nc), met_path);
  for (PetscInt k = 0; k < nz; k++) frac[k] = 0;
  info->rise_min = PETSC_MAX_REAL, info->rise_max = -PETSC_MAX_REAL;
  for (PetscInt n = 0; n < info->nstep; n++) {
    PetscReal tm = t_start + ((PetscReal)n + 0.5) * dt;
    PetscInt r = bracket(nt, times, tm) - r0;
    PetscReal w = (tm - times[r0 + r]) / (times[r0 + r + 1] - times[r0 + r]);
    add_step(p, st, nz, &rec[r * F_N * nz], &rec[(r + 1) * F_N * nz], w, work, &step[n * nz], frac,
             info);
  }
  for (PetscInt k = 0; k < nz; k++) frac[k] /= (PetscReal)info->nstep;
  spread(nz, info->nstep, step, frac, reach, info);
  info->rise_mean /= (PetscReal)info->nstep;
  info->bottom_mean /= (PetscReal)info->nstep;
  info->top_mean /= (PetscReal)info->nstep;
  PetscCall(PetscFree3(rec, work, step));
  PetscCall(PetscFree(times));
  PetscFunctionReturn(PETSC_SUCCESS);
}
