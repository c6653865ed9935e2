#!/usr/bin/python3
"""A fixed-seed mutation fuzzer over Bogda's inputs (issue 18), for tests/regression/fuzz.sh.

usage: fuzz.py SETUP_DIR WORK_DIR BIN_DIR CASES_PER_TARGET SEED

SETUP_DIR holds valid inputs made by fuzz.sh with the release programs: the att27 domain, the
illustrative inventory and its points CSV, a checkpoint, the att9 child's domain with its
parent's boundary files. Each target mutates one input and runs the program that reads it
(from BIN_DIR, the sanitizer build) on a case of one hour or less:

  namelist    the attribution case's namelist           bogda
  points      the point-source CSV                      bogda
  sites       the hotspots and point-sources CSV        bogda-inventory
  polygons    the Xinjiang outline (GeoJSON)            bogda-grid
  domain      the att27 domain file (NetCDF)            bogda
  inventory   the gridded inventory (NetCDF)            bogda
  wrf         the Tibet wrfout sample (NetCDF)          bogda (met_source wrf)
  checkpoint  a 1-hour checkpoint                       bogda -run_restart
  boundary    a parent's boundary file                  bogda (the child)

Text mutations: a flipped bit, a truncation, a duplicated, deleted or swapped line, a number
replaced by a special value (nan, inf, 1e400, -1, 0, 1e308, 2147483648, netCDF's fill value
...), a byte-order mark, a NUL byte, CR-only or CRLF line ends. NetCDF mutations: flipped
bytes, a truncation, a random slice of a random numeric variable set to a special value, a
variable renamed, an attribute deleted. Checkpoints: flipped bytes and truncations; since
every byte of a checkpoint is covered by its checksums or checked against the run, a mutant
that differs from the valid checkpoint must be refused, and one accepted is a failure.

Every case must end either in success (exit 0) or in a clean refusal: a non-zero exit with an
error message, no sanitizer report, no signal, within the time limit, and no output file left
under a final name (a .nc or .csv result in the run's folder; the effective namelist and the
emission report, written once every input has been read, describe the inputs of a run that
started and may stay when it fails later). The counts of each outcome are printed,
with the command of every case that is not clean; TAP lines go to standard output.
"""
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import netCDF4

SPECIAL = ['nan', 'inf', '-inf', '1e400', '-1e400', '0', '-0', '1e308', '-1', '1e-300', '999',
           '2147483648', '9.969209968386869e+36', '-999', '1e20']
SPECIAL_VALUES = [np.nan, np.inf, -np.inf, 0.0, -1.0, 1e308, 1e20, 9.969209968386869e36, -999.0,
                  1e-300, 2147483648.0]
NUMBER = re.compile(rb'(?<![A-Za-z_0-9.])[-+]?\d+(\.\d*)?([eEdD][-+]?\d+)?')
SANITIZER = re.compile(r'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: (Address|Undefined'
                       r'Behavior|Leak)Sanitizer|Caught signal|SEGV|Segmentation fault')
# A refusal's message: the one line "bogda: error: ..." (bogda-grid: ..., "internal error" after a
# traceback; base/error.h), or words of a message printed otherwise.
MESSAGE = re.compile(r'^bogda[-a-z]*: (internal )?error: |ERROR|[Ee]rror|refus|cannot|invalid|expected',
                     re.M)
TIME_LIMIT = 60.0  # s; a normal case takes 1-10 s under the sanitizers


