"""A job without a Ray address starts its own local instance, even while another one runs on the machine.

Ray's default joins the cluster whose address was last written to /tmp/ray/ray_current_cluster (by
`ray start` or `ray.cluster_utils.Cluster`), so a local job would share that instance and its driver
would die when the instance's owner shut it down.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.ray, pytest.mark.xdist_group("render")]

HOLD_ANNOUNCED_INSTANCE = """
import sys
from ray.cluster_utils import Cluster
cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
print(cluster.address, flush=True)
sys.stdin.read()
cluster.shutdown()
"""

CONNECT_LIKE_A_JOB = """
import ray
from pipeline.distributed import ray_backend
ray_backend.connect(None)
print(ray.get_runtime_context().gcs_address, flush=True)
ray.shutdown()
"""


def _gcs_address_seen_by_a_job(env: dict) -> str:
    job = subprocess.run([sys.executable, "-c", CONNECT_LIKE_A_JOB], capture_output=True, text=True,
                         timeout=300, env=env)
    assert job.returncode == 0, job.stderr
    return job.stdout.strip().splitlines()[-1]


def test_local_job_starts_its_own_instance_unless_ray_address_is_set():
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    holder = subprocess.Popen([sys.executable, "-c", HOLD_ANNOUNCED_INSTANCE], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        first = holder.stdout.readline().strip()
        assert first, "the first Ray instance did not start"
        assert _gcs_address_seen_by_a_job(env) != first
        assert _gcs_address_seen_by_a_job({**env, "RAY_ADDRESS": first}) == first
    finally:
        holder.stdin.close()
        holder.wait(timeout=120)
