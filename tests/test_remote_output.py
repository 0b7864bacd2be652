"""A whole job writes through a non-local fsspec filesystem: s3:// against a moto S3 server on loopback."""

from __future__ import annotations

import hashlib
import json

import pytest

from tiny_job import tiny_config

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]


@pytest.fixture
def s3_server(monkeypatch):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1", "FSSPEC_S3_ENDPOINT_URL": endpoint}.items():
        monkeypatch.setenv(key, value)  # render actors import fsspec afresh and read these
    import fsspec.config

    monkeypatch.setitem(fsspec.config.conf, "s3", {"endpoint_url": endpoint})
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem()
    if not fs.exists("datasets"):  # moto keeps its buckets for the whole process, across servers
        fs.mkdir("datasets")
    yield fs
    server.stop()


def test_job_writes_to_s3(s3_server):
    import ray

    from pipeline.job import render_job

    config = tiny_config(scenes=[{"family": "indoor_room", "count": 2, "params": {"content": "primitive", "views": 1,
                                                                                   "resolutions": [[48, 48]]}}],
                         ray={"num_workers": 1, "cpus_per_worker": 1, "scenes_per_unit": 1})
    from pipeline.consumers.validate import validate_dataset

    try:
        manifest = render_job(config, "s3://datasets/tiny", progress=False)
        report = validate_dataset("s3://datasets/tiny", on_ray=True)  # unit tasks read S3 from Ray workers
    finally:
        ray.shutdown()
    assert report.ok and report.checked["pairs"] == manifest["counts"]["pairs"] > 0
    fs = s3_server
    stored = json.loads(fs.cat_file("datasets/tiny/manifest.json"))
    assert stored["counts"] == manifest["counts"] and stored["counts"]["views"] == 2
    for series in ("views", "pairs"):
        for shard in stored["series"][series]:
            data = fs.cat_file(f"datasets/tiny/{shard['name']}")
            assert hashlib.sha256(data).hexdigest() == shard["sha256"]
    assert fs.exists("datasets/tiny/index/pairs/u000000.parquet") and not fs.exists("datasets/tiny/index/pairs.parquet")
    assert not [p for p in fs.find("datasets/tiny") if ".partial" in p]

    import pipeline

    ds = pipeline.open_dataset("s3://datasets/tiny")  # one ranged GET per sample, no shard scan
    sample = ds[len(ds) - 1]
    assert sample.key == ds.pairs["key"][len(ds) - 1].as_py() and sample.labels.key == sample.meta["view_key"]
    assert ds._reader._locations == {}


def test_sweep_aborts_the_unfinished_multipart_uploads_under_the_dataset(s3_server):
    """A killed process leaves its multipart upload open (invisible, but stored and billed); the next
    job's sweep aborts those under its own root and no others."""
    from pipeline.shards.storage import Output

    fs = s3_server
    fs.call_s3("create_multipart_upload", Bucket="datasets", Key="tiny2/pairs/pairs-u000000-000000.tar")
    fs.call_s3("create_multipart_upload", Bucket="datasets", Key="other/pairs-u000000-000000.tar")
    swept = Output("s3://datasets/tiny2").sweep_temporaries()
    assert len(swept) == 1 and "tiny2/pairs/pairs-u000000-000000.tar" in swept[0]
    left = fs.call_s3("list_multipart_uploads", Bucket="datasets").get("Uploads", [])
    assert [u["Key"] for u in left] == ["other/pairs-u000000-000000.tar"]


def test_a_missing_bucket_stops_the_job_with_exit_4_and_names_it(s3_server, tmp_path, capsys):
    import yaml

    from pipeline import cli
    from pipeline.errors import EXIT_ENVIRONMENT

    config = tiny_config(scenes=[{"family": "indoor_room", "count": 1, "params": {"content": "primitive", "views": 1,
                                                                                   "resolutions": [[48, 48]]}}])
    cfg = tmp_path / "job.yaml"
    cfg.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    assert cli.main(["render", str(cfg), "--out", "s3://no-such-bucket/ds", "--no-progress"]) == EXIT_ENVIRONMENT
    err = capsys.readouterr().err
    assert "bucket 'no-such-bucket' does not exist" in err and "Traceback" not in err
