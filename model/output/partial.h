#pragma once
/* Partial outputs: what lets a run stopped between two checkpoints (by SIGUSR1 or SIGTERM, or
   by run_wall_hours) end, once resumed, with the bits of an unbroken run. The stopped run writes
   a checkpoint at the step it stopped at and closes every output file still open under the name
   "<file>.part" (not "<file>", which would look complete, nor "<file>.tmp", which a killed run
   leaves), with the global attribute partial_until, the checkpoint's time. The run that resumes
   from that checkpoint creates the segment's files anew, copies into them the records of the
   ".part" files up to the checkpoint's time, and goes on writing; when the segment is complete
   its files get their final names and the ".part" files are removed. A resumed run only reads
   a ".part" file, so a run killed after resuming leaves it as it was for the next attempt. */
#include <petscsys.h>

/* What partial_probe found. */
typedef enum {
  PARTIAL_NONE,  /* no "<path>.part" */
  PARTIAL_STALE, /* one that ends before the time asked for (left by an earlier stop) */
  PARTIAL_USABLE /* one that reaches it */
} PartialStatus;

/* What an output did at a resume (the X_resume functions of history, receptor_series, nest). */
typedef enum {
  RESUME_INACTIVE,  /* it writes no file */
  RESUME_CONTINUED, /* it continues the stopped run's segment, with that run's records */
  RESUME_ANEW       /* no partial file reached the checkpoint: it opened a new segment there */
} PartialResume;

/* The partial name of path: path + ".part". Not collective. */
PetscErrorCode partial_name(const char *path, char *part, size_t size);

/* Mark the open NetCDF file nc (path: its final name) as partial up to t (s since 1970-01-01Z),
   the time of the checkpoint the stopping run writes. Collective on the ranks that opened nc. */
PetscErrorCode partial_mark(int nc, const char *path, double t);

/* After its writer has closed the temporary of path ("<path>.tmp"), flush it to the disk and
   rename it to "<path>.part". Call on one rank. */
PetscErrorCode partial_keep(const char *path);

/* Remove "<path>.part" if there is one (the segment is complete). Call on one rank. */
PetscErrorCode partial_remove(const char *path);

/* Whether "<path>.part" is there and reaches t_end. Collective on comm (rank 0 looks). */
PetscErrorCode partial_probe(MPI_Comm comm, const char *path, double t_end, PartialStatus *status);

/* Copy into the open NetCDF file nc (in data mode; path: its final name), for every variable
   whose first dimension is the unlimited one, the records of the usable "<path>.part" whose
   variable "time" is at most t_end; *nrec is their number. Both files must hold these variables
   with the same types and shapes; a partial file that does not is an error naming it. Collective
   on comm, the communicator nc was opened on (PETSC_COMM_SELF for a file one rank writes): its
   rank 0 reads, and every rank takes part in each (collective) write. */
PetscErrorCode partial_copy(MPI_Comm comm, int nc, const char *path, double t_end, PetscInt *nrec);

/* Close a NetCDF file this rank alone writes (nc, created as "<path>.tmp"): under its final name
   path, removing a "<path>.part" it continued; or, with partial, as "<path>.part" marked up to t.
   Not collective. */
PetscErrorCode partial_close_nc(int nc, const char *path, PetscBool partial, double t);

/* For a NetCDF file rank 0 of comm alone writes (nc, open there): copy the records up to t of
   the usable "<path>.part" and check there are expect of them (partial_check_count); *nrec,
   their number, on every rank. Collective on comm. */
PetscErrorCode partial_continue_rank0(MPI_Comm comm, int nc, const char *path, double t,
                                      PetscInt expect, PetscInt *nrec);

/* Check that a partial file copied the records a segment holds at the checkpoint: nrec, of
   "<path>.part", must be expect; else an error naming the file (a stopped run with other
   run_output_hours or run_checkpoint_hours). Collective on comm. */
PetscErrorCode partial_check_count(MPI_Comm comm, const char *path, PetscInt nrec, PetscInt expect);
