"""Attachments and images, proved with the noticeboard plugin."""

import io

import pytest
from PIL import Image

from core.services.attachments import Attachment
from core.database import db


def jpeg_with_location(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (47.0, 44.0, 50.0)}  # GPS latitude (Mulhouse)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif(), "the sample must carry metadata"
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, notice, data: bytes, name: str, description: str = ""):
    return client.post(
        f"/content/noticeboard.notice/{notice.id}/attachments",
        data={"file": (io.BytesIO(data), name), "description": description},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


@pytest.fixture
def draft(users, make_notice):
    return make_notice(users["resident"], title="Fresque au Nordfeld", state="draft")


def test_author_adds_an_image_whose_metadata_is_stripped(client, users, login, draft):
    login(client, users["resident"])
    response = upload(client, draft, jpeg_with_location(), "IMG_0042.JPG", "A red wall to paint")
    assert response.status_code == 200
    attachment = db.session.scalar(db.select(Attachment))
    assert attachment.kind == "image" and attachment.mime_type == "image/jpeg"
    served = client.get(f"/files/{attachment.id}/{attachment.original_name}")
    assert served.status_code == 200
    image = Image.open(io.BytesIO(served.data))
    assert image.size == (64, 48)
    assert not image.getexif(), "camera and location metadata must be gone"
    page = client.get(f"/notices/{draft.id}")
    assert 'alt="A red wall to paint"' in page.text


def test_type_comes_from_the_content_not_the_name(client, users, login, draft):
    login(client, users["resident"])
    response = upload(client, draft, b"MZ\x90\x00 this is a program", "photo.jpg", "fake")
    assert "not an image we can read" in response.text or "pas une image" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0
    response = upload(client, draft, PDF, "disguised.png")
    assert response.status_code == 200
    attachment = db.session.scalar(db.select(Attachment))
    assert attachment.kind == "pdf" and attachment.original_name == "disguised.pdf"


def test_image_without_description_is_refused_with_a_message(client, users, login, draft):
    login(client, users["resident"])
    response = upload(client, draft, jpeg_with_location(), "photo.jpg", "")
    assert "Describe the image" in response.text or "Décrivez" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0


def test_too_large_file_is_refused(client, app, users, login, draft):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    login(client, users["resident"])
    response = upload(client, draft, PDF + b"0" * 4096, "big.pdf")
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0
    assert response.status_code == 200


def test_files_of_content_nobody_else_may_see_are_404(client, users, login, draft):
    login(client, users["resident"])
    upload(client, draft, PDF, "plan.pdf")
    attachment = db.session.scalar(db.select(Attachment))
    url = f"/files/{attachment.id}/{attachment.original_name}"
    assert client.get(url).status_code == 200  # the author sees their draft's files
    client.post("/account/logout")
    assert client.get(url).status_code == 404  # a visitor does not even learn it exists
    assert client.get(f"/files/{attachment.id + 1}/x.pdf").status_code == 404


def test_others_cannot_attach_to_someone_elses_content(client, users, login, draft, make_user):
    other = make_user("other@example.org")
    draft.state = "published"
    db.session.commit()
    login(client, other)
    response = client.post(
        f"/content/noticeboard.notice/{draft.id}/attachments",
        data={"file": (io.BytesIO(PDF), "x.pdf")}, content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0


def test_author_removes_a_file(client, users, login, draft):
    login(client, users["resident"])
    upload(client, draft, PDF, "plan.pdf")
    attachment = db.session.scalar(db.select(Attachment))
    path = attachment.path
    assert path.exists()
    client.post(f"/files/{attachment.id}/delete")
    db.session.expire_all()
    assert db.session.get(Attachment, attachment.id) is None
    assert not path.exists()
