"""Hazard tips from the public (举报): the tip, its history, its evidence, the office's
rules and reward tables, the custodian of identities and every look at one."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxuan.core.models import StoredFile
from anxuan.orgs.models import Organization
from anxuan.tips.enums import (
    AccidentGrade,
    Category,
    Channel,
    EventKind,
    Extension,
    Reexamination,
    RefusalGround,
    RewardMethod,
    RewardState,
    Sector,
    State,
)

TEXT_MAX = 5000
NOTE_MAX = 2000


def default_remit() -> list[str]:
    """The fields an emergency-management office handles itself (the national default)."""
    return [
        Sector.INDUSTRY_TRADE,
        Sector.MINING,
        Sector.HAZCHEM,
        Sector.FIREWORKS,
        Sector.OTHER,
    ]


def default_departments() -> dict[str, str]:
    """The competent department a tip outside the remit is transferred to (转办)."""
    return {
        Sector.ROAD_TRAFFIC: "公安机关交通管理部门",
        Sector.CONSTRUCTION: "住房和城乡建设主管部门",
        Sector.GAS: "城镇燃气主管部门",
        Sector.FIRE: "消防救援机构",
        Sector.SPECIAL_EQUIPMENT: "市场监督管理部门",
    }


class Tip(models.Model):
    """What a reporter saw, where and about whom, and how the office handled it. The
    receipt code is kept only as an HMAC and the passphrase only as a password hash, so
    neither can be read back; the reporter's name and mobile only as a Fernet token
    (tips.identity). Every due date is stored when its clock starts (tips.clocks), so a
    later change of the office's rules moves no running clock."""

    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    passphrase = models.CharField(max_length=128, editable=False)
    office = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="tips",
        verbose_name=_("handling office"),
    )
    place = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    address = models.CharField(_("address"), max_length=200)
    target = models.CharField(_("enterprise or site"), max_length=200)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    sector = models.CharField(
        _("field"), max_length=24, choices=Sector.choices, default=Sector.INDUSTRY_TRADE
    )
    seen_on = models.DateField(_("when it was seen"), null=True, blank=True)
    description = models.TextField(_("what was seen"), validators=[MaxLengthValidator(TEXT_MAX)])
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED
    )
    identity = models.BinaryField(blank=True, default=b"", editable=False)
    identified = models.BooleanField(_("real name given"), default=False)
    # HMAC of the mobile under the identity key: finds a reporter's tips (receipt recovery,
    # a monthly reward cap) without the mobile being readable from the database.
    reporter_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    entered_by = models.ForeignKey(  # the staff member who took a phone, letter or visit tip
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Acceptance and verification (受理, 核查): dates are Asia/Shanghai calendar days.
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    verify_due = models.DateField(_("verification due"), null=True, blank=True)
    refusal_ground = models.CharField(
        _("ground"), max_length=24, choices=RefusalGround.choices, blank=True
    )
    transferred_to = models.CharField(_("transferred to"), max_length=100, blank=True)
    extension = models.CharField(
        _("extension"), max_length=12, choices=Extension.choices, blank=True, default=""
    )
    extension_days = models.PositiveSmallIntegerField(_("extension days"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    # Closing (办结) with the reply's four parts, then the reply to the reporter (答复).
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    conclusion = models.TextField(_("verification conclusion"), blank=True)
    findings = models.TextField(_("verification in brief"), blank=True)
    decision = models.TextField(_("handling decision"), blank=True)
    reward_eligibility = models.TextField(_("reward eligibility"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    objection_due = models.DateField(_("objection window ends"), null=True, blank=True)
    # Objection (异议) and re-examination (复查) by the level above.
    objected_on = models.DateField(_("objected on"), null=True, blank=True)
    objection = models.TextField(_("objection"), blank=True)
    reexam_office = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reexamined_tips",
        verbose_name=_("re-examining office"),
    )
    reexam_due = models.DateField(_("re-examination due"), null=True, blank=True)
    reexam_outcome = models.CharField(
        _("re-examination"), max_length=8, choices=Reexamination.choices, blank=True
    )
    reexam_result = models.TextField(_("re-examination result"), blank=True)
    final_on = models.DateField(_("re-examined on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    exposed = models.BooleanField(_("marked for media exposure"), default=False)
    reward_table = models.ForeignKey(  # in force when accepted; empty: the national defaults
        "RewardTable", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        indexes = [models.Index(fields=["office", "state"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.target}"


class TipEvent(models.Model):
    """One step of a tip's history: who (a person of an office, or the reporter when empty),
    which office, when, what. `to_reporter` events show on the reporter's page."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    office = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    to_reporter = models.BooleanField(default=False)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class TipFile(StoredFile):
    """A photo, video or document of a tip. The stored file is the copy handlers see, its
    location and device data stripped; the original as uploaded is kept only encrypted
    (`sealed_name`, under the identity key)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="files")
    sealed_name = models.CharField(max_length=200, blank=True, editable=False)
    from_reporter = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta(StoredFile.Meta):
        ordering = ["id"]
        indexes = [StoredFile.unprocessed_index("tips_file_unprocessed")]


class TipRules(models.Model):
    """A jurisdiction's clocks and remit; an office without its own row follows the nearest
    office above it that has one, and the top follows the national defaults below."""

    office = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="tip_rules")
    verify_days = models.PositiveSmallIntegerField(
        _("days to verify after acceptance"), default=60, validators=[MinValueValidator(1)]
    )
    extension_days = models.PositiveSmallIntegerField(
        _("longest extension (days)"), default=30, validators=[MinValueValidator(1)]
    )
    reply_days = models.PositiveSmallIntegerField(
        _("days to reply after closing"), default=10, validators=[MinValueValidator(1)]
    )
    objection_days = models.PositiveSmallIntegerField(
        _("days to object after the reply"), default=10, validators=[MinValueValidator(1)]
    )
    reexam_days = models.PositiveSmallIntegerField(
        _("days to re-examine"), default=30, validators=[MinValueValidator(1)]
    )
    claim_days = models.PositiveSmallIntegerField(
        _("days to claim a reward"), default=60, validators=[MinValueValidator(1)]
    )
    soon_days = models.PositiveSmallIntegerField(
        _("mark as soon due within (days)"), default=5, validators=[MaxValueValidator(60)]
    )
    remit = models.JSONField(_("fields handled by the office"), default=default_remit)
    departments = models.JSONField(
        _("competent departments for other fields"), default=default_departments
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tip rules")
        verbose_name_plural = _("tip rules")

    def __str__(self) -> str:
        return str(self.office)


class Custodian(models.Model):
    """The one person of an office who holds its reporters' identities (可以查看举报人信息)."""

    office = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("custodian"),
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    named_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.office}: {self.person}"


class IdentityAccess(models.Model):
    """Every reveal of a reporter's identity: who, when, why. Never deleted."""

    tip = models.ForeignKey(Tip, on_delete=models.PROTECT, related_name="identity_accesses")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.at:%Y-%m-%d %H:%M}"


class RewardTable(models.Model):
    """A jurisdiction's reward rules as they stood from `created_at`: never edited once
    saved (a change is a new table), so a tip keeps the table in force when accepted."""

    office = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    first_reporter_only = models.BooleanField(
        _("only the first accepted reporter of a matter"), default=True
    )
    note = models.CharField(_("basis"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.office} {self.created_at:%Y-%m-%d}"


class RewardRule(models.Model):
    """How a table rewards one category of tip."""

    table = models.ForeignKey(RewardTable, on_delete=models.CASCADE, related_name="rules")
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    method = models.CharField(_("method"), max_length=16, choices=RewardMethod.choices)
    percent = models.DecimalField(
        _("percentage of the fine"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    minimum = models.DecimalField(
        _("minimum"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    maximum = models.DecimalField(
        _("maximum"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    per_death_general = models.DecimalField(
        _("per death, general accident"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    per_death_larger = models.DecimalField(
        _("per death, larger accident"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    per_death_major = models.DecimalField(
        _("per death, major accident"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    per_death_especially_major = models.DecimalField(
        _("per death, especially major accident"),
        null=True,
        blank=True,
        max_digits=12,
        decimal_places=2,
    )
    fixed_amount = models.DecimalField(
        _("fixed amount"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    monthly_cap = models.DecimalField(
        _("monthly cap per reporter"), null=True, blank=True, max_digits=12, decimal_places=2
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["table", "category"], name="tips_rule_one_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.get_method_display()}"


class Reward(models.Model):
    """A tip's reward: the fine and decision the office recorded, the amount proposed from
    the table in force, the notice and its claim window."""

    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="reward")
    state = models.CharField(_("state"), max_length=16, choices=RewardState.choices)
    fine = models.DecimalField(_("fine"), null=True, blank=True, max_digits=12, decimal_places=2)
    accident_grade = models.CharField(
        _("accident grade"), max_length=20, choices=AccidentGrade.choices, blank=True
    )
    deaths = models.PositiveSmallIntegerField(_("concealed deaths"), null=True, blank=True)
    penalty_decision = models.CharField(_("penalty decision"), max_length=200, blank=True)
    proposed = models.DecimalField(
        _("proposed reward"), default=Decimal(0), max_digits=12, decimal_places=2
    )
    basis = models.TextField(_("how it was computed"), blank=True)
    notice_on = models.DateField(_("notice issued on"), null=True, blank=True)
    claim_due = models.DateField(_("to be claimed by"), null=True, blank=True)
    claimed_on = models.DateField(_("claimed on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid = models.DecimalField(_("paid"), null=True, blank=True, max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tip_id}: {self.proposed}"


class ClockReminder(models.Model):
    """That the handlers of a tip were told its clock is soon due or overdue: once per
    deadline and urgency, whichever worker ran first."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="+")
    due = models.DateField()
    urgency = models.CharField(max_length=8)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tip", "due", "urgency"], name="tips_reminded_once")
        ]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.due} {self.urgency}"
