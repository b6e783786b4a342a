"""The binary cache: versions come from the Go modules, a changed pin never reuses an old build,
official releases are used only when their sha256 matches, and unreachable downloads fall back to
building."""

import hashlib
import http.server
import io
import os
import shutil
import tarfile
import threading
import typing

import pytest

from tests.testworld import binaries


def test_pinned_versions_are_read_from_the_go_modules():
    assert binaries.kubernetes_version("1.34") == "v1.34.1"
    assert binaries.kubernetes_version("1.33") == "v1.33.5"
    assert binaries.kubernetes_version("1.37") == "v1.37.2"
    assert binaries.modules()["etcd"].version == "v3.6.4"
    assert binaries.modules()["kwok"].version == "v0.8.0"
    with pytest.raises(binaries.BuildError, match=r"Kubernetes 1\.29: no Go module pins it"):
        binaries.module_for_release("1.29")


def test_version_stamps_follow_kubernetes_build_scripts():
    flags = binaries._kube_ldflags("v1.34.1")
    assert "-X=k8s.io/component-base/version.gitVersion=v1.34.1" in flags
    assert "-X=k8s.io/client-go/pkg/version.gitMinor=34" in flags
    assert "-X=k8s.io/component-base/version.gitTreeState=clean" in flags


def test_the_cache_key_changes_with_the_module(tmp_path, monkeypatch):
    folder = tmp_path / "go" / "kwok"
    shutil.copytree(os.path.join(binaries.GO_DIR, "kwok"), folder)
    monkeypatch.setattr(binaries, "GO_DIR", str(tmp_path / "go"))
    monkeypatch.setenv("AIC_TESTWORLD_CACHE", str(tmp_path / "cache"))
    module = binaries.modules()["kwok"]
    before = module.cache_dir()
    assert before.startswith(str(tmp_path / "cache" / "kwok-v0.8.0-"))
    (folder / "go.sum").write_text((folder / "go.sum").read_text() + "\n")
    assert module.cache_dir() != before


class _Releases(http.server.BaseHTTPRequestHandler):
    files: typing.ClassVar[dict] = {}

    def do_GET(self):
        data = self.files.get(self.path)
        self.send_response(200 if data is not None else 404)
        self.end_headers()
        self.wfile.write(data or b"")

    def log_message(self, *args):
        pass


@pytest.fixture
def releases(monkeypatch, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Releases)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % server.server_address[1]
    monkeypatch.setitem(binaries.RELEASE_BASES, "kubernetes", base + "/k8s")
    monkeypatch.setitem(binaries.RELEASE_BASES, "etcd", base + "/etcd")
    monkeypatch.setenv("AIC_TESTWORLD_DOWNLOAD", "1")
    _Releases.files = {}
    yield _Releases.files
    server.shutdown()


def _kube_files(files, tamper=None):
    module = binaries.module_for_release("1.34")
    for name in binaries.KUBE_PROGRAMS:
        data = b"#!/bin/sh\necho %s\n" % name.encode()
        digest = hashlib.sha256(data).hexdigest()
        if name == tamper:
            digest = "0" * 64
        path = "/k8s/%s/bin/linux/%s/%s" % (module.version, binaries._goarch(), name)
        files[path] = data
        files[path + ".sha256"] = digest.encode()
    return module


def test_verified_official_binaries_are_used(releases, tmp_path):
    module = _kube_files(releases)
    fetched = binaries._download(module, str(tmp_path), lambda _msg: None)
    assert fetched == set(binaries.KUBE_PROGRAMS)
    assert (tmp_path / "kube-apiserver").read_bytes() == b"#!/bin/sh\necho kube-apiserver\n"
    assert os.access(tmp_path / "kube-apiserver", os.X_OK)


def test_a_checksum_mismatch_is_an_error_not_a_fallback(releases, tmp_path):
    module = _kube_files(releases, tamper="kube-scheduler")
    with pytest.raises(binaries.BuildError, match=r"kube-scheduler: sha256 \w+ does not match the published 0000"):
        binaries._download(module, str(tmp_path), lambda _msg: None)


def test_unreachable_releases_fall_back_to_building(releases, tmp_path):
    said = []
    fetched = binaries._download(binaries.module_for_release("1.34"), str(tmp_path), said.append)
    assert fetched == set()
    assert list(tmp_path.iterdir()) == []
    assert "building it from its Go module" in said[0]


def test_etcd_comes_out_of_its_release_archive(releases, tmp_path):
    module = binaries.modules()["etcd"]
    arch = binaries._goarch()
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        payload = b"etcd binary"
        info = tarfile.TarInfo("etcd-%s-linux-%s/etcd" % (module.version, arch))
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    name = "etcd-%s-linux-%s.tar.gz" % (module.version, arch)
    releases["/etcd/%s/%s" % (module.version, name)] = archive.getvalue()
    releases["/etcd/%s/SHA256SUMS" % module.version] = (
        "%s  other.tar.gz\n%s  %s\n" % ("1" * 64, hashlib.sha256(archive.getvalue()).hexdigest(), name)
    ).encode()
    assert binaries._download(module, str(tmp_path), lambda _msg: None) == {"etcd"}
    assert (tmp_path / "etcd").read_bytes() == b"etcd binary"


def test_downloads_can_be_turned_off(monkeypatch, tmp_path):
    monkeypatch.setenv("AIC_TESTWORLD_DOWNLOAD", "0")
    assert binaries._download(binaries.modules()["etcd"], str(tmp_path), lambda _msg: None) == set()


def test_unknown_module_is_named():
    with pytest.raises(binaries.BuildError, match="unknown test world module 'nope'"):
        binaries.ensure("nope")
