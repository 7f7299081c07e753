"""Import and export of unit lists as .xlsx: the format offices already keep in Excel.

Nothing is written until a file validates clean: `read_workbook` parses, `validate_rows`
reports every error with its row and column, and `apply_import` writes all rows in one
transaction after validating them again.
"""

import io
from dataclasses import dataclass, field
from typing import IO, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from anxuan.core.audit import record
from anxuan.core.files import TOO_LARGE, UNSUPPORTED_TYPE
from anxuan.core.sheets import ArchiveError, check_xlsx_archive, sheet_row, typed_text
from anxuan.orgs.enums import OrgKind, Role
from anxuan.orgs.models import Membership, Organization, Person
from anxuan.orgs.rules import subtree_q
from anxuan.orgs.services import add_membership, create_organization, create_person
from anxuan.orgs.validators import MOBILE_RE, REGION_CODE_RE

# (key, header as offices write it)
COLUMNS = [
    ("name", "单位名称"),
    ("parent", "上级单位"),
    ("kind", "单位类型"),
    ("region_code", "区划代码"),
    ("liaison_name", "联络员姓名"),
    ("liaison_mobile", "联络员手机"),
]
HEADERS = dict(COLUMNS)
LETTERS = {key: get_column_letter(i + 1) for i, (key, _h) in enumerate(COLUMNS)}
MAX_NAME = 100


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, too large, no header. `code` tells a
    file that is too large or not a workbook (the API's 413 and 415) from the rest."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass
class RowError:
    row: int
    column: str  # a key of COLUMNS, or "" for the whole row
    message: str

    @property
    def column_label(self) -> str:
        if not self.column:
            return ""
        return f"{LETTERS[self.column]} {HEADERS[self.column]}"


@dataclass
class ImportPreview:
    rows: list[dict[str, str]]
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class NewAccount(NamedTuple):
    unit: str
    full_name: str
    username: str
    password: str  # the initial one, to hand over; the account keeps only its hash


@dataclass
class ImportResult:
    organizations: int
    accounts: list[NewAccount]


def kind_lookup() -> dict[str, str]:
    """Kind values by every way an office may write them: Chinese label, English label, code."""
    table = {k.value: k.value for k in OrgKind}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            table.update({str(k.label): k.value for k in OrgKind})
    return table


def kind_label_zh(kind: str) -> str:
    with translation.override("zh-hans"):
        return str(OrgKind(kind).label)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # region codes and mobiles typed as numbers
    return typed_text(str(value).strip())  # as typed, from a list this module exported


def read_workbook(fileobj: IO[bytes], size: int) -> list[dict[str, str]]:
    """Rows of the first sheet as dicts keyed by column, each with its sheet row number.
    The archive is checked for what it unpacks to before openpyxl opens it, and the sheet
    is streamed (read-only mode)."""
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is too large (%(size)d KB); at most %(max)d KB.")
            % {"size": size // 1024, "max": settings.IMPORT_MAX_BYTES // 1024},
            code=TOO_LARGE,
        )
    head = fileobj.read(4)
    fileobj.seek(0)
    if head != b"PK\x03\x04":
        raise ImportFileError(
            _("This is not an Excel .xlsx file. Save it as .xlsx and try again."),
            code=UNSUPPORTED_TYPE,
        )
    try:
        check_xlsx_archive(fileobj, max_unpacked=settings.IMPORT_MAX_UNPACKED_BYTES)
    except ArchiveError as exc:
        raise ImportFileError(
            str(exc), code=UNSUPPORTED_TYPE if exc.code == "not_xlsx" else "invalid"
        ) from exc
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
        sheet = wb.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header = [_cell_text(v) for v in next(rows_iter, ())]
        missing = [title for _key, title in COLUMNS[:3] if title not in header]
        if missing:
            raise ImportFileError(
                _("Row 1 must be the header; missing columns: %(cols)s. Use the template.")
                % {"cols": "、".join(missing)}
            )
        index = {key: header.index(title) for key, title in COLUMNS if title in header}
        rows: list[dict[str, str]] = []
        for number, values in enumerate(rows_iter, start=2):
            cells = {
                key: _cell_text(values[i]) if i < len(values) else "" for key, i in index.items()
            }
            if not any(cells.values()):
                continue
            if len(rows) >= settings.IMPORT_MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(max)d rows; split it into several files.")
                    % {"max": settings.IMPORT_MAX_ROWS}
                )
            cells.setdefault("region_code", "")
            cells.setdefault("liaison_name", "")
            cells.setdefault("liaison_mobile", "")
            cells["row"] = str(number)
            rows.append(cells)
        wb.close()
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many types on a malformed file
        raise ImportFileError(
            _("The Excel file could not be read; it may be damaged. Save it again as .xlsx.")
        ) from exc
    if not rows:
        raise ImportFileError(_("The file has no unit rows below the header."))
    return rows


