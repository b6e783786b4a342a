"""Checks of the manifests the add-on roles deliver to RKE2's manifests folder.

RKE2 applies every file of ``/var/lib/rancher/rke2/server/manifests`` as an AddOn; nothing there is
checked before it reaches the API server, and its helm-controller only fails later, inside the
cluster, on a bad chart value. These checks catch that before any cluster exists:

- every YAML document parses and is one object (or a ``kind: List``);
- every object validates against its schema, with unknown fields rejected: HelmChart and
  HelmChartConfig against the helm-controller CRDs, Gateway API kinds against every Gateway API
  release under ``tests/fixtures/gateway-api``, the ServiceMonitor against the prometheus-operator
  CRD (excerpt), built-in kinds with ``kubernetes-validate`` for Kubernetes 1.34;
- names are valid and the scope is right: namespaced objects name their namespace (RKE2 would put
  them wherever its default is), cluster-scoped ones do not, HelmCharts and HelmChartConfigs live
  in ``kube-system`` like RKE2's own;
- every chart value set (``valuesContent``, ``values``, ``set``) is a key of the pinned chart's
  default values (``tests/fixtures/charts``), so a typo in a values path fails.

Run as ``python -m tests.integration.roles.addons DIR [DIR...]`` (the Molecule ``site`` scenario
does, on each server's manifests folder) or call ``check_paths``.
"""

import argparse
import functools
import json
import pathlib
import re
import sys

import jsonschema
import kubernetes_validate
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
KUBERNETES_VERSION = "1.34.0"
# the built-in part of a real kube-apiserver v1.34's aggregated discovery (tests/fixtures/discovery/README.md)
DISCOVERY = FIXTURES / "discovery" / "kube-1.34.json"

CRD_SOURCES = (
    ("helm-controller", "*.yaml"),
    ("gateway-api", "*/*.yaml"),
    ("prometheus-operator", "*.yaml"),
)
# Bundled RKE2 charts configured through a HelmChartConfig of the same name: their upstream values.
BUNDLED_CHART_VALUES = {"rke2-traefik": "traefik-values-excerpt.yaml"}
# Maps whose keys the chart passes through, although its defaults list only some of them.
FREE_FORM_VALUES = {
    # every cluster-autoscaler flag: the Deployment template renders each key as --key=value
    "cluster-autoscaler": {"extraArgs"},
}
ADDON_NAMESPACE = "kube-system"

DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


class Manifest:
    """One object read from a manifest file, with where it came from."""

    def __init__(self, path, index, obj):
        self.path = pathlib.Path(path)
        self.index = index
        self.obj = obj

    @property
    def where(self):
        meta = self.obj.get("metadata") or {}
        return "%s[%d] %s %s" % (self.path.name, self.index, self.obj.get("kind"), meta.get("name"))