def mutate_text(rng, data):
    """One random mutation of a text file's bytes; returns (bytes, description)."""
    lines = data.split(b'\n')
    kind = rng.choice(['flip', 'truncate', 'duplicate', 'delete', 'swap', 'special', 'special',
                       'special', 'bom', 'nul', 'cr', 'crlf'])
    if kind == 'flip' and data:
        k = rng.randrange(len(data))
        b = bytearray(data)
        b[k] ^= 1 << rng.randrange(8)
        return bytes(b), f'bit flip at byte {k}'
    if kind == 'truncate' and data:
        k = rng.randrange(len(data))
        return data[:k], f'truncated at byte {k}'
    if kind in ('duplicate', 'delete', 'swap') and len(lines) > 2:
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        if kind == 'duplicate':
            lines.insert(a, lines[a])
        elif kind == 'delete':
            del lines[a]
        else:
            lines[a], lines[b] = lines[b], lines[a]
        return b'\n'.join(lines), f'{kind} line {a + 1}' + (f' and {b + 1}' if kind == 'swap' else '')
    if kind == 'special':
        numbers = list(NUMBER.finditer(data))
        if numbers:
            m = rng.choice(numbers)
            v = rng.choice(SPECIAL).encode()
            return data[:m.start()] + v + data[m.end():], f'number {m.group(0).decode()} at byte {m.start()} -> {v.decode()}'
    if kind == 'bom':
        return b'\xef\xbb\xbf' + data, 'byte-order mark'
    if kind == 'nul' and data:
        k = rng.randrange(len(data))
        return data[:k] + b'\0' + data[k:], f'NUL at byte {k}'
    if kind == 'cr':
        return data.replace(b'\n', b'\r'), 'CR-only line ends'
    return data.replace(b'\n', b'\r\n'), 'CRLF line ends'


def mutate_binary(rng, src, dst):
    data = bytearray(open(src, 'rb').read())
    if rng.random() < 0.3:
        k = rng.randrange(len(data))
        open(dst, 'wb').write(data[:k])
        return f'truncated at byte {k} of {len(data)}'
    flips = []
    for _ in range(rng.randint(1, 8)):
        k = rng.randrange(len(data))
        data[k] ^= 1 << rng.randrange(8)
        flips.append(k)
    open(dst, 'wb').write(data)
    return 'bits flipped at bytes ' + ','.join(map(str, flips))


def mutate_netcdf(rng, src, dst):
    if rng.random() < 0.25:
        return mutate_binary(rng, src, dst)
    shutil.copyfile(src, dst)
    with netCDF4.Dataset(dst, 'r+') as f:
        numeric = [v for v in f.variables.values() if v.dtype.kind in 'fiu' and v.size > 0]
        kind = rng.choice(['value', 'value', 'value', 'rename', 'attribute'])
        v = rng.choice(numeric)
        if kind == 'rename':
            new = rng.choice([v.name.upper(), v.name + '_x', v.name[:-1]])
            if new and new not in f.variables:
                f.renameVariable(v.name, new)
                return f'variable {v.name} renamed {new}'
        if kind == 'attribute':
            owners = [(o, a) for o in [f] + list(f.variables.values()) for a in o.ncattrs()]
            if owners:
                o, a = rng.choice(owners)
                o.delncattr(a)
                return f'attribute {getattr(o, "name", "global")}:{a} deleted'
        value = rng.choice(SPECIAL_VALUES)
        if v.dtype.kind in 'iu':
            value = rng.choice([-1, 0, 2**31 - 1, -2**31, 5000, 1 << 20])
        v.set_auto_maskandscale(False)
        v.set_auto_chartostring(False)  # characters as bytes (labels declare _Encoding)
        index = tuple(slice(rng.randrange(n), None) if rng.random() < 0.3 else rng.randrange(n)
                      for n in v.shape) if v.shape else ()
        try:
            v[index] = value
        except (ValueError, OverflowError, TypeError):
            v[index] = 0
        return f'{v.name}[{index}] = {value}'