@dataclass(frozen=True)
class Holder:
    """Someone who already has a mobile number (or a login name equal to it)."""

    name: str
    visible: bool  # inside the importing person's subtree: may be named to them


def _holders(mobiles: set[str], actor: Person) -> tuple[dict[str, Holder], dict[str, Holder]]:
    """The people who hold these numbers as mobile, and those who hold them as login name
    (an import logs a new liaison in with the mobile), each marked as visible to `actor`."""
    found = list(
        Person.objects.filter(Q(mobile__in=mobiles) | Q(username__in=mobiles)).values_list(
            "pk", "username", "mobile", "full_name"
        )
    )
    visible = set(
        Membership.objects.filter(
            subtree_q(actor, field="organization"), person_id__in=[row[0] for row in found]
        ).values_list("person_id", flat=True)
    )
    by_mobile: dict[str, Holder] = {}
    by_login: dict[str, Holder] = {}
    for pk, username, mobile, full_name in found:
        holder = Holder(full_name or username, pk in visible)
        if mobile in mobiles:
            by_mobile[mobile] = holder
        if username in mobiles and username != mobile:
            by_login[username] = holder
    return by_mobile, by_login


def _outside(mobile: str) -> str:
    # Names no one and no place: the holder lies outside what the office may see.
    return _(
        "Mobile %(m)s already has an account registered outside your area and cannot be "
        "imported here. Ask the office above you or the system administrator."
    ) % {"m": mobile}


