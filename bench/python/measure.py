"""The measuring loop of the Python twin, the same as bench/node/measure.js: per case, setup, untimed warm-up rounds,
then rounds of `run` (wall and CPU time), `after` between rounds; the peak RSS over the whole case, counted from the
process's resident size when the case starts (the kernel's high-water mark is reset then)."""
import gc
import resource
import time


def reset_peak_rss():
    """Makes the kernel's high-water mark of resident memory restart from the current size (Linux clear_refs 5)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# Warm-up: at least `warmup` rounds, and more until they took WARMUP_S (caches settle), at most MAX_WARMUP.
WARMUP_S = 0.5
MAX_WARMUP = 50


def measure(case, params, warmup, rounds):
    """Runs one case; returns wall and CPU milliseconds per operation for each round, and the peak RSS in KiB."""
    gc.collect()
    reset_peak_rss()
    state = case.setup(params)
    per_round = getattr(case, "repeat", lambda p: 1)(params)
    wall, cpu = [], []
    started = time.perf_counter()
    warmed = 0
    while len(wall) < rounds:
        t, c = time.perf_counter(), time.process_time()
        for _ in range(per_round):
            case.run(state)
        t, c = time.perf_counter() - t, time.process_time() - c
        if warmed < warmup or (time.perf_counter() - started < WARMUP_S and warmed < MAX_WARMUP):
            warmed += 1
        else:
            wall.append(t * 1000 / per_round)
            cpu.append(c * 1000 / per_round)
        case.after(state)
    peak = peak_rss_kib()
    case.teardown(state)
    return {"wall": wall, "cpu": cpu, "peakRssKiB": peak}
