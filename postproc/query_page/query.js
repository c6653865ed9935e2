// The query page of a Bogda run (postproc/query_page.py writes it with data.js beside it).
// Every number comes from bogda-query's -page_data export (window.BOGDA_QUERY, 17 significant
// digits, so each reads back to the very double bogda-query used); what the page computes itself,
// a project's addition, follows bogda-query's arithmetic operation by operation
// (postproc/query.c, query_project): add[k] = coef[k] * emit[source(k)], PM2.5 the sum of the
// components in the species table's order; with footprints (a backward run's, bogda-query
// -page_data -footprints), a surface project's addition to each functional follows
// postproc/footprint_query.c: by[s] = sens0[s] * (emit[s] * 1000 / 31536000) (layer 0, its rate
// in kg s-1 over the model's 365-day year, base/units.h), the total their sum in the species
// table's order. Shown numbers carry at least 4 significant digits; each keeps
// its full value in data-v and the path of that value in bogda-query's -json answer in data-q
// (tests/browser/query_page.js compares them).
'use strict';
const D = window.BOGDA_QUERY, G = window.BOGDA_GEO, S = window.BOGDA_STRATEGY;
const SVGNS = 'http://www.w3.org/2000/svg';
const DEG = Math.PI / 180; // base/constants.h CONST_DEG2RAD
const KIND_COLOUR = {priority: '#1a9850', key: '#d73027', general: '#fee08b', outside: '#c8c8c8'};
const T = {
  zh: {
    title: 'Bogda 生态环境分区管控单元查询', colour_by: '着色：', by_kind: '单元类别',
    by_zone: '对 {h} 的 PM2.5 贡献', search_title: '查询管控单元', search: '查询',
    project_title: '新建项目评估', lon: '经度', lat: '纬度', surface: '地面源', stack: '烟囱',
    height: '烟囱高度 (m)', compute: '计算',
    pick_note: '点击地图可选取位置（同时显示所在单元）。排放量单位：吨/年。',
    map_note: '单元按模式网格绘制：每个网格归入点源落入该网格时模式所记的单元（重点管控优先，其次面积最大者）。',
    priority: '优先保护单元', key: '重点管控单元', general: '一般管控单元', outside: '区外',
    code: '编码', kind: '类别', prefecture: '地州', county: '县市', area: '面积 (km²)',
    points: '点源数', tags: '归因示踪', resolved: '单独示踪（贡献精确）',
    grouped: '与其他 {n} 个单元合并示踪（本单元贡献按排放量估算）', emissions: '排放量（吨/年）',
    sector: '部门', total: '合计', power: '电力', industry: '工业', residential: '民用',
    transport: '交通', agriculture: '农业', hotspot: '重点区域', mean: '期间平均',
    contribution: '本单元贡献', coefficient: '单位排放贡献系数 (µg m⁻³ / (吨/年))',
    contrib_title: '对重点区域的贡献 (µg m⁻³)', strategy: '本单元减排策略',
    no_strategy: '本次运行没有减排策略表 (strategy_units.csv)。', target: '目标', named_stack: '单列点源',
    precursor: '前体物', cut_percent: '削减 (%)', cut_t_yr: '削减 (吨/年)', cost_yuan: '费用 (元)',
    unit_of_point: '项目所在单元', cell: '网格 (i, j)', added: '项目新增',
    no_results: '没有匹配的单元。', outside_domain: '该点位于模拟区域之外：{v}',
    bad_number: '{f} 不是有效数值：“{v}”', bad_range: '{f} 超出范围：{v}', no_unit: '该网格没有管控单元',
    no_tags: '本次运行没有归因示踪，无法给出贡献。',
    note: '系数为按单元平均的示踪系数（示意性）：单元示踪贡献除以其前体物排放量；单元内任一位置、任一高度的项目系数相同（足迹结果见下）。',
    fp_title: '按受体足迹（伴随反演）计算的新增浓度 (µg m⁻³)', functional: '受体泛函', fp_added: '新增',
    emit_kg_s: '排放速率 (kg/s)',
    fp_note: '足迹法：反向（伴随）运行给出的各受体泛函对项目所在网格第 0 层 1 kg/s 恒定源的敏感度，乘以项目排放速率（按模式 365 天年换算），对各排放物种求和；对恒定速率的地面源在线性运行中是精确的。',
    fp_stack: '烟囱的足迹结果需要按运行气象逐步计算抬升高度，本页面不计算：请用 bogda-query -footprints {f} -stack_height … -stack_diameter … -stack_velocity … -stack_temperature …',
    stack_note: '已记录烟囱高度 {h} m；单元平均系数与高度无关。', run: '运行'
  },
  en: {
    title: 'Bogda control-unit query (zoned environmental control)', colour_by: 'Colour by: ',
    by_kind: 'kind of unit', by_zone: 'PM2.5 contribution to {h}', search_title: 'Find a control unit',
    search: 'Search', project_title: 'New project', lon: 'Longitude', lat: 'Latitude',
    surface: 'surface release', stack: 'stack', height: 'stack height (m)', compute: 'Compute',
    pick_note: 'Click the map to pick the place (it also shows the unit there). Emissions in t/yr.',
    map_note: 'Units are drawn on the model grid: each cell shows the unit the model credits a stack in it to (the key-control unit first, else the largest share).',
    priority: 'priority protection unit', key: 'key control unit', general: 'general control unit',
    outside: 'outside Xinjiang', code: 'code', kind: 'kind', prefecture: 'prefecture', county: 'county',
    area: 'area (km²)', points: 'point sources', tags: 'attribution tags',
    resolved: 'tagged alone (exact contribution)',
    grouped: 'tagged with {n} other units (its share estimated from its emissions)',
    emissions: 'Emissions (t/yr)', sector: 'sector', total: 'total', power: 'power', industry: 'industry',
    residential: 'residential', transport: 'transport', agriculture: 'agriculture', hotspot: 'hotspot',
    mean: 'mean over the run', contribution: 'this unit', coefficient: 'Coefficient (µg m⁻³ per t/yr)',
    contrib_title: 'Contribution at the hotspots (µg m⁻³)', strategy: 'Strategy for this unit',
    no_strategy: 'No strategy table (strategy_units.csv) in this run.', target: 'target', named_stack: 'named stack',
    precursor: 'precursor', cut_percent: 'cut (%)', cut_t_yr: 'cut (t/yr)', cost_yuan: 'cost (yuan)',
    unit_of_point: 'Unit of the place', cell: 'cell (i, j)', added: 'added by the project',
    no_results: 'No unit matches.', outside_domain: 'The point lies outside the domain: {v}',
    bad_number: '{f} is not a number: "{v}"', bad_range: '{f} is out of range: {v}', no_unit: 'the cell has no unit',
    no_tags: 'This run has no attribution tags: no contributions.',
    note: 'Unit-average, tag-based coefficient (illustrative): the unit\'s tag contribution divided by its emission of the precursor; a project anywhere in the unit, at any height, gets the same (the footprint-based answer is below).',
    fp_title: 'Added by the project, from the backward run\'s footprints (µg m⁻³)', functional: 'functional', fp_added: 'added',
    emit_kg_s: 'emission (kg/s)',
    fp_note: 'Footprint-based: the backward (adjoint) run\'s sensitivity of each functional to a constant source of 1 kg/s in layer 0 of the project\'s cell, times the project\'s rates (t/yr over the model\'s 365-day year), summed over the emitted species; exact for a surface source at a constant rate where the run is linear.',
    fp_stack: 'A stack\'s footprint answer needs its plume rise on the run\'s met at every step, which this page does not compute: use bogda-query -footprints {f} -stack_height … -stack_diameter … -stack_velocity … -stack_temperature …',
    stack_note: 'Stack height {h} m recorded; the unit-average coefficient does not depend on it.', run: 'run'
  }
};
let lang = 'zh', current = null, lastProject = null, colourMode = 'kind';

