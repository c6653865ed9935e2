/* Reading NetCDF attributes (see ncatt.h). A missing attribute is told apart from a damaged file:
   only NC_ENOTATT means "absent"; every other status is an error with nc_strerror(). */
#include "base/ncatt.h"
#include <string.h>
#include <netcdf.h>

/* Raise the error of a missing attribute, or report it through found. */
static PetscErrorCode missing(MPI_Comm comm, int nc, int var, const char *path, const char *name,
                              const char *what, PetscBool *found)
{
  char vname[NC_MAX_NAME + 1] = "";

  PetscFunctionBeginUser;
  if (found) {
    *found = PETSC_FALSE;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(var != NC_GLOBAL, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: no global attribute %s: %s",
             path, name, what);
  if (nc_inq_varname(nc, var, vname) != NC_NOERR) vname[0] = '\0';
  SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "%s: variable %s has no attribute %s: %s", path, vname,
          name, what);
}

/* Check the status of a nc_get_att_* call; NC_ENOTATT goes to missing(). */
static PetscErrorCode checked(int status, MPI_Comm comm, int nc, int var, const char *path,
                              const char *name, const char *what, PetscBool *found)
{
  PetscFunctionBeginUser;
  if (status == NC_ENOTATT) {
    PetscCall(missing(comm, nc, var, path, name, what, found));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(status == NC_NOERR, comm, PETSC_ERR_FILE_READ, "%s: cannot read attribute %s: %s",
             path, name, nc_strerror(status));
  if (found) *found = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ncatt_get_double(MPI_Comm comm, int nc, int var, const char *path, const char *name,
                                const char *what, double *v, PetscBool *found)
{
  double d = *v;

  PetscFunctionBeginUser;
  PetscCall(checked(nc_get_att_double(nc, var, name, &d), comm, nc, var, path, name, what, found));
  *v = d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ncatt_get_int(MPI_Comm comm, int nc, int var, const char *path, const char *name,
                             const char *what, int *v, PetscBool *found)
{
  int i = *v;

  PetscFunctionBeginUser;
  PetscCall(checked(nc_get_att_int(nc, var, name, &i), comm, nc, var, path, name, what, found));
  *v = i;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ncatt_get_text(MPI_Comm comm, int nc, int var, const char *path, const char *name,
                              const char *what, char *buf, size_t size, PetscBool *found)
{
  nc_type type;
  size_t len = 0;
  PetscBool have = PETSC_TRUE;

  PetscFunctionBeginUser;
  buf[0] = '\0';
  PetscCall(checked(nc_inq_att(nc, var, name, &type, &len), comm, nc, var, path, name, what,
                    found ? &have : NULL));
  if (found) *found = have;
  if (!have) PetscFunctionReturn(PETSC_SUCCESS);
  if (type == NC_STRING && len == 1) {
    char *str = NULL;
    PetscCall(
        checked(nc_get_att_string(nc, var, name, &str), comm, nc, var, path, name, what, NULL));
    len = strlen(str);
    if (len < size) memcpy(buf, str, len + 1);
    (void)nc_free_string(1, &str);
    PetscCheck(len < size, comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: attribute %s has %zu characters, more than the %zu expected: %s", path, name,
               len, size - 1, what);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(type == NC_CHAR, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: attribute %s is not text: %s",
             path, name, what);
  PetscCheck(len < size, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: attribute %s has %zu characters, more than the %zu expected: %s", path, name, len,
             size - 1, what);
  PetscCall(checked(nc_get_att_text(nc, var, name, buf), comm, nc, var, path, name, what, NULL));
  buf[len] = '\0';
  PetscFunctionReturn(PETSC_SUCCESS);
}