def validate_rows(
    rows: list[dict[str, str]], *, root: Organization, actor: Person
) -> ImportPreview:
    """Check every row against the file and the database under `root`; write nothing.
    Messages name people only inside `actor`'s subtree: of anyone else they say only that
    the number is taken and whom to ask."""
    preview = ImportPreview(rows=rows)
    err = preview.errors.append
    kinds = kind_lookup()
    existing = list(
        Organization.objects.filter(path__startswith=root.path, archived=False).only(
            "id", "name", "parent_id", "path"
        )
    )
    existing_by_name: dict[str, list[Organization]] = {}
    for org in existing:
        existing_by_name.setdefault(org.name, []).append(org)
    existing_children = {(o.parent_id, o.name) for o in existing}
    file_names: dict[str, int] = {}
    for r in rows:
        if r["name"]:
            file_names.setdefault(r["name"], int(r["row"]))
    codes_in_file = {r["region_code"] for r in rows if r["region_code"]}
    taken_codes = set(
        Organization.objects.filter(region_code__in=codes_in_file).values_list(
            "region_code", flat=True
        )
    )
    mobiles_in_file = {r["liaison_mobile"] for r in rows if r["liaison_mobile"]}
    by_mobile, by_login = _holders(mobiles_in_file, actor)
    file_mobiles: dict[str, str] = {}  # mobile -> liaison name of its first row
    seen_keys: dict[tuple[str, str], int] = {}
    seen_codes: dict[str, int] = {}
    parent_of: dict[str, str] = {}

    for r in rows:
        n = int(r["row"])
        name, parent = r["name"], r["parent"]
        if not name:
            err(RowError(n, "name", _("The unit name is empty.")))
        elif len(name) > MAX_NAME:
            err(
                RowError(
                    n,
                    "name",
                    _("The unit name is longer than %(max)d characters.") % {"max": MAX_NAME},
                )
            )
        if parent and parent == name:
            err(RowError(n, "parent", _("A unit cannot be its own parent.")))
        elif parent:
            in_db = existing_by_name.get(parent, [])
            in_file = parent in file_names
            if not in_db and not in_file:
                err(
                    RowError(
                        n,
                        "parent",
                        _(
                            "Unknown parent unit “%(p)s”: it is neither under "
                            "%(root)s nor in this file."
                        )
                        % {"p": parent, "root": root},
                    )
                )
            elif len(in_db) + in_file > 1:
                err(
                    RowError(
                        n,
                        "parent",
                        _("Several units are named “%(p)s”; the parent is ambiguous.")
                        % {"p": parent},
                    )
                )
            elif in_db and name and (in_db[0].pk, name) in existing_children:
                err(
                    RowError(
                        n,
                        "name",
                        _("“%(n)s” already exists under “%(p)s”.") % {"n": name, "p": parent},
                    )
                )
        elif name and (root.pk, name) in existing_children:
            err(
                RowError(
                    n, "name", _("“%(n)s” already exists under “%(p)s”.") % {"n": name, "p": root}
                )
            )
        if name:
            key = (parent, name)
            if key in seen_keys:
                err(RowError(n, "name", _("Duplicate of row %(r)d.") % {"r": seen_keys[key]}))
            else:
                seen_keys[key] = n
            if parent and parent in file_names:
                parent_of[name] = parent
        if r["kind"] not in kinds:
            err(
                RowError(
                    n,
                    "kind",
                    _("Unknown unit type “%(k)s”; use one of: %(all)s.")
                    % {"k": r["kind"], "all": "、".join(kind_label_zh(k) for k in OrgKind)},
                )
            )
        code = r["region_code"]
        if code:
            if not REGION_CODE_RE.match(code):
                err(RowError(n, "region_code", _("A region code has 6, 9 or 12 digits.")))
            elif code in taken_codes:
                err(
                    RowError(
                        n, "region_code", _("Region code %(c)s is already used.") % {"c": code}
                    )
                )
            elif code in seen_codes:
                err(
                    RowError(
                        n,
                        "region_code",
                        _("Region code %(c)s repeats row %(r)d.")
                        % {"c": code, "r": seen_codes[code]},
                    )
                )
            else:
                seen_codes[code] = n
        lname, mobile = r["liaison_name"], r["liaison_mobile"]
        if mobile and not MOBILE_RE.match(mobile):
            err(
                RowError(
                    n,
                    "liaison_mobile",
                    _("“%(m)s” is not an 11-digit mobile number.") % {"m": mobile},
                )
            )
        elif mobile and not lname:
            err(RowError(n, "liaison_name", _("A liaison mobile needs the liaison's name.")))
        elif lname and not mobile:
            err(RowError(n, "liaison_mobile", _("The liaison's mobile number is missing.")))
        elif (holder := by_mobile.get(mobile) or by_login.get(mobile)) and not holder.visible:
            err(RowError(n, "liaison_mobile", _outside(mobile)))
        elif holder and mobile not in by_mobile:  # the new account's login name is taken
            err(
                RowError(
                    n,
                    "liaison_mobile",
                    _("Mobile %(m)s is already the login name of %(who)s.")
                    % {"m": mobile, "who": holder.name},
                )
            )
        elif holder and holder.name != lname:
            err(
                RowError(
                    n,
                    "liaison_mobile",
                    _("Mobile %(m)s belongs to %(who)s already.")
                    % {"m": mobile, "who": holder.name},
                )
            )
        elif mobile in file_mobiles and file_mobiles[mobile] != lname:
            err(
                RowError(
                    n,
                    "liaison_mobile",
                    _("Mobile %(m)s belongs to %(who)s already.")
                    % {"m": mobile, "who": file_mobiles[mobile]},
                )
            )
        elif mobile:
            file_mobiles.setdefault(mobile, lname)

    for r in rows:  # parents defined in the file must not loop back
        name, hops = r["name"], 0
        while name in parent_of and hops <= len(parent_of):
            name, hops = parent_of[name], hops + 1
        if hops > len(parent_of):
            err(RowError(int(r["row"]), "parent", _("The parent units form a loop.")))
    preview.errors.sort(key=lambda e: (e.row, list(HEADERS).index(e.column) if e.column else -1))
    return preview