function t(key, args) {
  let s = T[lang][key] !== undefined ? T[lang][key] : key;
  for (const k in args || {}) s = s.replace('{' + k + '}', args[k]);
  return s;
}
function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}
// 4 significant digits; whole numbers from 10^4 up in full (tonnes and yuan read better so).
function fmt(v) {
  if (v === null) return '–';
  return Math.abs(v) >= 1e4 ? String(Math.round(v)) : String(Number(v.toPrecision(4)));
}
// A table cell holding a number of bogda-query's answer: path q, full value v.
function num(q, v) {
  const td = el('td', {class: 'num', 'data-q': q, 'data-v': String(v)}, fmt(v));
  return td;
}
// A cell of a strategy table: a number shown to 4 digits (its CSV text in data-v), else the text.
function csvCell(file, row, col, text) {
  const v = Number(text), isNum = text !== '' && isFinite(v);
  return el('td', {class: isNum ? 'num' : '', 'data-csv': file, 'data-row': String(row), 'data-col': col, 'data-v': text},
            isNum ? fmt(v) : text);
}
function name(o) { return lang === 'zh' ? o.name_zh : o.name_en; }
function sp(k) { return D.species[k]; }

// The projection of the domain, as grids/projection.c computes it (raw_forward, raw_inverse).
function wrap180(d) { while (d > 180) d -= 360; while (d < -180) d += 360; return d; }
function forward(lon, lat) {
  const p = D.grid.projection, R = p.radius, h = p.hemi;
  let x, y, dlon, r;
  if (p.kind === 1) {
    dlon = wrap180(lon - p.stand_lon);
    r = R * Math.cos(p.truelat1 * DEG) / p.cone *
        Math.pow(Math.tan((90 * h - lat) * DEG / 2) / Math.tan((90 * h - p.truelat1) * DEG / 2), p.cone);
    x = h * r * Math.sin(p.cone * dlon * DEG);
    y = -r * Math.cos(p.cone * dlon * DEG);
  } else if (p.kind === 2) {
    dlon = wrap180(lon - (p.stand_lon + 90 * h));
    r = R * Math.cos(lat * DEG) * (1 + h * Math.sin(p.truelat1 * DEG)) / (1 + h * Math.sin(lat * DEG));
    x = r * Math.cos(dlon * DEG);
    y = h * r * Math.sin(dlon * DEG);
  } else if (p.kind === 3) {
    x = R * Math.cos(p.truelat1 * DEG) * wrap180(lon - p.stand_lon) * DEG;
    y = R * Math.cos(p.truelat1 * DEG) * Math.log(Math.tan((45 + lat / 2) * DEG));
  } else {
    x = wrap180(lon - p.stand_lon);
    y = lat;
  }
  return [x - p.x0, y - p.y0];
}
function inverse(x, y) {
  const p = D.grid.projection, R = p.radius, h = p.hemi;
  x += p.x0; y += p.y0;
  if (p.kind === 1) {
    const r = Math.sqrt(x * x + y * y), k = R * Math.cos(p.truelat1 * DEG) / p.cone;
    return [wrap180(p.stand_lon + Math.atan2(h * x, -y) / DEG / p.cone),
            h * (90 - 2 * Math.atan(Math.pow(r / k, 1 / p.cone) * Math.tan((90 - h * p.truelat1) * DEG / 2)) / DEG)];
  }
  if (p.kind === 2) {
    const r = Math.sqrt(x * x + y * y), k = R * (1 + h * Math.sin(p.truelat1 * DEG));
    return [wrap180(p.stand_lon + 90 * h + Math.atan2(h * y, x) / DEG), h * (90 - 2 * Math.atan(r / k) / DEG)];
  }
  if (p.kind === 3) {
    const k = R * Math.cos(p.truelat1 * DEG);
    return [wrap180(p.stand_lon + x / k / DEG), 2 * Math.atan(Math.exp(y / k)) / DEG - 90];
  }
  return [wrap180(p.stand_lon + x), y];
}
// The cell a point falls in, as postproc/unit_emissions.c (and the model) place a stack.
function cellOf(lon, lat) {
  const g = D.grid, xy = forward(lon, lat);
  const i = Math.floor((xy[0] - g.x0) / g.dx + 0.5), j = Math.floor((xy[1] - g.y0) / g.dy + 0.5);
  return (i >= 0 && i < g.nx && j >= 0 && j < g.ny) ? [i, j] : null;
}

