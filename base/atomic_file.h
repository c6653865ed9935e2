#pragma once
/* Writing a file so that it appears under its final name only when complete: the writer writes
   "<path>.tmp", every write and the close are checked, the data is flushed to the disk (fsync),
   and only then is the temporary renamed to path. A text file is composed in memory (a
   memory stream) and written to its temporary, opened at atomic_file_open(), by
   atomic_file_commit(): so every write to the disk is a checked write(2) whose errno is the cause
   the message gives, even for text that other code printed to f->fp. On any failure the temporary
   is removed and the error names the final file and the cause in one line ("<path>: cannot write:
   No space left on device; nothing was written under this name"). A run killed half-way leaves at
   most a "*.tmp" file, never a truncated file under the final name.

   Two ways to use it:
     - a text file written here: atomic_file_open(), atomic_file_printf() (or any stdio output
       to f->fp), atomic_file_commit(); on an error of the caller's own, atomic_file_discard();
     - a file another library writes (NetCDF, a PETSc viewer): create it under the name
       atomic_file_tmp_name() gives, close it with atomic_file_nc_close() (NetCDF) or the
       library's own close, then atomic_file_rename() on one rank.
   None of these is collective. */
#include <stdio.h>
#include <petscsys.h>

typedef struct {
  char path[PETSC_MAX_PATH_LEN];    /* the final name */
  char tmp[PETSC_MAX_PATH_LEN + 8]; /* path + ".tmp", where the writing happens */
  FILE *fp;   /* owned: the memory stream, open between atomic_file_open and commit/discard */
  char *text; /* owned: the memory stream's buffer */
  size_t len; /* its length */
  int fd;     /* owned: the temporary, open for writing; -1 when closed */
} AtomicFile;

/* The temporary name of path: path + ".tmp" in tmp[size]. */
PetscErrorCode atomic_file_tmp_name(const char *path, char *tmp, size_t size);

/* Fail unless dir is a folder this process may write into, naming what (the option or key that
   gave it, e.g. "-out") and the reason; for a program to check before any work. Not collective. */
PetscErrorCode atomic_file_check_folder(const char *dir, const char *what);

/* Open the temporary of path for writing text. */
PetscErrorCode atomic_file_open(const char *path, AtomicFile *f);

/* fprintf() to the file, checked. */
PetscErrorCode atomic_file_printf(AtomicFile *f, const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(2, 3);

/* Write the text to the temporary, flush it to the disk, close it and rename it to its final
   name; on failure remove the temporary and raise the error. */
PetscErrorCode atomic_file_commit(AtomicFile *f);

/* The same, but the complete file gets the name target instead of its own (a partial output a
   stopped run keeps for the run that resumes it: model/output/partial.h). */
PetscErrorCode atomic_file_commit_to(AtomicFile *f, const char *target);

/* Close and remove the temporary (the caller's own error path; no-op if already closed). */
void atomic_file_discard(AtomicFile *f);

/* nc_close() a NetCDF file that was created under atomic_file_tmp_name(path), checked: on failure
   (for HDF5 files a full disk often shows only here) remove the temporary and raise the error,
   with the system's cause when there is one. Collective for a file opened in parallel, like
   nc_close(). */
PetscErrorCode atomic_file_nc_close(int nc, const char *path);

/* Flush the complete temporary of path to the disk and rename it to path; on failure remove it
   and raise the error. Call on one rank, after every writer has closed the file. */
PetscErrorCode atomic_file_rename(const char *path);

/* The same, but the temporary of path gets the name target instead of path. */
PetscErrorCode atomic_file_rename_to(const char *path, const char *target);
