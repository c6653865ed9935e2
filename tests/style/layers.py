#!/usr/bin/python3
"""The layering and header rules of STYLE.md, checked on every C file of the tree (make lint).

Prints TAP: one line per rule, with every offending file:line listed under a failing one.
Layers, bottom up; a file may include our headers only from its own layer and those below:
  base/       nothing of ours but base/
  grids/      base/, grids/
  physics/    base/, grids/patch.h, physics/ (and no MPI, DM, Vec, KSP, NetCDF, files, printing)
  model/      base/, grids/, physics/, model/ (a met source, model/met/met_<name>.c, includes
              of model/ only its plug-in contract model/met/met_source.h and the helpers of
              model/met/: not the Met front model/met/met.h, nothing of the driver, output or
              emissions); nothing in model/met/ includes model/output/ (the driver writes
              the met output)
  prep/       base/, grids/, physics/, model/ (a pre-processing program sits above the model)
  postproc/   anything but tests/
Each X.c with a header X.h beside it includes X.h first; every header opens with #pragma once;
no two C files share a name; project headers are included by their path from the root.
"""
import os
import re
import sys

# The tree to check: the argument, or the repository this file is in.
ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..'))
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
ALLOWED = {
    'base': ('base/',),
    'grids': ('base/', 'grids/'),
    'physics': ('base/', 'grids/patch.h', 'physics/'),
    'model': ('base/', 'grids/', 'physics/', 'model/'),
    'prep': ('base/', 'grids/', 'physics/', 'model/', 'prep/'),
    'postproc': ('base/', 'grids/', 'physics/', 'model/', 'prep/', 'postproc/'),
    'tests': ('base/', 'grids/', 'physics/', 'model/', 'prep/', 'postproc/', 'tests/'),
}
PHYSICS_BANNED_INCLUDES = re.compile(r'^(mpi\.h|petscdm|petscvec|petscksp|petscviewer|netcdf)')
PHYSICS_BANNED_CALLS = re.compile(r'\b(printf|fprintf|puts|fopen|fwrite|MPI_[A-Z][a-z_]*)\s*\(')


def c_files():
    for top in ALLOWED:
        for dirpath, _, names in os.walk(os.path.join(ROOT, top)):
            for n in sorted(names):
                if n.endswith(('.c', '.h')):
                    yield os.path.relpath(os.path.join(dirpath, n), ROOT)


def includes(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield lineno, m.group(1), m.group(2)


def check_layers(path, bad):
    layer = path.split('/')[0]
    met_source = path.startswith('model/met/met_') and path not in ('model/met/met.c', 'model/met/met.h')
    for lineno, kind, name in includes(path):
        if kind == '<':
            continue
        where = f'{path}:{lineno}: #include "{name}"'
        if not os.path.exists(os.path.join(ROOT, name)):
            bad.append(f'{where} is not a path from the root of the tree')
        elif not name.startswith(ALLOWED[layer]):
            bad.append(f'{where} reaches outside the layers below {layer}/')
        elif met_source and name.startswith('model/') and not name.startswith('model/met/'):
            bad.append(f'{where}: a met source includes only the contract of model/met/')
        elif path.startswith('model/met/') and name.startswith('model/output/'):
            bad.append(f'{where}: model/met/ reads the meteorology and writes no files; the '
                       'driver owns the met output')
        elif met_source and name == 'model/met/met.h':
            bad.append(f'{where}: a met source includes the contract model/met/met_source.h, '
                       'not the Met front')


def check_own_header(path, bad):
    if not path.endswith('.c') or not os.path.exists(os.path.join(ROOT, path[:-2] + '.h')):
        return
    first = next((name for _, kind, name in includes(path) ), None)
    if first != path[:-2] + '.h':
        bad.append(f'{path}: first include is {first}, not its own header {path[:-2]}.h')


def check_physics(path, bad):
    if not path.startswith('physics/'):
        return
    for lineno, _, name in includes(path):
        if PHYSICS_BANNED_INCLUDES.match(name):
            bad.append(f'{path}:{lineno}: physics/ includes {name}')
    if path.endswith('.c'):
        with open(os.path.join(ROOT, path), encoding='utf-8') as f:
            for lineno, line in enumerate(f, 1):
                if PHYSICS_BANNED_CALLS.search(line):
                    bad.append(f'{path}:{lineno}: physics/ does MPI, file I/O or printing: {line.strip()}')


def check_pragma(path, bad):
    if path.endswith('.h'):
        with open(os.path.join(ROOT, path), encoding='utf-8') as f:
            if f.readline().strip() != '#pragma once':
                bad.append(f'{path}: the first line is not #pragma once')


def main():
    files = list(c_files())
    rules = [('no include reaches upward, project headers by their path from the root', check_layers),
             ('every .c includes its own header first', check_own_header),
             ('physics/ does no MPI, DM/Vec/KSP, NetCDF, file I/O or printing', check_physics),
             ('every header opens with #pragma once', check_pragma)]
    failed = 0
    n = 0
    for title, rule in rules:
        bad = []
        for path in files:
            rule(path, bad)
        n += 1
        print(('ok' if not bad else 'not ok'), n, '-', title, f'({len(files)} files)')
        for b in bad:
            print('#   ' + b)
        failed += bool(bad)
    names = {}
    for path in files:
        if path.endswith('.c'):
            names.setdefault(os.path.basename(path), []).append(path)
    twins = [' and '.join(p) for p in names.values() if len(p) > 1]
    n += 1
    print(('ok' if not twins else 'not ok'), n, '- no two C files share a name')
    for t in twins:
        print('#   ' + t)
    failed += bool(twins)
    print(f'1..{n}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
