/* Writing to a temporary name and renaming when complete (see atomic_file.h). Why fsync: rename()
   is atomic, but without it a crash shortly after could leave the final name pointing at blocks
   that were never written. Why a memory stream: a buffered stdio stream that fails reports it
   only through ferror(), long after the errno of the failed write is gone, and "No space left on
   device" is what the user needs to read; write(2) on the whole text keeps it. The text files
   written this way are small (tables, a namelist, receptor series). */
#include "base/atomic_file.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netcdf.h>

/* Remove the temporary of a failed write and raise the one error message. */
static PetscErrorCode fail(const char *path, const char *tmp, const char *cause)
{
  PetscFunctionBeginUser;
  (void)remove(tmp);
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
          "%s: cannot write: %s; nothing was written under this name", path, cause);
}

PetscErrorCode atomic_file_check_folder(const char *dir, const char *what)
{
  struct stat st;

  PetscFunctionBeginUser;
  PetscCheck(dir[0], PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s is empty: give the folder to write into ('.' for the current one)", what);
  PetscCheck(stat(dir, &st) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
             "%s %s: %s (create the folder first)", what, dir, strerror(errno));
  PetscCheck(S_ISDIR(st.st_mode), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s %s is not a folder",
             what, dir);
  PetscCheck(access(dir, W_OK | X_OK) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
             "%s %s is not writable: %s", what, dir, strerror(errno));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode atomic_file_tmp_name(const char *path, char *tmp, size_t size)
{
  PetscFunctionBeginUser;
  PetscCheck(strlen(path) + 5 <= size, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "%s: the path is too long for its temporary name", path);
  PetscCall(PetscSNPrintf(tmp, size, "%s.tmp", path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode atomic_file_open(const char *path, AtomicFile *f)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(f, sizeof(*f)));
  f->fd = -1;
  PetscCall(PetscStrncpy(f->path, path, sizeof(f->path)));
  PetscCall(atomic_file_tmp_name(path, f->tmp, sizeof(f->tmp)));
  f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  PetscCheck(f->fd >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s: cannot write: %s (as %s)", path,
             strerror(errno), f->tmp);
  f->fp = open_memstream(&f->text, &f->len);
  if (!f->fp) {
    int error = errno;
    (void)close(f->fd);
    f->fd = -1;
    PetscCall(fail(path, f->tmp, strerror(error)));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode atomic_file_printf(AtomicFile *f, const char *fmt, ...)
{
  va_list ap;
  int n;

  PetscFunctionBeginUser;
  PetscCheck(f->fp, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "%s: not open for writing", f->path);
  va_start(ap, fmt);
  n = vfprintf(f->fp, fmt, ap);
  va_end(ap);
  if (n < 0) {
    int error = errno;
    atomic_file_discard(f);
    PetscCall(fail(f->path, f->tmp, strerror(error)));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode atomic_file_commit(AtomicFile *f)
{
  PetscFunctionBeginUser;
  PetscCall(atomic_file_commit_to(f, f->path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode atomic_file_commit_to(AtomicFile *f, const char *target)
{
  int error = 0;

  PetscFunctionBeginUser;
  PetscCheck(f->fp, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "%s: not open for writing", f->path);
  if (ferror(f->fp) || fclose(f->fp) != 0) error = errno ? errno : ENOMEM;
  f->fp = NULL;
  for (size_t done = 0; !error && done < f->len;) {
    ssize_t n = write(f->fd, f->text + done, f->len - done);
    if (n < 0 && errno != EINTR) error = errno;
    if (n > 0) done += (size_t)n;
  }
  if (!error && fsync(f->fd) != 0) error = errno;
  if (close(f->fd) != 0 && !error) error = errno;
  f->fd = -1;
  free(f->text);
  f->text = NULL;
  if (!error && rename(f->tmp, target) != 0) error = errno;
  if (error) PetscCall(fail(target, f->tmp, strerror(error)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void atomic_file_discard(AtomicFile *f)
{
  if (f->fp) (void)fclose(f->fp);
  f->fp = NULL;
  free(f->text);
  f->text = NULL;
  if (f->fd >= 0) {
    (void)close(f->fd);
    (void)remove(f->tmp);
  }
  f->fd = -1;
}

PetscErrorCode atomic_file_nc_close(int nc, const char *path)
{
  char tmp[PETSC_MAX_PATH_LEN + 8], cause[256];
  int status;

  PetscFunctionBeginUser;
  PetscCall(atomic_file_tmp_name(path, tmp, sizeof(tmp)));
  errno = 0;
  status = nc_close(nc);
  if (status != NC_NOERR) {
    int error = errno;
    PetscCall(PetscSNPrintf(cause, sizeof(cause), "%s%s%s", error ? strerror(error) : "",
                            error ? " (NetCDF: " : "", nc_strerror(status)));
    if (error) PetscCall(PetscStrlcat(cause, ")", sizeof(cause)));
    PetscCall(fail(path, tmp, cause));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode atomic_file_rename(const char *path)
{
  PetscFunctionBeginUser;
  PetscCall(atomic_file_rename_to(path, path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode atomic_file_rename_to(const char *path, const char *target)
{
  char tmp[PETSC_MAX_PATH_LEN + 8];
  int fd, bad;

  PetscFunctionBeginUser;
  PetscCall(atomic_file_tmp_name(path, tmp, sizeof(tmp)));
  fd = open(tmp, O_RDONLY);
  if (fd < 0) PetscCall(fail(target, tmp, strerror(errno)));
  bad = fsync(fd) != 0;
  if (bad) {
    int error = errno;
    (void)close(fd);
    PetscCall(fail(target, tmp, strerror(error)));
  }
  if (close(fd) != 0) PetscCall(fail(target, tmp, strerror(errno)));
  if (rename(tmp, target) != 0) PetscCall(fail(target, tmp, strerror(errno)));
  PetscFunctionReturn(PETSC_SUCCESS);
}