def load_manifests(paths):
    """Read every ``*.yaml``/``*.yml``/``*.json`` file of ``paths`` (files or folders).

    Returns ``(manifests, problems)``; a file that does not parse, or a document that is not an
    object, is a problem, not an exception.
    """
    manifests, problems = [], []
    files = []
    for path in map(pathlib.Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json")))
        else:
            files.append(path)
    for path in files:
        try:
            documents = list(yaml.safe_load_all(path.read_text()))
        except yaml.YAMLError as exc:
            problems.append("%s: not valid YAML: %s" % (path.name, exc))
            continue
        index, reported = 0, len(problems)
        for document in documents:
            if document is None:
                continue
            if not isinstance(document, dict):
                problems.append(
                    "%s: a document is a %s, not an object: RKE2 applies documents that are objects or kind List"
                    % (path.name, type(document).__name__)
                )
                continue
            items = document.get("items") if document.get("kind") == "List" else [document]
            for item in items or []:
                manifests.append(Manifest(path, index, item))
                index += 1
        if index == 0 and len(problems) == reported:
            problems.append("%s: holds no object" % path.name)
    return manifests, problems


def _strict(schema):
    """An openAPIV3Schema as a JSON schema that, like ``kubectl --validate=strict``, rejects unknown fields."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _strict(value) for key, value in schema.items() if key != "default"}
    if schema.get("nullable"):
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
    if (
        "properties" in schema
        and "additionalProperties" not in schema
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


class Schemas:
    """CRD schemas of the fixtures and the scope of built-in kinds, loaded once."""

    def __init__(self):
        self.crds = {}  # (group, kind) -> {"scope": str, "versions": {version: [(source, schema)]}}
        for folder, pattern in CRD_SOURCES:
            for path in sorted((FIXTURES / folder).glob(pattern)):
                for doc in yaml.safe_load_all(path.read_text()):
                    if not doc or doc.get("kind") != "CustomResourceDefinition":
                        continue
                    spec = doc["spec"]
                    entry = self.crds.setdefault(
                        (spec["group"], spec["names"]["kind"]), {"scope": spec["scope"], "versions": {}}
                    )
                    for version in spec["versions"]:
                        if version.get("served", True) and "schema" in version:
                            source = "%s/%s" % (folder, path.relative_to(FIXTURES / folder))
                            schema = _strict(version["schema"]["openAPIV3Schema"])
                            entry["versions"].setdefault(version["name"], []).append((source, schema))
        self.builtin_scope = {}
        discovery = json.loads(DISCOVERY.read_text())
        for group in discovery["api"]["items"] + discovery["apis"]["items"]:
            name = (group.get("metadata") or {}).get("name") or ""
            for version in group["versions"]:
                api_version = "%s/%s" % (name, version["version"]) if name else version["version"]
                for resource in version.get("resources") or []:
                    kind = (resource.get("responseKind") or {}).get("kind")
                    if kind:
                        self.builtin_scope.setdefault((api_version, kind), resource["scope"])

    def scope(self, api_version, kind):
        group = api_version.rpartition("/")[0]
        crd = self.crds.get((group, kind))
        if crd:
            return crd["scope"]
        return self.builtin_scope.get((api_version, kind))


@functools.cache
def schemas():
    """The ``Schemas``, loaded once per process (the fixtures do not change)."""
    return Schemas()


def _error_text(error):
    where = "/".join(str(part) for part in error.absolute_path) or "(top)"
    return "%s: %s" % (where, error.message)


def validate_object(manifest):
    """Problems of one object: identity, name, scope and schema."""
    obj, problems = manifest.obj, []
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    meta = obj.get("metadata") or {}
    name, namespace = meta.get("name"), meta.get("namespace")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return ["%s: apiVersion and kind are required" % manifest.where]
    if not isinstance(name, str) or not DNS_SUBDOMAIN.match(name) or len(name) > 253:
        problems.append("%s: metadata.name %r is not a DNS subdomain (RFC 1123)" % (manifest.where, name))
    scope = schemas().scope(api_version, kind)
    if scope is None:
        return [*problems, "%s: no schema for %s %s: cannot validate it" % (manifest.where, api_version, kind)]
    if scope == "Namespaced":
        if not namespace:
            problems.append(
                "%s: namespaced kind without metadata.namespace (RKE2 would apply it to its default namespace)"
                % manifest.where
            )
        elif not DNS_LABEL.match(namespace):
            problems.append("%s: metadata.namespace %r is not a DNS label" % (manifest.where, namespace))
    elif namespace:
        problems.append("%s: cluster-scoped kind with metadata.namespace %r" % (manifest.where, namespace))
    group, version = api_version.rpartition("/")[::2]
    if group == "helm.cattle.io" and namespace != ADDON_NAMESPACE:
        problems.append(
            "%s: RKE2's helm-controller objects belong in %s (a HelmChartConfig must share its chart's namespace)"
            % (manifest.where, ADDON_NAMESPACE)
        )
    crd = schemas().crds.get((group, kind))
    if crd is not None:
        variants = crd["versions"].get(version)
        if not variants:
            return [*problems, "%s: %s is not a served version of %s" % (manifest.where, api_version, kind)]
        for source, schema in variants:
            for error in sorted(jsonschema.Draft7Validator(schema).iter_errors(obj), key=str):
                problems.append("%s: invalid against %s: %s" % (manifest.where, source, _error_text(error)))
    else:
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(
                "%s: invalid for Kubernetes %s: %s" % (manifest.where, KUBERNETES_VERSION, _error_text(error))
            )
        except kubernetes_validate.SchemaNotFoundError:
            problems.append("%s: no Kubernetes %s schema for %s" % (manifest.where, KUBERNETES_VERSION, api_version))
    return problems


def unknown_values(values, defaults, path="", free_form=()):
    """Paths of ``values`` that the chart's ``defaults`` do not have, and shape mismatches.

    A default of ``{}`` or ``null`` is a free-form map (``nodeSelector``, ``podLabels``...), so any key
    below it is accepted, as below the paths in ``free_form``; lists are compared as lists only (their
    items have no defaults).
    """
    problems = []
    for key, value in values.items():
        where = "%s.%s" % (path, key) if path else str(key)
        if key not in defaults:
            problems.append("%s: not a value of the chart" % where)
            continue
        default = defaults[key]
        if default is None or default == {} or (where in free_form and isinstance(value, dict)):
            continue
        if isinstance(default, dict):
            if isinstance(value, dict):
                problems.extend(unknown_values(value, default, where, free_form))
            else:
                problems.append("%s: the chart expects a map here, got %s" % (where, type(value).__name__))
        elif isinstance(default, list):
            if not isinstance(value, list):
                problems.append("%s: the chart expects a list here, got %s" % (where, type(value).__name__))
        elif isinstance(value, (dict, list)):
            problems.append(
                "%s: the chart expects a %s here, got %s" % (where, type(default).__name__, type(value).__name__)
            )
        elif isinstance(default, bool) != isinstance(value, bool):
            problems.append(
                "%s: the chart's default is %r (%s), got %r" % (where, default, type(default).__name__, value)
            )
    return problems


def _set_to_values(settings):
    """``spec.set`` (``a.b.c: value``) as nested values, like ``helm --set``."""
    values = {}
    for dotted, value in settings.items():
        node = values
        parts = re.split(r"(?<!\\)\.", dotted)
        for part in parts[:-1]:
            node = node.setdefault(part.replace("\\.", "."), {})
        node[parts[-1].replace("\\.", ".")] = value
    return values


def chart_name(manifest):
    """The chart a HelmChart installs (end of ``spec.chart``), or the bundled chart a HelmChartConfig configures."""
    obj = manifest.obj
    if obj.get("kind") == "HelmChartConfig":
        return obj["metadata"]["name"]
    return str((obj.get("spec") or {}).get("chart", "")).rstrip("/").rsplit("/", 1)[-1]


def values_fixture(manifest):
    """The default values file for a HelmChart/HelmChartConfig, or None."""
    obj = manifest.obj
    if obj.get("kind") == "HelmChartConfig":
        name = BUNDLED_CHART_VALUES.get(chart_name(manifest))
        return FIXTURES / "charts" / name if name else None
    return FIXTURES / "charts" / ("%s-%s-values.yaml" % (chart_name(manifest), obj["spec"].get("version")))


def check_values(manifest):
    """Problems of the chart values a HelmChart or HelmChartConfig sets."""
    obj = manifest.obj
    if obj.get("apiVersion") != "helm.cattle.io/v1" or obj.get("kind") not in ("HelmChart", "HelmChartConfig"):
        return []
    spec = obj.get("spec") or {}
    layers = []
    if spec.get("valuesContent"):
        try:
            content = yaml.safe_load(spec["valuesContent"])
        except yaml.YAMLError as exc:
            return ["%s: spec.valuesContent is not valid YAML: %s" % (manifest.where, exc)]
        if not isinstance(content, dict):
            return ["%s: spec.valuesContent is not a map of values" % manifest.where]
        layers.append(("spec.valuesContent", content))
    if isinstance(spec.get("values"), dict):
        layers.append(("spec.values", spec["values"]))
    if isinstance(spec.get("set"), dict):
        layers.append(("spec.set", _set_to_values(spec["set"])))
    if not layers:
        return []
    fixture = values_fixture(manifest)
    if fixture is None or not fixture.is_file():
        return [
            "%s: sets chart values but tests/fixtures/charts has no default values for it (%s)"
            % (manifest.where, fixture.name if fixture else "bundled chart %s" % obj["metadata"]["name"])
        ]
    defaults = yaml.safe_load(fixture.read_text())
    return [
        "%s: %s: %s (defaults: %s)" % (manifest.where, layer, problem, fixture.name)
        for layer, values in layers
        for problem in unknown_values(values, defaults, free_form=FREE_FORM_VALUES.get(chart_name(manifest), ()))
    ]


def check_manifests(manifests):
    """Problems of every object: identity, name, scope, schema and chart values."""
    problems = []
    for manifest in manifests:
        problems.extend(validate_object(manifest))
        problems.extend(check_values(manifest))
    return problems


def check_paths(paths):
    """Load and check every manifest under ``paths``; returns ``(manifests, problems)``."""
    manifests, problems = load_manifests(paths)
    return manifests, problems + check_manifests(manifests)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="manifest files or folders")
    parser.add_argument("--expect", action="append", default=[], help="a file base name that must be there")
    args = parser.parse_args(argv)
    manifests, problems = check_paths(args.paths)
    found = {m.path.stem for m in manifests}
    problems += ["missing manifest %s" % name for name in args.expect if name not in found]
    for problem in problems:
        print("FAIL %s" % problem)
    print(
        "%d object(s) in %d file(s): %s"
        % (len(manifests), len(found), "%d problem(s)" % len(problems) if problems else "all valid")
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
