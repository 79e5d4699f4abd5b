from __future__ import annotations

from celery import shared_task


@shared_task(name="backend.compliance.tasks.recompute_verdicts", max_retries=3)
def recompute_verdicts(product_ids: list[int] | None = None) -> int:
    """Idempotent: sets the stored verdicts from the current facts and rules."""
    from .services import verdicts_recompute

    return verdicts_recompute(product_ids=product_ids)
