"""Files refused by the API's check of an import: 400 with the reason under `file`."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.orgs.test_import_bomb import TOO_LARGE, bomb


def test_the_api_check_refuses_a_bomb_with_400_and_the_message(county, api_as):
    response = api_as(county.office_admin).post(
        f"/orgs/{county.county.pk}/import/validate",
        files={"file": SimpleUploadedFile("units.xlsx", bomb(60))},
    )

    assert response.status_code == 400
    body = response.json()
    assert TOO_LARGE in body["message"]
    assert body["fields"]["file"] == [body["message"]]
