#pragma once
/* Receptor time series: for each hotspot of the domain file, the weighted mean surface
   concentration (ug m-3) of every species and of PM2.5, in bulk and by attribution tag, over
   every output interval (receptor_output_averaging = 'mean', the default) or at every output
   time ('instant'). The sums run on rank 0 over the receptor cells in a fixed order, so the series
   are the same for any number of ranks. Written per output segment (like the gridded output) as
   CF-NetCDF ("<name>_receptors_<start>.nc", featureType timeSeries) and as CSV. */
#include "model/state.h"
#include "model/tags.h"
#include "model/met/met.h"
#include "model/output/partial.h"

typedef struct Domain Domain;
typedef struct Receptors Receptors;

/* Collect the receptor cells of the patch. With no domain (or no receptor) nothing is written.
   closure_floor (run_closure_floor) is the floor of tags_closure_deviation(), written with the
   closure variable (attribute closure_floor) so that readers use the same rule. Collective. */
PetscErrorCode receptor_series_create(MPI_Comm comm, const Grid *g, const State *st,
                                      const Domain *dom, const Tags *tags, PetscReal closure_floor,
                                      const char *dir, const char *name, Receptors **r);
PetscErrorCode receptor_series_destroy(Receptors **r);

/* Open the files of the segment starting at t. Collective. */
PetscErrorCode receptor_series_open(Receptors *r, PetscReal t);
/* Add the values at the end of a step (met: that step, for the air density) to the interval's
   mean; nothing for instantaneous records. Not collective. */
PetscErrorCode receptor_series_accumulate(Receptors *r, const Met *met);
/* Whether records are means over the output interval (and there are receptors): a run may then
   stop only at an output time. Not collective. */
PetscBool receptor_series_means(const Receptors *r);
/* One record at t, the end of the step met describes (for the air density): the mean over the
   steps accumulated since the previous record, or the value at t. Collective. */
PetscErrorCode receptor_series_write(Receptors *r, PetscReal t, const Met *met);
/* Close the segment (rename the files to their final names). Collective. */
PetscErrorCode receptor_series_close(Receptors *r);

/* The &receptor_output namelist group (for the registry's list of groups). */
extern const ParamGroup receptor_output_group;
/* Close the segment as partial files up to t ("<file>.part", model/output/partial.h), for a run
   resuming from the checkpoint at t. Collective. */
PetscErrorCode receptor_series_close_partial(Receptors *r, PetscReal t);
/* Instead of receptor_series_open, for a run resuming at t from a checkpoint a stopped run
   wrote: open the segment starting at t0 that run left partial, with its records up to t
   (NetCDF and CSV; there must be expect of them), or, with no partial file that reaches t, a
   new segment at t. Collective. */
PetscErrorCode receptor_series_resume(Receptors *r, PetscReal t0, PetscReal t, PetscInt expect,
                                      PartialResume *how);
