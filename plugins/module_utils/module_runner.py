# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place where exceptions become ``fail_json``.

Modules hand their work to ``run_module``; known failures (bad input, API errors) give
their message, anything else gives its type and message, with the traceback only in the
``exception`` field Ansible shows at ``-vvv``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible_collections.ai_conformance.rke2.plugins.module_utils.client import (
    KubeClient,
    build_configuration,
)
from ansible_collections.ai_conformance.rke2.plugins.module_utils.errors import (
    ApiError,
    ConformanceError,
)


def client_from_params(params):
    """The collection's client factory: connection options -> ``KubeClient``."""
    configuration = build_configuration(params)
    return KubeClient(
        configuration,
        request_timeout=params.get("request_timeout") or 10.0,
        retries=3 if params.get("retries") is None else params["retries"],
    )


def run_module(module, work):
    """Call ``work(module)`` and exit with its result dict, or fail with a clear message."""
    try:
        result = work(module)
    except ApiError as exc:
        module.fail_json(msg=exc.message, api_error=exc.to_dict())
    except ConformanceError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # the boundary: nothing escapes as a raw traceback
        module.fail_json(msg="unexpected error (%s): %s" % (type(exc).__name__, exc), exception=traceback.format_exc())
    module.exit_json(**result)
