// The query page in headless Chromium (tests/regression/query_page.sh runs it): search a unit,
// click one on the map, fill the project form, and check every number the page shows against
// bogda-query's -json answer for the same question (its full value in data-v exactly, its text to
// the 4 significant digits shown) and every strategy cell against the CSV tables.
//   node query_page.js --page URL --bin DIR --run DIR --domain FILE --strategy DIR
//                      --shot PNG [--footprints FP.nc] [--tamper]
// With --footprints (the page written with query_page.py --footprints) the surface project's
// footprint-based answer is checked against bogda-query -footprints's, and a stack's is said to
// need bogda-query.
// --tamper changes one coefficient of the page's data (and every footprint) in its last bits
// before the checks: the number checks must then fail (the shell script checks they do).
// Prints one line per check, "ok|what" or "fail|what"; exits 1 if any failed.
'use strict';
const path = require('path');
const fs = require('fs');
const {execFileSync} = require('child_process');

const arg = {};
for (let k = 2; k < process.argv.length; k++) {
  const a = process.argv[k].replace(/^--/, '');
  if (a === 'tamper') arg.tamper = true; else arg[a] = process.argv[++k];
}
const puppeteer = require(path.join(process.env.PUPPETEER_DIR || '', 'node_modules', 'puppeteer-core'));
let failed = 0;
function report(good, what) { if (!good) failed++; console.log((good ? 'ok|' : 'fail|') + what); }

function query(args) {
  const out = execFileSync(path.join(arg.bin, 'bogda-query'),
                           ['-run', arg.run, '-domain', arg.domain, '-json'].concat(args),
                           {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
  const a = JSON.parse(out), h = {};
  a.hotspots.forEach(x => { h[x.code] = x; });
  a.hotspots = h;
  return a;
}
function lookup(answer, q) {
  return q.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), answer);
}
// Does the shown text carry v to (at least) 4 significant digits?
function shownOk(text, v) {
  const x = Number(text);
  if (!isFinite(x)) return false;
  if (v === 0) return x === 0;
  const half = 0.5 * Math.pow(10, Math.floor(Math.log10(Math.abs(v))) - 3);
  return Math.abs(x - v) <= half * (1 + 1e-9);
}
// Every data-q cell under selector against the answer; returns [checked, mismatches].
async function compare(page, selector, answer) {
  const cells = await page.$$eval(selector + ' [data-q]', es => es.map(e => ({q: e.getAttribute('data-q'), v: e.getAttribute('data-v'), text: e.textContent})));
  const bad = [];
  for (const c of cells) {
    const want = lookup(answer, c.q);
    if (Array.isArray(want)) { if (c.v !== want.join(',')) bad.push(c.q + ': ' + c.v + ' != ' + want); continue; }
    if (typeof want === 'string') { if (c.v !== want) bad.push(c.q + ': ' + c.v + ' != ' + want); continue; }
    if (typeof want !== 'number') { bad.push(c.q + ': not in the answer'); continue; }
    if (Number(c.v) !== want) bad.push(c.q + ': page ' + c.v + ' != bogda-query ' + want);
    else if (!shownOk(c.text, want)) bad.push(c.q + ': shown "' + c.text + '" is not ' + want + ' to 4 digits');
  }
  return [cells.length, bad];
}
async function check(page, selector, answer, what) {
  const [n, bad] = await compare(page, selector, answer);
  report(n > 0 && bad.length === 0, what + ': ' + n + ' numbers equal bogda-query\'s' + (bad.length ? '; ' + bad.length + ' differ, first: ' + bad.slice(0, 3).join('; ') : ''));
}
function readCsv(file) {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n'), head = lines[0].split(',');
  return lines.slice(1).map(l => { const c = l.split(','), r = {}; head.forEach((h, k) => { r[h] = c[k]; }); return r; });
}
async function checkCsv(page, selector, what) {
  const cells = await page.$$eval(selector + ' [data-csv]', es => es.map(e => ({file: e.getAttribute('data-csv'), row: Number(e.getAttribute('data-row')), col: e.getAttribute('data-col'), v: e.getAttribute('data-v'), text: e.textContent})));
  const bad = [];
  for (const c of cells) {
    if (c.col === 'sector') continue; // translated
    const row = readCsv(path.join(arg.strategy, c.file))[c.row], want = row[c.col], x = Number(want);
    if (row.constraint !== undefined && row.constraint !== 'mean') bad.push(c.file + ' row ' + c.row + ' is a ' + row.constraint + ' target, not the period mean');
    if (c.v !== want) bad.push(c.file + ' row ' + c.row + ' ' + c.col + ': "' + c.v + '" != "' + want + '"');
    else if (want !== '' && isFinite(x) ? !shownOk(c.text, x) : c.text !== want) bad.push(c.file + ' row ' + c.row + ' ' + c.col + ': shown "' + c.text + '" for "' + want + '"');
  }
  report(cells.length > 0 && bad.length === 0, what + ': ' + cells.length + ' cells equal the CSV' + (bad.length ? '; ' + bad.slice(0, 3).join('; ') : ''));
}

