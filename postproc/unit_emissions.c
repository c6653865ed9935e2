/* Rebuilding a run's emissions by control unit from its inputs (the contract is in
   unit_emissions.h). The inputs were checked by the model when it ran; what is read here again is
   only what the totals need, in the model's order of operations (gridded rates summed per cell
   before the cell is split among its units), so that the totals equal the model's to round-off. */
#include "postproc/unit_emissions.h"
#include <glob.h>
#include <string.h>
#include <netcdf.h>
#include "base/constants.h"
#include "base/error.h"
#include "base/namelist.h"
#include "base/ncinput.h"
#include "base/units.h"
#include "model/emissions/point_sources.h"
#include "model/emissions/profiles.h"
#include "model/emissions/regrid.h"
#include "model/emissions/scenario.h"

PetscErrorCode unit_emissions_input_path(const char *nml, const char *key, char *path, size_t len)
{
  char opt[64];
  PetscBool set;

  PetscFunctionBeginUser;
  path[0] = '\0';
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s", key));
  PetscCall(PetscOptionsGetString(NULL, NULL, opt, path, len, &set));
  if (path[0]) {
    FILE *fp = fopen(path, "r");
    PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
               "%s: %s = '%s' cannot be opened from here (the run's paths are relative to the "
               "folder it ran in): run from there or give -%s PATH",
               nml, key, path, key);
    (void)fclose(fp);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The rate of one inventory value in kg s-1 (the model's three units). */
static PetscReal rate_kg_s(const char *units, PetscReal v, PetscReal lat, PetscReal dlat,
                           PetscReal dlon)
{
  if (!strcmp(units, "kg m-2 s-1"))
    return v * PetscSqr(CONST_EARTH_RADIUS) * dlon * CONST_DEG2RAD *
           (PetscSinReal((lat + 0.5 * dlat) * CONST_DEG2RAD) -
            PetscSinReal((lat - 0.5 * dlat) * CONST_DEG2RAD));
  return v * (!strcmp(units, "t yr-1") ? KG_PER_T : 1) / SECONDS_PER_YEAR;
}

/* The gridded inventory on the model grid: cell_rate[(c2 * SECTOR_N + sec) * ns + s], kg s-1. */
static PetscErrorCode read_gridded(const char *path, const Grid *g, const SpeciesInfo *sp,
                                   PetscInt ns, PetscReal *cell_rate)
{
  int nc, vlat, vlon, d;
  size_t nlat, nlon;
  PetscReal *lat, *lon, *val;
  RegridMap *map;

  PetscFunctionBeginUser;
  PetscCall(nc_open_input(path, &nc));
  NcCallFile(nc_inq_varid(nc, "lat", &vlat), path);
  NcCallFile(nc_inq_varid(nc, "lon", &vlon), path);
  NcCallFile(nc_inq_dimid(nc, "lat", &d), path);
  NcCallFile(nc_inq_dimlen(nc, d, &nlat), path);
  NcCallFile(nc_inq_dimid(nc, "lon", &d), path);
  NcCallFile(nc_inq_dimlen(nc, d, &nlon), path);
  PetscCall(PetscMalloc3(nlat, &lat, nlon, &lon, nlat * nlon, &val));
  NcCallFile(nc_get_var_double(nc, vlat, lat), path);
  NcCallFile(nc_get_var_double(nc, vlon, lon), path);
  PetscCall(regrid_create(g, (PetscInt)nlat, lat, (PetscInt)nlon, lon, &map));
  for (PetscInt sec = 0; sec < SECTOR_N; sec++)
    for (PetscInt s = 0; s < ns; s++) {
      char name[128], units[64] = "";
      int var;
      size_t ulen = 0;
      PetscReal dlat = (lat[nlat - 1] - lat[0]) / (PetscReal)(nlat - 1),
                dlon = (lon[nlon - 1] - lon[0]) / (PetscReal)(nlon - 1);
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s_%s", sp[s].name, sector_names[sec]));
      if (nc_inq_varid(nc, name, &var) != NC_NOERR) continue;
      NcCallFile(nc_get_var_double(nc, var, val), path);
      NcCallFile(nc_inq_attlen(nc, var, "units", &ulen), path);
      PetscCheck(ulen < sizeof(units), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: the units of %s are too long", path, name);
      NcCallFile(nc_get_att_text(nc, var, "units", units), path);
      for (size_t a = 0; a < nlat; a++)
        for (size_t b = 0; b < nlon; b++) {
          PetscInt c = (PetscInt)(a * nlon + b);
          PetscReal rate;
          if (val[c] == 0) continue;
          rate = rate_kg_s(units, val[c], lat[a], dlat, dlon);
          for (PetscInt e = map->start[c]; e < map->start[c + 1]; e++) {
            PetscInt c2 = patch_index2(&g->patch, map->i[e], map->j[e]);
            cell_rate[(c2 * SECTOR_N + sec) * ns + s] += rate * map->w[e];
          }
        }
    }
  NcCallFile(nc_close(nc), path);
  PetscCall(regrid_destroy(&map));
  PetscCall(PetscFree3(lat, lon, val));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Split each cell's rates among its units, with the scenario's factors, into ue->t_yr (kg s-1
   until unit_emissions_create converts). */
static void split_area(UnitEmissions *ue, const Scenario *sc, const PetscReal *cell_rate)
{
  const Grid *g = ue->grid;
  const Domain *d = ue->dom;
  PetscInt ns = ue->nspec;
  for (PetscInt j = 0; j < g->spec.ny; j++)
    for (PetscInt i = 0; i < g->spec.nx; i++) {
      PetscInt c2 = patch_index2(&g->patch, i, j);
      for (PetscInt e = d->cover_start[c2]; e < d->cover_start[c2 + 1]; e++) {
        PetscInt u = d->cover_unit[e];
        for (PetscInt sec = 0; sec < SECTOR_N; sec++)
          for (PetscInt s = 0; s < ns; s++)
            ue->t_yr[(u * SECTOR_N + sec) * ns + s] += cell_rate[(c2 * SECTOR_N + sec) * ns + s] *
                                                       d->cover_fraction[e] *
                                                       scenario_factor(sc, u, sec, s);
      }
    }
}

/* Add the point sources of the file at path to the units the model credits them to. */
static PetscErrorCode add_points(UnitEmissions *ue, const Scenario *sc, const char *path,
                                 const SpeciesInfo *sp)
{
  PointSources *ps;
  PetscInt ns = ue->nspec;

  PetscFunctionBeginUser;
  PetscCall(point_sources_read(path, sp, ns, &ps));
  for (PetscInt q = 0; q < ps->n; q++) {
    PetscInt i, j, u = -1;
    if (!unit_emissions_cell(ue, ps->value[q * POINT_NUM + POINT_LON],
                             ps->value[q * POINT_NUM + POINT_LAT], &i, &j))
      continue; /* lost outside the domain, as in the model */
    for (PetscInt k = 0; k < ue->dom->nunit && ps->unit[q][0] && u < 0; k++)
      if (!strcmp(ue->dom->unit[k].code, ps->unit[q])) u = k;
    if (u < 0) u = unit_emissions_cell_unit(ue, i, j);
    if (u < 0) continue;
    ue->npoints[u]++;
    for (PetscInt s = 0; s < ns; s++)
      ue->t_yr[(u * SECTOR_N + ps->sector[q]) * ns + s] +=
          ps->rate[q * ns + s] * KG_PER_T / SECONDS_PER_YEAR *
          scenario_point_factor(sc, ps->id[q], u, ps->sector[q], s);
  }
  PetscCall(point_sources_destroy(&ps));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The run's effective namelist, loaded into the options database. */
static PetscErrorCode load_effective(const char *run_dir, char *nml, size_t len)
{
  char pattern[PETSC_MAX_PATH_LEN];
  glob_t gl;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(pattern, sizeof(pattern), "%s/*_effective.nml", run_dir));
  PetscCheck(glob(pattern, 0, NULL, &gl) == 0 && gl.gl_pathc == 1, PETSC_COMM_SELF,
             PETSC_ERR_FILE_OPEN,
             "%s: expected one effective namelist of the run (the model writes it), found %d",
             pattern, (int)gl.gl_pathc);
  PetscCall(PetscStrncpy(nml, gl.gl_pathv[0], len));
  globfree(&gl);
  PetscCall(namelist_load(PETSC_COMM_SELF, nml));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode unit_emissions_create(const char *run_dir, const char *domain_path,
                                     UnitEmissions **out)
{
  char gridded[PETSC_MAX_PATH_LEN], points[PETSC_MAX_PATH_LEN];
  GridSpec spec;
  UnitEmissions *ue;
  Scenario *sc;
  const SpeciesInfo *sp;
  PetscReal *cell_rate;
  PetscInt ns, n;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&ue));
  PetscCall(load_effective(run_dir, ue->nml, sizeof(ue->nml)));
  PetscCall(unit_emissions_input_path(ue->nml, "emissions_gridded_file", gridded, sizeof(gridded)));
  PetscCall(unit_emissions_input_path(ue->nml, "emissions_points_file", points, sizeof(points)));
  PetscCall(domain_grid_spec(domain_path, &spec));
  PetscCall(grid_create(PETSC_COMM_SELF, &spec, 1, 1, 1, &ue->grid));
  PetscCall(domain_read(ue->grid, domain_path, &ue->dom));
  sp = species_table(&ns);
  ue->nspec = ns;
  n = ue->dom->nunit * SECTOR_N * ns;
  PetscCall(PetscCalloc2(n, &ue->t_yr, ue->dom->nunit, &ue->npoints));
  PetscCall(scenario_create(PETSC_COMM_SELF, ue->dom, sp, ns, &sc));
  PetscCall(PetscCalloc1(patch_size2(&ue->grid->patch) * SECTOR_N * ns, &cell_rate));
  if (gridded[0]) PetscCall(read_gridded(gridded, ue->grid, sp, ns, cell_rate));
  split_area(ue, sc, cell_rate);
  if (points[0]) PetscCall(add_points(ue, sc, points, sp));
  for (PetscInt x = 0; x < n; x++) ue->t_yr[x] *= SECONDS_PER_YEAR / KG_PER_T;
  PetscCall(PetscFree(cell_rate));
  PetscCall(scenario_destroy(&sc));
  *out = ue;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode unit_emissions_destroy(UnitEmissions **ue)
{
  PetscFunctionBeginUser;
  if (!*ue) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree2((*ue)->t_yr, (*ue)->npoints));
  PetscCall(domain_destroy(&(*ue)->dom));
  PetscCall(grid_destroy(&(*ue)->grid));
  PetscCall(PetscFree(*ue));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool unit_emissions_cell(const UnitEmissions *ue, PetscReal lon, PetscReal lat, PetscInt *i,
                              PetscInt *j)
{
  return grid_spec_cell(&ue->grid->spec, lon, lat, i, j);
}

PetscInt unit_emissions_cell_unit(const UnitEmissions *ue, PetscInt i, PetscInt j)
{
  const Domain *d = ue->dom;
  PetscInt c2 = patch_index2(&ue->grid->patch, i, j), best = -1, key = -1;
  for (PetscInt e = d->cover_start[c2]; e < d->cover_start[c2 + 1]; e++) {
    PetscReal f = d->cover_fraction[e];
    if (best < 0 || f > d->cover_fraction[best]) best = e;
    if (d->unit[d->cover_unit[e]].kind == DOMAIN_UNIT_KEY &&
        (key < 0 || f > d->cover_fraction[key]))
      key = e;
  }
  return key >= 0 ? d->cover_unit[key] : (best >= 0 ? d->cover_unit[best] : -1);
}
