#!/usr/bin/python3
"""Extra known-answer vectors for package stats, computed by the project's
independent oracle (a benchy_oracle.py kept outside the repository, so that
the vectors are not computed by the code they test).

Regenerate (Debian python with numpy, scipy, statsmodels, mpmath):

    /usr/bin/python3 stats/testdata/gen_vectors.py ORACLE_DIR stats/testdata/vectors/extra

where ORACLE_DIR holds benchy_oracle.py.

The files use the same layout as the oracle's own vectors (kinds jackknife,
cmh, cmh_jackknife), plus "labels" in a jackknife method for the
delete-a-group jackknife over explicit group labels, which the oracle's
jackknife() does not take: for those, the replicates below are computed with
an explicit loop over the oracle's own statistic functions.
"""
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
import benchy_oracle as bo  # noqa: E402

OUT = sys.argv[2]
os.makedirs(OUT, exist_ok=True)
TOL = {"abs": 1e-9, "rel": 1e-9,
       "rule": "pass if |got - want| <= 1e-9 * max(1, |want|) for every number; booleans, integers and error codes must match exactly"}
META = {"generator": "stats/testdata/gen_vectors.py (oracle: shared/oracle/benchy_oracle.py)"}


def write(name, doc):
    doc["name"] = name
    doc["meta"] = META
    doc["tolerance"] = TOL
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def labelled_jackknife(rows, stat, labels, confidence):
    """Delete-a-group jackknife with one group per distinct label, groups in
    order of first appearance; an explicit loop like bo.jackknife."""
    order = []
    for l in labels:
        if l not in order:
            order.append(l)
    est = stat(rows)
    reps = [stat([r for r, l in zip(rows, labels) if l != g]) for g in order]
    n = len(reps)
    mean = math.fsum(reps) / n
    se = math.sqrt((n - 1) / n * math.fsum((r - mean) ** 2 for r in reps))
    bias = (n - 1) * (mean - est)
    t = bo.t_critical(n - 1, confidence)
    return {"estimate": est, "replicates": reps, "replicate_mean": mean, "bias": bias,
            "bias_corrected": est - bias, "se": se, "df": n - 1, "t": t,
            "lo": est - t * se if se > 0 else est, "hi": est + t * se if se > 0 else est}


def jk_case(name, desc, blocks, estimator="logratio", scale="log", groups=None, labels=None,
            confidence=0.95, arms=None, oracle_exp=0, per_arm=False):
    """oracle_exp: the oracle sees the blocks times 2**-oracle_exp (exact, and
    the relative difference does not change), for values whose sums overflow
    a float64. per_arm: each arm against the baseline on its own, so that an
    arm whose estimate is undefined gets {"arm": k, "error": code} and the
    other arms their results."""
    if per_arm:
        res = []
        for k in range(1, len(blocks[0])):
            sub = [[r[0], r[k]] for r in blocks]
            try:
                r = bo.relative_difference_ci([[math.ldexp(v, -oracle_exp) for v in row] for row in sub],
                                              estimator=estimator, scale=scale, groups=groups,
                                              confidence=confidence)[0]
                r["arm"] = k
            except bo.OracleError as e:
                r = {"arm": k, "error": e.code}
            res.append(r)
        K = len(blocks[0])
        method = {"estimator": estimator, "scale": scale, "unit": "group" if groups else "block",
                  "groups": groups, "confidence": confidence, "critical": "student_t", "center": "plugin",
                  "per_arm": True}
        write(name, {"kind": "jackknife", "description": desc,
                     "input": {"blocks": blocks, "arms": arms or ["baseline"] + ["arm%d" % k for k in range(1, K)],
                               "method": method},
                     "expected": {"results": res}})
        return
    K = len(blocks[0])
    method = {"estimator": estimator, "scale": scale, "unit": "group" if (groups or labels) else "block",
              "groups": groups, "confidence": confidence, "critical": "student_t", "center": "plugin"}
    if labels is not None:
        method["labels"] = labels
    doc = {"kind": "jackknife", "description": desc,
           "input": {"blocks": blocks, "arms": arms or ["baseline"] + ["arm%d" % k for k in range(1, K)],
                     "method": method}}
    try:
        if labels is None:
            res = bo.relative_difference_ci([[math.ldexp(v, -oracle_exp) for v in row] for row in blocks],
                                            estimator=estimator, scale=scale, groups=groups,
                                            confidence=confidence)
        else:
            res = []
            rows = [list(map(float, r)) for r in blocks]
            if estimator == "logratio" and any(v <= 0 for r in rows for v in r):
                raise bo.OracleError("nonpositive_value", "")
            for k in range(1, K):
                if estimator == "logratio":
                    st = lambda rs, k=k: bo._logratio_phi(rs, k)
                elif scale == "linear":
                    st = lambda rs, k=k: bo._ratio_theta(rs, k)
                else:
                    st = lambda rs, k=k: bo._ratio_logscale(rs, k)
                jk = labelled_jackknife(rows, st, labels, confidence)
                back = math.expm1 if scale == "log" else (lambda x: x)
                lo, hi = back(jk["lo"]), back(jk["hi"])
                res.append({"arm": k, "estimate": back(jk["estimate"]), "ci_lo": lo, "ci_hi": hi,
                            "significant": bool(lo > 0 or hi < 0), "estimate_jk": jk["estimate"],
                            "se_jk": jk["se"], "replicates_jk": jk["replicates"],
                            "replicate_mean_jk": jk["replicate_mean"], "bias_jk": jk["bias"],
                            "bias_corrected_jk": jk["bias_corrected"], "df": jk["df"], "t": jk["t"]})
        doc["expected"] = {"results": res}
    except bo.OracleError as e:
        doc["expected"] = {"error": e.code}
    write(name, doc)


