"""One Python process of the benchmark: runs the cases the runner (bench/run.ts) names, in order, and prints their
measurements as one line of JSON. Each case class has a Node twin of the same name in bench/node/."""
import json
import sys

from lenet import LeNet
from load import Load
from measure import measure
from save import Save

CASES = {"load": Load, "save": Save, "lenet": LeNet}


def main(spec):
    out = {}
    for c in spec["cases"]:
        out[c["id"]] = measure(CASES[c["kind"]](), c["params"], spec["warmup"], spec["rounds"])
    print(json.dumps(out))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
