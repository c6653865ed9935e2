/* The folder of the shipped data (see data_path.h). The program's own path comes from
   /proc/self/exe (Linux), which names the file that runs whatever the current folder and however
   the program was called (a relative path, a symbolic link, a PATH search). */
#include "base/data_path.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DATA_PREFIX "$BOGDA_DATA/"

static PetscBool is_folder(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? PETSC_TRUE : PETSC_FALSE;
}

/* The data folder found beside the running program, into dir[len]; whether there is one. */
static PetscBool beside_program(char *dir, size_t len)
{
  static const char *const tries[] = {"../data", "../share/bogda/data", "../../data"};
  char exe[PETSC_MAX_PATH_LEN];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  char *slash;

  if (n <= 0) return PETSC_FALSE;
  exe[n] = '\0';
  if (!(slash = strrchr(exe, '/'))) return PETSC_FALSE;
  *slash = '\0';
  for (size_t k = 0; k < sizeof(tries) / sizeof(tries[0]); k++)
    if ((size_t)snprintf(dir, len, "%s/%s", exe, tries[k]) < len && is_folder(dir))
      return PETSC_TRUE;
  return PETSC_FALSE;
}

const char *data_path_dir(void)
{
  static char dir[PETSC_MAX_PATH_LEN];
  const char *env = getenv("BOGDA_DATA");

  if (dir[0]) return dir;
  if (env && env[0] && strlen(env) < sizeof(dir))
    strcpy(dir, env);
  else if (!beside_program(dir, sizeof(dir)))
    strcpy(dir, "data");
  for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--) dir[n - 1] = '\0';
  return dir;
}

PetscErrorCode data_path_expand(const char *path, char *out, size_t len)
{
  char buf[2 * PETSC_MAX_PATH_LEN]; /* out may be path itself */
  size_t lp = strlen(DATA_PREFIX);

  PetscFunctionBeginUser;
  if (strncmp(path, DATA_PREFIX, lp))
    snprintf(buf, sizeof(buf), "%s", path);
  else
    snprintf(buf, sizeof(buf), "%s/%s", data_path_dir(), path + lp);
  PetscCheck(strlen(buf) < len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "%s: the path %s is too long",
             path, buf);
  memcpy(out, buf, strlen(buf) + 1);
  PetscFunctionReturn(PETSC_SUCCESS);
}
