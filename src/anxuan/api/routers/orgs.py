"""The organisation tree, and checking a unit list before an import (nothing is written)."""

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, UploadedFile

from anxuan.api.errors import file_error
from anxuan.api.pagination import Page, PageParams, paginate
from anxuan.api.schemas import ImportPreviewOut, OrgDetailOut, OrgOut
from anxuan.orgs import importing
from anxuan.orgs.enums import OrgKind
from anxuan.orgs.selectors import get_organization_for, organizations_visible_to

router = Router(tags=["organisations"])


class OrgFilters(Schema):
    under: int | None = Field(None, description="only this organisation and its subtree")
    kind: OrgKind | None = None


@router.get("/orgs", response=Page[OrgOut])
def list_orgs(request: HttpRequest, filters: Query[OrgFilters], page: Query[PageParams]):
    """The organisations the caller sees, in tree order (each after its parent): `depth` and
    `parent_id` draw the tree."""
    orgs = organizations_visible_to(request.user)
    if filters.under is not None:
        orgs = orgs.filter(path__startswith=get_organization_for(request.user, filters.under).path)
    if filters.kind:
        orgs = orgs.filter(kind=filters.kind)
    return paginate(orgs, page, order="path")


@router.get("/orgs/{org_id}", response=OrgDetailOut)
def get_org(request: HttpRequest, org_id: int):
    org = get_organization_for(request.user, org_id)
    return {
        **{name: getattr(org, name) for name in OrgOut.model_fields},
        "children": org.children.filter(archived=False).order_by("path"),
        "can_manage": request.user.has_perm("orgs.manage_organization", org),
    }


@router.post("/orgs/{org_id}/import/validate", response=ImportPreviewOut)
def validate_import(request: HttpRequest, org_id: int, file: File[UploadedFile]):
    """Check a unit list (.xlsx, the import template's columns) for an import under this
    organisation: every error with its row and column. A dry run: nothing is written."""
    root = get_organization_for(request.user, org_id, perm="orgs.manage_organization")
    try:
        rows = importing.read_workbook(file.file, file.size)
    except importing.ImportFileError as exc:
        raise file_error(exc.code, [str(exc)]) from None
    return importing.validate_rows(rows, root=root, actor=request.user)