def cmh_case(name, desc, tables):
    t = [np.asarray(x, dtype=float) for x in tables]
    exp = {"rr_mh": bo.mh_risk_ratio(t)}
    exp["rel_diff"] = exp["rr_mh"] - 1
    exp["rd_mh"] = bo.mh_risk_difference(t)
    exp["or_mh"] = bo.mh_odds_ratio(t)
    exp["crude_rr"] = bo.crude_risk_ratio(t)
    exp["log_rr_se_gr"] = bo.gr_log_rr_se(t)
    sm = bo.statsmodels_cmh(t)
    for key in ("log_or_se_rbg", "cmh_statistic", "cmh_pvalue", "cmh_statistic_corrected", "cmh_pvalue_corrected"):
        exp[key] = sm[key]
    assert abs(sm["rr_mh"] - exp["rr_mh"]) <= 1e-12 * max(1, exp["rr_mh"])
    write(name, {"kind": "cmh", "description": desc,
                 "input": {"tables": [[list(map(float, r)) for r in x] for x in tables],
                           "rows": ["treatment", "baseline"], "cols": ["success", "failure"]},
                 "expected": exp})


def cmhjk_case(name, desc, records):
    exp = {}
    for est in ("mh", "crude"):
        for scale in ("log", "linear"):
            try:
                exp[est + "_" + scale] = bo.cmh_jackknife(records, estimator=est, scale=scale)
            except bo.OracleError as e:
                exp[est + "_" + scale] = {"error": e.code}
    write(name, {"kind": "cmh_jackknife", "description": desc,
                 "input": {"records": records, "method": {"unit": "block", "confidence": 0.95}},
                 "expected": exp})


rng = np.random.default_rng(20261126)

