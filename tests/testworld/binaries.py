"""The test world's programs, built once from their Go modules into a cache outside the repository.

Each Go module under ``tests/testworld/go/`` pins one upstream module (``k8s.io/kubernetes`` per
minor release, etcd's server, KWOK). ``ensure(name)`` returns the folder holding that module's
binaries, building them on first use with one ``go build`` per program (they share Go's build
cache) and a progress line while it runs. The folder is keyed by the pinned version and a hash of
the module's go.mod/go.sum, so a change to a pin builds anew and never reuses an old binary.

Where the official release downloads are reachable (not on this project's CI machines, which reach
only the Go module proxy) ``ensure`` first tries them, checked against their published sha256
sums, as setup-envtest and kwokctl do; ``AIC_TESTWORLD_DOWNLOAD=0`` turns that off.
"""

import contextlib
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request

from tests.testworld.filelock import locked

GO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "go")
KUBERNETES_RELEASES = ("1.33", "1.34", "1.37")
DEFAULT_KUBERNETES = "1.34"
KUBE_PROGRAMS = ("kube-apiserver", "kube-controller-manager", "kube-scheduler")


class BuildError(RuntimeError):
    """A program could not be built or downloaded; the message says which and why."""


def cache_root():
    """``$AIC_TESTWORLD_CACHE``, else ``$XDG_CACHE_HOME/ai-conformance-rke2/testworld`` (~/.cache)."""
    explicit = os.environ.get("AIC_TESTWORLD_CACHE")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "ai-conformance-rke2", "testworld")


def _goarch():
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


class Module(object):
    """One Go module of ``tests/testworld/go/``: what it pins and which programs it builds."""

    def __init__(self, name, folder, upstream, programs, ldflags=None, cgo=False):
        self.name = name
        self.folder = os.path.join(GO_DIR, folder)
        self.upstream = upstream  # the pinned module path, e.g. k8s.io/kubernetes
        self.programs = programs  # {binary name: package path}
        self._ldflags = ldflags
        self.cgo = cgo

    @property
    def version(self):
        """The pinned version of ``upstream``, read from go.mod."""
        with open(os.path.join(self.folder, "go.mod")) as fh:
            text = fh.read()
        match = re.search(r"^\s*(?:require\s+)?%s\s+(v\S+)" % re.escape(self.upstream), text, re.M)
        if not match:
            raise BuildError("%s/go.mod does not require %s" % (self.folder, self.upstream))
        return match.group(1)

    def fingerprint(self):
        digest = hashlib.sha256()
        for leaf in ("go.mod", "go.sum", "main.go", "stages/main.go"):
            path = os.path.join(self.folder, leaf)
            if os.path.exists(path):
                with open(path, "rb") as fh:
                    digest.update(leaf.encode() + b"\0" + fh.read())
        digest.update(" ".join(self.ldflags()).encode())
        return digest.hexdigest()[:12]

    def ldflags(self):
        return self._ldflags(self.version) if self._ldflags else ["-s", "-w"]

    def cache_dir(self):
        return os.path.join(cache_root(), "%s-%s-%s" % (self.name, self.version, self.fingerprint()))


def _kube_ldflags(version):
    """Kubernetes' version stamping (hack/lib/version.sh), so /version and ``kubectl version`` say which
    release this is. ``gitCommit`` stays empty: a module download carries no commit."""
    major, minor = version.lstrip("v").split(".")[:2]
    flags = ["-s", "-w"]
    values = {"gitVersion": version, "gitMajor": major, "gitMinor": minor, "gitTreeState": "clean"}
    for key, value in values.items():
        for package in ("k8s.io/client-go/pkg/version", "k8s.io/component-base/version"):
            flags.append("-X=%s.%s=%s" % (package, key, value))
    return flags


def modules():
    found = {
        "etcd": Module("etcd", "etcd", "go.etcd.io/etcd/server/v3", {"etcd": "."}),
        "kwok": Module(
            "kwok", "kwok", "sigs.k8s.io/kwok", {"kwok": "sigs.k8s.io/kwok/cmd/kwok", "kwok-stages": "./stages"}
        ),
    }
    for release in KUBERNETES_RELEASES:
        programs = {p: "k8s.io/kubernetes/cmd/%s" % p for p in KUBE_PROGRAMS}
        name = "kubernetes-%s" % release
        found[name] = Module(name, name, "k8s.io/kubernetes", programs, ldflags=_kube_ldflags)
    return found