@transaction.atomic
def apply_import(*, actor: Person, root: Organization, rows: list[dict[str, str]]) -> ImportResult:
    """Create every unit and liaison account of a clean file, or nothing. Side effects: audit
    rows through the services and one for the import (with the new units' ids); returns the
    new accounts with their initial passwords."""
    preview = validate_rows(rows, root=root, actor=actor)
    if not preview.ok:
        raise ValidationError(_("The file has errors; nothing was imported."))
    kinds = kind_lookup()
    by_name = {
        o.name: o for o in Organization.objects.filter(path__startswith=root.path, archived=False)
    }
    pending = list(rows)
    accounts: list[NewAccount] = []
    created: list[int] = []
    while pending:  # parents first; validation guarantees every parent resolves, no loops
        later = []
        for r in pending:
            parent = by_name.get(r["parent"]) if r["parent"] else root
            if parent is None:
                later.append(r)
                continue
            org = create_organization(
                actor=actor,
                name=r["name"],
                kind=kinds[r["kind"]],
                parent=parent,
                region_code=r["region_code"] or None,
            )
            by_name[org.name] = org
            created.append(org.pk)
            if r["liaison_mobile"]:
                person = Person.objects.filter(mobile=r["liaison_mobile"]).first()
                if person is None:
                    person, password = create_person(
                        actor=actor,
                        username=r["liaison_mobile"],
                        full_name=r["liaison_name"],
                        mobile=r["liaison_mobile"],
                        organization=org,
                        role=Role.LIAISON,
                    )
                    accounts.append(
                        NewAccount(org.name, person.full_name, person.username, password)
                    )
                else:
                    add_membership(actor=actor, person=person, organization=org, role=Role.LIAISON)
        if len(later) == len(pending):
            raise ValidationError(_("The parent units could not be resolved."))
        pending = later
    record(
        actor=actor,
        action="org.import",
        target=root,
        summary=_("%(n)d units imported") % {"n": len(created)},
        organizations=created,
        accounts=[a.username for a in accounts],
    )
    return ImportResult(organizations=len(created), accounts=accounts)


def _header_sheet(wb: Workbook, title: str):
    ws = wb.active
    ws.title = title
    ws.append([h for _k, h in COLUMNS])
    for i, _c in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(i)].width = 22 if i <= 2 else 14
    ws.freeze_panes = "A2"
    return ws


def _to_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_workbook(orgs: list[Organization], liaisons: dict[int, Person]) -> bytes:
    """The units below a root in the import format, parents before children."""
    wb = Workbook()
    ws = _header_sheet(wb, "单位")
    names = {o.pk: o.name for o in orgs}
    for o in orgs:
        liaison = liaisons.get(o.pk)
        ws.append(
            sheet_row(
                [
                    o.name,
                    names.get(o.parent_id, ""),
                    kind_label_zh(o.kind),
                    o.region_code or "",
                    liaison.full_name if liaison else "",
                    (liaison.mobile or "") if liaison else "",
                ]
            )
        )
    return _to_bytes(wb)


def password_workbook(accounts: list[NewAccount], *, login_url: str, title: str) -> bytes:
    """The new accounts and their initial passwords, to print or hand out: one row each."""
    wb = Workbook()
    ws = wb.active
    ws.title = "初始密码"
    ws.append(sheet_row([title]))
    ws["A1"].font = Font(size=14, bold=True)
    ws.append([f"登录地址：{login_url}"])
    ws.append(["首次登录后请立即修改密码；本表打印或分发后请妥善保管或销毁。"])
    ws.append(["单位", "姓名", "登录名", "初始密码"])
    for i in range(1, 5):
        cell = ws.cell(row=4, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for account in accounts:
        ws.append(sheet_row(account))
    for letter, width in zip("ABCD", (28, 12, 16, 16), strict=True):
        ws.column_dimensions[letter].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "4:4"
    ws.freeze_panes = "A5"
    return _to_bytes(wb)


def template_workbook() -> bytes:
    wb = Workbook()
    ws = _header_sheet(wb, "单位")
    ws.append(["城关镇", "", "乡镇（街道）", "620724100", "张三", "13800000001"])
    ws.append(["城关镇中心小学", "城关镇", "学校", "", "李四", "13800000002"])
    ws.append(["县交通运输局", "", "成员单位", "", "王五", "13800000003"])
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "说明"])
    notes.append(["单位名称", "必填，同一上级下不可重名"])
    notes.append(["上级单位", "留空表示直属于导入时选择的单位；也可填写本表中另一行的单位名称"])
    notes.append(["单位类型", "、".join(kind_label_zh(k) for k in OrgKind)])
    notes.append(["区划代码", "可空；6 位（县级以上）、9 位（乡镇）或 12 位（村）数字，不可重复"])
    notes.append(
        ["联络员姓名 / 手机", "可空；填写则两项都要填，手机为 11 位，导入后自动创建联络员账号"]
    )
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 80
    return _to_bytes(wb)
