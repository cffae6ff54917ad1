#!/usr/bin/env python3
"""A Python worker for a brp-nas queue (instead of `brp-nas worker`), with the bullmq package.

    pip install bullmq
    python3 examples/python_worker.py --queue redis://HOST:6379/0/brp-nas -- python3 train.py --arch {arch} --out {out}

The coordinator (`brp-nas search --queue redis://HOST:6379/0/brp-nas ...`) puts one job per training
attempt on the BullMQ queue named by the URL's last path part (default brp-nas), job name 'train',
job id '<search>-<index>-<attempt>', data:

    {"format": "brp-nas-job", "version": 1, "search": "<uuid>", "index": 12, "attempt": 1,
     "space": "nb201" | "nb101" | "darts", "arch": "<the space's architecture string>",
     "seed": 0, "timeout_ms": null | <number>}

A worker returns the trainer's result object as the job's return value:

    {"accuracy": 93.1, "latency_ms": 4.2, "metrics": {"params": 1073274}}

(accuracy required, finite, higher is better; latency_ms optional, > 0; metrics: numbers, strings,
booleans), or fails the job with a reason starting 'exit:', 'timeout:', 'malformed:' or 'spawn:'
(anything else counts as a lost attempt). Either way the coordinator journals it and retries the
candidate as a new job up to its --retries. Keep BullMQ's default attempts (1): retries are the
coordinator's. Never pass the architecture through a shell: it contains |, quotes, parentheses.
Not run by the tests (the tests run `brp-nas worker` against a real redis-server).
"""
import argparse
import asyncio
import json
import os
import signal
import subprocess
from urllib.parse import urlparse

from bullmq import Worker


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--queue", required=True)
    p.add_argument("--dir", default="brp-nas-worker")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    cmd = [w for w in a.command if w != "--"]
    if not any("{arch}" in w for w in cmd):
        raise SystemExit("the command must contain {arch}")
    u = urlparse(a.queue)
    parts = [x for x in u.path.split("/") if x]
    db = int(parts.pop(0)) if parts and parts[0].isdigit() else 0
    name = parts[0] if parts else "brp-nas"
    connection = f"{u.scheme}://{u.netloc}/{db}"

    async def process(job, token):
        d = job.data
        if d.get("format") != "brp-nas-job" or d.get("version") != 1:
            raise Exception("refused: not a brp-nas job of version 1")
        out = os.path.join(a.dir, str(d["search"]), f"{int(d['index']):06d}")
        os.makedirs(os.path.join(out, "out"), exist_ok=True)
        vals = {"arch": d["arch"], "out": os.path.join(out, "out"), "index": str(d["index"]), "seed": str(d["seed"]), "attempt": str(d["attempt"])}
        argv = [w for w in cmd]
        for k, v in vals.items():
            argv = [w.replace("{" + k + "}", v) for w in argv]  # one argument each, no shell
        timeout = d["timeout_ms"] / 1000 if d.get("timeout_ms") else None
        with open(os.path.join(out, f"attempt-{d['attempt']}.stdout"), "wb") as so, open(os.path.join(out, f"attempt-{d['attempt']}.stderr"), "wb") as se:
            proc = await asyncio.create_subprocess_exec(*argv, stdout=so, stderr=se, start_new_session=True)
            try:
                code = await asyncio.wait_for(proc.wait(), timeout)
            except asyncio.TimeoutError:
                os.killpg(proc.pid, signal.SIGKILL)
                raise Exception(f"timeout: no result within {timeout} s")
        if code != 0:
            raise Exception(f"exit: the trainer exited with status {code}")
        lines = [l for l in open(os.path.join(out, f"attempt-{d['attempt']}.stdout"), encoding="utf-8").read().splitlines() if l.strip()]
        try:
            r = json.loads(lines[-1])
            acc = float(r["accuracy"])
        except Exception as e:  # noqa: BLE001
            raise Exception(f"malformed: the last line of stdout is not a result ({e})")
        metrics = {k: v for k, v in r.items() if k not in ("accuracy", "latency_ms")}
        res = {"accuracy": acc, "metrics": metrics}
        if r.get("latency_ms") is not None:
            res["latency_ms"] = float(r["latency_ms"])
        return res

    async def run():
        worker = Worker(name, process, {"connection": connection})
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)
        await stop.wait()
        await worker.close()

    asyncio.run(run())


if __name__ == "__main__":
    main()
