#!/usr/bin/python3
"""A strategy section for the report, in Chinese and English, from a bogda-strategy output folder:
the plan's total cost, each target with its base, predicted mean and shadow price, the five units
with the largest cuts, the named stacks (strategy_stacks.csv, when the plan has any: each one's
cut, cost and own PM2.5 at each receptor before and after), and the cost-versus-target curve (strategy_curve.png when
postproc/plot_strategy.py has drawn it). Writes OUT_DIR/strategy_section.html, an HTML fragment
(no <html> or <body>) for the report to include.

  strategy_report.py OUT_DIR"""
import csv
import html
import json
import os
import sys


def stacks_table(out):
    """The rows of the named stacks' table, or none (no strategy_stacks.csv, or no stack in it)."""
    path = os.path.join(out, "strategy_stacks.csv")
    stacks = list(csv.DictReader(open(path))) if os.path.exists(path) else []
    if not stacks:
        return []
    e = html.escape
    recs = [c[:-len("_before_ug_m3")] for c in stacks[0] if c.endswith("_before_ug_m3")]
    lines = ['<h3>单列的点源 / Named stacks</h3><table><tr><th>点源 / stack</th><th>单元 / unit</th>'
             '<th>行业 / sector</th><th>削减 / cut (t/yr)</th><th>成本 / cost (元每年 / yuan a year)</th>' +
             "".join(f'<th>{e(r)} 前→后 / before→after (µg m⁻³)</th>' for r in recs) + '</tr>']
    for s in stacks:
        cut = sum(float(s[c]) for c in s if c.startswith("cut_t_yr_"))
        lines.append(f'<tr><td>{e(s["stack_id"])}</td><td>{e(s["unit_code"])}</td><td>{e(s["sector"])}</td>'
                     f'<td>{cut:.4g}</td><td>{float(s["cost_yuan"]):.4g}</td>' +
                     "".join(f'<td>{float(s[r + "_before_ug_m3"]):.4g} → {float(s[r + "_after_ug_m3"]):.4g}</td>'
                             for r in recs) + '</tr>')
    lines.append('</table>')
    return lines


def main():
    out = sys.argv[1]
    plan = json.load(open(os.path.join(out, "strategy.json")))
    units = list(csv.DictReader(open(os.path.join(out, "strategy_unit_summary.csv"))))
    cut_cols = [c for c in units[0] if c.startswith("cut_t_yr_")] if units else []
    for u in units:
        u["_cut"] = sum(float(u[c]) for c in cut_cols)
    top = sorted(units, key=lambda u: -u["_cut"])[:5]
    e = html.escape
    lines = ['<section id="strategy">',
             f'<h2>减排策略（一单元一策略） / Least-cost strategy: {e(plan["name"])}</h2>',
             f'<p>总成本 / total cost: {plan["total_cost_yuan"] / 1e6:.4g} 百万元每年 / million yuan a year '
             '(成本曲线为示意 / the cost curves are illustrative)</p>',
             '<table><tr><th>受体 / receptor</th><th>约束 / constraint</th><th>基准 / base</th>'
             '<th>目标 / target</th><th>预测 / predicted</th><th>影子价格 / shadow price (元每 µg m⁻³ / yuan per µg m⁻³)</th></tr>']
    for t in plan["targets"]:
        if t["constraint"] == "prefecture_share":
            continue
        lines.append(f'<tr><td>{e(t["receptor"])}</td><td>{e(t["constraint"])} {e(t["day"])}</td>'
                     f'<td>{t["base"]:.4g}</td><td>{t["target"]:.4g}</td><td>{t["predicted"]:.4g}</td>'
                     f'<td>{t["shadow_price_yuan_per_unit"]:.4g}</td></tr>')
    lines.append('</table>')
    lines.append('<h3>削减最多的五个单元 / The five units with the largest cuts</h3><table>'
                 '<tr><th>单元 / unit</th><th>类型 / kind</th><th>地州 / prefecture</th>'
                 '<th>削减 / cut (t/yr)</th><th>成本 / cost (元每年 / yuan a year)</th></tr>')
    for u in top:
        lines.append(f'<tr><td>{e(u["unit_name_zh"])} / {e(u["unit_name"])} ({e(u["unit_code"])})</td>'
                     f'<td>{e(u["kind"])}</td><td>{e(u["prefecture"])}</td><td>{u["_cut"]:.4g}</td>'
                     f'<td>{float(u["cost_yuan"]):.4g}</td></tr>')
    lines.append('</table>')
    lines += stacks_table(out)
    if os.path.exists(os.path.join(out, "strategy_curve.png")):
        lines.append('<figure><img src="strategy_curve.png" alt="cost versus target">'
                     '<figcaption>成本-目标曲线 / cost versus target</figcaption></figure>')
    lines.append('</section>')
    path = os.path.join(out, "strategy_section.html")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(path + ".tmp", path)
    print(f"strategy_report.py: wrote {path}")


if __name__ == "__main__":
    main()