# --- continuous -----------------------------------------------------------
base = 1000 * np.exp(0.02 * rng.standard_normal(12) + np.linspace(0, 0.05, 12))
arm = base * 1.03 * np.exp(0.02 * rng.standard_normal(12))
b12 = [[round(float(x), 3), round(float(y), 3)] for x, y in zip(base, arm)]
jk_case("extra_jk_01_groups4_ratio", "12 blocks, delete-a-group G = 4, ratio (log)", b12, "ratio", groups=4)
jk_case("extra_jk_02_groups3_unequal_logratio", "first 10 blocks, G = 3 (sizes 4, 3, 3)", b12[:10], groups=3)
jk_case("extra_jk_03_groups4_ratio_linear", "12 blocks, G = 4, ratio on the linear scale", b12, "ratio", "linear", groups=4)
jk_case("extra_jk_04_conf90_logratio", "12 blocks at 90% confidence", b12, confidence=0.90)
jk_case("extra_jk_05_conf99_ratio", "12 blocks at 99% confidence, ratio", b12, "ratio", confidence=0.99)
labels = ["h1", "h1", "h2", "h3", "h2", "h1", "h3", "h3", "h2", "h4", "h4", "h1"]
jk_case("extra_jk_06_labels_logratio", "12 blocks on 4 hosts (labels, non-contiguous)", b12, labels=labels)
jk_case("extra_jk_07_labels_ratio", "12 blocks on 4 hosts, ratio (log)", b12, "ratio", labels=labels)
jk_case("extra_jk_08_groups_equal_blocks_logratio", "G = B: same as delete-one-block", b12[:6], groups=6)

succ = [[12, 15, 9], [14, 13, 11], [10, 16, 8], [13, 17, 12], [11, 12, 10], [15, 18, 9], [9, 14, 10], [12, 16, 11]]
jk_case("extra_jk_09_success_counts_three_arms_ratio", "success counts out of 20, three arms, ratio (log)", succ, "ratio",
        arms=["baseline", "better", "worse"])
jk_case("extra_jk_10_success_counts_three_arms_linear", "same, linear scale", succ, "ratio", "linear",
        arms=["baseline", "better", "worse"])
jk_case("extra_jk_11_speedup_logratio", "5 blocks, clear 20% speed-up",
        [[100.0, 80.5], [102.0, 81.0], [99.5, 79.8], [101.2, 80.9], [100.7, 80.1]])
jk_case("extra_jk_12_error_one_block", "1 block", [[1.0, 2.0]])
jk_case("extra_jk_13_error_zero_baseline_sum_ratio", "baseline sum 0", [[0.0, 1.0], [0.0, 2.0], [0.0, 3.0]], "ratio")
jk_case("extra_jk_14_error_zero_replicate_denominator_ratio", "baseline 0 except one block: a replicate's sum is 0",
        [[0.0, 1.0], [0.0, 2.0], [4.0, 3.0]], "ratio", "linear")
jk_case("extra_jk_15_error_nonpositive_logratio", "a zero value", [[1.0, 2.0], [1.5, 0.0], [2.0, 2.0]])
jk_case("extra_jk_16_error_zero_ratio_log", "arm all zero, ratio on the log scale", [[3.0, 0.0], [2.0, 0.0], [4.0, 0.0]], "ratio")
jk_case("extra_jk_17_zero_ratio_linear", "arm all zero, linear scale", [[3.0, 0.0], [2.0, 0.0], [4.0, 0.0]], "ratio", "linear")
jk_case("extra_jk_18_error_zero_replicate_ratio_log", "arm nonzero in one block only: a replicate ratio is 0",
        [[3.0, 0.0], [2.0, 0.0], [4.0, 5.0]], "ratio")
big = 1e4 * np.exp(rng.standard_normal((40, 4)) * np.array([0.01, 0.02, 0.5, 0.01]))
jk_case("extra_jk_19_four_arms_logratio", "40 blocks, 4 arms, one very noisy", big.round(4).tolist())
jk_case("extra_jk_20_four_arms_ratio_groups5", "40 blocks, 4 arms, ratio, G = 5", big.round(4).tolist(), "ratio", groups=5)
dom = [[1e9, 1e9 * 1.01], [1.0, 1.2], [2.0, 1.7], [1.5, 1.6], [0.5, 0.45]]
jk_case("extra_jk_21_dominant_block_ratio", "one block 1e9 times the others: replicates without it need exact sums", dom, "ratio")

huge = [[1.7e308, 1.2e308, 1.6e308], [1.5e308, 1.1e308, 1.79e308], [1.65e308, 1.3e308, 1.7e308],
        [1.55e308, 1.25e308, 1.75e308], [1.6e308, 1.15e308, 1.72e308]]
jk_case("extra_jk_22_huge_values_ratio", "values near the float64 limit: sums overflow unless scaled (#14.17)",
        huge, "ratio", oracle_exp=1000)
