"""summary.json of scripts/gpu-check.sh: every figure it recorded and a verdict on each check issue 8 asks for.

  verdict.py FIGURES_TSV FAILED SECONDS DEVICE     (prints the JSON; exits 1 when a check fails)
"""
import json
import sys


def read_figures(path):
    figures = {}
    try:
        lines = open(path).read().splitlines()
    except OSError:
        lines = []
    for line in lines:
        name, _, value = line.partition('\t')
        try:
            figures[name] = json.loads(value)
        except ValueError:
            figures[name] = {'unparsed': value}
    return figures


def all_identical(report, forms, device):
    """Every tensor bit-identical in every load form, on the device each form asks for."""
    if not isinstance(report, dict) or not report.get('tensors'):
        return False
    want = {'cpu': ['cpu'], 'device': [device], 'function': [device], 'tags': [device]}
    return all(
        isinstance(report.get(f), dict)
        and report[f].get('identical') == report['tensors']
        and report[f].get('devices') == want[f]
        for f in forms
    )


def main():
    path, failed, seconds, device = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    f = read_figures(path)
    on_gpu = device.startswith('cuda')
    build = f.get('buildInfo') or {}
    tests = f.get('cudaTests') or {}
    big = f.get('bigLoad') or {}
    checks = {
        'addon built, CUDA available' if on_gpu else 'addon built (CPU rehearsal)': bool(build)
        and (build.get('cudaAvailable') is True or not on_gpu),
        'CUDA tests pass' if on_gpu else 'CUDA tests reported pending by name': tests.get('failing') == 0
        and ((tests.get('passing') or 0) > 0 if on_gpu else (tests.get('pending') or 0) > 0),
        'LeNet2: Python loads Node checkpoint, every tensor identical': all_identical(
            f.get('pythonLoadsNode'), ['cpu', 'device', 'tags'], device),
        'LeNet2: Node loads Python checkpoint, every tensor identical': all_identical(
            f.get('nodeLoadsPython'), ['cpu', 'device', 'function', 'tags'], device),
        'addon finds its libraries by its run path (no LD_LIBRARY_PATH)': 'neededLdLibraryPath' not in f,
        'big checkpoint: same values on the device as Python': big.get('sumsEqual') is True
        and big.get('devices') == [device],
    }
    ok = failed == 0 and all(checks.values())
    print(json.dumps({'ok': ok, 'seconds': seconds, 'device': device, 'checks': checks, 'figures': f}, indent=1))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
