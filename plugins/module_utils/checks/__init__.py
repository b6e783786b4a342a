# -*- coding: utf-8 -*-
# Copyright: (c) 2026, rke2-ai-conformance maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One file per CNCF requirement id. Each exposes ``REQUIREMENT`` and ``run(ctx, result)``,
which fills ``result`` with evidence and finishes it with a status and a reason."""