jk_case("extra_jk_23_huge_values_ratio_linear", "values near the float64 limit, linear scale", huge, "ratio", "linear",
        oracle_exp=1000)
jk_case("extra_jk_24_huge_values_logratio", "values near the float64 limit, logratio", huge)
jk_case("extra_jk_25_degenerate_arm_per_arm_ratio",
        "three arms, one all zero: that arm's log-scale ratio is undefined, the other is estimated (#14.17)",
        [[3.0, 3.3, 0.0], [2.0, 2.1, 0.0], [4.0, 4.5, 0.0], [3.5, 3.6, 0.0]], "ratio",
        arms=["baseline", "good", "zero"], per_arm=True)

# --- cmh ------------------------------------------------------------------
cmh_case("extra_cmh_01_operator_bias_simpson",
         "identical rates within operators, imbalanced allocation: rr_mh = 1, crude far from 1",
         [[[3, 7], [3, 7]], [[36, 4], [9, 1]], [[6, 14], [24, 56]]])
cmh_case("extra_cmh_02_one_arm_and_empty_strata", "a stratum with only the treatment and an empty stratum",
         [[[30, 10], [25, 15]], [[5, 5], [0, 0]], [[0, 0], [0, 0]], [[12, 8], [9, 11]]])
cmh_case("extra_cmh_03_small_delta_corrected", "|sum(a - E)| < 0.5: statsmodels' continuity correction still subtracts 0.5",
         [[[5, 5], [5, 5]], [[3, 2], [3, 3]]])
cmh_case("extra_cmh_04_many_strata", "ten strata with varying sizes",
         [[[int(a), int(n - a)], [int(c), int(m - c)]] for a, n, c, m in
          zip(rng.integers(2, 10, 10), rng.integers(10, 20, 10), rng.integers(1, 9, 10), rng.integers(10, 20, 10))])

# --- cmh + jackknife ---------------------------------------------------------
recs = []
ops = [("alice", 0.3, 4, 1), ("bob", 0.6, 2, 2), ("carol", 0.9, 1, 4)]
for b in range(15):
    name, p, nt, nb = ops[b % 3]
    recs.append({"block": b, "stratum": name, "arm": 1, "successes": int(rng.binomial(nt, p)), "trials": nt})
    recs.append({"block": b, "stratum": name, "arm": 0, "successes": int(rng.binomial(nb, p)), "trials": nb})
cmhjk_case("extra_cmhjk_01_operator_imbalance", "A/A binary data, 15 blocks, unbalanced operators", recs)
recs2 = []
for b in range(12):
    host = "h%d" % (b % 4)
    p = 0.0 if host == "h3" else 0.5
    recs2.append({"block": b, "stratum": host, "arm": 1, "successes": int(rng.binomial(6, min(1, p * 1.2))), "trials": 6})
    recs2.append({"block": b, "stratum": host, "arm": 0, "successes": int(rng.binomial(6, p)), "trials": 6})
cmhjk_case("extra_cmhjk_02_zero_event_host", "a host that never succeeds", recs2)
recs3 = []
for b in range(10):
    for op in ("x", "y"):
        for arm_ in (0, 1):
            n = int(rng.integers(1, 6))
            recs3.append({"block": b, "stratum": op, "arm": arm_, "successes": int(rng.binomial(n, 0.4 + 0.2 * arm_)), "trials": n})
cmhjk_case("extra_cmhjk_03_two_operators_per_block", "every block touches two strata", recs3)
cmhjk_case("extra_cmhjk_04_error_treatment_never_succeeds", "treatment 0 successes: log scale undefined",
           [{"block": b, "stratum": "s", "arm": a, "successes": (0 if a == 1 else 2 + b % 2), "trials": 5}
            for b in range(4) for a in (0, 1)])
cmhjk_case("extra_cmhjk_05_error_baseline_succeeds_once", "the baseline succeeds in one block only: a replicate has RR undefined",
           [{"block": b, "stratum": "s%d" % (b % 2), "arm": a, "successes": (3 if a == 1 else (2 if b == 1 else 0)), "trials": 5}
            for b in range(4) for a in (0, 1)])
