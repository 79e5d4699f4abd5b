from __future__ import annotations

from celery import shared_task


@shared_task(name="backend.compliance.tasks.recompute_verdicts", max_retries=3)
def recompute_verdicts(product_ids: list[int] | None = None) -> int:
    """Idempotent: sets the stored verdicts from the current facts and rules."""
    from .services import verdicts_recompute

    return verdicts_recompute(product_ids=product_ids)


@shared_task(name="backend.compliance.tasks.recompute_when_rules_start_or_end")
def recompute_when_rules_start_or_end() -> int:
    """Daily (beat): a rule that comes into force today, or ended yesterday, changes verdicts
    without anyone editing anything; recompute every product then. Returns products done."""
    import datetime

    from django.db.models import Q
    from django.utils import timezone

    from .models import Rule
    from .services import verdicts_recompute

    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    if not Rule.objects.filter(Q(valid_from=today) | Q(valid_to=yesterday)).exists():
        return 0
    return verdicts_recompute()