class Fuzzer:
    def __init__(self, setup, work, bindir, root):
        self.setup, self.work, self.bin, self.root = setup, work, bindir, root
        self.counts = {}
        self.bad = []
        self.log = []
        self.env = dict(os.environ, ASAN_OPTIONS='detect_leaks=0:halt_on_error=1:abort_on_error=0',
                        UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1')

    def s(self, name):
        return os.path.join(self.setup, name)

    def model(self, out, **override):
        """The attribution case for one hour, untagged, on the shipped set-up; override replaces
        options by key (run_hours=2 sets -run_hours 2), since an option may be given only once."""
        opts = {'run_output_dir': out, 'run_domain_file': self.s('att27_domain.nc'),
                'emissions_gridded_file': self.s('xinjiang_inventory.nc'),
                'emissions_points_file': self.s('xinjiang_points.csv'), 'run_hours': '1',
                'tags_enabled': 'false'}
        opts.update(override)
        cmd = [os.path.join(self.bin, 'bogda'), '-namelist',
               f'{self.root}/namelists/episode_winter.nml,{self.root}/tests/regression/attribution/case.nml']
        for k, v in opts.items():
            cmd += ['-' + k, v]
        return cmd

    def run(self, target, what, cmd, out, must_refuse=False):
        """Runs one prepared case; returns (outcome, log line, report or None, seconds). Thread-safe: it
        touches only its own case folder, so cases run two at a time (one per core)."""
        start = time.time()
        try:
            p = subprocess.run(cmd, cwd=self.root, env=self.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=TIME_LIMIT)
            rc, text = p.returncode, p.stdout.decode('utf-8', 'replace')
        except subprocess.TimeoutExpired as e:
            rc, text = None, (e.stdout or b'').decode('utf-8', 'replace')
        left = [n for n in (os.listdir(out) if os.path.isdir(out) else [])
                if n.endswith(('.nc', '.csv', '.nml'))]
        if rc is None:
            outcome = 'hang'
        elif rc < 0 or rc >= 128 or SANITIZER.search(text):
            outcome = 'crash'
        elif rc == 0:
            outcome = 'damaged checkpoint accepted' if must_refuse else 'accepted'
        elif not MESSAGE.search(text):
            outcome = 'silent failure'
        elif [n for n in left if not n.endswith(('_effective.nml', '_emissions.csv'))]:
            outcome = 'refused, output left'
        else:
            outcome = 'clean refusal'
        line = f'{target}: {what}: {outcome} (exit {rc}, {time.time() - start:.1f} s)'
        bad = None
        if outcome not in ('accepted', 'clean refusal'):
            first = next((l for l in text.splitlines() if SANITIZER.search(l) or 'ERROR' in l or ': error: ' in l), '')
            bad = (f'{outcome}: {target}: {what} ({time.time() - start:.1f} s; exit {rc}; '
                   f'left {left}): {first[:200]}\n    {" ".join(cmd)}')
        return outcome, line, bad, time.time() - start

    def text_case(self, rng, target, n, src, make_cmd):
        data = open(src, 'rb').read()
        case = os.path.join(self.work, f'{target}{n}')
        os.makedirs(case)
        mutant = os.path.join(case, os.path.basename(src))
        new, what = mutate_text(rng, data)
        open(mutant, 'wb').write(new)
        out = os.path.join(case, 'out')
        os.makedirs(out)
        return (target, what, make_cmd(mutant, out), out, False)

    def file_case(self, rng, target, n, src, mutate, make_cmd):
        case = os.path.join(self.work, f'{target}{n}')
        os.makedirs(case)
        mutant = os.path.join(case, os.path.basename(src))
        what = mutate(rng, src, mutant)
        out = os.path.join(case, 'out')
        os.makedirs(out)
        damaged = target == 'checkpoint' and open(src, 'rb').read() != open(mutant, 'rb').read()
        return (target, what, make_cmd(mutant, out), out, damaged)


def main():
    setup, work, bindir, per_target, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
    fz = Fuzzer(setup, work, bindir, root)
    rng = random.Random(seed)
    grid = os.path.join(bindir, 'bogda-grid')
    att = f'{root}/tests/regression/attribution'
    targets = {
        'namelist': lambda n: fz.text_case(rng, 'namelist', n, f'{att}/case.nml', lambda m, o: [
            os.path.join(bindir, 'bogda'), '-namelist', f'{root}/namelists/episode_winter.nml,{m}',
            '-run_output_dir', o, '-run_domain_file', fz.s('att27_domain.nc'),
            '-emissions_gridded_file', fz.s('xinjiang_inventory.nc'),
            '-emissions_points_file', fz.s('xinjiang_points.csv'), '-run_hours', '1', '-tags_enabled', 'false']),
        'points': lambda n: fz.text_case(rng, 'points', n, fz.s('xinjiang_points.csv'), lambda m, o:
                                         fz.model(o, emissions_points_file=m)),
        'sites': lambda n: fz.text_case(rng, 'sites', n, f'{root}/data/xinjiang_hotspots_and_point_sources.csv', lambda m, o: [
            os.path.join(bindir, 'bogda-inventory'), '-namelist', f'{root}/namelists/domains.nml',
            '-inventory', f'{root}/namelists/inventory.nml', '-inventory_sites_file', m, '-out', o]),
        'polygons': lambda n: fz.text_case(rng, 'polygons', n, f'{root}/data/xinjiang_outline_dcw.geojson', lambda m, o: [
            grid, '-namelist', f'{att}/domain.nml', '-grid_tool_outline_file', m, '-out', o]),
        'domain': lambda n: fz.file_case(rng, 'domain', n, fz.s('att27_domain.nc'), mutate_netcdf, lambda m, o:
                                         fz.model(o, run_domain_file=m)),
        'inventory': lambda n: fz.file_case(rng, 'inventory', n, fz.s('xinjiang_inventory.nc'), mutate_netcdf, lambda m, o:
                                            fz.model(o, emissions_gridded_file=m)),
        'wrf': lambda n: fz.file_case(rng, 'wrf', n, f'{root}/tests/data/wrf/wrfout_tibet_lambert_allvars_cropped.nc',
                                      mutate_netcdf, lambda m, o: [
            os.path.join(bindir, 'bogda'), '-namelist', f'{root}/tests/regression/wrf/case.nml',
            '-met_wrf_files', m, '-run_hours', '3', '-run_output_dir', o]),
        'checkpoint': lambda n: fz.file_case(rng, 'checkpoint', n, fz.s('ck/ck_checkpoint_20240110T0100Z.bin'),
                                             mutate_binary, lambda m, o: fz.model(o, run_hours='2', run_restart=m,
                                                                                  run_name='ck')),
        'boundary': lambda n: fz.file_case(rng, 'boundary', n, fz.s('parent/parent_bdy_20240110T0000Z.nc'), mutate_netcdf,
                                           lambda m, o: [
            os.path.join(bindir, 'bogda'), '-namelist', f'{root}/namelists/episode_winter.nml,{root}/tests/regression/nest/case.nml',
            '-run_name', 'child', '-run_output_dir', o, '-run_domain_file', fz.s('att9_domain.nc'), '-run_dt', '300',
            '-run_hours', '1', '-boundary_parent_files', m]),
    }
    start = time.time()
    # The mutants are made one after another from the one seeded generator (the same cases on
    # every machine), then run two at a time; the tallies keep the cases' order.
    cases = [case(n) for case in targets.values() for n in range(per_target)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda c: fz.run(*c), cases))
    per = {target: {} for target in targets}
    seconds = {target: 0.0 for target in targets}
    for (target, *_), (outcome, line, bad, secs) in zip(cases, results):
        per[target][outcome] = per[target].get(outcome, 0) + 1
        seconds[target] += secs
        fz.counts[outcome] = fz.counts.get(outcome, 0) + 1
        fz.log.append(line)
        if bad:
            fz.bad.append(bad)
    with open(os.path.join(work, 'cases.txt'), 'w') as f:
        f.write('\n'.join(fz.log) + '\n')
    tried = sum(fz.counts.values())
    summary = ', '.join(f'{fz.counts.get(k, 0)} {k}' for k in
                        ['clean refusal', 'accepted', 'crash', 'hang', 'silent failure', 'refused, output left',
                         'damaged checkpoint accepted'])
    print(f'# fuzz: seed {seed}, {tried} cases in {time.time() - start:.0f} s: {summary}')
    for target, c in per.items():
        print(f'#   {target} ({seconds[target]:.0f} s of run time): ' + ', '.join(f'{v} {k}' for k, v in sorted(c.items())))
    for b in fz.bad:
        print('#   ' + b.replace('\n', '\n#   '))
    n = 0
    for outcome in ['crash', 'hang', 'silent failure', 'refused, output left', 'damaged checkpoint accepted']:
        n += 1
        k = fz.counts.get(outcome, 0)
        print(f'{"ok" if k == 0 else "not ok"} {n} - no case ends in a {outcome} ({k} of {tried})')
    n += 1
    print(f'{"ok" if tried == per_target * len(targets) else "not ok"} {n} - {tried} cases tried over {len(targets)} inputs')
    print(f'1..{n}')


if __name__ == '__main__':
    main()
