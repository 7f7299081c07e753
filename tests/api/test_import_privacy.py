"""The API's import check (a dry run) names no one outside the caller's subtree."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.orgs.test_import_privacy import OUTSIDE, neighbour_liaison, upload


def test_the_api_check_of_an_import_names_no_one_of_another_county(county, api_as):
    other = neighbour_liaison(county)
    content = upload([["甲公司", "", "企业", "", "别人", other.mobile]]).getvalue()

    response = api_as(county.office_admin).post(
        f"/orgs/{county.county.pk}/import/validate",
        files={"file": SimpleUploadedFile("units.xlsx", content)},
    )

    assert response.status_code == 200
    assert [e["message"] for e in response.json()["errors"]] == [OUTSIDE.format(m=other.mobile)]
    assert "孙悦" not in response.content.decode()