// What a project emitting emit[k] t/yr in unit u adds at hotspot h (postproc/query.c).
function projectAdd(u, h, emit) {
  const c = u.coefficient[h], ns = D.species.length - 1, add = {};
  let pm = 0;
  for (let k = 0; k < ns; k++) {
    add[sp(k)] = c[sp(k)] * emit[D.source[k]];
    if (D.in_pm25[k]) pm += add[sp(k)];
  }
  add[sp(ns)] = pm;
  return add;
}

// What a surface project emitting emit[k] t/yr in cell (i, j) adds to each functional of the
// footprints (postproc/footprint_query.c, footprint_column_add with layer 0's fraction 1):
// [{by: [s], total}], by[s] in ug m-3 from species s (0 for species not emitted).
function footprintAdd(i, j, emit) {
  const F = D.footprints, ns = D.species.length - 1, cell = F.surface[j * D.grid.nx + i];
  return F.functionals.map((f, n) => {
    const by = new Array(ns).fill(0);
    let total = 0;
    for (let k = 0; k < ns; k++) {
      const m = F.species.indexOf(k);
      if (m >= 0) by[k] = cell[n][m] * (emit[k] * 1000 / 31536000);
      total += by[k];
    }
    return {by: by, total: total};
  });
}

// The map: cells coloured by kind or contribution, unit edges traced between cells, borders.
function drawMap() {
  const g = D.grid, svg = document.getElementById('map');
  const w = g.nx * g.dx, hgt = g.ny * g.dy, left = g.x0 - g.dx / 2, top = -(g.y0 + (g.ny - 0.5) * g.dy);
  svg.setAttribute('viewBox', [left, top, w, hgt].join(' '));
  svg.innerHTML = '';
  const defs = document.createElementNS(SVGNS, 'defs'), clip = document.createElementNS(SVGNS, 'clipPath');
  clip.setAttribute('id', 'domain-clip');
  const cr = document.createElementNS(SVGNS, 'rect');
  [['x', left], ['y', top], ['width', w], ['height', hgt]].forEach(a => cr.setAttribute(a[0], a[1]));
  clip.appendChild(cr); defs.appendChild(clip); svg.appendChild(defs);
  const cells = document.createElementNS(SVGNS, 'g');
  cells.setAttribute('id', 'cells');
  for (let j = 0; j < g.ny; j++)
    for (let i = 0; i < g.nx; i++) {
      const r = document.createElementNS(SVGNS, 'rect'), u = g.cell_unit[j * g.nx + i];
      r.setAttribute('id', 'cell-' + i + '-' + j);
      r.setAttribute('class', 'cell');
      r.setAttribute('x', g.x0 + (i - 0.5) * g.dx); r.setAttribute('y', -(g.y0 + (j + 0.5) * g.dy));
      r.setAttribute('width', g.dx); r.setAttribute('height', g.dy);
      r.setAttribute('data-unit', u >= 0 ? D.units[u].code : '');
      cells.appendChild(r);
    }
  svg.appendChild(cells);
  let edges = '';
  for (let j = 0; j < g.ny; j++)
    for (let i = 0; i < g.nx; i++) {
      const u = g.cell_unit[j * g.nx + i], x = g.x0 + (i + 0.5) * g.dx, y = -(g.y0 + (j + 0.5) * g.dy);
      if (i + 1 < g.nx && g.cell_unit[j * g.nx + i + 1] !== u) edges += 'M' + x + ',' + y + 'v' + g.dy;
      if (j + 1 < g.ny && g.cell_unit[(j + 1) * g.nx + i] !== u) edges += 'M' + (x - g.dx) + ',' + y + 'h' + g.dx;
    }
  addPath(svg, edges, 'unit-edge');
  const borders = document.createElementNS(SVGNS, 'g');
  borders.setAttribute('clip-path', 'url(#domain-clip)');
  G.counties.forEach(f => addPath(borders, ringsPath(f.rings), 'county'));
  G.prefectures.forEach(f => addPath(borders, ringsPath(f.rings), 'pref'));
  svg.appendChild(borders);
  const zones = document.createElementNS(SVGNS, 'g');
  zones.setAttribute('id', 'hotspots');
  D.hotspots.forEach(h => {
    const inside = new Set(g.hotspot_cells[h.code] || []);
    let d = '', sx = 0, sy = 0;
    inside.forEach(c => {
      const i = c % g.nx, j = Math.floor(c / g.nx), x = g.x0 + (i - 0.5) * g.dx, y = -(g.y0 + (j + 0.5) * g.dy);
      sx += x + g.dx / 2; sy += y + g.dy / 2;
      if (i === 0 || !inside.has(c - 1)) d += 'M' + x + ',' + y + 'v' + g.dy;
      if (i === g.nx - 1 || !inside.has(c + 1)) d += 'M' + (x + g.dx) + ',' + y + 'v' + g.dy;
      if (j === g.ny - 1 || !inside.has(c + g.nx)) d += 'M' + x + ',' + y + 'h' + g.dx;
      if (j === 0 || !inside.has(c - g.nx)) d += 'M' + x + ',' + (y + g.dy) + 'h' + g.dx;
    });
    if (!inside.size) return;
    addPath(zones, d, 'hotspot');
    const label = document.createElementNS(SVGNS, 'text');
    label.setAttribute('x', sx / inside.size); label.setAttribute('y', sy / inside.size - g.dy);
    label.setAttribute('class', 'hotspot-label'); label.setAttribute('font-size', g.dy * 1.2);
    label.setAttribute('data-hotspot', h.code);
    zones.appendChild(label);
  });
  svg.appendChild(zones);
  const sel = document.createElementNS(SVGNS, 'path');
  sel.setAttribute('id', 'selected'); sel.setAttribute('class', 'selected');
  svg.appendChild(sel);
  const pin = document.createElementNS(SVGNS, 'circle');
  pin.setAttribute('id', 'pin'); pin.setAttribute('class', 'pin'); pin.setAttribute('r', g.dx / 5);
  pin.style.display = 'none';
  svg.appendChild(pin);
  svg.addEventListener('click', mapClick);
  colourCells();
}
function addPath(parent, d, cls) {
  const p = document.createElementNS(SVGNS, 'path');
  p.setAttribute('d', d); p.setAttribute('class', cls);
  parent.appendChild(p);
  return p;
}
function ringsPath(rings) {
  return rings.map(r => 'M' + r.map(ll => { const xy = forward(ll[0], ll[1]); return xy[0].toFixed(0) + ',' + (-xy[1]).toFixed(0); }).join('L') + 'Z').join('');
}
function colourCells() {
  const g = D.grid, legend = document.getElementById('legend');
  legend.innerHTML = '';
  let top = 0;
  if (colourMode !== 'kind') D.units.forEach(u => { if (u.contribution) top = Math.max(top, u.contribution[colourMode].pm25 || 0); });
  for (let c = 0; c < g.nx * g.ny; c++) {
    const u = g.cell_unit[c], r = document.getElementById('cell-' + (c % g.nx) + '-' + Math.floor(c / g.nx));
    let fill = '#ffffff';
    if (u >= 0 && colourMode === 'kind') fill = KIND_COLOUR[D.units[u].kind];
    else if (u >= 0 && top > 0 && D.units[u].contribution) {
      const v = D.units[u].contribution[colourMode].pm25, f = v > 0 ? Math.max(0, 1 + Math.log10(v / top) / 4) : 0;
      fill = 'rgb(255,' + Math.round(255 - 200 * f) + ',' + Math.round(255 - 255 * f) + ')';
    }
    r.setAttribute('fill', fill);
  }
  if (colourMode === 'kind')
    ['priority', 'key', 'general', 'outside'].forEach(k => {
      legend.appendChild(el('span', {class: 'swatch', style: 'background:' + KIND_COLOUR[k]}));
      legend.appendChild(document.createTextNode(t(k)));
    });
  else legend.textContent = 'PM2.5, µg m⁻³: ' + fmt(top) + ' … ' + fmt(top / 1e4) + ' (log)';
}
function mapClick(ev) {
  const svg = document.getElementById('map'), pt = svg.createSVGPoint();
  pt.x = ev.clientX; pt.y = ev.clientY;
  const p = pt.matrixTransform(svg.getScreenCTM().inverse()), ll = inverse(p.x, -p.y);
  document.getElementById('p-lon').value = ll[0].toFixed(4);
  document.getElementById('p-lat').value = ll[1].toFixed(4);
  const c = cellOf(Number(ll[0].toFixed(4)), Number(ll[1].toFixed(4)));
  if (c && D.grid.cell_unit[c[1] * D.grid.nx + c[0]] >= 0) showUnit(D.units[D.grid.cell_unit[c[1] * D.grid.nx + c[0]]]);
}

