"""The evaluation section of the attribution report (postproc/report.py): the tables of
postproc/evaluate.py and a short bilingual reading of what most likely causes each bias.

The text is written from the numbers: the ratio of the mean model value to the mean observation of
each species (matched pairs where there are any, else the representativeness-limited ones), the
share of sulfate + nitrate + ammonium in PM2.5 in the model and in the observations at the same
station, and whether the primary gases and PM2.5 are biased the same way. Each cause is named as
one of inventory, meteorology, mixing and chemistry, with the number that points to it."""
import evaluate

FAR = 2.0       # a model/observation ratio beyond FAR (or below 1/FAR) is "far" off
CLOSE = 1.25    # within CLOSE (and 1/CLOSE) the means "agree"
NAMES = {"pm25": ("PM2.5", "PM2.5"), "so2": ("SO2", "SO2"), "no2": ("NO2", "NO2"), "sna": ("二次无机盐 SNA", "SNA"),
         "so4": ("硫酸盐", "sulfate"), "no3": ("硝酸盐", "nitrate"), "nh4": ("铵盐", "ammonium")}


def ratios(pairs):
    """{species: (model mean / observed mean, n, comparison)} from matched pairs, else limited ones."""
    out = {}
    for species in sorted({p["species"] for p in pairs}):
        for kind in (evaluate.MATCHED, evaluate.LIMITED):
            sel = [p for p in pairs if p["species"] == species and p["comparison"] == kind]
            o = sum(p["obs_ug_m3"] for p in sel)
            if sel and o > 0:
                out[species] = (sum(p["model_ug_m3"] for p in sel) / o, len(sel), kind)
                break
    return out


def word(ratio):
    if ratio > FAR:
        return "远高于", "far above"
    if ratio > CLOSE:
        return "高于", "above"
    if ratio < 1 / FAR:
        return "远低于", "far below"
    if ratio < 1 / CLOSE:
        return "低于", "below"
    return "接近", "close to"


def secondary_share(pairs):
    """(model, observed) SNA share of PM2.5 at the first station that has both, or None."""
    for p in pairs:
        if p["species"] != "sna":
            continue
        pm = [q for q in pairs if q["species"] == "pm25" and q["station_id"] == p["station_id"] and q["obs_ug_m3"] > 0]
        if pm and pm[0]["model_ug_m3"] > 0:
            return p["model_ug_m3"] / pm[0]["model_ug_m3"], p["obs_ug_m3"] / pm[0]["obs_ug_m3"], p["station_id"]
    return None


