#pragma once
/* Where the shipped data sets (data/ in the source tree, data/README.md) are, so that the
   pre-processing programs run from any folder (a scratch or batch folder): a file name that starts
   with "$BOGDA_DATA/" (the tools' defaults do, e.g. '$BOGDA_DATA/lakes.csv') names a file in
     1. the folder the environment variable BOGDA_DATA names, if it is set and not empty;
     2. else data/ beside the folder of the running program: <program's folder>/../data (bin/ in
        the source tree), ../share/bogda/data (an installed tree) or ../../data
        (build-debug/bin/), the first that is a folder;
     3. else data/ in the current folder.
   Any other name is used as it is (relative to the current folder). */
#include <petscsys.h>

/* The data folder (1 to 3 above), without a trailing '/'. Not collective. */
const char *data_path_dir(void);

/* path with a leading "$BOGDA_DATA/" replaced by data_path_dir() and '/', into out[len] (path
   itself otherwise). Fails if the result does not fit. Not collective. */
PetscErrorCode data_path_expand(const char *path, char *out, size_t len);

/* What the files[0..n) are, for the source_data attribute of the files made from them: for each
   non-empty name, "<basename>: <source and licence>" of a shipped data set (data/README.md), or
   "<basename>: a user file" for any other, joined by "; ", into out[len] (truncated if it does
   not fit). Not collective. */
void data_path_sources(const char *const *files, PetscInt n, char *out, size_t len);

/* The sentence that says so, for the -help of the programs that use it. */
#define DATA_NOTE                                                                                  \
  "The input files default to the shipped data, '$BOGDA_DATA/...': the folder the environment\n"   \
  "variable BOGDA_DATA names, else data/ beside the program's folder (bin/../data).\n"