// Search by code, Chinese name or English name (any part, any case).
function search(ev) {
  ev.preventDefault();
  const q = document.getElementById('search').value.trim(), out = document.getElementById('results');
  out.innerHTML = '';
  if (!q) return;
  const ql = q.toLowerCase();
  const hits = D.units.filter(u => u.code.toLowerCase().indexOf(ql) >= 0 || u.name_zh.indexOf(q) >= 0 ||
                                   u.name_en.toLowerCase().indexOf(ql) >= 0);
  if (!hits.length) out.appendChild(el('li', {class: 'error'}, t('no_results')));
  hits.slice(0, 30).forEach(u => {
    const li = el('li', {'data-unit': u.code}, u.code + '  ' + name(u));
    li.addEventListener('click', () => showUnit(u));
    out.appendChild(li);
  });
}

function countyName(code) {
  const c = G.counties.find(f => f.adcode === String(code));
  return c ? name(c) : String(code);
}
function showUnit(u) {
  current = u;
  const box = document.getElementById('unit');
  box.innerHTML = '';
  box.setAttribute('data-unit', u.code);
  box.appendChild(el('h3', {}, name(u) + ' (' + u.code + ')'));
  const info = el('table', {id: 'unit-info'});
  const rows = [['code', u.code], ['kind', t(u.kind)], ['prefecture', u.prefecture ? name(u.prefecture) : t('outside')],
                ['county', countyName(u.county)]];
  rows.forEach(r => { const tr = el('tr'); tr.appendChild(el('th', {}, t(r[0]))); tr.appendChild(el('td', {}, r[1])); info.appendChild(tr); });
  [['area', 'unit.area_km2', u.area_km2], ['points', 'unit.point_sources', u.point_sources]].forEach(r => {
    const tr = el('tr'); tr.appendChild(el('th', {}, t(r[0]))); tr.appendChild(num(r[1], r[2])); info.appendChild(tr);
  });
  const tr = el('tr'); tr.appendChild(el('th', {}, t('tags')));
  tr.appendChild(el('td', {}, u.tags ? u.tags.label + ': ' + (u.tags.resolved ? t('resolved') : t('grouped', {n: u.tags.units - 1})) : t('no_tags')));
  info.appendChild(tr);
  box.appendChild(info);
  box.appendChild(emissionsTable(u));
  if (u.tags) { box.appendChild(contributionTable(u)); box.appendChild(el('p', {class: 'note'}, t('note'))); }
  box.appendChild(strategyTable(u));
  highlight(u);
}
function emissionsTable(u) {
  const ns = D.species.length - 1, tab = el('table', {id: 'unit-emissions'});
  tab.appendChild(el('caption', {}, t('emissions')));
  const head = el('tr'); head.appendChild(el('th', {}, t('sector')));
  for (let k = 0; k < ns; k++) head.appendChild(el('th', {}, sp(k)));
  tab.appendChild(head);
  D.sectors.concat(['total']).forEach(s => {
    const tr = el('tr'); tr.appendChild(el('th', {}, t(s)));
    for (let k = 0; k < ns; k++) tr.appendChild(num('unit.emissions_t_yr.' + s + '.' + sp(k), u.emissions_t_yr[s][sp(k)]));
    tab.appendChild(tr);
  });
  return tab;
}
function contributionTable(u) {
  const ns = D.species.length - 1, wrap = el('div');
  const tab = el('table', {id: 'unit-contribution'});
  tab.appendChild(el('caption', {}, t('contrib_title')));
  const head = el('tr'); head.appendChild(el('th', {}, t('hotspot'))); head.appendChild(el('th', {}, ''));
  for (let k = 0; k <= ns; k++) head.appendChild(el('th', {}, sp(k)));
  tab.appendChild(head);
  D.hotspots.forEach(h => {
    [['mean', 'hotspots.' + h.code + '.mean.', h.mean], ['contribution', 'unit.contribution.' + h.code + '.', u.contribution[h.code]]].forEach(r => {
      const tr = el('tr'); tr.appendChild(el('th', {}, name(h))); tr.appendChild(el('th', {}, t(r[0])));
      for (let k = 0; k <= ns; k++) tr.appendChild(num(r[1] + sp(k), r[2][sp(k)]));
      tab.appendChild(tr);
    });
  });
  wrap.appendChild(tab);
  const co = el('table', {id: 'unit-coefficient'});
  co.appendChild(el('caption', {}, t('coefficient')));
  const h2 = el('tr'); h2.appendChild(el('th', {}, t('hotspot')));
  for (let k = 0; k < ns; k++) h2.appendChild(el('th', {}, sp(k) + ' ← ' + sp(D.source[k])));
  co.appendChild(h2);
  D.hotspots.forEach(h => {
    const tr = el('tr'); tr.appendChild(el('th', {}, name(h)));
    for (let k = 0; k < ns; k++) tr.appendChild(num('unit.coefficient.' + h.code + '.' + sp(k), u.coefficient[h.code][sp(k)]));
    co.appendChild(tr);
  });
  wrap.appendChild(co);
  return wrap;
}
function strategyTable(u, id) {
  const wrap = el('div', {id: id || 'unit-strategy'});
  wrap.appendChild(el('h4', {}, t('strategy')));
  if (!S.units) { wrap.appendChild(el('p', {class: 'note'}, t('no_strategy'))); return wrap; }
  const cols = ['sector', 'precursor', 'cut_percent', 'cut_t_yr', 'cost_yuan'], tab = el('table');
  const head = el('tr'); cols.forEach(c => head.appendChild(el('th', {}, t(c)))); tab.appendChild(head);
  S.units.rows.forEach((r, k) => {
    if (r.unit_code !== u.code) return;
    const tr = el('tr');
    // A named stack's variable (strategy_stacks) says which stack, beside its sector.
    const sector = t(r.sector) + (r.stack ? ' (' + t('named_stack') + ' ' + r.stack + ')' : '');
    cols.forEach(c => tr.appendChild(c === 'sector' ? el('td', {'data-csv': S.units.file, 'data-row': String(k), 'data-col': c}, sector)
                                                    : csvCell(S.units.file, k, c, r[c])));
    tab.appendChild(tr);
  });
  wrap.appendChild(tab);
  return wrap;
}
function highlight(u) {
  const g = D.grid;
  let d = '';
  for (let j = 0; j < g.ny; j++)
    for (let i = 0; i < g.nx; i++)
      if (g.cell_unit[j * g.nx + i] === u.index)
        d += 'M' + (g.x0 + (i - 0.5) * g.dx) + ',' + (-(g.y0 + (j + 0.5) * g.dy)) + 'h' + g.dx + 'v' + g.dy + 'h' + (-g.dx) + 'Z';
  document.getElementById('selected').setAttribute('d', d);
}

