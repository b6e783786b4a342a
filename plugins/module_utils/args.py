# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs shared by the modules that talk to the Kubernetes API.

The connection options keep kubernetes.core's names and ``K8S_AUTH_*`` environment
variables, so ``module_defaults`` and inventories written for kubernetes.core work here.
Documented in ``doc_fragments/connection.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

CONNECTION_ARG_SPEC = dict(
    kubeconfig=dict(type="raw", fallback=(env_fallback, ["K8S_AUTH_KUBECONFIG"])),
    context=dict(type="str", fallback=(env_fallback, ["K8S_AUTH_CONTEXT"])),
    host=dict(type="str", fallback=(env_fallback, ["K8S_AUTH_HOST"])),
    api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["K8S_AUTH_API_KEY"])),
    username=dict(type="str", fallback=(env_fallback, ["K8S_AUTH_USERNAME"])),
    password=dict(type="str", no_log=True, fallback=(env_fallback, ["K8S_AUTH_PASSWORD"])),
    client_cert=dict(type="path", aliases=["cert_file"], fallback=(env_fallback, ["K8S_AUTH_CERT_FILE"])),
    client_key=dict(type="path", aliases=["key_file"], no_log=False, fallback=(env_fallback, ["K8S_AUTH_KEY_FILE"])),
    ca_cert=dict(type="path", aliases=["ssl_ca_cert"], fallback=(env_fallback, ["K8S_AUTH_SSL_CA_CERT"])),
    validate_certs=dict(type="bool", aliases=["verify_ssl"], fallback=(env_fallback, ["K8S_AUTH_VERIFY_SSL"])),
    proxy=dict(type="str", fallback=(env_fallback, ["K8S_AUTH_PROXY"])),
    request_timeout=dict(type="float", default=10.0),
    retries=dict(type="int", default=3),
)


def validate_connection(params):
    """Checks the argument spec cannot express; returns an error message or None."""
    if isinstance(params.get("kubeconfig"), (list, int, float, bool)):
        return "kubeconfig: expected a file path or a kubeconfig as a dictionary, got %s" % (
            type(params["kubeconfig"]).__name__
        )
    if params.get("request_timeout") is not None and params["request_timeout"] <= 0:
        return "request_timeout: expected a number of seconds greater than 0, got %s" % params["request_timeout"]
    if params.get("retries") is not None and not 0 <= params["retries"] <= 10:
        return "retries: expected an integer from 0 to 10, got %s" % params["retries"]
    if bool(params.get("username")) != bool(params.get("password")):
        return "username and password must be given together"
    return None
