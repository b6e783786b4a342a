# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of the modules that read the Kubernetes API (kubernetes.core's names)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  kubeconfig:
    description:
      - Path to a kubeconfig file, or a kubeconfig as a dictionary.
      - When neither O(kubeconfig) nor O(host) is set, the module uses the in-cluster service account
        when it runs in a pod, else C($KUBECONFIG) or C(~/.kube/config).
      - Can also be set with the E(K8S_AUTH_KUBECONFIG) environment variable.
    type: raw
  context:
    description:
      - Name of a context in the kubeconfig. Defaults to its current context.
      - Can also be set with E(K8S_AUTH_CONTEXT).
    type: str
  host:
    description:
      - URL of the API server, for example V(https://rke2-server-1:6443). Overrides the kubeconfig's server.
      - Can also be set with E(K8S_AUTH_HOST).
    type: str
  api_key:
    description:
      - Bearer token for the API server. Overrides the kubeconfig's credentials. Never logged.
      - Can also be set with E(K8S_AUTH_API_KEY).
    type: str
  username:
    description:
      - User name for HTTP basic authentication, with O(password). Rarely enabled on clusters.
      - Can also be set with E(K8S_AUTH_USERNAME).
    type: str
  password:
    description:
      - Password for HTTP basic authentication, with O(username). Never logged.
      - Can also be set with E(K8S_AUTH_PASSWORD).
    type: str
  client_cert:
    description:
      - Path to a client certificate for TLS client authentication.
      - Can also be set with E(K8S_AUTH_CERT_FILE).
    type: path
    aliases: [cert_file]
  client_key:
    description:
      - Path to the key of O(client_cert).
      - Can also be set with E(K8S_AUTH_KEY_FILE).
    type: path
    aliases: [key_file]
  ca_cert:
    description:
      - Path to the CA certificate (full chain) that signed the API server's certificate.
      - Can also be set with E(K8S_AUTH_SSL_CA_CERT).
    type: path
    aliases: [ssl_ca_cert]
  validate_certs:
    description:
      - Whether to verify the API server's TLS certificate.
      - When not set, certificates are verified unless the kubeconfig's cluster entry sets
        C(insecure-skip-tls-verify). Set V(false) only for throw-away test clusters.
      - Can also be set with E(K8S_AUTH_VERIFY_SSL).
    type: bool
    aliases: [verify_ssl]
  proxy:
    description:
      - URL of an HTTP proxy for the API requests. Environment proxy settings are not used.
      - Can also be set with E(K8S_AUTH_PROXY).
    type: str
  request_timeout:
    description:
      - Seconds to wait for each API request before it counts as failed (and is retried).
    type: float
    default: 10
  retries:
    description:
      - Extra attempts for a request that failed in a transient way (HTTP 429 or 5xx, connection reset
        or refused, timeout). The wait doubles from half a second up to 8 seconds and follows the server's
        C(Retry-After) header when it sends one. V(0) disables retries; at most V(10).
    type: int
    default: 3
requirements:
  - kubernetes >= 24.2.0 (the Python client, used to read kubeconfigs and service-account credentials)
notes:
  - Options and environment variables are named as in M(kubernetes.core.k8s), so C(module_defaults) written
    for kubernetes.core apply unchanged.
"""