// The new-project form: place, emissions by species, release; checked as bogda-query checks.
function readNumber(id, label, inRange, errs) {
  const s = document.getElementById(id).value.trim(), v = Number(s);
  if (s === '' || !isFinite(v)) { errs.push(t('bad_number', {f: label, v: s})); return NaN; }
  if (!inRange(v)) errs.push(t('bad_range', {f: label, v: s}));
  return v;
}
function runProject(ev) {
  if (ev) ev.preventDefault();
  const out = document.getElementById('project-result'), errs = [], ns = D.species.length - 1;
  out.innerHTML = '';
  const lon = readNumber('p-lon', t('lon'), v => v >= -180 && v <= 180, errs), lat = readNumber('p-lat', t('lat'), v => v >= -90 && v <= 90, errs);
  const emit = new Array(ns).fill(0);
  emitSpecies().forEach(k => {
    const s = document.getElementById('e-' + sp(k)).value.trim();
    if (s !== '') emit[k] = readNumber('e-' + sp(k), sp(k), v => v >= 0 && v < 1e9, errs);
  });
  const stack = document.getElementById('p-stack').checked;
  const height = stack ? readNumber('p-height', t('height'), v => v >= 0 && v < 1000, errs) : 0;
  if (errs.length) { out.appendChild(el('p', {class: 'error', id: 'project-error'}, errs.join('; '))); return; }
  const c = cellOf(lon, lat);
  if (!c) { out.appendChild(el('p', {class: 'error', id: 'project-error'}, t('outside_domain', {v: lon + ',' + lat}))); return; }
  const ui = D.grid.cell_unit[c[1] * D.grid.nx + c[0]];
  if (ui < 0) { out.appendChild(el('p', {class: 'error', id: 'project-error'}, t('no_unit'))); return; }
  const u = D.units[ui];
  lastProject = {lon: lon, lat: lat, emit: emit, height: height, stack: stack};
  const xy = forward(lon, lat), pin = document.getElementById('pin');
  pin.setAttribute('cx', xy[0]); pin.setAttribute('cy', -xy[1]); pin.style.display = '';
  const info = el('table', {id: 'project-unit'});
  [['unit_of_point', name(u) + ' (' + u.code + ')', 'unit.code', u.code], ['kind', t(u.kind)],
   ['prefecture', u.prefecture ? name(u.prefecture) : t('outside')], ['cell', c[0] + ', ' + c[1], 'project.cell', c.join(',')]].forEach(r => {
    const tr = el('tr'); tr.appendChild(el('th', {}, t(r[0])));
    tr.appendChild(el('td', r[2] ? {'data-q': r[2], 'data-v': r[3]} : {}, r[1])); info.appendChild(tr);
  });
  out.appendChild(info);
  if (!u.tags) { out.appendChild(el('p', {class: 'error'}, t('no_tags'))); return; }
  const tab = el('table', {id: 'project-add'});
  const head = el('tr'); head.appendChild(el('th', {}, t('hotspot')));
  head.appendChild(el('th', {}, 'PM2.5 ' + t('mean'))); head.appendChild(el('th', {}, t('target')));
  for (let k = 0; k <= ns; k++) head.appendChild(el('th', {}, sp(k) + ' ' + t('added')));
  tab.appendChild(head);
  D.hotspots.forEach(h => {
    const add = projectAdd(u, h.code, emit), tr = el('tr');
    tr.appendChild(el('th', {}, name(h)));
    tr.appendChild(num('hotspots.' + h.code + '.mean.pm25', h.mean.pm25));
    tr.appendChild(targetCell(h));
    for (let k = 0; k <= ns; k++) tr.appendChild(num('project.add.' + h.code + '.' + sp(k), add[sp(k)]));
    tab.appendChild(tr);
  });
  out.appendChild(tab);
  out.appendChild(el('p', {class: 'note'}, t('note')));
  if (stack) out.appendChild(el('p', {class: 'note'}, t('stack_note', {h: String(height)})));
  out.appendChild(strategyTable(u, 'project-strategy'));
  footprintTable(c, emit, stack);
  showUnit(u);
}
// The footprint-based answer of a surface project, in #project-footprints; for a stack a note.
function footprintTable(c, emit, stack) {
  const out = document.getElementById('project-footprints'), F = D.footprints;
  out.innerHTML = '';
  if (!F) return;
  out.appendChild(el('h3', {}, t('fp_title')));
  if (stack) { out.appendChild(el('p', {class: 'note', id: 'fp-stack'}, t('fp_stack', {f: F.file}))); return; }
  const emitted = emitSpecies().filter(k => emit[k] > 0), add = footprintAdd(c[0], c[1], emit);
  const tab = el('table', {id: 'fp-add'}), head = el('tr'), rate = el('tr');
  head.appendChild(el('th', {}, t('functional'))); head.appendChild(el('th', {}, t('fp_added')));
  rate.appendChild(el('th', {}, t('emit_kg_s'))); rate.appendChild(el('td'));
  emitted.forEach(k => {
    head.appendChild(el('th', {}, sp(k)));
    rate.appendChild(num('project.emit_kg_s.' + sp(k), emit[k] * 1000 / 31536000));
  });
  tab.appendChild(head); tab.appendChild(rate);
  F.functionals.forEach((f, n) => {
    const tr = el('tr');
    tr.appendChild(el('th', {'data-q': 'project.functionals.' + n + '.label', 'data-v': f.label}, f.label));
    tr.appendChild(num('project.functionals.' + n + '.add', add[n].total));
    emitted.forEach(k => tr.appendChild(num('project.functionals.' + n + '.by_species.' + sp(k), add[n].by[k])));
    tab.appendChild(tr);
  });
  out.appendChild(tab);
  const where = el('p', {class: 'note'});
  where.appendChild(el('span', {'data-q': 'project.cell', 'data-v': c.join(',')}, t('cell') + ' ' + c.join(', ')));
  where.appendChild(el('span', {}, '; layer '));
  where.appendChild(el('span', {'data-q': 'project.layers.0.k', 'data-v': '0'}, '0'));
  where.appendChild(el('span', {}, '; ' + F.file + ' (' + F.run.start + ' – ' + F.run.end + ')'));
  out.appendChild(where);
  out.appendChild(el('p', {class: 'note'}, t('fp_note')));
}
function targetCell(h) {
  if (!S.targets) return el('td', {}, '–');
  // bogda-strategy's table also holds one row a heavy-pollution day: the period's row is "mean".
  const k = S.targets.rows.findIndex(r => r[S.targets.key] === h.code && (r.constraint === undefined || r.constraint === 'mean'));
  return k < 0 ? el('td', {}, '–') : csvCell(S.targets.file, k, S.targets.value, S.targets.rows[k][S.targets.value]);
}
function emitSpecies() {
  const ns = D.species.length - 1, out = [];
  for (let k = 0; k < ns; k++) if (D.source.indexOf(k) >= 0) out.push(k);
  return out;
}

