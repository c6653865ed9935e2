/* Provenance attributes (see provenance.h). The command line and the start time are kept once per
   program; the notes in a small table. Paths are compared as the system resolves them
   (realpath() for what exists), so "../run/x.nc", "/tmp/a/run/x.nc" and "x.nc" run from the
   folder itself all become "x.nc" for a file written in /tmp/a/run. */
#define _XOPEN_SOURCE 700 /* realpath(), which -D_POSIX_C_SOURCE alone does not declare */
#include "base/provenance.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netcdf.h>
#include "base/error.h"
#include "base/version.h"

#define PROVENANCE_NOTES 16
#define PROVENANCE_TEXT 4096

static char command[PROVENANCE_TEXT]; /* argv, arguments quoted where needed */
static char started[32];              /* UTC start time, ISO 8601 */
static char program[64] = "bogda";    /* basename of argv[0] */
static char note_key[PROVENANCE_NOTES][64];
static char note_value[PROVENANCE_NOTES][PROVENANCE_TEXT];
static PetscBool note_files[PROVENANCE_NOTES];
static int nnote;

const char *provenance_basename(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash && slash[1] ? slash + 1 : path;
}

/* The absolute form of path, into out[PATH_MAX]: resolved if it exists, else joined to the
   current folder (a file-name pattern, or a file not written yet). */
static void absolute(const char *path, char *out)
{
  char cwd[PATH_MAX];
  size_t lc, lp = strlen(path);

  if (realpath(path, out)) return;
  out[0] = '\0';
  if (path[0] == '/' || !getcwd(cwd, sizeof(cwd))) {
    if (lp < PATH_MAX) memcpy(out, path, lp + 1);
    return;
  }
  lc = strlen(cwd);
  if (lc + 1 + lp < PATH_MAX) {
    memcpy(out, cwd, lc);
    out[lc] = '/';
    memcpy(out + lc + 1, path, lp + 1);
  }
}

/* One word that holds a path, as it should appear in a file written in folder dir (absolute). */
static void relative_word(const char *word, const char *dir, char *out, size_t len)
{
  char abs[PATH_MAX];
  size_t n = strlen(dir);

  if (word[0] == '$' || !strchr(word, '/') || dir[0] != '/') {
    snprintf(out, len, "%s", word);
    return;
  }
  absolute(word, abs);
  if (!strcmp(abs, dir))
    snprintf(out, len, ".");
  else if (n > 1 && !strncmp(abs, dir, n) && abs[n] == '/' && abs[n + 1])
    snprintf(out, len, "%s", abs + n + 1);
  else
    snprintf(out, len, "%s", provenance_basename(word));
}

void provenance_folder(const char *path, char *dir, size_t len)
{
  char folder[PATH_MAX], abs[PATH_MAX], *slash;

  snprintf(folder, sizeof(folder), "%s", path);
  slash = strrchr(folder, '/');
  if (!slash)
    snprintf(folder, sizeof(folder), ".");
  else if (slash == folder)
    folder[1] = '\0';
  else
    *slash = '\0';
  absolute(folder, abs);
  snprintf(dir, len, "%s", abs);
}

void provenance_relative_text(const char *text, const char *dir, char *out, size_t len)
{
  size_t used = 0;

  if (!len) return;
  out[0] = '\0';
  while (*text && used + 1 < len) {
    size_t w = strcspn(text, " ,'\"\t");
    if (w == 0) {
      out[used++] = *text++;
      out[used] = '\0';
      continue;
    }
    {
      char word[PATH_MAX], rel[PATH_MAX];
      snprintf(word, sizeof(word), "%.*s", (int)(w < sizeof(word) ? w : sizeof(word) - 1), text);
      relative_word(word, dir, rel, sizeof(rel));
      used += (size_t)snprintf(out + used, len - used, "%s", rel);
      if (used >= len) used = len - 1;
      text += w;
    }
  }
}

PetscErrorCode provenance_record_command(int argc, char **argv)
{
  PetscMPIInt rank;
  size_t used = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  if (rank == 0) {
    time_t now = time(NULL);
    strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  }
  PetscCallMPI(MPI_Bcast(started, sizeof(started), MPI_CHAR, 0, MPI_COMM_WORLD));
  if (argc > 0) snprintf(program, sizeof(program), "%s", provenance_basename(argv[0]));
  used = (size_t)snprintf(command, sizeof(command), "%s", program);
  /* Arguments are kept as given; their paths are made relative when a file is written. An empty
     argument or one with blanks is quoted so that the line reads back as the same words. */
  for (int a = 1; a < argc && used < sizeof(command); a++) {
    PetscBool quote = !argv[a][0] || strpbrk(argv[a], " \t") ? PETSC_TRUE : PETSC_FALSE;
    used +=
        (size_t)snprintf(command + used, sizeof(command) - used, quote ? " '%s'" : " %s", argv[a]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode provenance_note(const char *key, const char *value, PetscBool files)
{
  int k = 0;

  PetscFunctionBeginUser;
  while (k < nnote && strcmp(note_key[k], key)) k++;
  PetscCheck(k < PROVENANCE_NOTES, PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "provenance: more than %d notes (%s)", PROVENANCE_NOTES, key);
  PetscCall(PetscStrncpy(note_key[k], key, sizeof(note_key[k])));
  PetscCall(PetscStrncpy(note_value[k], value, sizeof(note_value[k])));
  note_files[k] = files;
  if (k == nnote) nnote++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode put_text(int nc, const char *path, const char *name, const char *value)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_put_att_text(nc, NC_GLOBAL, name, strlen(value), value), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode provenance_nc_attributes(int nc, const char *path, const char *source)
{
  char dir[PATH_MAX], *text;

  PetscFunctionBeginUser;
  provenance_folder(path, dir, sizeof(dir));
  PetscCall(PetscMalloc1(PROVENANCE_TEXT, &text));
  /* The start time, then the command (a program that did not record it, a unit test, names only
     itself). */
  PetscCall(PetscSNPrintf(text, PROVENANCE_TEXT, "%s%s", started, started[0] ? " " : ""));
  {
    size_t n = strlen(text);
    provenance_relative_text(command[0] ? command : program, dir, text + n, PROVENANCE_TEXT - n);
  }
  PetscCall(put_text(nc, path, "history", text));
  if (source)
    PetscCall(put_text(nc, path, "source", source));
  else {
    snprintf(text, PROVENANCE_TEXT, "Bogda %s: %s", version_string(), program);
    PetscCall(put_text(nc, path, "source", text));
  }
  PetscCall(version_nc_attribute(nc, path));
  for (int k = 0; k < nnote; k++) {
    if (note_files[k]) provenance_relative_text(note_value[k], dir, text, PROVENANCE_TEXT);
    PetscCall(put_text(nc, path, note_key[k], note_files[k] ? text : note_value[k]));
  }
  PetscCall(PetscFree(text));
  PetscFunctionReturn(PETSC_SUCCESS);
}
