"""Two fund officers deciding at once cannot together commit more than the call's budget."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from fund import services
from fund.models import Application
from fund.services import FundError
from fund.tests.test_services import _recommended
from fund.workflow import COMMITTED


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_stay_within_the_budget(open_call, applicant, fund_officer):
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks held by two connections at once (PostgreSQL)")
    open_call.budget = Decimal("20000")
    open_call.save()
    first = _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    second = _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(application: Application) -> None:
        try:
            # Both transactions are open, each holding its own application, before either
            # decides: without the lock on the call both would see nothing committed yet.
            with transaction.atomic():
                Application.objects.select_for_update().get(pk=application.pk)
                start.wait(timeout=10)
                services.application_transition(application=application, name="approve", by=None)
            outcomes.append("approved")
        except FundError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(a,)) for a in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["approved", "refused"]
    committed = Application.objects.filter(call=open_call, state__in=COMMITTED)
    assert committed.count() == 1
    assert services.committed(open_call) <= open_call.budget