function applyLanguage() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-t]').forEach(e => { e.textContent = t(e.getAttribute('data-t')); });
  document.getElementById('lang').textContent = lang === 'zh' ? 'English' : '中文';
  const sel = document.getElementById('colour'), keep = colourMode;
  sel.innerHTML = '';
  sel.appendChild(el('option', {value: 'kind'}, t('by_kind')));
  D.hotspots.forEach(h => sel.appendChild(el('option', {value: h.code}, t('by_zone', {h: name(h)}))));
  sel.value = keep;
  document.querySelectorAll('.hotspot-label').forEach(e => { e.textContent = name(D.hotspots.find(h => h.code === e.getAttribute('data-hotspot'))); });
  document.getElementById('run-note').textContent = t('run') + ': ' + (window.BOGDA_RUN || '');
  colourCells();
  if (current) showUnit(current);
  if (lastProject) runProject();
}
function init() {
  if (!D || !D.units) {
    document.querySelector('main').textContent = window.BOGDA_ERROR || 'no data (data.js)';
    document.body.setAttribute('data-ready', '1');
    return;
  }
  const fields = document.getElementById('emit-fields');
  emitSpecies().forEach(k => {
    const l = el('label', {}, sp(k) + ' ');
    l.appendChild(el('input', {id: 'e-' + sp(k), size: '7', placeholder: 't/yr'}));
    fields.appendChild(l);
  });
  drawMap();
  document.getElementById('search-form').addEventListener('submit', search);
  document.getElementById('project-form').addEventListener('submit', runProject);
  document.getElementById('lang').addEventListener('click', () => { lang = lang === 'zh' ? 'en' : 'zh'; applyLanguage(); });
  document.getElementById('colour').addEventListener('change', ev => { colourMode = ev.target.value; colourCells(); });
  applyLanguage();
  document.body.setAttribute('data-ready', '1');
}
init();
