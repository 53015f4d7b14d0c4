#!/usr/bin/python3
"""Writes robotics.csv, the worked example of docs/analyze.md: an A/B test of a
new grasping policy against the baseline policy, in the style of Google's
"The Importance of A/B Testing in Robotics" (2021).

30 sessions (blocks) of 20 episodes on 3 operators. Each session is run by
one operator, who runs both policies in a random interleaved order; operators
differ in skill, and the allocation is unbalanced (the least experienced
operator ran more episodes of the new policy). The new policy's true success
rate is 20% higher (relative) for every operator.

    /usr/bin/python3 cmd/benchy/testdata/analyze/gen_robotics.py > cmd/benchy/testdata/analyze/robotics.csv
"""
import random

rng = random.Random(20210610)
operators = [("ana", 0.40, 16, 4), ("ben", 0.60, 10, 10), ("chloe", 0.75, 4, 16)]
print("block,stratum,arm,successes,trials")
for session in range(1, 31):
    op, p, n_new, n_base = operators[(session - 1) % 3]
    rows = []
    for arm, n, q in (("baseline", n_base, p), ("new-policy", n_new, min(1.0, p * 1.20))):
        s = sum(rng.random() < q for _ in range(n))
        rows.append("%d,%s,%s,%d,%d" % (session, op, arm, s, n))
    rng.shuffle(rows)
    print("\n".join(rows))
