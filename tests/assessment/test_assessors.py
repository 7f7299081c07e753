"""Named assessors (考核组成员) beside the office's staff: the office names them on the rubric
page by the account they log in with, for every unit or some; they find their units from
the home page and score them, never their own organisation; removing one keeps the scores
they gave."""

from decimal import Decimal

from django.urls import reverse

from anxuan.assessment import services
from anxuan.assessment.models import AssessedScore, Assessor, Item
from anxuan.assessment.services import Entry
from anxuan.campaigns.enums import RequirementKind
from anxuan.core.models import AuditEntry
from tests.assessment.test_sheets import period_of, send, when
from tests.conftest import close_response
from tests.reports.evidence import pdf


def test_the_office_names_an_assessor_for_one_town_who_scores_only_it(county, login):
    rubric = services.open_for_scoring(
        actor=county.office_admin, rubric=services.from_template(county.campaign)
    )
    office = login(county.office_admin)
    add = reverse("assessment:assessor_add", args=[county.campaign.pk])

    unknown = office.post(add, {"account": "13900000000"})
    assert unknown.status_code == 400
    assert "本办所辖单位中没有这个账号。" in unknown.content.decode()
    assert not Assessor.objects.exists()

    named = office.post(add, {"account": county.expert.username, "units": [county.participant.pk]})
    assert named.status_code == 302
    page = office.get(reverse("assessment:rubric", args=[county.campaign.pk])).content.decode()
    assert f'data-assessor="{county.expert.username}"' in page
    assert AuditEntry.objects.filter(action="assessment.assessor").exists()

    expert = login(county.expert)
    home = expert.get(reverse("dashboards:home")).content.decode()
    assert reverse("assessment:assessing", args=[county.campaign.pk]) in home
    units = expert.get(reverse("assessment:assessing", args=[county.campaign.pk])).content.decode()
    assert 'data-unit="城关镇"' in units
    assert units.count("data-unit=") == 1

    funding = Item.objects.get(section__rubric=rubric, title="经费保障")
    score = {f"points-{funding.pk}": "2", f"words-{funding.pk}": "专项经费凭证不全"}
    town = reverse("assessment:assess", args=[county.campaign.pk, county.participant.pk])
    assert expert.post(town, score).status_code == 302
    other = reverse("assessment:assess", args=[county.campaign.pk, county.other_participant.pk])
    assert expert.post(other, score).status_code == 403
    assert list(AssessedScore.objects.values_list("participant_id", "assessor_id", "points")) == [
        (county.participant.pk, county.expert.pk, 2)
    ]

    assessor = Assessor.objects.get()
    login(county.office_admin).post(
        reverse("assessment:assessor_remove", args=[county.campaign.pk, assessor.pk])
    )
    assert not Assessor.objects.exists()
    assert AssessedScore.objects.filter(assessor=county.expert).exists()  # the record stays
    assert login(county.expert).get(town).status_code == 403  # no longer an assessor


def test_an_assessor_named_for_every_unit_never_scores_their_own(county, login):
    rubric = services.open_for_scoring(
        actor=county.office_admin, rubric=services.from_template(county.campaign)
    )
    services.name_assessor(
        actor=county.office_admin, rubric=rubric, person=county.town_liaison, units=[]
    )

    assert county.participant not in services.to_assess(county.town_liaison, rubric)
    assert county.other_participant in services.to_assess(county.town_liaison, rubric)
    own = reverse("assessment:assess", args=[county.campaign.pk, county.participant.pk])
    assert login(county.town_liaison).get(own).status_code == 403


def test_a_named_assessor_opens_the_reports_a_self_score_cites_until_removed(county, login):
    rubric = services.open_for_scoring(
        actor=county.office_admin, rubric=services.from_template(county.campaign)
    )
    plan = send(
        county.town_liaison,
        county.participant,
        period_of(county.campaign, RequirementKind.PLAN),
        when(5, 30, 9),
        files=[pdf()],
    )
    organisation = Item.objects.get(section__rubric=rubric, title="成立专门活动组织机构")
    services.self_score(
        actor=county.town_liaison,
        participant=county.participant,
        entries=[Entry(organisation, Decimal(4), "县委发文成立组委会", (plan.submission_id,))],
    )
    assessor = services.name_assessor(
        actor=county.office_admin, rubric=rubric, person=county.expert, units=[county.participant]
    )

    expert = login(county.expert)
    town = reverse("assessment:assess", args=[county.campaign.pk, county.participant.pk])
    cited = reverse("reports:report_detail", args=[plan.submission_id])
    assert f'href="{cited}"' in expert.get(town).content.decode()
    report = expert.get(cited)
    assert report.status_code == 200
    assert "开展安全宣传咨询活动" in report.content.decode()
    evidence_file = plan.attachments.get()
    file_url = reverse("reports:attachment_file", args=[evidence_file.pk])
    opened = expert.get(file_url)
    close_response(opened)
    assert opened.status_code == 200

    services.remove_assessor(actor=county.office_admin, assessor=assessor)
    assert expert.get(cited).status_code == 404
    assert expert.get(file_url).status_code == 404
