#pragma once
/* Emission-cut scenarios: a &scenario group of rules, each scaling the emissions of the units
   it selects, in the sectors and species it names, by a factor. A source matched by several
   rules gets the product of their factors.
     scenario_name     = 'cut_wcs'
     scenario_select   = 'kind:key prefecture:650100,652300', 'county:654003,650202,654202'
     scenario_sectors  = 'industry', 'residential'          ('all' or blank-separated names)
     scenario_species  = 'so2 ppm25', 'all'
     scenario_factor   = 0.7, 0.5
   Selector terms (blank-separated, all must hold): all | inside | outside |
   kind:priority|key|general | prefecture:ADCODE[,ADCODE] (XPCC cities count under their own adcode
   and their parent's) | county:ADCODE[,...] | unit:CODE[,...] | region:CODE[,...] (outside units by
   code) | point:ID[,...] (point sources by their id; a point term matches no area emission). */
#include <petscsys.h>
#include "physics/species.h"
#include "base/param.h"

typedef struct Domain Domain;
typedef struct Scenario Scenario;
typedef struct PointSources PointSources;

/* Read &scenario and check every rule against the domain and species table. Collective. */
PetscErrorCode scenario_create(MPI_Comm comm, const Domain *dom, const SpeciesInfo *sp,
                               PetscInt nspec, Scenario **sc);
PetscErrorCode scenario_destroy(Scenario **sc);

/* Factor for emissions of unit u (-1 unknown), sector s, species k. Not collective. */
PetscReal scenario_factor(const Scenario *sc, PetscInt u, PetscInt s, PetscInt k);

/* Factor for the point source called id, in unit u, sector s, species k. Not collective. */
PetscReal scenario_point_factor(const Scenario *sc, const char *id, PetscInt u, PetscInt s,
                                PetscInt k);

/* Refuse a point: term naming an id that is not among the point sources ps (NULL: none) read
   from path. Collective. */
PetscErrorCode scenario_check_points(MPI_Comm comm, const Scenario *sc, const PointSources *ps,
                                     const char *path);

/* The scenario's name ("base" without rules). */
const char *scenario_name(const Scenario *sc);

/* The &scenario namelist group (for the registry's list of groups). */
extern const ParamGroup scenario_group;