def causes(pairs):
    """The bilingual paragraphs [(zh, en)] on the likely causes of each bias."""
    r = ratios(pairs)
    limited = all(p["comparison"] == evaluate.LIMITED for p in pairs)
    out = []
    if limited:
        hours = max(p["model_hours"] for p in pairs)
        out.append(("所有观测均为本次运行时段之外的季节或多月平均值：这里比较的是本次运行 %d 小时的平均值（诊断气象）与它们，"
                    "所以每一项偏差都包含所选几天天气的代表性误差（气象）。" % hours,
                    f"Every observation is a seasonal or multi-month mean outside the run's period: the run's "
                    f"{hours}-hour mean (diagnostic meteorology) is compared with it, so each bias below includes how "
                    "unrepresentative these few days are of the season (meteorology)."))
    for species, (ratio, n, kind) in r.items():
        zh, en = NAMES.get(species, (species, species))
        wz, we = word(ratio)
        out.append((f"{zh}：模式均值{wz}观测（模式/观测 = {ratio:.2f}，{n} 对）。",
                    f"{en}: the model's mean is {we} the observations (model/observed = {ratio:.2f}, {n} pair(s), {kind})."))
    if "so2" in r and r["so2"][0] > FAR:
        out.append(("SO2 偏高最可能来自清单（排放）：示意性清单把 2010 年代后期的全区总量（SO2 320 kt/a）按代理量分配到城市，"
                    "没有城市自身的燃料结构（乌鲁木齐自 2012—2013 年冬季起以天然气替代燃煤，Turap 等 2019）和此后的减排；"
                    "若一次物种普遍偏高，诊断逆温下混合过浅也有贡献（混合）。",
                    "The SO2 excess most likely comes from the inventory: the illustrative inventory spreads Xinjiang-wide "
                    "totals of the late 2010s (SO2 320 kt/yr) over the cities by proxies, without a city's own fuel mix "
                    "(Urumqi has heated with natural gas instead of coal since the winter of 2012-2013, Turap et al. 2019) "
                    "or later cuts; where all primary species are high, too shallow mixing under the diagnostic inversion "
                    "adds to it (mixing)."))
    share = secondary_share(pairs)
    if share and share[0] < share[1] / CLOSE:
        out.append((f"二次无机盐占 PM2.5 的比例：模式 {100 * share[0]:.0f}%，观测 {100 * share[1]:.0f}%（{share[2]}）：模式的 PM2.5 "
                    "过于一次性。线性化学生成的二次颗粒物太少（没有冬季雾中的非均相硫酸盐和硝酸盐生成，没有硝酸铵平衡）（化学）"
                    + ("；同时 SO2 偏高，说明转化太慢而不是前体物不足。" if "so2" in r and r["so2"][0] > 1 else "。"),
                    f"Sulfate + nitrate + ammonium make {100 * share[0]:.0f} % of the model's PM2.5 and "
                    f"{100 * share[1]:.0f} % of the observed ({share[2]}): the model's PM2.5 is too primary. The linear "
                    "chemistry forms too little secondary aerosol (no heterogeneous sulfate and nitrate formation in "
                    "winter fog and haze, no ammonium nitrate equilibrium): chemistry"
                    + ("; with SO2 high at the same time, the conversion is too slow rather than the precursor short."
                       if "so2" in r and r["so2"][0] > 1 else ".")))
    if "no2" in r:
        if r["no2"][0] < 1:
            out.append(("模式 NOx（按 NO2 质量计，是其 NO2 的上限）仍低于观测 NO2：城市交通排放在网格平均中被稀释（分辨率与代表性），"
                        "或清单的 NOx 偏低（清单）。",
                        "The model's NOx (in NO2 mass, an upper bound of its NO2) is still below the observed NO2: urban "
                        "traffic emissions are diluted in the grid-cell mean (resolution and representativeness), or the "
                        "inventory's NOx is low (inventory)."))
        else:
            out.append(("模式 NOx 高于观测 NO2：其中一部分是定义造成的（NOx 包含 NO）。",
                        "The model's NOx exceeds the observed NO2, partly by definition (NOx includes NO)."))
    primary = {s: r[s][0] > 1 for s in ("so2", "no2") if s in r}
    if "pm25" in r and primary:
        high = r["pm25"][0] > 1
        if len(set(primary.values())) > 1:
            out.append(("一次气体之间偏差方向不一（SO2 与 NO2 一高一低）：原因因物种而异，最可能是清单的物种构成与空间分配（清单），"
                        "而不是共同的混合或气象误差。",
                        "The primary gases disagree with each other (one of SO2 and NO2 above, the other below): the causes "
                        "differ by species, most likely the inventory's species split and spatial allocation (inventory), "
                        "rather than a common mixing or meteorology error."))
        elif all(v == high for v in primary.values()):
            out.append(("一次气体与 PM2.5 偏差方向相同：共同的原因（边界层混合、风速，即气象与混合）可能占主导。",
                        "The primary gases and PM2.5 are biased the same way: a common cause (boundary-layer mixing and "
                        "wind speed, i.e. meteorology and mixing) is likely to dominate."))
        else:
            out.append(("一次气体与 PM2.5 偏差方向相反：原因因物种而异（清单的物种构成或化学），而不是共同的混合或气象。",
                        "The primary gases and PM2.5 are biased in opposite directions: the causes differ by species (the "
                        "inventory's species split, or the chemistry) rather than a common mixing or meteorology error."))
    return out


PAIR_COLUMNS = ["station_id", "name", "group", "species", "start_utc", "end_utc", "obs_ug_m3", "model_ug_m3",
                "comparison", "reason"]
STAT_COLUMNS = ["comparison", "species", "group", "n", "statistic", "value", "units", "goal", "goal_met",
                "criterion", "criterion_met"]


def section(rep, cells, esc):
    """The HTML of the evaluation section, or [] without observations."""
    if "evaluation_pairs" not in rep:
        return []
    pairs, stats = rep["evaluation_pairs"], rep["evaluation_stats"]
    text = "".join(f'<p class="bias" lang="zh">{esc(zh)}</p>\n<p class="bias" lang="en">{esc(en)}</p>\n'
                   for zh, en in causes(pairs))
    return ['<section id="evaluation"><h2>与观测对比 Evaluation against observations</h2>',
            '<p class="note">观测与模式格点匹配：最近的格点中心、地面层、观测时段内的逐时平均。MB、ME、NMB、NME、r、MFB、MFE 的定义和'
            "基准见 docs/observations.md。Stations are matched to the nearest cell centre (surface layer) and each "
            "observation to the model's hourly means over its own period; an observation whose period the run does not "
            "cover is compared with the run's mean and marked representativeness-limited (different period). "
            "Benchmarks: Emery et al. (2017) for PM2.5 (NMB, NME, r), Boylan and Russell (2006) for PM2.5 and its "
            "components (MFB, MFE); none for SO2 and NO2. r needs at least 3 pairs.</p>",
            "<h3>统计量与基准 Statistics, goals and criteria</h3>", cells.table(STAT_COLUMNS, stats),
            "<h3>配对 Matched pairs</h3>", cells.table(PAIR_COLUMNS, pairs),
            "<h3>偏差的可能原因 Likely causes of the biases</h3>", text, "</section>"]
