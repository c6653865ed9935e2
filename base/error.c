/* The cause of a failed NetCDF call (see error.h). */
#include "base/error.h"
#include <string.h>
#include <sys/statvfs.h>

/* Below this many bytes free, a failed write is put down to a full disk (HDF5 writes whole chunks
   and metadata blocks, so a refused write can leave some room). */
#define NEARLY_FULL_BYTES (1024.0 * 1024.0)

const char *nc_write_cause(const char *file, int error)
{
  static char cause[160];
  char dir[PETSC_MAX_PATH_LEN];
  const char *slash;
  size_t len;
  struct statvfs fs;
  double avail;

  if (error == ENOSPC || error == EDQUOT || error == EFBIG || error == EIO) return strerror(error);
  slash = file ? strrchr(file, '/') : NULL;
  len = slash ? (size_t)(slash - file) : 0;
  if (len >= sizeof(dir)) return "";
  if (slash && len)
    memcpy(dir, file, len), dir[len] = '\0';
  else
    strcpy(dir, slash ? "/" : ".");
  if (statvfs(dir, &fs) != 0) return "";
  avail = (double)fs.f_bavail * (double)fs.f_frsize;
  if (avail >= NEARLY_FULL_BYTES) return "";
  (void)snprintf(cause, sizeof(cause),
                 "No space left on device (its file system has %.0f KiB free)", avail / 1024);
  return cause;
}
