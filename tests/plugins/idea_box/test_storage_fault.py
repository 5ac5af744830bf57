"""The uploads folder refusing a file (full, read-only, gone): the resident is told to try
again, and nothing of the idea is saved, neither its row nor a piece of its file."""

import io

from core.services.attachments import Attachment
from core.database import db
from plugins.idea_box.models import Idea

from .test_submission import idea_form, png_bytes


def test_an_idea_whose_image_cannot_be_stored_is_not_saved(app, client, users, login, places,
                                                          tmp_path):
    # A file where the folder should be: every write under it fails, as on a full or
    # read-only disk (root ignores permissions, so a read-only folder would not do here).
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    app.config["STORAGE_PATH"] = str(blocked / "uploads")
    login(client, users["resident"])
    data = idea_form(places, image=(io.BytesIO(png_bytes()), "square.png"),
                     image_description="The square without any tree")
    response = client.post("/ideas/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 503
    assert "The file could not be stored just now, so nothing was saved" in response.text
    assert response.headers["Retry-After"].isdigit()
    assert "Traceback" not in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Idea)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0

    app.config["STORAGE_PATH"] = str(tmp_path / "storage")
    response = client.post("/ideas/new", data={**data, "image": (io.BytesIO(png_bytes()), "square.png")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Your idea is published" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Idea)) == 1
