# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""driver_runtime_management: not implemented yet; reports skipped so that nothing is claimed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ai_conformance.rke2.plugins.module_utils.result import SKIPPED

REQUIREMENT = "driver_runtime_management"
# suboptions of the module option named after the requirement (see runner.argument_spec)
ARGUMENT_SPEC = {}


def run(ctx, result):
    return result.finish(SKIPPED, "not checked: this collection version has no driver_runtime_management check yet")
