import pytest
from django.utils import timezone

from apps.disclosure import services
from apps.disclosure.enums import TOPIC_ORDER


@pytest.fixture
def disclosure(world):
    return services.disclosure_create(project=world.project, user=world.lead, meeting_date=timezone.localdate(),
                                      place="档案馆三楼会议室")


def make_ready(world, disclosure):
    for item in disclosure.items.all():
        services.disclosure_item_update(item=item, user=world.lead, text=f"{item.get_topic_display()}：按合同执行。")
    services.disclosure_attendees_set(disclosure=disclosure, user=world.lead,
                                      people=[world.lead, world.inspector, world.pm, world.special, world.operator,
                                              world.security])
    assert len(TOPIC_ORDER) == 5
    return disclosure


@pytest.fixture
def ready(world, disclosure):
    return make_ready(world, disclosure)


@pytest.fixture(autouse=True)
def _english(english):
    """These tests read message texts in English (see tests/conftest.py)."""