def kubernetes_version(release=DEFAULT_KUBERNETES):
    """The exact version (``v1.34.1``) pinned for a minor release (``1.34``)."""
    return module_for_release(release).version


def module_for_release(release):
    found = modules()
    name = "kubernetes-%s" % release
    if name not in found:
        raise BuildError(
            "Kubernetes %s: no Go module pins it; releases: %s" % (release, ", ".join(KUBERNETES_RELEASES))
        )
    return found[name]


def _say(message):
    print("testworld: %s" % message, file=sys.stderr, flush=True)


def ensure(name, log=_say):
    """Folder with the binaries of module ``name`` (``kubernetes-1.34``, ``etcd``, ``kwok``), built or
    downloaded when missing. Safe to call from several processes at once (a lock file serialises them)."""
    module = modules().get(name)
    if module is None:
        raise BuildError("unknown test world module %r; known: %s" % (name, ", ".join(sorted(modules()))))
    target = module.cache_dir()
    if _complete(module, target):
        return target
    with locked(target + ".lock"):
        if _complete(module, target):
            return target
        staging = tempfile.mkdtemp(prefix=".%s-" % os.path.basename(target), dir=os.path.dirname(target))
        try:
            fetched = _download(module, staging, log)
            missing = {b: p for b, p in module.programs.items() if b not in fetched}
            if missing:
                _build(module, missing, staging, log)
            os.chmod(staging, 0o755)
            if os.path.exists(target):
                shutil.rmtree(target)
            os.rename(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _complete(module, target):
    return all(os.access(os.path.join(target, p), os.X_OK) for p in module.programs)


def _go():
    go = shutil.which("go")
    if not go:
        raise BuildError(
            "the test world builds Kubernetes from its Go modules and needs the go command (Go 1.26); none is on PATH"
        )
    return go


def _count_packages(go, module, package, env):
    """How many packages a program compiles, for the progress line; None when go list fails."""
    result = subprocess.run(
        [go, "list", "-deps", package], cwd=module.folder, env=env, capture_output=True, text=True, check=False
    )
    return len(result.stdout.split()) if result.returncode == 0 else None


def _collect(stream, lines, counter):
    """Keep ``go build -v`` output (package names as they compile) and count it for the progress line."""
    for raw in stream:
        lines.append(raw.decode(errors="replace").rstrip())
        counter[0] += 1


def _build(module, programs, staging, log):
    go = _go()
    env = dict(os.environ, CGO_ENABLED="1" if module.cgo else "0", GOFLAGS="-mod=mod")
    total_started = time.monotonic()
    log(
        "building %s %s from %s into %s (first use only; on 2 cores the Kubernetes servers take about "
        "4 minutes, etcd and kwok about 1 minute each)" % (module.name, module.version, module.upstream, staging)
    )
    programs = sorted(programs.items())
    for i, (binary, package) in enumerate(programs, 1):
        started = time.monotonic()
        total = _count_packages(go, module, package, env)
        cmd = [go, "build", "-v", "-trimpath", "-tags", "selinux,notest", "-ldflags", " ".join(module.ldflags())]
        cmd += ["-o", os.path.join(staging, binary), package]
        proc = subprocess.Popen(cmd, cwd=module.folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        lines = []
        compiled = [0]
        reader = threading.Thread(target=_collect, args=(proc.stdout, lines, compiled), daemon=True)
        reader.start()
        next_report = started + 30
        while proc.poll() is None:
            time.sleep(0.5)
            if time.monotonic() >= next_report:
                next_report += 30
                of = "/%d" % total if total else ""
                log(
                    "  [%d/%d] %s: %d%s packages compiled, %ds"
                    % (i, len(programs), binary, compiled[0], of, time.monotonic() - started)
                )
        reader.join()
        if proc.returncode != 0:
            tail = "\n".join(line for line in lines[-40:] if line)
            raise BuildError("go build of %s (%s %s) failed:\n%s" % (package, module.upstream, module.version, tail))
        log("  [%d/%d] %s built in %ds" % (i, len(programs), binary, time.monotonic() - started))
    log("%s %s ready in %ds" % (module.name, module.version, time.monotonic() - total_started))


# --- official release downloads ------------------------------------------------------------------
DOWNLOAD_TIMEOUT = float(os.environ.get("AIC_TESTWORLD_DOWNLOAD_TIMEOUT", "5"))
RELEASE_BASES = {
    "kubernetes": os.environ.get("AIC_TESTWORLD_KUBERNETES_RELEASES", "https://dl.k8s.io/release"),
    "etcd": os.environ.get("AIC_TESTWORLD_ETCD_RELEASES", "https://github.com/etcd-io/etcd/releases/download"),
    "kwok": os.environ.get("AIC_TESTWORLD_KWOK_RELEASES", "https://github.com/kubernetes-sigs/kwok/releases/download"),
}


def _fetch(url):
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
        return response.read()


def _sha256_of(text, filename):
    """The hash for ``filename`` in a sha256 file: a bare hash, or ``HASH  NAME`` lines."""
    for line in text.decode(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 1 and re.fullmatch(r"[0-9a-f]{64}", parts[0]):
            return parts[0]
        if len(parts) >= 2 and parts[-1].lstrip("*").split("/")[-1] == filename:
            return parts[0]
    return None


def _verified(url, checksum_url, filename):
    data = _fetch(url)
    expected = _sha256_of(_fetch(checksum_url), filename)
    actual = hashlib.sha256(data).hexdigest()
    if expected != actual:
        raise BuildError("%s: sha256 %s does not match the published %s" % (url, actual, expected))
    return data


def release_assets(module):
    """[(binary, url, checksum url, filename in the checksum file, member of an archive or None)]."""
    arch, version = _goarch(), module.version
    if module.name.startswith("kubernetes-"):
        base = "%s/%s/bin/linux/%s" % (RELEASE_BASES["kubernetes"], version, arch)
        return [(p, "%s/%s" % (base, p), "%s/%s.sha256" % (base, p), p, None) for p in module.programs]
    if module.name == "etcd":
        archive = "etcd-%s-linux-%s.tar.gz" % (version, arch)
        base = "%s/%s" % (RELEASE_BASES["etcd"], version)
        member = "etcd-%s-linux-%s/etcd" % (version, arch)
        return [("etcd", "%s/%s" % (base, archive), "%s/SHA256SUMS" % base, archive, member)]
    if module.name == "kwok":
        name = "kwok-linux-%s" % arch
        base = "%s/%s" % (RELEASE_BASES["kwok"], version)
        return [("kwok", "%s/%s" % (base, name), "%s/checksums.txt" % base, name, None)]
    return []


def _download(module, staging, log):
    """Fetch the official binaries into ``staging``; returns the names fetched (none when unreachable)."""
    if os.environ.get("AIC_TESTWORLD_DOWNLOAD", "1") == "0":
        return set()
    assets = release_assets(module)
    try:
        for binary, url, checksum_url, filename, member in assets:
            data = _verified(url, checksum_url, filename)
            path = os.path.join(staging, binary)
            if member:
                data = _extract(data, member, url)
            with open(path, "wb") as fh:
                fh.write(data)
            os.chmod(path, 0o755)
            log("downloaded %s %s from %s (sha256 verified)" % (binary, module.version, url))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        for binary in module.programs:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(staging, binary))
        log("official %s release not reachable (%s): building it from its Go module" % (module.name, _reason(exc)))
        return set()
    return {asset[0] for asset in assets}


def _reason(exc):
    return getattr(exc, "reason", None) or exc


def _extract(data, member, url):
    with tempfile.TemporaryFile() as tmp:
        tmp.write(data)
        tmp.seek(0)
        with tarfile.open(fileobj=tmp, mode="r:gz") as archive:
            try:
                extracted = archive.extractfile(member)
            except KeyError:
                extracted = None
            if extracted is None:
                raise BuildError("%s has no %s" % (url, member))
            return extracted.read()


def main(argv=None):
    """``python -m tests.testworld.binaries [NAME ...]``: build (or download) modules ahead of use."""
    names = (argv if argv is not None else sys.argv[1:]) or ["etcd", "kwok", "kubernetes-%s" % DEFAULT_KUBERNETES]
    try:
        for name in names:
            print(ensure(name))
    except BuildError as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
