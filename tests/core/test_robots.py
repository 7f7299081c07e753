"""A group robot's address cannot reach the server's own network: only the hosts the
operator allows, never at an internal address unless allowed, checked when the office saves
it and again when a reminder is sent; no redirect is followed."""

import pytest
from django.core.exceptions import ValidationError

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.models import Campaign
from anxuan.core.robots import post_robot
from tests.reports.robots import FakeRobot, FakeRobotServer

INTERNAL = [
    "http://127.0.0.1:{port}/robot/send?access_token=x",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:5432/",
    "https://robot.example.com/robot/send?access_token=x",
]


@pytest.fixture
def robot():
    with FakeRobotServer(FakeRobot()) as fake:
        yield fake


@pytest.mark.parametrize("url", INTERNAL)
def test_the_office_cannot_save_an_internal_or_unlisted_robot_address(county, robot, url):
    with pytest.raises(ValidationError) as refused:
        campaign_services.update_campaign(
            actor=county.office_admin,
            campaign=county.campaign,
            webhook_url=url.format(port=robot.port),
        )

    assert "群机器人只能设在 oapi.dingtalk.com、qyapi.weixin.qq.com" in str(refused.value)
    assert Campaign.objects.get(pk=county.campaign.pk).webhook_url == ""


def test_the_edit_page_says_why_in_chinese(county, login):
    client = login(county.office_admin)
    form = client.get(f"/campaigns/{county.campaign.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data |= {"webhook_url": "http://169.254.169.254/latest/meta-data/", "reminder_hours": 24}
    data["indicator_choices"] = form.initial["indicator_choices"]

    response = client.post(f"/campaigns/{county.campaign.pk}/edit/", data)

    assert response.status_code == 400
    assert response.context["form"].errors["webhook_url"] == [
        "群机器人只能设在 oapi.dingtalk.com、qyapi.weixin.qq.com，不能设在 169.254.169.254。"
        "如需其他地址，请系统管理员在 ROBOT_HOSTS 中允许。"
    ]
    assert "不能设在 169.254.169.254" in response.content.decode()
    assert Campaign.objects.get(pk=county.campaign.pk).webhook_url == ""


@pytest.mark.parametrize(
    "url",
    [
        "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6",
    ],
)
def test_dingtalk_and_wecom_addresses_are_accepted(county, url):
    campaign_services.update_campaign(
        actor=county.office_admin, campaign=county.campaign, webhook_url=url
    )

    assert Campaign.objects.get(pk=county.campaign.pk).webhook_url == url


def test_a_listed_host_that_resolves_to_an_internal_address_is_refused(county, settings):
    settings.ROBOT_HOSTS = ["localhost"]

    with pytest.raises(ValidationError) as refused:
        campaign_services.update_campaign(
            actor=county.office_admin,
            campaign=county.campaign,
            webhook_url="http://localhost:8143/robot/send?access_token=x",
        )

    assert "localhost 是内部地址（127.0.0.1）" in str(refused.value)


def test_an_intranet_deployment_may_allow_its_own_robot_host(county, settings):
    settings.ROBOT_HOSTS = ["localhost"]
    settings.ROBOT_ALLOW_PRIVATE = True
    url = "http://localhost:8143/robot/send?access_token=x"

    campaign_services.update_campaign(
        actor=county.office_admin, campaign=county.campaign, webhook_url=url
    )

    assert Campaign.objects.get(pk=county.campaign.pk).webhook_url == url


@pytest.mark.parametrize("url", INTERNAL)
def test_at_send_time_internal_and_unlisted_addresses_are_not_called(robot, url):
    """As an address saved before the rule, or under an operator's earlier settings."""
    outcome = post_robot(url.format(port=robot.port), "测试")

    assert (outcome.ok, outcome.code) == (False, "refused")
    assert robot.received == []


def test_at_send_time_a_name_now_resolving_inside_is_not_called(robot, settings):
    """The name was allowed at save (it resolved elsewhere then); now it points inside."""
    settings.ROBOT_HOSTS = ["localhost"]

    outcome = post_robot(f"http://localhost:{robot.port}/robot/send?access_token=x", "测试")

    assert (outcome.ok, outcome.code) == (False, "refused")
    assert "localhost 是内部地址（127.0.0.1）" in outcome.answer
    assert robot.received == []


def test_an_allowed_robot_is_called(robot, settings):
    settings.ROBOT_HOSTS = ["127.0.0.1"]
    settings.ROBOT_ALLOW_PRIVATE = True

    outcome = post_robot(robot.url(), "测试")

    assert (outcome.ok, outcome.code) == (True, "0")
    assert [r.body for r in robot.received] == [{"msgtype": "text", "text": {"content": "测试"}}]


def test_a_redirect_is_not_followed(settings):
    settings.ROBOT_HOSTS = ["127.0.0.1"]
    settings.ROBOT_ALLOW_PRIVATE = True
    with (
        FakeRobotServer(FakeRobot()) as inside,
        FakeRobotServer(FakeRobot(redirect_to=inside.url("/internal"))) as robot,
    ):
        outcome = post_robot(robot.url(), "测试")

        assert (outcome.ok, outcome.code) == (False, "302")
        assert len(robot.received) == 1
        assert inside.received == []
