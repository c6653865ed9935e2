#pragma once
/* Attribution tags. Tags come in families; each family partitions the bulk completely, so in
   every cell and for every species the tags of a family sum to the bulk. Every family has the
   tags "initial" (the initial conditions), "bc_west", "bc_east", "bc_south", "bc_north", "bc_top"
   (air that flowed in across each side), its emission groups, and "other" (emissions in no group
   of the family). Tag n of species s is t[(cell*nspec + s)*ntag + n].

   A family groups emissions by one rule (tags_family_by):
     unit         each control unit of the prefectures listed in tags_family_detail (adcodes) its
                  own tag; the other units of Xinjiang by prefecture; outside Xinjiang by region
     prefecture   every prefecture (XPCC cities are their own), outside by region
     kind         priority protection, key control, general, and each outside region
     region       Xinjiang, and each outside region (the "1" of "1+14+N")
     sector       power, industry, residential, transport, agriculture
     unit_sector  as unit, crossed with the sectors
     point        each point source (stack) its own tag; area emissions go to "other"
   Nothing is fixed at compile time: the number of tags follows the families asked for. */
#include <petscsys.h>
#include "model/emissions/profiles.h"
#include "base/param.h"

typedef struct Domain Domain;

typedef enum { SIDE_WEST, SIDE_EAST, SIDE_SOUTH, SIDE_NORTH, SIDE_TOP, SIDE_N } Side;

typedef enum {
  TAGS_BY_UNIT,
  TAGS_BY_PREFECTURE,
  TAGS_BY_KIND,
  TAGS_BY_REGION,
  TAGS_BY_SECTOR,
  TAGS_BY_UNIT_SECTOR,
  TAGS_BY_POINT
} TagsBy;

/* What kind of tag a tag is (TagInfo.special). */
typedef enum { TAG_EMISSION = 0, TAG_INITIAL, TAG_INFLOW, TAG_OTHER, TAG_SPECIAL_N } TagSpecial;

/* TagInfo.kind of a tag for the whole of Xinjiang (a family by region); other kinds are
   DomainUnitKind values. */
#define TAGS_KIND_XINJIANG (-2)

/* The tag vocabulary, the one statement of it: the names of tags_family_by (TagsBy order,
   NULL-terminated), of TagSpecial, and of the unit kinds in tag labels ("kind:<name>",
   DomainUnitKind order up to DOMAIN_UNIT_GENERAL). The receptor file writes them as CF
   flag_values/flag_meanings, and the post-processing reads them from there. */
extern const char *const tags_by_names[];
extern const char *const tags_special_names[TAG_SPECIAL_N];
extern const char *const tags_kind_names[];
/* The names of the values TagInfo.kind can take, for flag_meanings: TAGS_KIND_XINJIANG, -1 (not
   a kind tag) and each DomainUnitKind ("xinjiang", "none", "priority", "key", "general",
   "outside"); TAGS_KIND_N of them, values tags_kind_values[]. */
#define TAGS_KIND_N 6
extern const int tags_kind_values[TAGS_KIND_N];
extern const char *const tags_kind_meanings[TAGS_KIND_N];

/* What a tag stands for, for the output and the post-processing (-1 where not applicable). */
typedef struct {
  PetscInt family;
  PetscInt unit;       /* a single control unit */
  PetscInt prefecture; /* a whole prefecture (index in the domain registry) */
  PetscInt kind;       /* a unit kind (DomainUnitKind) */
  PetscInt sector;     /* Sector */
  PetscInt special;    /* TagSpecial: emission group, initial, lateral or top inflow, other */
  PetscInt point;      /* a single point source (index in the points file) */
} TagInfo;

typedef struct {
  PetscInt ntag;          /* tags over all families */
  PetscInt nfamily;       /* families */
  char **family_name;     /* nfamily names; owned */
  PetscInt *family_by;    /* TagsBy of each family; owned */
  PetscInt *family_start; /* first tag of each family, nfamily + 1 entries; owned */
  PetscInt *tag_initial;  /* per family; owned */
  PetscInt *tag_side;     /* [family*SIDE_N + side]; owned */
  PetscInt *tag_other;    /* per family; owned */
  char **label;           /* ntag labels "family:name"; owned */
  TagInfo *info;          /* ntag; owned */
  PetscInt nunit;         /* units in the lookup table (0 without a domain) */
  PetscInt *lookup;       /* tag of (family, unit, sector): [(f*nunit + u)*SECTOR_N + s]; owned */
  PetscInt npoint;        /* point sources known to the tags */
  PetscInt *point_tag; /* [f*npoint + p]: tag of point p in a point family, -1 otherwise; owned */
  PetscInt nalias;     /* labels without a tag of their own: a unit family's units outside the
                          domain, whose label a parent run's tag may carry */
  char **alias_label;  /* nalias labels "family:code" ("family:code|sector"); owned */
  PetscInt *alias_tag; /* the tag each alias's air goes to (its prefecture's); owned */
} Tags;

typedef struct PointSources PointSources;

/* Read the &tags group and build the tag list over the domain's unit registry (dom may be
   NULL: then only the sector family is available). Collective. */
PetscErrorCode tags_create(MPI_Comm comm, const Domain *dom, const PointSources *ps, Tags **tags);

/* Destroy; no-op on NULL. Not collective. */
PetscErrorCode tags_destroy(Tags **tags);

/* The tag whose label is label (the first 64 characters), or the tag an alias of that label
   goes to; -1 for none. Not collective. */
PetscInt tags_find_label(const Tags *tags, const char *label);

/* The tag of family f that area emissions of unit u (-1: none) and sector s go to. Not collective.
 */
PetscInt tags_emission_tag(const Tags *tags, PetscInt f, PetscInt u, PetscInt s);

/* The tag of family f that point source p (in unit u, sector s) goes to. Not collective. */
PetscInt tags_point_tag(const Tags *tags, PetscInt f, PetscInt p, PetscInt u, PetscInt s);

/* The &tags namelist group (for the registry's list of groups). */
extern const ParamGroup tags_group;

/* Closure: the largest relative deviation, over the families, of a family's sum of the tags
   t[0..ntag) from the bulk value q, |sum - q| / (|q| + closure_floor). The one definition of the
   rule; closure_floor is run_closure_floor (in the units of q and t). Not collective. */
PetscReal tags_closure_deviation(const Tags *tags, const PetscReal *t, PetscReal q,
                                 PetscReal closure_floor);
