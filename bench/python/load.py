"""Python twin of bench/node/load.js: torch.load of a file (or of its bytes in memory), optionally checking every
record's CRC-32 first (zipfile's testzip, Python's way to verify a zip), optionally summing every tensor."""
import io
import zipfile

import torch


class Load:
    def setup(self, p):
        data = None
        if p.get("buffer"):
            with open(p["file"], "rb") as f:
                data = f.read()
        return {"p": p, "data": data, "sd": None}

    def run(self, s):
        p = s["p"]
        source = io.BytesIO(s["data"]) if s["data"] is not None else p["file"]
        if p.get("crc"):
            with zipfile.ZipFile(source) as z:
                assert z.testzip() is None
            if s["data"] is not None:
                source.seek(0)
        s["sd"] = torch.load(source)
        if p.get("sum"):
            for v in s["sd"].values():
                float(v.sum())

    def after(self, s):
        s["sd"] = None

    def teardown(self, s):
        s["data"] = None
