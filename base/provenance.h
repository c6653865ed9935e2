#pragma once
/* Provenance in the global attributes of every NetCDF file the programs write: which program and
   version wrote it, from which command, and from which data, with no absolute path of the machine
   that ran it (a file is copied, shared and archived; /home/someone/run_17/ means nothing there
   and tells where someone keeps their files). Every file gets
     history        "<UTC start time> <command>": the program's name and its arguments, each
                    file name in them relative to the file's own folder when it lies under it,
                    else its last component (a basename)
     source         "Bogda <version>: <program>" (a writer may give its own, more specific text)
     bogda_version  version_string() of base/version.h
   and every note a program recorded with provenance_note() (the data it read and what they are:
   "meteorology", "emissions", "source_data", ...). */
#include <petscsys.h>

/* Remember the command line (argv[0] as its basename) and the time the program started, the same
   text on every rank (rank 0's time is broadcast). program_start() calls it after PETSc starts.
   Collective on MPI_COMM_WORLD. */
PetscErrorCode provenance_record_command(int argc, char **argv);

/* Record (or replace) a global attribute key = value that every file written from now on carries.
   With files, the paths in value are rewritten for each file as its history's are (relative to
   its folder, else basenames; provenance_relative_text()); without, value is written as it is.
   Not collective, but every rank of a file written in parallel must record the same notes. */
PetscErrorCode provenance_note(const char *key, const char *value, PetscBool files);

/* Write history, source (unless source is NULL: the writer writes its own), bogda_version and the
   notes into the NetCDF file nc, in define mode, whose final name is path (its folder is the one
   the command's file names are made relative to). Not collective (collective on the file's
   communicator for a file opened in parallel, like every define-mode call). */
PetscErrorCode provenance_nc_attributes(int nc, const char *path, const char *source);

/* The last component of path ("a/b/c.nc" -> "c.nc"; path itself without a '/'). */
const char *provenance_basename(const char *path);

/* The absolute folder of the file path (resolved as the system does), into dir[len]. Not
   collective. */
void provenance_folder(const char *path, char *dir, size_t len);

/* text with every path in it rewritten as in the history attribute, for a folder dir: a word that
   holds a '/' (words are separated by blanks, commas and quotes) becomes its name relative to dir
   if it lies under it, else its basename (dir is absolute: provenance_folder()); a word starting
   with '$' (such as $BOGDA_DATA/x) is kept. Into out[len], truncated if it does not fit. Not
   collective. */
void provenance_relative_text(const char *text, const char *dir, char *out, size_t len);
