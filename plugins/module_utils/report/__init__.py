# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The conformance report: check results in, a CNCF submission folder out.

``build.generate`` is the entry point (used by ``modules/conformance_report.py``):
``inputs`` validates and redacts what comes in, ``model`` decides each requirement's
PRODUCT.yaml status, one file per format renders it, ``selfcheck`` applies the CNCF
validator's offline rules and ``writer`` puts the folder in place atomically.
"""