(async () => {
  const browser = await puppeteer.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
                                          args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files']});
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.setViewport({width: 1400, height: 1000});
  await page.goto(arg.page);
  await page.waitForSelector('body[data-ready]');
  if (arg.tamper)
    await page.evaluate(() => {
      window.BOGDA_QUERY.units.forEach(u => { for (const h in u.coefficient) u.coefficient[h].ppm25 *= 1 + Math.pow(2, -50); });
      if (window.BOGDA_QUERY.footprints) window.BOGDA_QUERY.footprints.surface.forEach(c => c.forEach(f => f.forEach((v, m) => { f[m] = v * (1 + Math.pow(2, -50)); })));
    });
  const grid = await page.evaluate(() => ({nx: window.BOGDA_QUERY.grid.nx, ny: window.BOGDA_QUERY.grid.ny, cell_unit: window.BOGDA_QUERY.grid.cell_unit,
                                          codes: window.BOGDA_QUERY.units.map(u => u.code), names: window.BOGDA_QUERY.units.map(u => u.name_zh)}));
  // 1. Search by (part of) a name, pick the unit from the results.
  const code = arg.unit, part = grid.names[grid.codes.indexOf(code)].slice(0, 5);
  await page.type('#search', part);
  await page.click('#search-go');
  await page.waitForSelector('#results li[data-unit="' + code + '"]');
  await page.click('#results li[data-unit="' + code + '"]');
  report(await page.$eval('#unit', e => e.getAttribute('data-unit')) === code, 'search "' + part + '" finds and shows ' + code);
  await check(page, '#unit', query(['-unit', code]), 'searched unit ' + code);
  await checkCsv(page, '#unit-strategy', 'strategy of ' + code);
  // 2. Click a cell of another unit on the map.
  let ci = -1;
  for (let c = 0; c < grid.nx * grid.ny && ci < 0; c++)
    if (grid.cell_unit[c] >= 0 && grid.codes[grid.cell_unit[c]] === arg.click) ci = c;
  for (let c = 0; c < grid.nx * grid.ny && ci < 0; c++) /* the unit asked for covers no cell */
    if (grid.cell_unit[c] >= 0 && grid.codes[grid.cell_unit[c]] !== code) ci = c;
  const i = ci % grid.nx, j = Math.floor(ci / grid.nx), clicked = grid.codes[grid.cell_unit[ci]];
  const box = await (await page.$('#cell-' + i + '-' + j)).boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  report(await page.$eval('#unit', e => e.getAttribute('data-unit')) === clicked, 'a click on cell (' + i + ', ' + j + ') shows its unit ' + clicked);
  await check(page, '#unit', query(['-unit', clicked]), 'clicked unit ' + clicked);
  // 3. The project form at the clicked place: a stack.
  const lon = await page.$eval('#p-lon', e => e.value), lat = await page.$eval('#p-lat', e => e.value);
  const emit = {so2: '120.5', nox: '80', ppm25: '15.25', nh3: '3'};
  for (const k in emit) await page.type('#e-' + k, emit[k]);
  await page.click('#p-stack');
  await page.click('#p-height', {clickCount: 3});
  await page.type('#p-height', '60');
  await page.click('#p-go');
  await page.waitForSelector('#project-add');
  const list = Object.keys(emit).map(k => k + '=' + emit[k]).join(',');
  const answer = query(['-lonlat', lon + ',' + lat, '-emit', list, '-stack_height', '60']);
  report(answer.unit.code === clicked, 'bogda-query puts the clicked place ' + lon + ',' + lat + ' in ' + answer.unit.code);
  await check(page, '#project-result', answer, 'project at ' + lon + ',' + lat + ' (' + list + ')');
  await checkCsv(page, '#project-add', 'targets beside the project');
  await page.screenshot({path: arg.shot, fullPage: true});
  // 4. Colour by the contribution to the first hotspot: the clicked unit's cells change colour.
  const before = await page.$eval('#cell-' + i + '-' + j, e => e.getAttribute('fill'));
  const zone = await page.$eval('#colour option:nth-child(2)', e => e.value);
  await page.select('#colour', zone);
  const after = await page.$eval('#cell-' + i + '-' + j, e => e.getAttribute('fill'));
  report(before !== after && /^rgb/.test(after), 'colouring by PM2.5 contribution to ' + zone + ' recolours cell (' + i + ', ' + j + '): ' + before + ' -> ' + after);
  // 5. English: the same numbers, English words.
  await page.click('#lang');
  const en = await page.evaluate(() => [document.documentElement.lang, document.querySelector('h1').textContent]);
  report(en[0] === 'en' && /query/.test(en[1]), 'the language toggle shows English: "' + en[1] + '"');
  await check(page, '#project-result', answer, 'project after the toggle');
  // 5b. With footprints: the stack is left to bogda-query; the same place as a surface project.
  if (arg.footprints) {
    report(await page.$('#fp-stack') !== null, 'the footprint answer of a stack is left to bogda-query -footprints');
    await page.click('#p-surface');
    await page.click('#p-go');
    await page.waitForSelector('#fp-add');
    const fanswer = query(['-lonlat', lon + ',' + lat, '-emit', list, '-footprints', arg.footprints]);
    report(fanswer.method === 'footprints', 'bogda-query -footprints answers the surface project from the footprints');
    await check(page, '#project-footprints', fanswer, 'surface project at ' + lon + ',' + lat + ' from the footprints');
  }
  // 6. A bad value is refused naming it.
  await page.click('#p-lon', {clickCount: 3});
  await page.type('#p-lon', '87.x');
  await page.click('#p-go');
  const msg = await page.$eval('#project-error', e => e.textContent).catch(() => '');
  report(msg.indexOf('87.x') >= 0, 'a bad longitude is refused naming it: "' + msg + '"');
  report(errors.length === 0, 'no script errors on the page' + (errors.length ? ': ' + errors[0] : ''));
  await browser.close();
  process.exit(failed ? 1 : 0);
})().catch(e => { console.log('fail|the browser session failed: ' + String(e.message || e).split('\n')[0]); process.exit(1); });
